"""Run the engine and the oracle on the same records and list every disagreement."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from clinical.flags import evaluate_flags, si_current
from clinical.outcomes import compute_outcomes
from clinical.rules import DEFAULT_RULES, Rules
from clinical.scoring import score_assessments
from tests.oracle import spec_oracle as oracle
from tests.oracle.courses import Clinic
from tests.oracle.engine_frames import assessments_frame, patients_frame, sessions_frame

OUTCOME_FIELDS = (
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
    "baseline_is_fallback",
)


def _plain(value: Any) -> Any:
    """pandas scalars as plain Python (NA -> None, numpy ints -> int, Timestamps -> date)."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):
        return value.item()
    return value


def _rounded_alike(got: float | None, want: float | None) -> bool:
    """The engine rounds percent_change to one decimal; the oracle keeps it exact."""
    return got is not None and want is not None and abs(got - want) <= 0.05 + 1e-9


def scoring_differences(c: Clinic, rules: Rules = DEFAULT_RULES) -> list[str]:
    """§3 per assessment: score, complete, band, SI answer/bearing/positive/high, C-SSRS risk."""
    scored = score_assessments(assessments_frame(c.assessments), rules)
    found = []
    for row, a in zip(scored.to_dict("records"), c.assessments, strict=True):
        expected = {
            "score": oracle.score(a),
            "complete": oracle.is_complete(a),
            "band": oracle.band(a.instrument, oracle.score(a), rules),
            "si_bearing": oracle.si_bearing(a, rules),
            "si_positive": oracle.si_positive(a, rules),
            "si_high": oracle.si_high(a, rules),
            "cssrs_risk": oracle.cssrs_risk(a),
        }
        if a.instrument != oracle.CSSRS:
            expected["si_answer"] = oracle.si_answer(a, rules)
        for name, want in expected.items():
            got = _plain(row[name])
            if got != want:
                found.append(f"score {a.patient_id} {a.at} {a.instrument} {name}: engine {got!r}, oracle {want!r}")
    return found


def outcome_differences(c: Clinic, as_of: dt.date, tz: ZoneInfo, rules: Rules = DEFAULT_RULES) -> list[str]:
    """§5 per patient and instrument: every SPEC §8 outcome field, plus the fallback mark."""
    frame = compute_outcomes(
        assessments_frame(c.assessments), sessions_frame(c.sessions), as_of=as_of, tz=tz, rules=rules
    )
    engine_rows = {(r["patient_id"], r["instrument"]): r for r in frame.to_dict("records")}
    oracle_rows = {}
    for p in c.patients:
        for o in oracle.outcomes(p.patient_id, c.assessments, c.sessions, as_of, tz, rules):
            oracle_rows[(o.patient_id, o.instrument)] = o
    found = []
    for key in sorted(set(engine_rows) | set(oracle_rows)):
        if key not in engine_rows:
            found.append(f"outcome {key}: missing from the engine")
            continue
        if key not in oracle_rows:
            found.append(f"outcome {key}: engine has a row the oracle has not")
            continue
        row, o = engine_rows[key], oracle_rows[key]
        for name in OUTCOME_FIELDS:
            got, want = _plain(row[name]), getattr(o, name)
            if name == "percent_change" and _rounded_alike(got, want):
                continue
            if got != want:
                found.append(f"outcome {key} {name}: engine {got!r}, oracle {want!r}")
        if _plain(row["rule_set"]) != rules.label():
            found.append(f"outcome {key} rule_set: engine {row['rule_set']!r}")
    return found


def flag_differences(c: Clinic, as_of: dt.date, tz: ZoneInfo, rules: Rules = DEFAULT_RULES) -> list[str]:
    """§4/§6 open flags as of a day without clinician actions: kind, level, since."""
    episodes = evaluate_flags(
        patients_frame(c.patients),
        assessments_frame(c.assessments),
        sessions_frame(c.sessions),
        [],
        as_of=as_of,
        tz=tz,
        rules=rules,
    )
    engine_open = {(e.patient_id, e.kind): (e.level, e.since) for e in episodes if e.is_open}
    oracle_open = {
        (f.patient_id, f.kind): (f.level, f.since)
        for f in oracle.open_flags_for_all(c.patients, c.assessments, c.sessions, as_of, tz, rules)
    }
    found = []
    for key in sorted(set(engine_open) | set(oracle_open)):
        got, want = engine_open.get(key), oracle_open.get(key)
        if got != want:
            found.append(f"flag {key}: engine {got}, oracle {want}")
    for e in episodes:
        if e.is_open and e.status != "new":
            found.append(f"flag {(e.patient_id, e.kind)}: open without actions but status {e.status}")
    return found


def si_current_differences(c: Clinic, as_of: dt.date, tz: ZoneInfo, rules: Rules = DEFAULT_RULES) -> list[str]:
    """§4 si_current per patient as of the day."""
    kept = oracle.up_to(c.assessments, as_of, tz)
    frame = si_current(score_assessments(assessments_frame(kept), rules), tz=tz)
    found = []
    for p in c.patients:
        want = oracle.si_current([a for a in kept if a.patient_id == p.patient_id], tz, rules)
        if p.patient_id in frame.index:
            row = frame.loc[p.patient_id]
            got = {"status": row["si_status"], "level": _plain(row["si_level"]), "date": _plain(row["si_date"])}
        else:
            got = {"status": "no SI data", "level": None, "date": None}
        if got != want:
            found.append(f"si_current {p.patient_id}: engine {got}, oracle {want}")
    return found


def all_differences(c: Clinic, as_of: dt.date, tz: ZoneInfo, rules: Rules = DEFAULT_RULES) -> list[str]:
    return (
        scoring_differences(c, rules)
        + outcome_differences(c, as_of, tz, rules)
        + flag_differences(c, as_of, tz, rules)
        + si_current_differences(c, as_of, tz, rules)
    )
