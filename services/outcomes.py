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
from services.flags import ClinicRecords, picture_cutoff, today


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

    `records` (from `services.flags.load_clinic_records`) saves reading them again: the nightly
    picture of flags and outcomes reads the records once.
    """
    if records is None:
        as_of = as_of or today()
        cutoff = picture_cutoff(as_of)
        assessments = load_assessments(engine, patient_ids, up_to=cutoff)
        sessions = load_sessions(engine, patient_ids, up_to=cutoff)
    else:
        as_of, assessments, sessions = records.as_of, records.scored, records.sessions  # scored: not again
    frame = compute_outcomes(assessments, sessions, as_of=as_of, tz=clinic_timezone(), rules=rules)
    if instrument is not None:
        frame = frame[frame["instrument"] == instrument]
    order = {name: i for i, name in enumerate(OUTCOME_INSTRUMENTS)}
    frame = frame.assign(_order=frame["instrument"].map(order))
    return frame.sort_values(["patient_id", "_order"], kind="stable").drop(columns="_order").reset_index(drop=True)


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
