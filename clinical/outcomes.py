"""Outcomes of SPEC §5: baseline, current, change, status, reliable change, early response.

The small functions here (baseline choice, status, reduction tests) are shared with the
course flags (`deterioration`, `off_track`, `loss_of_response`) so a flag and the outcome
beside it can never disagree. Percentages are compared in integers (`(b − c)·100 ≥ p·b`)
so a reduction of exactly 50 % is a response, never lost to floating point.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from clinical.days import date_of, end_of_day, local_day_numbers, times_ns, to_ns
from clinical.grouping import group_slices
from clinical.instruments import OUTCOME_INSTRUMENTS
from clinical.rules import DEFAULT_RULES, Rules
from clinical.scoring import ensure_scored

OUTCOME_FIELDS = (
    "patient_id",
    "instrument",
    "baseline",
    "baseline_date",
    "current",
    "current_date",
    "change",
    "percent_change",
    "status",
    "reliable_change",
    "early_response",
    "doses_completed",
    "rule_set",
)
OUTCOME_COLUMNS = (*OUTCOME_FIELDS, "baseline_is_fallback")

GOOD_STATUSES = frozenset({"response", "remission"})


def reduction_at_least(baseline: int, current: int, percent: float) -> bool:
    """True when current is at least `percent` % below baseline (a 0 baseline cannot fall)."""
    return baseline > 0 and (baseline - current) * 100 >= percent * baseline


def increase_at_least(baseline: int, current: int, percent: float) -> bool:
    return baseline > 0 and (current - baseline) * 100 >= percent * baseline


def deteriorated(instrument: str, baseline: int, current: int, rules: Rules = DEFAULT_RULES) -> bool:
    """Status `deterioration`: the reliable-change threshold, else (no threshold) +25 %."""
    threshold = rules.outcomes[instrument].reliable_change
    if threshold is not None:
        return current - baseline >= threshold
    return increase_at_least(baseline, current, rules.deterioration_increase_pct)


def outcome_status(
    instrument: str, baseline: int, current: int, *, baseline_is_current: bool, rules: Rules = DEFAULT_RULES
) -> str:
    """SPEC §5 status, the first that applies (fewer than two complete = baseline is current)."""
    thresholds = rules.outcomes[instrument]
    if baseline_is_current:
        return "insufficient_data"
    if baseline < thresholds.mild_baseline_below:
        return "mild_baseline"
    if current <= thresholds.remission_at_or_below:
        return "remission"
    if reduction_at_least(baseline, current, rules.response_reduction_pct):
        return "response"
    if reduction_at_least(baseline, current, rules.partial_response_reduction_pct):
        return "partial_response"
    if deteriorated(instrument, baseline, current, rules):
        return "deterioration"
    return "no_response"


def reliable_change(instrument: str, change: int | None, rules: Rules = DEFAULT_RULES) -> str | None:
    """improved / deteriorated / no_reliable_change; None without a threshold or without a change."""
    threshold = rules.outcomes[instrument].reliable_change
    if threshold is None or change is None:
        return None
    if change <= -threshold:
        return "improved"
    if change >= threshold:
        return "deteriorated"
    return "no_reliable_change"


def baseline_position(times: Sequence[int], first_dose_at: int | None) -> tuple[int, bool]:
    """Index of the baseline among complete assessments sorted by time, and whether it is the fallback.

    The latest at or before the first dose's start; without a dose, or with nothing
    before it, the earliest (marked as fallback).
    """
    if first_dose_at is not None:
        index = bisect_right(times, first_dose_at) - 1
        if index >= 0:
            return index, False
    return 0, True


def percent_change(baseline: int, change: int) -> float | None:
    if baseline == 0:
        return None
    return round(100.0 * change / baseline, 1)


def dosing_starts(sessions: pd.DataFrame, end_ns: int) -> dict[str, list[int]]:
    """Each patient's dosing-session starts (ns, ascending) before the cut-off."""
    if sessions.empty:
        return {}
    dosing = sessions[sessions["kind"] == "dosing"]
    starts = times_ns(dosing["started_at"])
    keep = starts < end_ns
    patients, starts = dosing["patient_id"].to_numpy(dtype=object)[keep], starts[keep]
    order = np.lexsort((starts, patients))
    at = starts[order].tolist()
    return {str(key[0]): at[rows] for key, rows in group_slices(patients[order])}


def complete_outcome_assessments(
    scored: pd.DataFrame, end_ns: int, tz: ZoneInfo, *, ordered: bool = True
) -> pd.DataFrame:
    """Complete assessments of outcome instruments before the cut-off, with `at` and `day`.

    Sorted by patient, instrument and time unless `ordered` is False (for a caller that orders them itself).
    """
    at = times_ns(scored["administered_at"])
    keep = scored["complete"].to_numpy(dtype=bool) & scored["instrument"].isin(OUTCOME_INSTRUMENTS).to_numpy()
    keep &= at < end_ns
    frame = scored.loc[keep, ["patient_id", "instrument", "administered_at", "score"]]
    frame["at"] = at[keep]
    frame["day"] = local_day_numbers(frame["administered_at"], tz)
    frame["score"] = frame["score"].astype("int64")
    return frame.sort_values(["patient_id", "instrument", "at"], kind="stable") if ordered else frame


def compute_outcomes(
    assessments: pd.DataFrame,
    sessions: pd.DataFrame,
    *,
    as_of: dt.date,
    tz: ZoneInfo,
    rules: Rules = DEFAULT_RULES,
) -> pd.DataFrame:
    """One row per patient × outcome instrument with at least one complete assessment (SPEC §5, §8)."""
    end_ns = to_ns(end_of_day(as_of, tz))
    complete = complete_outcome_assessments(ensure_scored(assessments, rules), end_ns, tz)
    doses = dosing_starts(sessions, end_ns)
    rule_set = rules.label()
    patients = complete["patient_id"].to_numpy(dtype=object)
    instruments = complete["instrument"].to_numpy(dtype=object)
    times, days, scores = (complete[c].tolist() for c in ("at", "day", "score"))
    rows = []
    for (patient_id, instrument), rows_of in group_slices(patients, instruments):
        row = _outcome_row(
            str(patient_id),
            str(instrument),
            times[rows_of],
            days[rows_of],
            scores[rows_of],
            doses.get(str(patient_id), []),
            rules,
        )
        row["rule_set"] = rule_set
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(OUTCOME_COLUMNS))
    for column in ("baseline", "current", "change", "doses_completed"):
        frame[column] = frame[column].astype("Int64")
    frame["percent_change"] = frame["percent_change"].astype("Float64")
    for column in ("status", "reliable_change", "baseline_date", "current_date", "rule_set"):
        frame[column] = frame[column].astype(object)
    frame["early_response"] = frame["early_response"].astype(bool)
    frame["baseline_is_fallback"] = frame["baseline_is_fallback"].astype(bool)
    return frame


def _outcome_row(
    patient_id: str,
    instrument: str,
    times: list[int],
    days: list[int],
    scores: list[int],
    dose_starts: list[int],
    rules: Rules,
) -> dict[str, object]:
    first_dose = dose_starts[0] if dose_starts else None
    b, fallback = baseline_position(times, first_dose)
    c = len(times) - 1
    baseline, current = scores[b], scores[c]
    same = b == c
    difference = None if same else current - baseline
    # SPEC §5: change and percent_change are "both null when baseline is current or the
    # baseline is 0"; reliable change still reads the raw difference (0 -> 8 is a real rise).
    change = None if baseline == 0 else difference
    return {
        "patient_id": patient_id,
        "instrument": instrument,
        "baseline": baseline,
        "baseline_date": date_of(days[b]),
        "current": current,
        "current_date": date_of(days[c]),
        "change": change,
        "percent_change": None if change is None else percent_change(baseline, change),
        "status": outcome_status(instrument, baseline, current, baseline_is_current=same, rules=rules),
        "reliable_change": reliable_change(instrument, difference, rules),
        "early_response": _early_response(times, scores, baseline, dose_starts, rules),
        "doses_completed": len(dose_starts),
        "baseline_is_fallback": fallback,
    }


def _early_response(times: list[int], scores: list[int], baseline: int, dose_starts: list[int], rules: Rules) -> bool:
    """≥ 50 % reduction at an assessment after dose 1's start and before dose 3's (or up to now)."""
    if not dose_starts:
        return False
    after = dose_starts[0]
    before = dose_starts[2] if len(dose_starts) >= 3 else np.iinfo(np.int64).max
    # The assessments strictly between the two moments (times are ascending).
    window = scores[bisect_right(times, after) : bisect_left(times, before)]
    return any(reduction_at_least(baseline, score, rules.response_reduction_pct) for score in window)
