"""FHIR primitive values → our values: times, whole numbers, scored answers.

Every failure raises `MappingError(element, reason)`; the reader turns it into a Problem
with the file, entry and resource id, so a bad value never becomes a traceback.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from db.importers.fhir_codes import ORDINAL_EXTENSIONS, answer_tables


class MappingError(ValueError):
    """A resource that cannot be mapped: which element, and why."""

    def __init__(self, element: str, reason: str) -> None:
        super().__init__(f"{element}: {reason}")
        self.element = element
        self.reason = reason


_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2})?$")


def parse_time(value: Any, element: str, tz: ZoneInfo) -> dt.datetime:
    """A FHIR date/dateTime/instant as an aware UTC datetime.

    A date without a time means 00:00 in the clinic time zone (as in CSV); a time without
    an offset (not valid FHIR, but seen) is read in the clinic time zone too.
    """
    if not isinstance(value, str) or not value.strip():
        raise MappingError(element, f"expected a date or date-time, got {value!r}")
    text = value.strip()
    if _PARTIAL_DATE.match(text):
        raise MappingError(element, f"{text!r} gives no day; a day is needed to place the record")
    try:
        if "T" not in text:
            day = dt.date.fromisoformat(text)
            return dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(dt.UTC)
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise MappingError(element, f"{text!r} is not an ISO 8601 date or date-time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(dt.UTC)


def parse_birth_date(value: Any, element: str, today: dt.date) -> dt.date:
    """A full, plausible birth date (a year or month alone cannot be stored)."""
    if not isinstance(value, str):
        raise MappingError(element, f"expected a date, got {value!r}")
    if _PARTIAL_DATE.match(value.strip()):
        raise MappingError(element, f"{value!r} is only a year or month; a full birth date is needed")
    try:
        born = dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise MappingError(element, f"{value!r} is not a date (YYYY-MM-DD)") from None
    if born > today or born.year < 1900:
        raise MappingError(element, f"{value} is not a plausible birth date")
    return born


def whole_number(value: Any, element: str) -> int:
    """An integer, or a decimal like 20.0 that is one; 20.5 or text is an error."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise MappingError(element, f"expected a number, got {value!r}")
    if isinstance(value, float):
        if not value.is_integer():
            raise MappingError(element, f"{value} is not a whole number")
        return int(value)
    return value


def quantity_or_integer(holder: dict[str, Any], element: str) -> int | None:
    """The whole-number value of an Observation/component: valueInteger or valueQuantity."""
    if "valueInteger" in holder:
        return whole_number(holder["valueInteger"], f"{element}.valueInteger")
    if "valueQuantity" in holder:
        quantity = holder["valueQuantity"]
        if not isinstance(quantity, dict) or "value" not in quantity:
            raise MappingError(f"{element}.valueQuantity", "has no value")
        return whole_number(quantity["value"], f"{element}.valueQuantity.value")
    if "valueDecimal" in holder:
        return whole_number(holder["valueDecimal"], f"{element}.valueDecimal")
    return None


def _ordinal(extensions: Any) -> Any:
    for extension in extensions if isinstance(extensions, list) else []:
        if isinstance(extension, dict) and extension.get("url") in ORDINAL_EXTENSIONS:
            for key in ("valueDecimal", "valueInteger"):
                if key in extension:
                    return extension[key]
    return None


def _words(text: Any) -> str:
    return re.sub(r"[\s_-]+", " ", str(text)).strip().lower() if text is not None else ""


def score_coding(
    coding: dict[str, Any], instrument: str, element: str, option_scores: dict[str, int] | None = None
) -> int:
    """The raw answer a coded choice stands for.

    In order: the LOINC answer code (with or without a system — the MII example has none),
    an ordinal-value extension on the coding, the score its Questionnaire gives that option,
    and finally the answer's own words ("Several days"), for forms with local codes.
    """
    codes, words = answer_tables(instrument)
    code = coding.get("code")
    # LA codes are LOINC's alone, so the system (often missing or an OID) is not checked.
    if code in codes:
        return codes[code]
    ordinal = _ordinal(coding.get("extension"))
    if ordinal is not None:
        return whole_number(ordinal, f"{element} ordinalValue")
    if option_scores and code in option_scores:
        return option_scores[code]
    for text in (code, coding.get("display")):
        if _words(text) in words:
            return words[_words(text)]
    raise MappingError(element, f"answer {code!r} ({coding.get('display', 'no display')}) has no known score")


def score_answer(answer: dict[str, Any], instrument: str, element: str, option_scores: dict[str, int]) -> int:
    """The raw item answer of a QuestionnaireResponse answer or an Observation value."""
    if "valueCoding" in answer:
        ordinal = _ordinal(answer.get("extension"))
        if ordinal is not None:
            return whole_number(ordinal, f"{element} ordinalValue")
        return score_coding(answer["valueCoding"], instrument, element, option_scores)
    if "valueCodeableConcept" in answer:
        return score_concept(answer["valueCodeableConcept"], instrument, element)
    if "valueBoolean" in answer:
        return 1 if answer["valueBoolean"] is True else 0
    if "valueString" in answer:
        text = str(answer["valueString"]).strip()
        if text.isdigit():
            return int(text)
        _, words = answer_tables(instrument)
        if _words(text) in words:
            return words[_words(text)]
        raise MappingError(element, f"answer {text!r} has no known score")
    number = quantity_or_integer(answer, element)
    if number is None:
        raise MappingError(element, "the answer has no value this reader knows")
    return number


def score_concept(concept: Any, instrument: str, element: str) -> int:
    """A CodeableConcept answer: the first coding that scores."""
    codings = concept.get("coding") if isinstance(concept, dict) else None
    if not codings:
        _, words = answer_tables(instrument)
        text = _words(concept.get("text")) if isinstance(concept, dict) else ""
        if text in words:
            return words[text]
        raise MappingError(element, "the coded answer has no coding")
    first_error: MappingError | None = None
    for coding in codings:
        try:
            return score_coding(coding, instrument, element)
        except MappingError as error:
            first_error = first_error or error
    raise first_error or MappingError(element, "the coded answer has no known score")


def codings(concept: Any) -> list[dict[str, Any]]:
    """The codings of a CodeableConcept, tolerating a missing or odd one."""
    if not isinstance(concept, dict):
        return []
    found = concept.get("coding")
    return [c for c in found if isinstance(c, dict)] if isinstance(found, list) else []
