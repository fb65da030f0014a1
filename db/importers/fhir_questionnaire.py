"""QuestionnaireResponse → a PHQ-9, PHQ-2, GAD-7 or C-SSRS with its items (SPEC §2.2).

Forms in the wild rarely agree on linkIds, so the instrument is recognised, in order, by:
the `questionnaire` canonical naming a LOINC panel; the Questionnaire itself when the file
holds it (its code, its items' codes); LOINC item codes on the answered items or in their
linkIds; and last the canonical's own name (`…/PHQ9`, as the HL7 SDC example has it).

Each answered item is then placed by its LOINC code (item `code`, a code inside the
linkId, or the code its Questionnaire gives that linkId), else by a trailing number in a
linkId that carries no code (`PHQ.1`, `H1/T1/Q1` — the MII response's linkIds match no
Questionnaire). A linkId that names a score (`PHQ.Score`, `H1/TS`) holds the stated total.
Items that are not the instrument's (the PHQ-9 "how difficult" question) are ignored.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from clinical.instruments import INSTRUMENTS
from db.importers.fhir_assessments import Fragment
from db.importers.fhir_codes import CODED_INSTRUMENTS, LOINC_SYSTEMS, ORDINAL_EXTENSIONS, PANELS, TOTALS, item_number
from db.importers.fhir_index import Entry, FileIndex
from db.importers.fhir_values import MappingError, codings, parse_time, quantity_or_integer, score_answer, whole_number
from db.records import Location

LOINC_IN_TEXT = re.compile(r"(?<![\d-])(\d{3,7}-\d)(?!\d)")
NUMBERED_TOKEN = re.compile(r"^[A-Za-z]*(\d+)$")
TOTAL_WORDS = {"score", "total", "ts", "totalscore", "sum", "sumscore"}
NAME_ENDINGS = (("phq9", "PHQ-9"), ("phq2", "PHQ-2"), ("gad7", "GAD-7"), ("cssrsscreener", "C-SSRS"))


def read_questionnaire_response(entry: Entry, index: FileIndex, tz: ZoneInfo, source: Location) -> Fragment | str:
    """The assessment this response records, or why it is skipped."""
    resource = entry.resource
    if resource.get("status") == "entered-in-error":
        return "QuestionnaireResponse: status entered-in-error"
    canonical = _canonical(resource.get("questionnaire"))
    form = index.questionnaire(canonical)
    leaves = list(_answered_items(resource.get("item"), "item"))
    instrument = _recognise(canonical, form, leaves)
    if instrument is None:
        return f"QuestionnaireResponse {canonical or '(no questionnaire)'}: questionnaire not recognised"
    if "authored" not in resource:
        raise MappingError("authored", "missing: the response has no date")
    fragment = Fragment(
        patient_id=index.patient_id(resource.get("subject")),
        administered_at=parse_time(resource["authored"], "authored", tz),
        instrument=instrument,
        source=source,
    )
    form_items = _form_items(form)
    for element, item in leaves:
        link_id = str(item.get("linkId", ""))
        form_item = form_items.get(link_id, {})
        role = _role(item, form_item, instrument)
        if role is None:
            continue
        answer = _single_answer(item, element)
        if isinstance(role, int):
            fragment.items[role] = score_answer(answer, instrument, element, _option_scores(form_item))
        else:
            fragment.total = _total(answer, element)
    if not fragment.items and fragment.total is None:
        return f"QuestionnaireResponse {instrument}: no answers"
    return fragment


def _canonical(value: Any) -> str | None:
    if isinstance(value, dict):  # STU3 wrote a Reference here
        value = value.get("reference")
    return value if isinstance(value, str) and value else None


def _answered_items(items: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(element path, item) of every item with an answer, groups and nested answers included."""
    if items is None:
        return
    if not isinstance(items, list):
        raise MappingError(path, "is not a list")
    for position, item in enumerate(items):
        element = f"{path}[{position}]"
        if not isinstance(item, dict):
            raise MappingError(element, "is not an object")
        if item.get("linkId"):
            element = f"item[linkId={item['linkId']}]"
        answers = item.get("answer") or []
        if answers:
            yield element, item
        for answer in answers if isinstance(answers, list) else []:
            if isinstance(answer, dict):
                yield from _answered_items(answer.get("item"), f"{element}.answer.item")
        yield from _answered_items(item.get("item"), f"{element}.item")


def _codes_of(item: dict[str, Any], form_item: dict[str, Any]) -> list[str]:
    """LOINC codes of an answered item: its own code, a code in its linkId, its form item's code."""
    found = [str(c.get("code")) for c in item.get("code") or [] if isinstance(c, dict) and c.get("code")]
    found += LOINC_IN_TEXT.findall(str(item.get("linkId", "")))[-1:]
    found += [
        str(c.get("code"))
        for c in form_item.get("code") or []
        if isinstance(c, dict) and c.get("code") and c.get("system") in LOINC_SYSTEMS
    ]
    return found


def _recognise(
    canonical: str | None, form: dict[str, Any] | None, leaves: list[tuple[str, dict[str, Any]]]
) -> str | None:
    if canonical:
        for code in LOINC_IN_TEXT.findall(canonical):
            if code in PANELS:
                return PANELS[code]
    if form is not None:
        for coding in codings({"coding": form.get("code") or []}):
            if coding.get("code") in PANELS:
                return PANELS[str(coding["code"])]
    codes = [code for _, item in leaves for code in _codes_of(item, {})]
    if form is not None:
        codes += [code for item in _form_items(form).values() for code in _codes_of({}, item)]
    voted = _vote(codes)
    if voted:
        return voted
    for name in (canonical, (form or {}).get("name"), (form or {}).get("url")):
        if isinstance(name, str):
            last = re.sub(r"[^a-z0-9]", "", name.lower().rstrip("/").split("/")[-1])
            for ending, instrument in NAME_ENDINGS:
                if last.endswith(ending):
                    return instrument
    return None


def _vote(codes: list[str]) -> str | None:
    """The instrument most of the codes belong to; a tie goes to the smaller form (PHQ-2)."""
    votes: Counter[str] = Counter()
    for coded in CODED_INSTRUMENTS:
        votes[coded.instrument] = sum(1 for code in codes if code in coded.items or code == coded.total)
    best = max(votes.values(), default=0)
    if best == 0:
        return None
    tied = [name for name, count in votes.items() if count == best]
    return min(tied, key=lambda name: INSTRUMENTS[name].items)


def _form_items(form: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    stack = list((form or {}).get("item") or [])
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("linkId"):
                found[str(item["linkId"])] = item
            stack += item.get("item") or []
    return found


def _role(item: dict[str, Any], form_item: dict[str, Any], instrument: str) -> int | str | None:
    """The item number this answer is, "total", or None (not part of the instrument)."""
    codes = _codes_of(item, form_item)
    for code in codes:
        number = item_number(instrument, code)
        if number is not None:
            return number
        if TOTALS.get(code) == instrument:
            return "total"
    if codes:
        return None  # coded as something else: never guess from its number
    tokens = re.split(r"[/.:_\s]+", str(item.get("linkId", "")).strip())
    last = tokens[-1] if tokens else ""
    if last.lower() in TOTAL_WORDS:
        return "total"
    match = NUMBERED_TOKEN.match(last)
    if match:
        number = int(match.group(1))
        if 1 <= number <= INSTRUMENTS[instrument].items:
            return number
    return None


def _single_answer(item: dict[str, Any], element: str) -> dict[str, Any]:
    answers = [a for a in item.get("answer") or [] if isinstance(a, dict)]
    if not answers:
        raise MappingError(element, "has no readable answer")
    if len(answers) > 1:
        raise MappingError(element, f"has {len(answers)} answers; one is expected")
    return answers[0]


def _total(answer: dict[str, Any], element: str) -> int:
    total = quantity_or_integer(answer, element)
    if total is None and "valueString" in answer:
        text = str(answer["valueString"]).strip()
        total = int(text) if text.isdigit() else None
    if total is None:
        raise MappingError(element, "the stated total is not a number")
    return whole_number(total, element)


def _option_scores(form_item: dict[str, Any]) -> dict[str, int]:
    """Answer code → score, from the ordinal extensions of the form's answer options."""
    scores: dict[str, int] = {}
    for option in form_item.get("answerOption") or []:
        coding = option.get("valueCoding") if isinstance(option, dict) else None
        if not isinstance(coding, dict) or not coding.get("code"):
            continue
        for extension in (option.get("extension") or []) + (coding.get("extension") or []):
            if isinstance(extension, dict) and extension.get("url") in ORDINAL_EXTENSIONS:
                value = extension.get("valueDecimal", extension.get("valueInteger"))
                if isinstance(value, (int, float)) and float(value).is_integer():
                    scores[str(coding["code"])] = int(value)
    return scores
