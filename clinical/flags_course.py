"""Course-of-treatment state flags (SPEC §6): `deterioration`, `off_track`, `loss_of_response`.

They use the outcome rules of §5 (`clinical.outcomes`), computed as of each day on
which a relevant record arrives — a complete PHQ-9/GAD-7 or a dosing session (the first
dose fixes the baseline, the fourth starts the off-track check). Between such days
nothing they depend on can change, so those days are the only change points.

The whole clinic is computed at once, with no per-patient numpy: one row per patient and
change day (`CourseDays`) holds each instrument's baseline and current assessment as of
that day (`Position`, rows of the instrument's `Series`), and each flag's condition is a
column expression over those rows. A condition is keyed by the assessments behind it
(NOT_HELD = does not hold); evidence sentences are written only on the rows where a
patient's key changes.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd

from clinical.days import iso_day
from clinical.lifecycle import DETERIORATION, LOSS_OF_RESPONSE, OFF_TRACK, Condition, Evidence
from clinical.outcomes import outcome_status
from clinical.rules import DEFAULT_RULES, Rules

PHQ9 = "PHQ-9"
GAD7 = "GAD-7"
DETERIORATION_INSTRUMENTS = (PHQ9, GAD7)

NOT_HELD = -1  # a key column on a day the condition does not hold
NEVER = np.iinfo(np.int64).max  # the moment of a record that does not exist (no fourth dose yet)
# (patient, day) as one sortable int64, the patient first: room for any day number.
_DAYS_PER_PATIENT = 2**32
_FIRST_DAY = -(2**31)

SignalMap = dict[tuple[str, str], list[Condition]]
Key = list[int]  # one change day's key: rows of a Series, or NOT_HELD


def patient_days(patients: np.ndarray, days: np.ndarray) -> np.ndarray:
    """(patient, day) pairs as int64 numbers that sort by patient, then day."""
    return patients.astype(np.int64) * _DAYS_PER_PATIENT + (days.astype(np.int64) - _FIRST_DAY)


@dataclass
class Timeline:
    """Records of one kind for the whole clinic, sorted by patient (numbered 0…n−1), then time."""

    patients: np.ndarray
    times: np.ndarray
    days: np.ndarray
    patient_days: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.patient_days = patient_days(self.patients, self.days)

    def __len__(self) -> int:
        return len(self.patients)

    def _rows_up_to(self, patients: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per (patient, day): the patient's first row, and the row after its last record on or before that day."""
        first = np.searchsorted(self.patients, patients, side="left")
        end = np.searchsorted(self.patient_days, patient_days(patients, days), side="right")
        return first, end

    def count_up_to(self, patients: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Per (patient, day): how many of the patient's records fall on or before that day."""
        first, end = self._rows_up_to(patients, days)
        return end - first

    def latest_up_to(self, patients: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per (patient, day): the row of the patient's latest record on or before that day, and whether it has one."""
        first, end = self._rows_up_to(patients, days)
        return np.maximum(end - 1, 0), end > first

    def first_rows(self, patient_count: int) -> np.ndarray:
        """Each patient's first row (for a patient without records, a row that is never read as theirs)."""
        first = np.searchsorted(self.patients, np.arange(patient_count), side="left")
        return np.minimum(first, max(len(self) - 1, 0))

    def moment_of(self, nth: int, patient_count: int) -> np.ndarray:
        """Per patient, the moment of its nth record (1 = the first), or NEVER when it has fewer."""
        if not len(self):
            return np.full(patient_count, NEVER)
        has = np.bincount(self.patients, minlength=patient_count) >= nth
        rows = np.minimum(self.first_rows(patient_count) + nth - 1, len(self) - 1)
        return np.where(has, self.times[rows], NEVER)


@dataclass
class Series(Timeline):
    """One instrument's complete assessments of every patient, sorted by patient and time."""

    instrument: str = ""
    scores: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))

    def __post_init__(self) -> None:
        super().__post_init__()
        # Evidence reads single assessments: plain Python numbers, as the clinic wrote them.
        self._days = self.days.tolist()
        self._scores = self.scores.tolist()

    def score(self, row: int) -> int:
        return self._scores[row]

    def iso_day(self, row: int) -> str:
        return iso_day(self._days[row])

    def describe(self, row: int) -> str:
        return f"{self.instrument} {self._scores[row]} on {iso_day(self._days[row])}"

    def evidence(self, row: int, detail: str, **extra: object) -> Evidence:
        return {
            "date": iso_day(self._days[row]),
            "detail": detail,
            "instrument": self.instrument,
            "item": None,
            "answer": self._scores[row],
            **extra,
        }


@dataclass
class CourseDays:
    """One row per patient and change day, sorted by patient and day."""

    patients: np.ndarray
    days: np.ndarray
    patient_ids: list[str]  # patient number -> patient_id

    def __len__(self) -> int:
        return len(self.patients)

    def first_of_patient(self) -> np.ndarray:
        first = np.ones(len(self), dtype=bool)
        first[1:] = self.patients[1:] != self.patients[:-1]
        return first

    def last_record_at(self, *timelines: Timeline) -> np.ndarray:
        """Per change day, the moment its picture was complete: the last of these records that day."""
        own = patient_days(self.patients, self.days)
        last = np.full(len(self), np.iinfo(np.int64).min)
        for records in timelines:
            rows = np.minimum(np.searchsorted(own, records.patient_days), len(self) - 1)
            here = own[rows] == records.patient_days  # doses of a patient without a course are not
            np.maximum.at(last, rows[here], records.times[here])
        return last


class Position:
    """One instrument's baseline and current assessment as of each change day (SPEC §5), as Series rows."""

    def __init__(self, series: Series, course: CourseDays, dosed: np.ndarray, first_dose_at: np.ndarray) -> None:
        patient_count = len(course.patient_ids)
        self.series = series
        self.current, self.valid = series.latest_up_to(course.patients, course.days)
        # From the first dose on, the latest at/before its start (all known by then);
        # before it, or with nothing before it, the earliest.
        earliest = series.first_rows(patient_count)
        before_dose = series.times <= first_dose_at[series.patients]
        known_at_dose = np.bincount(series.patients[before_dose], minlength=patient_count)
        pre_dose = np.where(known_at_dose > 0, earliest + known_at_dose - 1, earliest)
        self.baseline = np.where(dosed, pre_dose[course.patients], earliest[course.patients])
        # The same two candidate baselines for every assessment, to judge it against either.
        self.earliest_for_row = earliest[series.patients]
        self.pre_dose_for_row = pre_dose[series.patients]
        self.baseline_score = series.scores[self.baseline]
        self.current_score = series.scores[self.current]
        self.current_at = series.times[self.current]

    def key(self, holds: np.ndarray, *extra: np.ndarray) -> np.ndarray:
        """Key columns (baseline, current, …) where the condition holds, NOT_HELD elsewhere."""
        columns = (self.baseline, self.current, *extra)
        return np.column_stack([np.where(holds, column, NOT_HELD) for column in columns])


def course_signals(complete: pd.DataFrame, dosing: pd.DataFrame, rules: Rules = DEFAULT_RULES) -> SignalMap:
    """Condition changes of the three course flags, per (patient_id, kind), in day order.

    `complete`: complete PHQ-9/GAD-7 assessments (patient_id, instrument, at, day, score);
    `dosing`: the dosing sessions that took place (patient_id, at, day).
    """
    patients, patient_ids = _number_patients(complete, dosing)
    series = _series(complete, patients[: len(complete)])
    if not series:
        return {}
    doses = _timeline(patients[len(complete) :], dosing["at"].to_numpy(np.int64), dosing["day"].to_numpy(np.int64))
    course = _course_days(list(series.values()), doses, patient_ids)
    doses_known = doses.count_up_to(course.patients, course.days)
    first_dose_at = doses.moment_of(1, len(patient_ids))
    positions = {name: Position(records, course, doses_known >= 1, first_dose_at) for name, records in series.items()}

    # Per kind: its key on every change day, when each day's picture was complete, its evidence.
    kinds: list[tuple[str, np.ndarray, np.ndarray, Callable[[Key], list[Evidence]]]] = [
        (
            DETERIORATION,
            _deterioration(positions, len(course), rules),
            course.last_record_at(doses, *series.values()),
            partial(_deterioration_evidence, series, rules),
        )
    ]
    phq9 = positions.get(PHQ9)
    if phq9 is not None:
        phq9_day_at = course.last_record_at(doses, phq9.series)
        dose_start = doses.moment_of(rules.off_track_min_doses, len(patient_ids))[course.patients]
        kinds += [
            (
                OFF_TRACK,
                _off_track(phq9, doses_known, dose_start, rules),
                phq9_day_at,
                partial(_off_track_evidence, phq9.series, rules),
            ),
            (
                LOSS_OF_RESPONSE,
                _loss_of_response(phq9, doses_known >= 1, rules),
                phq9_day_at,
                partial(_loss_of_response_evidence, phq9.series, rules),
            ),
        ]
    signals: SignalMap = {}
    for kind, key, day_at, describe in kinds:
        _add_changes(signals, kind, key, course, day_at, describe)
    return signals


def _number_patients(complete: pd.DataFrame, dosing: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Each row's patient as a number 0…n−1 (assessments first, then doses), and the patient_id of each number."""
    ids = np.concatenate([_as_text(complete["patient_id"]), _as_text(dosing["patient_id"])])
    numbers, patient_ids = pd.factorize(ids)
    return numbers, [str(patient_id) for patient_id in patient_ids]


def _as_text(ids: pd.Series) -> np.ndarray:
    """Patient ids as str, as `astype(str)` has them (converted only when some are not text yet)."""
    values = ids.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return values
    return ids.astype(str).to_numpy(dtype=object)


def _timeline(patients: np.ndarray, times: np.ndarray, days: np.ndarray) -> Timeline:
    order = np.lexsort((times, patients))  # stable: records of the same moment keep their order
    return Timeline(patients[order], times[order], days[order])


def _series(complete: pd.DataFrame, patients: np.ndarray) -> dict[str, Series]:
    """The PHQ-9 and GAD-7 series that have any assessment."""
    instruments = complete["instrument"].to_numpy(dtype=object)
    times, days = complete["at"].to_numpy(np.int64), complete["day"].to_numpy(np.int64)
    scores = complete["score"].to_numpy(np.int64)
    series = {}
    for name in DETERIORATION_INSTRUMENTS:
        rows = np.flatnonzero(instruments == name)
        if len(rows):
            order = rows[np.lexsort((times[rows], patients[rows]))]
            series[name] = Series(patients[order], times[order], days[order], instrument=name, scores=scores[order])
    return series


def _course_days(series: list[Series], doses: Timeline, patient_ids: list[str]) -> CourseDays:
    """Every day on which a patient with a PHQ-9/GAD-7 course has a complete assessment or a dose."""
    assessed = np.concatenate([records.patients for records in series])
    dosed = doses.patient_days[np.isin(doses.patients, assessed)]
    numbers = np.sort(np.concatenate([*(records.patient_days for records in series), dosed]))
    numbers = numbers[np.concatenate([[True], numbers[1:] != numbers[:-1]])]  # each (patient, day) once
    patients, offsets = np.divmod(numbers, _DAYS_PER_PATIENT)
    return CourseDays(patients, offsets + _FIRST_DAY, patient_ids)


def _add_changes(
    signals: SignalMap,
    kind: str,
    key: np.ndarray,
    course: CourseDays,
    day_at: np.ndarray,
    describe: Callable[[Key], list[Evidence]],
) -> None:
    """A Condition on each change day whose key differs from the patient's previous one (or, first, from none)."""
    previous = np.vstack([np.full((1, key.shape[1]), NOT_HELD), key[:-1]])
    previous[course.first_of_patient()] = NOT_HELD
    changed = np.flatnonzero((key != previous).any(axis=1))
    holds = (key[changed] != NOT_HELD).any(axis=1)
    rows = zip(
        course.patients[changed].tolist(),
        course.days[changed].tolist(),
        day_at[changed].tolist(),
        holds.tolist(),
        key[changed].tolist(),
        strict=True,
    )
    for patient, day, at, holding, row_key in rows:
        evidence = tuple(describe(row_key)) if holding else ()
        signals.setdefault((course.patient_ids[patient], kind), []).append(
            Condition(at=at, day=day, holds=holding, evidence=evidence)
        )


def _judged_for_deterioration(instruments: Container[str], rules: Rules) -> list[str]:
    """The instruments whose (baseline, current) columns make up the deterioration key, in order."""
    return [
        name
        for name in DETERIORATION_INSTRUMENTS
        if name in instruments and rules.outcomes[name].reliable_change is not None
    ]


def _deterioration(positions: dict[str, Position], rows: int, rules: Rules) -> np.ndarray:
    """PHQ-9 or GAD-7: current − baseline ≥ its reliable-change threshold."""
    columns = []
    for name in _judged_for_deterioration(positions, rules):
        position, threshold = positions[name], rules.outcomes[name].reliable_change
        holds = position.valid & (position.current_score - position.baseline_score >= threshold)
        columns.append(position.key(holds))
    return np.hstack(columns) if columns else np.full((rows, 1), NOT_HELD)


def _deterioration_evidence(series: dict[str, Series], rules: Rules, key: Key) -> list[Evidence]:
    evidence = []
    for pair, name in enumerate(_judged_for_deterioration(series, rules)):
        b, c = key[2 * pair], key[2 * pair + 1]
        if c == NOT_HELD:
            continue
        records = series[name]
        detail = (
            f"{records.describe(c)} is {records.score(c) - records.score(b)} points above its baseline "
            f"{records.describe(b)} (reliable-change threshold {rules.outcomes[name].reliable_change})"
        )
        evidence.append(records.evidence(c, detail, baseline=records.score(b), baseline_date=records.iso_day(b)))
    return evidence


def _off_track(phq9: Position, doses_known: np.ndarray, dose_start: np.ndarray, rules: Rules) -> np.ndarray:
    """PHQ-9 baseline ≥ 10, ≥ 4 doses, and the latest PHQ-9 after dose 4 shows < 25 % reduction."""
    baseline, current = phq9.baseline_score, phq9.current_score
    enough_drop = (baseline - current) * 100 >= rules.off_track_reduction_below_pct * baseline
    holds = (
        phq9.valid
        & (doses_known >= rules.off_track_min_doses)
        & (baseline >= rules.off_track_min_baseline)
        & (phq9.current_at > dose_start)
        & ~enough_drop
    )
    return phq9.key(holds)


def _good(baseline: np.ndarray, scores: np.ndarray, rules: Rules) -> np.ndarray:
    """Status `response` or `remission` (SPEC §5 order: never from a mild baseline)."""
    thresholds = rules.outcomes[PHQ9]
    remission = scores <= thresholds.remission_at_or_below
    response = (baseline > 0) & ((baseline - scores) * 100 >= rules.response_reduction_pct * baseline)
    return (baseline >= thresholds.mild_baseline_below) & (remission | response)


def _loss_of_response(phq9: Position, dosed: np.ndarray, rules: Rules) -> np.ndarray:
    """PHQ-9: an assessment between baseline and current had response/remission; the current has neither."""
    scores = phq9.series.scores
    rows = np.arange(len(scores))

    def latest_good(baselines: np.ndarray) -> np.ndarray:
        # Per row, the latest row up to it that was good against its patient's baseline. A good
        # row at or before the baseline (or another patient's) is ruled out by `> baseline` below.
        return np.maximum.accumulate(np.where(_good(scores[baselines], scores, rules), rows, NOT_HELD))

    before_current = np.maximum(phq9.current - 1, 0)
    latest_good_at = np.where(
        dosed, latest_good(phq9.pre_dose_for_row)[before_current], latest_good(phq9.earliest_for_row)[before_current]
    )
    latest_good_at = np.where(phq9.current >= 1, latest_good_at, NOT_HELD)
    current_good = _good(phq9.baseline_score, phq9.current_score, rules) & (phq9.current > phq9.baseline)
    holds = phq9.valid & (latest_good_at > phq9.baseline) & ~current_good
    return phq9.key(holds, latest_good_at)


def _off_track_evidence(series: Series, rules: Rules, key: Key) -> list[Evidence]:
    b, c = key
    baseline = series.score(b)
    reduction = 100.0 * (baseline - series.score(c)) / baseline
    detail = (
        f"{series.describe(c)} after dose {rules.off_track_min_doses}: {reduction:.1f} % below its baseline "
        f"{series.describe(b)}, under the {rules.off_track_reduction_below_pct:g} % expected by now"
    )
    return [series.evidence(c, detail, baseline=baseline, baseline_date=series.iso_day(b))]


def _loss_of_response_evidence(series: Series, rules: Rules, key: Key) -> list[Evidence]:
    b, c, j = key
    baseline = series.score(b)
    earlier = outcome_status(PHQ9, baseline, series.score(j), baseline_is_current=False, rules=rules)
    detail = (
        f"{series.describe(c)} is neither response nor remission; {series.describe(j)} was "
        f"{earlier} (baseline {series.describe(b)})"
    )
    return [series.evidence(c, detail, baseline=baseline, lost=earlier)]
