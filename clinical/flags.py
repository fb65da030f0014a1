"""Every flag of SPEC §4 and §6 for a whole clinic, as of the end of a day.

Scoring is vectorised over the whole table; the flag rules then take one pass per patient
over plain lists (`clinical.flags_si`, `flags_course`, `flags_care`), and the lifecycle
replay (`clinical.lifecycle`) turns their signals and the clinician actions into episodes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from clinical.days import end_of_day, local_day_numbers, times_ns, to_ns
from clinical.flags_care import (
    Dose,
    bp_high_triggers,
    integration_missing_triggers,
    overdue_conditions,
    vitals_missing_triggers,
)
from clinical.flags_course import DETERIORATION_INSTRUMENTS, Course, Series, course_signals
from clinical.flags_si import resolve_refusal, si_bearing_rows, si_current, si_signals
from clinical.grouping import group_slices
from clinical.lifecycle import (
    ASSESSMENT_OVERDUE,
    BP_HIGH,
    DETERIORATION,
    INTEGRATION_MISSING,
    LOSS_OF_RESPONSE,
    OFF_TRACK,
    SI_HIGH,
    SI_PERSISTENT,
    VITALS_MISSING,
    FlagAction,
    FlagEpisode,
    Signal,
    replay,
)
from clinical.outcomes import complete_outcome_assessments
from clinical.rules import DEFAULT_RULES, Rules
from clinical.scoring import ensure_scored

__all__ = ["DEFAULT_LEVELS", "evaluate_flags", "resolve_refusal", "si_current"]

# SPEC §6 levels; si_persistent and bp_high rise to `high` when their evidence says so.
DEFAULT_LEVELS = {
    SI_PERSISTENT: "moderate",
    SI_HIGH: "high",
    DETERIORATION: "moderate",
    OFF_TRACK: "moderate",
    LOSS_OF_RESPONSE: "moderate",
    ASSESSMENT_OVERDUE: "low",
    VITALS_MISSING: "moderate",
    BP_HIGH: "moderate",
    INTEGRATION_MISSING: "low",
}
_BP_COLUMNS = ("bp_pre_sys", "bp_pre_dia", "bp_peak_sys", "bp_peak_dia", "bp_post_sys", "bp_post_dia")

SignalMap = dict[tuple[str, str], list[Signal]]


def evaluate_flags(
    patients: pd.DataFrame,
    assessments: pd.DataFrame,
    sessions: pd.DataFrame,
    actions: Sequence[FlagAction],
    *,
    as_of: dt.date,
    tz: ZoneInfo,
    rules: Rules = DEFAULT_RULES,
) -> list[FlagEpisode]:
    """Every flag episode, open and closed, from records and actions dated up to the end of `as_of`."""
    end_ns = to_ns(end_of_day(as_of, tz))
    scored = ensure_scored(assessments, rules)
    scored = scored[times_ns(scored["administered_at"]) < end_ns]
    session_at = times_ns(sessions["started_at"]) if len(sessions) else np.array([], dtype=np.int64)
    sessions = sessions[session_at < end_ns]

    signals: SignalMap = defaultdict(list)
    for key, triggers in si_signals(scored, tz=tz, rules=rules).items():
        signals[key] += triggers
    doses = _doses(sessions, tz)
    _add_course_signals(signals, scored, doses, end_ns, tz, rules)
    _add_care_signals(signals, patients, scored, sessions, doses, tz, rules)

    actions_by_key: dict[tuple[str, str], list[FlagAction]] = defaultdict(list)
    for action in actions:
        if to_ns(action.at) < end_ns:
            actions_by_key[(action.patient_id, action.kind)].append(action)

    rule_set = rules.label()
    episodes: list[FlagEpisode] = []
    for (patient_id, kind), kind_signals in sorted(signals.items()):
        in_time = [s for s in kind_signals if s.at < end_ns]
        if not in_time:
            continue
        episodes += replay(
            patient_id,
            kind,
            in_time,
            actions_by_key.get((patient_id, kind), []),
            default_level=DEFAULT_LEVELS[kind],
            rule_set=rule_set,
        )
    return episodes


def _doses(sessions: pd.DataFrame, tz: ZoneInfo) -> dict[str, list[Dose]]:
    """Each patient's dosing sessions in time order, with their blood pressure readings."""
    dosing = sessions[sessions["kind"] == "dosing"]
    if dosing.empty:
        return {}
    at = times_ns(dosing["started_at"])
    day = local_day_numbers(dosing["started_at"], tz)
    readings = {
        column: (
            pd.to_numeric(dosing[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            if column in dosing.columns
            else np.full(len(dosing), np.nan)
        )
        for column in _BP_COLUMNS
    }
    order = np.lexsort((at, dosing["patient_id"].astype(str).to_numpy(dtype=object)))
    patients = dosing["patient_id"].astype(str).to_numpy(dtype=object)[order]
    doses: dict[str, list[Dose]] = {}
    for (patient_id,), rows in group_slices(patients):
        doses[str(patient_id)] = [
            Dose(
                at=int(at[i]),
                day=int(day[i]),
                bp={
                    key: (_number(readings[f"bp_{key}_sys"][i]), _number(readings[f"bp_{key}_dia"][i]))
                    for key in ("pre", "peak", "post")
                },
            )
            for i in order[rows]
        ]
    return doses


def _number(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _add_course_signals(
    signals: SignalMap, scored: pd.DataFrame, doses: dict[str, list[Dose]], end_ns: int, tz: ZoneInfo, rules: Rules
) -> None:
    complete = complete_outcome_assessments(scored, end_ns, tz)
    complete = complete[complete["instrument"].isin(DETERIORATION_INSTRUMENTS)]
    series: dict[str, dict[str, Series]] = defaultdict(dict)
    patients = complete["patient_id"].astype(str).to_numpy(dtype=object)
    instruments = complete["instrument"].astype(str).to_numpy(dtype=object)
    times, days, scores = (complete[c].tolist() for c in ("at", "day", "score"))
    for (patient_id, instrument), rows in group_slices(patients, instruments):
        series[str(patient_id)][str(instrument)] = Series(str(instrument), times[rows], days[rows], scores[rows])
    for patient_id, patient_series in series.items():
        patient_doses = doses.get(patient_id, [])
        course = Course(patient_series, [d.at for d in patient_doses], [d.day for d in patient_doses])
        for kind, changes in course_signals(course, rules).items():
            signals[(patient_id, kind)] += changes


def _add_care_signals(
    signals: SignalMap,
    patients: pd.DataFrame,
    scored: pd.DataFrame,
    sessions: pd.DataFrame,
    doses: dict[str, list[Dose]],
    tz: ZoneInfo,
    rules: Rules,
) -> None:
    integration = _integration_sessions(sessions, tz)
    for patient_id, patient_doses in doses.items():
        signals[(patient_id, VITALS_MISSING)] += vitals_missing_triggers(patient_doses)
        signals[(patient_id, BP_HIGH)] += bp_high_triggers(patient_doses, rules)
        times, days = integration.get(patient_id, ([], []))
        signals[(patient_id, INTEGRATION_MISSING)] += integration_missing_triggers(
            patient_doses, times, days, tz=tz, rules=rules
        )
    si_days = _si_days(scored, tz)
    # Only the status of today is known, so it applies to every day replayed (SPEC §6).
    active = patients[patients["status"].astype(str) == "active"]
    for patient_id, enrolled_on in zip(active["patient_id"].astype(str), _dates(active["enrolled_on"]), strict=True):
        days, last_at = si_days.get(patient_id, ([], []))
        signals[(patient_id, ASSESSMENT_OVERDUE)] += overdue_conditions(
            enrolled_on=enrolled_on,
            si_days=days,
            si_last_at=last_at,
            doses=doses.get(patient_id, []),
            tz=tz,
            rules=rules,
        )


def _integration_sessions(sessions: pd.DataFrame, tz: ZoneInfo) -> dict[str, tuple[list[int], list[int]]]:
    rows = sessions[sessions["kind"] == "integration"]
    if rows.empty:
        return {}
    frame = pd.DataFrame(
        {
            "patient_id": rows["patient_id"].astype(str).to_numpy(dtype=object),
            "at": times_ns(rows["started_at"]),
            "day": local_day_numbers(rows["started_at"], tz),
        }
    ).sort_values(["patient_id", "at"], kind="stable")
    at, day = frame["at"].tolist(), frame["day"].tolist()
    return {
        str(key[0]): (at[rows_of], day[rows_of])
        for key, rows_of in group_slices(frame["patient_id"].to_numpy(dtype=object))
    }


def _si_days(scored: pd.DataFrame, tz: ZoneInfo) -> dict[str, tuple[list[int], list[int]]]:
    """Per patient: SI-bearing days (ascending) and the moment of each day's last SI-bearing assessment."""
    rows = si_bearing_rows(scored, tz)
    if rows.empty:
        return {}
    per_day = rows.groupby(["patient_id", "day"], sort=True)["at"].max().reset_index()
    day, at = per_day["day"].tolist(), per_day["at"].tolist()
    return {
        str(key[0]): (day[rows_of], at[rows_of])
        for key, rows_of in group_slices(per_day["patient_id"].to_numpy(dtype=object))
    }


def _dates(values: pd.Series) -> list[dt.date | None]:
    converted = pd.to_datetime(values, errors="coerce")
    return [None if pd.isna(v) else v.date() for v in converted]
