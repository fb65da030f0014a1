"""De-identification for case consultation (SPEC §7): pseudonyms, ages, days of the course.

A group consultation needs to follow one patient through a discussion without learning who
they are. So a patient is shown by a stable pseudonym (the same patient always gets the same
one under the same key, and it cannot be turned back into the id without the key), an age in
whole years instead of a birth date, and "day N of course" (days since the first dose)
instead of calendar dates. Plain Python: the key is handed in by the services.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Iterable
from zoneinfo import ZoneInfo

# No 0/O, 1/I/L, 5/S, 8/B: a pseudonym is read aloud in a consultation group and written down.
PSEUDONYM_ALPHABET = "ACDEFGHJKMNPQRTUVWXY2345679"
PSEUDONYM_LENGTH = 6  # 27**6 ≈ 387 million: a clash within one consultation view is very unlikely
PSEUDONYM_PREFIX = "Patient"
# HIPAA Safe Harbor pools ages above 89: a 97-year-old is identifiable in a small clinic.
OLDEST_SHOWN_AGE = 89
BEFORE_DOSING = "before dosing"

# ISO dates as the engine writes them in evidence sentences, with an optional time and zone:
# 2026-03-04, 2026-03-04 15:30 UTC, 2026-03-04T15:30:00+00:00.
_ISO_MOMENT = re.compile(
    r"(?<!\d)(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(\s?UTC|Z|[+-]\d{2}:?\d{2})?)?(?!\d)"
)
# Anything else that reads like a calendar date (for the last check before a de-identified page
# is drawn): ISO dates, 04/03/2026, 4.3.2026, "4 March 2026", "March 4, 2026", "Mar 2026", "04 Mar".
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE_LIKE = re.compile(
    r"(?<!\d)\d{4}-\d{1,2}-\d{1,2}(?!\d)"
    r"|(?<!\d)\d{1,2}[/.]\d{1,2}[/.]\d{2,4}(?!\d)"
    rf"|(?<![a-z])\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}(?![a-z])"
    rf"|(?<![a-z]){_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?(?![\d:])"
    rf"|(?<![a-z]){_MONTHS}\.?\s+\d{{4}}(?!\d)",
    re.IGNORECASE,
)


def pseudonym(patient_id: str, key: str | bytes) -> str:
    """`Patient K7QF2M`: an HMAC-SHA256 of the id under the clinic's secret, read in a fixed alphabet.

    Stable for a given key; without the key neither the id nor a guess at it can be checked.
    """
    secret = key.encode() if isinstance(key, str) else key
    if not secret:
        raise ValueError("a pseudonym needs a non-empty key (KAP_PSEUDONYM_KEY)")
    digest = hmac.new(secret, str(patient_id).encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    letters = []
    for _ in range(PSEUDONYM_LENGTH):
        number, index = divmod(number, len(PSEUDONYM_ALPHABET))
        letters.append(PSEUDONYM_ALPHABET[index])
    return f"{PSEUDONYM_PREFIX} {''.join(letters)}"


def pseudonyms(patient_ids: Iterable[str], key: str | bytes) -> dict[str, str]:
    """Pseudonyms for the patients of one view; a clash (very rare) gets a numbered suffix.

    The suffix follows the order of the ids, so the same view always labels a clash the same way.
    """
    labels: dict[str, str] = {}
    seen: dict[str, int] = {}
    for patient_id in sorted(set(patient_ids)):
        label = pseudonym(patient_id, key)
        seen[label] = seen.get(label, 0) + 1
        labels[patient_id] = label if seen[label] == 1 else f"{label} ({seen[label]})"
    return labels


def age_in_years(birth_date: dt.date, on: dt.date) -> int:
    """Whole years completed on the day (a birthday today counts)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def age_label(birth_date: dt.date, on: dt.date) -> str:
    """`47 years`; ages above 89 pooled as `90+ years` (Safe Harbor)."""
    age = age_in_years(birth_date, on)
    return f"{OLDEST_SHOWN_AGE + 1}+ years" if age > OLDEST_SHOWN_AGE else f"{age} years"


def course_day(day: dt.date, first_dose_day: dt.date | None) -> int | None:
    """Days since the first dose (0 on its day, negative before it); None when no dose yet."""
    if first_dose_day is None:
        return None
    return (day - first_dose_day).days


def course_day_label(day: dt.date | None, first_dose_day: dt.date | None) -> str:
    """`day 12`, `day -3` or `before dosing` — never the calendar date."""
    if day is None:
        return "no date"
    number = course_day(day, first_dose_day)
    return BEFORE_DOSING if number is None else f"day {number}"


def relative_label(day: dt.date, today: dt.date) -> str:
    """`today`, `in 3 days`, `5 days ago`: how far a day is from the evaluation day."""
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    return f"in {delta} days" if delta > 0 else f"{-delta} days ago"


def redact_dates(text: str, first_dose_day: dt.date | None, tz: ZoneInfo) -> str:
    """Every ISO date or moment in a generated sentence replaced by its day of the course.

    A moment with a zone (`… 15:30 UTC`) is moved to the clinic's zone first, so it names the
    same day as everything else on the page. The time of day is dropped with the date.
    """

    def replace(match: re.Match[str]) -> str:
        year, month, day, hour, minute, zone = match.groups()
        try:
            moment = dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0))
        except ValueError:
            return "[date]"
        if hour is not None and zone:
            moment = moment.replace(tzinfo=_zone_of(zone)).astimezone(tz)
        return course_day_label(moment.date(), first_dose_day)

    # "positive SI day 2026-03-04" would read "positive SI day day 2".
    return re.sub(r"\bday (day -?\d+)", r"\1", _ISO_MOMENT.sub(replace, text))


def _zone_of(zone: str) -> dt.tzinfo:
    zone = zone.strip()
    if zone in ("UTC", "Z"):
        return dt.UTC
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))


def find_date_like(text: str) -> list[str]:
    """Every stretch of the text that reads like a calendar date (the fail-closed check)."""
    return [match.group(0) for match in _DATE_LIKE.finditer(text)]
