"""Outcomes per patient and instrument (SPEC §5, §8), computed from the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from clinical.instruments import OUTCOME_INSTRUMENTS
from clinical.outcomes import OUTCOME_FIELDS, compute_outcomes
from clinical.rules import DEFAULT_RULES, Rules
from db.frames import load_assessments, load_sessions
from db.settings import clinic_timezone
from services.flags import ClinicRecords, clinic_blocks, picture_cutoff, today


def outcomes(
    engine: Engine,
    as_of: dt.date | None = None,
    instrument: str | None = None,
    patient_ids: Sequence[str] | None = None,
    *,
    rules: Rules = DEFAULT_RULES,
    records: ClinicRecords | None = None,
) -> pd.DataFrame:
    """One row per patient × outcome instrument with a complete assessment (clinical.outcomes columns).

    `records` (from `services.flags.load_clinic_records` or `clinic_blocks`) saves reading them
    again: the nightly picture of flags and outcomes reads the records once. The whole clinic
    is computed a block of patients at a time (bounded memory, see `clinic_blocks`).
    """
    if records is not None:
        frame = _computed(records.scored, records.sessions, records.as_of, rules)
    elif patient_ids is None:
        # One block's records in memory at a time; only the outcome rows are kept.
        parts = [_computed(b.scored, b.sessions, b.as_of, rules) for b in clinic_blocks(engine, as_of, rules=rules)]
        frame = pd.concat(parts, ignore_index=True) if parts else _read_and_computed(engine, as_of, [], rules)
    else:
        frame = _read_and_computed(engine, as_of, patient_ids, rules)
    if instrument is not None:
        frame = frame[frame["instrument"] == instrument]
    order = {name: i for i, name in enumerate(OUTCOME_INSTRUMENTS)}
    frame = frame.assign(_order=frame["instrument"].map(order))
    return frame.sort_values(["patient_id", "_order"], kind="stable").drop(columns="_order").reset_index(drop=True)


def _read_and_computed(engine: Engine, as_of: dt.date | None, patient_ids: Sequence[str], rules: Rules) -> pd.DataFrame:
    as_of = as_of or today()
    cutoff = picture_cutoff(as_of)
    assessments = load_assessments(engine, patient_ids, up_to=cutoff)
    return _computed(assessments, load_sessions(engine, patient_ids, up_to=cutoff), as_of, rules)


def _computed(assessments: pd.DataFrame, sessions: pd.DataFrame, as_of: dt.date, rules: Rules) -> pd.DataFrame:
    return compute_outcomes(assessments, sessions, as_of=as_of, tz=clinic_timezone(), rules=rules)


def outcome_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The SPEC §8 objects: exactly its fields, ISO dates, plain numbers, null for no value."""
    records = []
    for row in frame.to_dict("records"):
        record: dict[str, Any] = {}
        for name in OUTCOME_FIELDS:
            value = row[name]
            if value is None or value is pd.NA or (isinstance(value, float) and value != value):
                record[name] = None
            elif isinstance(value, dt.date):
                record[name] = value.isoformat()
            elif name == "percent_change":
                record[name] = round(float(value), 1)
            elif name in ("baseline", "current", "change", "doses_completed"):
                record[name] = int(value)
            elif name == "early_response":
                record[name] = bool(value)
            else:
                record[name] = value
        records.append(record)
    return records
