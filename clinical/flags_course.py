"""Course-of-treatment state flags (SPEC §6): `deterioration`, `off_track`, `loss_of_response`.

They use the outcome rules of §5 (`clinical.outcomes`), computed as of each day on
which a relevant record arrives — a complete PHQ-9/GAD-7 or a dosing session (the first
dose fixes the baseline, the fourth starts the off-track check). Between such days
nothing they depend on can change, so those days are the only change points.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

import numpy as np

from clinical.days import iso_day
from clinical.lifecycle import DETERIORATION, LOSS_OF_RESPONSE, OFF_TRACK, Condition, Evidence
from clinical.outcomes import outcome_status
from clinical.rules import DEFAULT_RULES, Rules

PHQ9 = "PHQ-9"
GAD7 = "GAD-7"
DETERIORATION_INSTRUMENTS = (PHQ9, GAD7)


@dataclass
class Series:
    """One instrument's complete assessments of one patient, in time order."""

    instrument: str
    times: list[int] = field(default_factory=list)
    days: list[int] = field(default_factory=list)
    scores: list[int] = field(default_factory=list)

    def iso_day(self, index: int) -> str:
        return iso_day(self.days[index])

    def describe(self, index: int) -> str:
        return f"{self.instrument} {self.scores[index]} on {iso_day(self.days[index])}"

    def evidence(self, index: int, detail: str, **extra: object) -> Evidence:
        return {
            "date": iso_day(self.days[index]),
            "detail": detail,
            "instrument": self.instrument,
            "item": None,
            "answer": self.scores[index],
            **extra,
        }


@dataclass
class Course:
    """What the course flags need of one patient."""

    series: dict[str, Series]
    dose_times: list[int]
    dose_days: list[int]


def course_signals(course: Course, rules: Rules = DEFAULT_RULES) -> dict[str, list[Condition]]:
    """Condition changes of the three course flags for one patient.

    The conditions are computed for every change day at once (numpy over the patient's
    days); each yields a small key naming the assessments behind it (−1 = does not hold),
    and evidence sentences are written only on the days the key changes.
    """
    days = np.array(sorted({d for s in course.series.values() for d in s.days} | set(course.dose_days)))
    doses_known = np.searchsorted(np.array(course.dose_days, dtype=np.int64), days, side="right")
    first_dose_at = course.dose_times[0] if course.dose_times else None
    views = {
        name: _SeriesView(series, days, doses_known >= 1, first_dose_at)
        for name, series in course.series.items()
        if name in DETERIORATION_INSTRUMENTS
    }
    keys = {
        DETERIORATION: _deterioration(views, rules),
        OFF_TRACK: _off_track(views.get(PHQ9), course, doses_known, rules),
        LOSS_OF_RESPONSE: _loss_of_response(views.get(PHQ9), rules),
    }
    describe = {
        DETERIORATION: _deterioration_evidence,
        OFF_TRACK: _off_track_evidence,
        LOSS_OF_RESPONSE: _loss_of_response_evidence,
    }
    instruments = {DETERIORATION: DETERIORATION_INSTRUMENTS, OFF_TRACK: (PHQ9,), LOSS_OF_RESPONSE: (PHQ9,)}
    signals: dict[str, list[Condition]] = {}
    for kind, key in keys.items():
        changed = np.flatnonzero(np.any(key != np.vstack([np.full((1, key.shape[1]), -1), key[:-1]]), axis=1))
        if len(changed) == 0:
            continue
        last_at = _last_record_at(course, instruments[kind])
        changes = []
        for i in changed.tolist():
            row = tuple(key[i].tolist())
            holds = any(v >= 0 for v in row)
            evidence = tuple(describe[kind](course, row, rules)) if holds else ()
            # A day without this kind's records changes nothing, so last_at has every change day.
            changes.append(Condition(at=last_at[int(days[i])], day=int(days[i]), holds=holds, evidence=evidence))
        signals[kind] = changes
    return signals


class _SeriesView:
    """One instrument's baseline and current position as of each change day (vectorised)."""

    def __init__(self, series: Series, days: np.ndarray, dosed: np.ndarray, first_dose_at: int | None) -> None:
        self.series = series
        self.scores = np.array(series.scores, dtype=np.int64)
        self.times = np.array(series.times, dtype=np.int64)
        known = np.searchsorted(np.array(series.days, dtype=np.int64), days, side="right")
        self.valid = known > 0
        self.current = np.maximum(known - 1, 0)
        # SPEC §5: from the first dose on, the latest at/before its start (all known by then);
        # before it, or with nothing before it, the earliest.
        before_dose = bisect_right(series.times, first_dose_at) - 1 if first_dose_at is not None else -1
        self.baseline = np.where(dosed & (before_dose >= 0), before_dose, 0)
        self.baseline_score = self.scores[self.baseline]
        self.current_score = self.scores[self.current]


def _last_record_at(course: Course, instruments: tuple[str, ...]) -> dict[int, int]:
    """Per day, the moment that day's picture was complete: its last relevant record."""
    last: dict[int, int] = {}
    pairs = list(zip(course.dose_days, course.dose_times, strict=True))
    for name in instruments:
        series = course.series.get(name)
        if series is not None:
            pairs += zip(series.days, series.times, strict=True)
    for day, moment in pairs:
        if moment > last.get(day, moment - 1):
            last[day] = moment
    return last


def _positions(holds: np.ndarray, view: _SeriesView, *extra: np.ndarray) -> np.ndarray:
    """Key columns (baseline, current, …) where the condition holds, −1 elsewhere."""
    columns = [view.baseline, view.current, *extra]
    return np.column_stack([np.where(holds, column, -1) for column in columns])


def _deterioration(views: dict[str, _SeriesView], rules: Rules) -> np.ndarray:
    """PHQ-9 or GAD-7: current − baseline ≥ its reliable-change threshold."""
    columns = []
    for name in DETERIORATION_INSTRUMENTS:
        view = views.get(name)
        threshold = rules.outcomes[name].reliable_change
        if view is None or threshold is None:
            continue
        holds = view.valid & (view.current_score - view.baseline_score >= threshold)
        columns.append(_positions(holds, view))
    if not columns:
        return np.full((len(next(iter(views.values())).valid) if views else 0, 1), -1)
    return np.hstack(columns)


def _deterioration_evidence(course: Course, key: tuple[int, ...], rules: Rules) -> list[Evidence]:
    evidence = []
    present = [  # the key's column pairs, in the order _deterioration built them
        name
        for name in DETERIORATION_INSTRUMENTS
        if name in course.series and rules.outcomes[name].reliable_change is not None
    ]
    for name, (b, c) in zip(present, zip(key[0::2], key[1::2], strict=True), strict=False):
        if c < 0:
            continue
        series = course.series[name]
        detail = (
            f"{series.describe(c)} is {series.scores[c] - series.scores[b]} points above its baseline "
            f"{series.describe(b)} (reliable-change threshold {rules.outcomes[name].reliable_change})"
        )
        evidence.append(series.evidence(c, detail, baseline=series.scores[b], baseline_date=series.iso_day(b)))
    return evidence


def _off_track(view: _SeriesView | None, course: Course, doses_known: np.ndarray, rules: Rules) -> np.ndarray:
    """PHQ-9 baseline ≥ 10, ≥ 4 doses, and the latest PHQ-9 after dose 4 shows < 25 % reduction."""
    if view is None or len(course.dose_times) < rules.off_track_min_doses:
        return np.full((len(doses_known), 2), -1)
    dose_start = course.dose_times[rules.off_track_min_doses - 1]
    baseline, current = view.baseline_score, view.current_score
    enough_drop = (baseline - current) * 100 >= rules.off_track_reduction_below_pct * baseline
    holds = (
        view.valid
        & (doses_known >= rules.off_track_min_doses)
        & (baseline >= rules.off_track_min_baseline)
        & (view.times[view.current] > dose_start)
        & ~enough_drop
    )
    return _positions(holds, view)


def _good(baseline: np.ndarray | np.integer, scores: np.ndarray, rules: Rules) -> np.ndarray:
    """Status `response` or `remission` (SPEC §5 order: never from a mild baseline)."""
    thresholds = rules.outcomes[PHQ9]
    remission = scores <= thresholds.remission_at_or_below
    response = (baseline > 0) & ((baseline - scores) * 100 >= rules.response_reduction_pct * baseline)
    return (baseline >= thresholds.mild_baseline_below) & (remission | response)


def _loss_of_response(view: _SeriesView | None, rules: Rules) -> np.ndarray:
    """PHQ-9: an assessment between baseline and current had response/remission; the current has neither."""
    if view is None:
        return np.full((0, 3), -1)
    index = np.arange(len(view.scores))
    latest_good_at = np.full(len(view.current), -1)
    for b in np.unique(view.baseline).tolist():
        good = _good(np.int64(view.scores[b]), view.scores, rules) & (index > b)
        latest_good = np.maximum.accumulate(np.where(good, index, -1))
        before_current = np.where(view.current >= 1, latest_good[np.maximum(view.current - 1, 0)], -1)
        latest_good_at = np.where(view.baseline == b, before_current, latest_good_at)
    current_good = _good(view.baseline_score, view.current_score, rules) & (view.current > view.baseline)
    holds = view.valid & (latest_good_at > view.baseline) & ~current_good
    return _positions(holds, view, latest_good_at)


def _off_track_evidence(course: Course, key: tuple[int, ...], rules: Rules) -> list[Evidence]:
    series, (b, c) = course.series[PHQ9], key
    baseline = series.scores[b]
    reduction = 100.0 * (baseline - series.scores[c]) / baseline
    detail = (
        f"{series.describe(c)} after dose {rules.off_track_min_doses}: {reduction:.1f} % below its baseline "
        f"{series.describe(b)}, under the {rules.off_track_reduction_below_pct:g} % expected by now"
    )
    return [series.evidence(c, detail, baseline=baseline, baseline_date=series.iso_day(b))]


def _loss_of_response_evidence(course: Course, key: tuple[int, ...], rules: Rules) -> list[Evidence]:
    series, (b, c, j) = course.series[PHQ9], key
    baseline = series.scores[b]
    earlier = outcome_status(PHQ9, baseline, series.scores[j], baseline_is_current=False, rules=rules)
    detail = (
        f"{series.describe(c)} is neither response nor remission; {series.describe(j)} was "
        f"{earlier} (baseline {series.describe(b)})"
    )
    return [series.evidence(c, detail, baseline=baseline, lost=earlier)]
