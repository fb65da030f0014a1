"""Flags about the care process (SPEC §6): `bp_high`, `vitals_missing`, `integration_missing`
(sticky, one per dosing session) and `assessment_overdue` (state).

Days are clinic calendar days. "Within 7 days" of a dose counts the dose's day as day 0,
so an integration session on day 7 is in time and one on day 8 is not; the flag appears
once day 7 has ended. "In the 14 days up to and including the evaluation day" is the day
and the 13 before it.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

from clinical.days import day_number, day_start_ns, from_ns, iso_day
from clinical.lifecycle import Condition, Evidence, Trigger
from clinical.rules import DEFAULT_RULES, Rules

READINGS = (("pre", "pre-dose"), ("peak", "peak"), ("post", "post-dose"))


@dataclass(frozen=True)
class Dose:
    """A dosing session that took place, with its blood pressure readings (None = blank)."""

    at: int
    day: int
    bp: dict[str, tuple[float | None, float | None]]  # pre / peak / post -> (systolic, diastolic)

    # Cached: overdue evidence names the same dose on every day its condition changes.
    @cached_property
    def when(self) -> str:
        return from_ns(self.at).strftime("%Y-%m-%d %H:%M UTC")

    @cached_property
    def session_at(self) -> str:
        return from_ns(self.at).isoformat()

    def evidence(self, detail: str, **extra: object) -> Evidence:
        return {"date": iso_day(self.day), "detail": detail, "session_at": self.session_at, **extra}


def _blank(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def vitals_missing_triggers(doses: Sequence[Dose]) -> list[Trigger]:
    """A dosing session without pre-dose or post-dose blood pressure (either number blank)."""
    triggers = []
    for dose in doses:
        missing = [label for key, label in READINGS if key != "peak" and any(_blank(v) for v in dose.bp[key])]
        if missing:
            detail = f"dosing session {dose.when} has no {' or '.join(missing)} blood pressure"
            triggers.append(Trigger(at=dose.at, since=dose.day, key=str(dose.at), evidence=dose.evidence(detail)))
    return triggers


def bp_high_triggers(doses: Sequence[Dose], rules: Rules = DEFAULT_RULES) -> list[Trigger]:
    """Pre-dose ≥ 140/90, or any reading ≥ 180/110 (then the level is high)."""
    triggers = []
    for dose in doses:
        raised, severe = [], False
        for key, label in READINGS:
            systolic, diastolic = (None if _blank(v) else v for v in dose.bp[key])
            is_severe = (systolic is not None and systolic >= rules.bp_any_sys_severe) or (
                diastolic is not None and diastolic >= rules.bp_any_dia_severe
            )
            is_high = key == "pre" and (
                (systolic is not None and systolic >= rules.bp_pre_sys_high)
                or (diastolic is not None and diastolic >= rules.bp_pre_dia_high)
            )
            if is_severe or is_high:
                raised.append(f"{label} {_reading(systolic)}/{_reading(diastolic)}")
                severe = severe or is_severe
        if raised:
            detail = f"dosing session {dose.when}: blood pressure {', '.join(raised)}"
            evidence = dose.evidence(detail, level="high" if severe else "moderate")
            triggers.append(Trigger(at=dose.at, since=dose.day, key=str(dose.at), evidence=evidence))
    return triggers


def _reading(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


def integration_missing_triggers(
    doses: Sequence[Dose],
    integration_times: Sequence[int],
    integration_days: Sequence[int],
    *,
    tz: ZoneInfo,
    rules: Rules = DEFAULT_RULES,
) -> list[Trigger]:
    """A dose with no integration session after it within 7 days, raised once those days are over."""
    triggers = []
    window = rules.integration_within_days
    for dose in doses:
        first_after = bisect_right(integration_times, dose.at)
        in_time = first_after < len(integration_times) and integration_days[first_after] <= dose.day + window
        if in_time:
            continue
        due = dose.day + window + 1
        detail = f"no integration session within {window} days after the dosing session {dose.when}"
        triggers.append(
            Trigger(at=day_start_ns(due, tz), since=dose.day, key=str(dose.at), evidence=dose.evidence(detail))
        )
    return triggers


def overdue_conditions(
    *,
    enrolled_on: dt.date | None,
    si_days: Sequence[int],
    si_last_at: Sequence[int],
    doses: Sequence[Dose],
    tz: ZoneInfo,
    rules: Rules = DEFAULT_RULES,
) -> list[Condition]:
    """`assessment_overdue` for an active patient: its condition at every day it can change.

    `si_days` are the patient's SI-bearing days (ascending, unique) and `si_last_at` the
    moment of each day's last SI-bearing assessment.
    """
    window = rules.overdue_si_window_days
    enrolled = None if enrolled_on is None else day_number(enrolled_on)
    # Each family is a list of disjoint day intervals [start, end] (end None = open-ended)
    # with the key its evidence is written from; the flag's condition is their union.
    screening = [] if enrolled is None else _screening_gaps(si_days, enrolled + rules.overdue_enrolled_days, window)
    unscreened = _unscreened_doses(si_days, doses, rules.overdue_dose_si_window_days)
    boundaries = sorted(
        {start for start, _, _ in screening + unscreened}
        | {end + 1 for _, end, _ in screening + unscreened if end is not None}
    )
    record_at = dict(zip(si_days, si_last_at, strict=True))
    for dose in doses:
        record_at[dose.day] = max(record_at.get(dose.day, dose.at), dose.at)

    screening_starts = [start for start, _, _ in screening]
    unscreened_starts = [start for start, _, _ in unscreened]
    conditions: list[Condition] = []
    state: tuple[object, object] = (None, None)
    for day in boundaries:
        key = (_active(screening, screening_starts, day), _active(unscreened, unscreened_starts, day))
        if key != state:
            state = key
            evidence = tuple(_overdue_evidence(key, enrolled, doses, rules))
            at = record_at[day] if day in record_at else day_start_ns(day, tz)
            conditions.append(Condition(at=at, day=day, holds=bool(evidence), evidence=evidence))
    return conditions


_NONE = object()  # the key of an interval with no SI-bearing assessment before it
Interval = tuple[int, int | None, object]


def _screening_gaps(si_days: Sequence[int], first_possible: int, window: int) -> list[Interval]:
    """Days with no SI-bearing day in the `window` days up to them, from `first_possible` on."""
    gaps: list[Interval] = []
    previous: object = _NONE
    start = first_possible
    for si_day in si_days:
        if start <= si_day - 1:
            gaps.append((start, si_day - 1, previous))
        previous = si_day
        start = max(si_day + window, first_possible)
    gaps.append((start, None, previous))
    return gaps


def _unscreened_doses(si_days: Sequence[int], doses: Sequence[Dose], window: int) -> list[Interval]:
    """Days whose most recent dose had no SI-bearing day in the `window` days up to its day."""
    spans: list[Interval] = []
    for index, dose in enumerate(doses):
        following = doses[index + 1].day if index + 1 < len(doses) else None
        if following == dose.day:
            continue  # a later dose the same day is the most recent one
        latest = bisect_right(si_days, dose.day) - 1
        if latest < 0 or si_days[latest] < dose.day - window + 1:
            spans.append((dose.day, None if following is None else following - 1, index))
    return spans


def _active(intervals: list[Interval], starts: list[int], day: int) -> object:
    """The key of the interval holding the day (intervals are sorted and disjoint, `starts` their starts), else None."""
    index = bisect_right(starts, day) - 1
    if index < 0:
        return None
    _, end, key = intervals[index]
    return key if end is None or day <= end else None


def _overdue_evidence(
    key: tuple[object, object], enrolled: int | None, doses: Sequence[Dose], rules: Rules
) -> list[Evidence]:
    last_si, dose_index = key
    evidence: list[Evidence] = []
    if last_si is not None:
        last = None if last_si is _NONE else int(last_si)  # type: ignore[call-overload]
        since_text = "none on record" if last is None else f"last one on {iso_day(last)}"
        evidence.append(
            {
                "date": iso_day(enrolled if last is None else last),  # type: ignore[arg-type]
                "detail": f"no SI-bearing assessment in the last {rules.overdue_si_window_days} days ({since_text})",
            }
        )
    if dose_index is not None:
        dose = doses[int(dose_index)]  # type: ignore[call-overload]
        detail = (
            f"the most recent dosing session {dose.when} had no SI-bearing assessment in the "
            f"{rules.overdue_dose_si_window_days} days up to and including its day"
        )
        evidence.append(dose.evidence(detail))
    return evidence
