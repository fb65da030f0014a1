"""Reading one CSV cell: text, identifiers, choices, numbers, dates and times.

Each reader returns the value or raises `CellError` whose message is written for someone
who has never seen the code ("expected a date like 2026-03-04, got '03/04/2026'").
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from zoneinfo import ZoneInfo

IDENTIFIER_MAX = 64  # the width of patient_id / username columns
NAME_MAX = 200
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")
# Plain decimals only: Python's float() would also take "1_000", "nan" or "1e3".
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")

# Plausible ranges of what a dosing session records. SPEC §2.1 fixes blood pressure and the
# dose; the others only catch a value typed into the wrong column (a weight in the SpO2 cell).
DOSING_RANGES: dict[str, tuple[float, float]] = {
    "bp_pre_sys": (40, 300),
    "bp_pre_dia": (20, 200),
    "bp_post_sys": (40, 300),
    "bp_post_dia": (20, 200),
    "bp_peak_sys": (40, 300),
    "bp_peak_dia": (20, 200),
    "heart_rate": (20, 250),
    "spo2_min": (50, 100),
    "cadss": (0, 92),  # CADSS total: 23 items × 0–4
    "observed_minutes": (1, 1440),
    "weight_kg": (20, 400),
}
DOSE_MG_MAX = 1000  # above any KAP route's dose; catches µg or a misplaced decimal point
PLANNED_DOSES_MAX = 52
OLDEST_BIRTH_YEARS = 120

_DATE_EXAMPLE = "a date like 2026-03-04"
_MOMENT_EXAMPLE = "a date like 2026-03-04 or a date and time like 2026-03-04T15:30 (optionally with an offset: +01:00)"


class CellError(ValueError):
    """A cell's value is not acceptable; the message says what was expected."""


def shown(cell: str) -> str:
    """A cell as quoted in a message, cut short so one bad note can't flood the terminal."""
    return repr(cell if len(cell) <= 40 else cell[:37] + "...")


def identifier(cell: str, what: str) -> str:
    if len(cell) > IDENTIFIER_MAX:
        raise CellError(f"{what} is longer than {IDENTIFIER_MAX} characters")
    return cell


def username(cell: str) -> str:
    identifier(cell, "a username")
    if not USERNAME_PATTERN.match(cell):
        raise CellError(
            f"expected a username of letters, digits and . _ @ - (no spaces), starting with a letter or digit,"
            f" got {shown(cell)}"
        )
    return cell


def name(cell: str) -> str:
    if len(cell) > NAME_MAX:
        raise CellError(f"a name may be at most {NAME_MAX} characters")
    return cell


def choice(cell: str, options: Iterable[str]) -> str:
    """One of the options, case-insensitive; `Follow-up` and `follow up` mean `follow_up`."""
    options = tuple(options)
    wanted = re.sub(r"[\s-]+", "_", cell.strip().lower())
    if wanted in options:
        return wanted
    raise CellError(f"expected one of {', '.join(options)}, got {shown(cell)}")


def _number(cell: str) -> float:
    # `\d` also matches other scripts' digits (３, ٣): only ASCII decimals are plain decimals.
    if not cell.isascii() or not _NUMBER.match(cell):
        raise CellError(f"expected a number, got {shown(cell)}")
    value = float(cell)
    if not math.isfinite(value):  # 400 digits overflow to infinity
        raise CellError(f"{shown(cell)} is out of range: far too large a number")
    return value


def whole_number(cell: str, low: float, high: float) -> int:
    """A whole number in [low, high]; `3.0` (as spreadsheets write it) is 3."""
    value = _number(cell)
    if value != int(value):
        raise CellError(f"expected a whole number, got {shown(cell)}")
    if not low <= value <= high:
        raise CellError(f"{cell} is out of range: expected {_bound(low)} to {_bound(high)}")
    return int(value)


def decimal(cell: str, low: float, high: float, *, above_low: bool = False) -> float:
    value = _number(cell)
    if above_low and value <= low:
        raise CellError(f"{cell} is out of range: expected more than {_bound(low)} (up to {_bound(high)})")
    if not low <= value <= high:
        raise CellError(f"{cell} is out of range: expected {_bound(low)} to {_bound(high)}")
    return value


def _bound(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def day(cell: str) -> dt.date:
    """A calendar date (ISO 8601, `2026-03-04`); a time of day is refused where only a date makes sense."""
    try:
        return dt.date.fromisoformat(cell)
    except ValueError:
        raise CellError(f"expected {_DATE_EXAMPLE}, got {shown(cell)}") from None


def moment(cell: str, tz: ZoneInfo) -> dt.datetime:
    """A point in time as aware UTC. A date alone is 00:00 and a time without offset is clinic time."""
    try:
        if len(cell) <= 10 and "T" not in cell and ":" not in cell:
            parsed = dt.datetime.combine(dt.date.fromisoformat(cell), dt.time())
        else:
            parsed = dt.datetime.fromisoformat(cell)
    except ValueError:
        raise CellError(f"expected {_MOMENT_EXAMPLE}, got {shown(cell)}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    try:
        return parsed.astimezone(dt.UTC)
    except OverflowError:  # 0001-01-01T00:00+05:00 falls before the year 1 in UTC
        raise CellError(f"{shown(cell)} is out of range: not a date and time this program can store") from None


def birth_date(cell: str, today: dt.date) -> dt.date:
    born = day(cell)
    if born > today:
        raise CellError(f"birth date {born.isoformat()} is in the future")
    if born.year < today.year - OLDEST_BIRTH_YEARS:
        raise CellError(f"birth date {born.isoformat()} is not plausible (more than {OLDEST_BIRTH_YEARS} years ago)")
    return born
