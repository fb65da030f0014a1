"""Tables as DataFrames for the clinical engine (the column contract of `clinical/`).

One set-based `select()` per table with exactly the columns the engine needs, optionally
limited to some patients and to records before a cut-off (`--as-of`). Never one query
per patient: a clinic network of 10,000 patients must load in seconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine, String, select, type_coerce

from clinical.lifecycle import SYSTEM, FlagAction, Transition
from db.models import DOSING_FIELDS, ITEM_COLUMNS, Assessment, Flag, FlagTransition, Patient, Session

# Ids per IN (…) list: well under SQLite's and PostgreSQL's parameter limits.
_CHUNK = 5_000
_FETCH_ROWS = 50_000  # rows turned into a DataFrame at a time (bounds the evaluation's memory)
_INT_DOSING = (
    *("bp_pre_sys", "bp_pre_dia", "bp_post_sys", "bp_post_dia", "bp_peak_sys", "bp_peak_dia"),
    *("heart_rate", "spo2_min", "cadss", "observed_minutes"),
)
_CLINICIAN_ACTIONS = {"acknowledged": "acknowledge", "resolved": "resolve"}


def load_patients(engine: Engine, patient_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """patient_id, status, enrolled_on (date), planned_doses (Int64), therapist."""
    columns = [Patient.patient_id, Patient.status, Patient.enrolled_on, Patient.planned_doses, Patient.therapist]
    frame = _read(engine, select(*columns), Patient.patient_id, patient_ids, [c.key for c in columns])
    frame["planned_doses"] = pd.array(list(frame["planned_doses"]), dtype="Int64")
    for column in ("patient_id", "status", "therapist"):
        frame[column] = frame[column].astype(object)
    frame["enrolled_on"] = frame["enrolled_on"].astype(object)
    return frame


def load_assessments(
    engine: Engine,
    patient_ids: Sequence[str] | None = None,
    up_to: dt.datetime | None = None,
    instruments: Sequence[str] | None = None,
) -> pd.DataFrame:
    """patient_id, administered_at (UTC), instrument, total and item_1…item_23 (Int64); before `up_to`.

    `instruments` limits the read to those instruments (the consultation view needs PHQ-9 and SI only).
    """
    items = [getattr(Assessment, c) for c in ITEM_COLUMNS]
    columns = [Assessment.patient_id, _raw_time(engine, Assessment.administered_at), Assessment.instrument]
    query = select(*columns, Assessment.total, *items)
    if up_to is not None:
        query = query.where(Assessment.administered_at < up_to)
    if instruments is not None:
        query = query.where(Assessment.instrument.in_(list(instruments)))
    names = ["patient_id", "administered_at", "instrument", "total", *ITEM_COLUMNS]
    frame = _read(engine, query, Assessment.patient_id, patient_ids, names)
    frame["administered_at"] = _utc(frame["administered_at"])
    for column in ("total", *ITEM_COLUMNS):
        frame[column] = _ints(frame[column])
    frame["patient_id"] = frame["patient_id"].astype(object)
    frame["instrument"] = frame["instrument"].astype(object)
    return frame


def load_sessions(
    engine: Engine, patient_ids: Sequence[str] | None = None, up_to: dt.datetime | None = None
) -> pd.DataFrame:
    """patient_id, started_at (UTC), kind, clinician and the dosing columns; before `up_to`."""
    dosing = [getattr(Session, c) for c in DOSING_FIELDS]
    query = select(Session.patient_id, _raw_time(engine, Session.started_at), Session.kind, Session.clinician, *dosing)
    if up_to is not None:
        query = query.where(Session.started_at < up_to)
    names = ["patient_id", "started_at", "kind", "clinician", *DOSING_FIELDS]
    frame = _read(engine, query, Session.patient_id, patient_ids, names)
    frame["started_at"] = _utc(frame["started_at"])
    for column in _INT_DOSING:
        frame[column] = _ints(frame[column])
    for column in ("dose_mg", "weight_kg"):
        frame[column] = pd.array(pd.to_numeric(frame[column], errors="coerce"), dtype="Float64")
    for column in ("patient_id", "kind", "clinician", "route", "adverse_events"):
        frame[column] = frame[column].astype(object)
    return frame


def load_flag_actions(
    engine: Engine, patient_ids: Sequence[str] | None = None, up_to: dt.datetime | None = None
) -> list[FlagAction]:
    """Clinicians' acknowledgements and resolutions, read back from the flag transitions."""
    query = (
        select(
            Flag.patient_id,
            Flag.kind,
            FlagTransition.at,
            FlagTransition.actor,
            FlagTransition.action,
            FlagTransition.acknowledgement,
            FlagTransition.note,
            Flag.id,
        )
        .join(Flag, Flag.id == FlagTransition.flag_id)
        .where(FlagTransition.actor != SYSTEM, FlagTransition.action.in_(list(_CLINICIAN_ACTIONS)))
        .order_by(FlagTransition.at, FlagTransition.id)
    )
    if up_to is not None:
        query = query.where(FlagTransition.at < up_to)
    actions = []
    with engine.connect() as connection:
        for ids in _chunks(patient_ids):
            chunk = query if ids is None else query.where(Flag.patient_id.in_(ids))
            for row in connection.execute(chunk):
                actions.append(
                    FlagAction(
                        patient_id=row.patient_id,
                        kind=row.kind,
                        at=row.at,
                        actor=row.actor,
                        action=_CLINICIAN_ACTIONS[row.action],  # type: ignore[arg-type]
                        acknowledgement=row.acknowledgement,
                        note=row.note,
                        flag_id=row.id,
                    )
                )
    return actions


@dataclass
class StoredFlag:
    """A flag row as stored, with its transitions in the order they were written."""

    id: int
    patient_id: str
    kind: str
    level: str
    status: str
    is_open: bool
    since: dt.date
    evidence: list[dict[str, Any]]
    rule_set: str
    raised_at: dt.datetime
    closed_at: dt.datetime | None
    transitions: list[Transition]


def load_stored_flags(engine: Engine, patient_ids: Sequence[str] | None = None) -> list[StoredFlag]:
    """Every stored flag (open and closed) with its history, oldest first."""
    flags: dict[int, StoredFlag] = {}
    with engine.connect() as connection:
        for ids in _chunks(patient_ids):
            query = select(Flag).order_by(Flag.raised_at, Flag.id)
            if ids is not None:
                query = query.where(Flag.patient_id.in_(ids))
            for row in connection.execute(query).mappings():
                flags[row["id"]] = StoredFlag(
                    id=row["id"],
                    patient_id=row["patient_id"],
                    kind=row["kind"],
                    level=row["level"],
                    status=row["status"],
                    is_open=bool(row["is_open"]),
                    since=row["since"],
                    evidence=list(row["evidence"] or []),
                    rule_set=row["rule_set"],
                    raised_at=row["raised_at"],
                    closed_at=row["closed_at"],
                    transitions=[],
                )
            history = select(FlagTransition).join(Flag, Flag.id == FlagTransition.flag_id)
            if ids is not None:
                history = history.where(Flag.patient_id.in_(ids))
            for step in connection.execute(history.order_by(FlagTransition.id)).mappings():
                flags[step["flag_id"]].transitions.append(
                    Transition(step["at"], step["actor"], step["action"], step["acknowledgement"], step["note"])
                )
    return list(flags.values())


def _chunks(patient_ids: Sequence[str] | None) -> list[list[str] | None]:
    if patient_ids is None:
        return [None]
    ids = list(dict.fromkeys(patient_ids))
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def _read(
    engine: Engine, query: Any, id_column: Any, patient_ids: Sequence[str] | None, names: list[str]
) -> pd.DataFrame:
    parts: list[pd.DataFrame] = []
    with engine.connect() as connection:
        for ids in _chunks(patient_ids):
            chunk = query if ids is None else query.where(id_column.in_(ids))
            # Frames of _FETCH_ROWS rows at a time: a million rows as Python tuples would need
            # gigabytes at once (the callers normalise every column's dtype afterwards).
            result = connection.execution_options(yield_per=_FETCH_ROWS).execute(chunk)
            for rows in result.partitions():
                # Plain tuples: pandas takes its fast path for them, but probes each Row's attributes.
                parts.append(pd.DataFrame.from_records([tuple(row) for row in rows], columns=names))
    if not parts:
        return pd.DataFrame.from_records([], columns=names)
    return parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)


def _raw_time(engine: Engine, column: Any) -> Any:
    # SQLite keeps UTC timestamps as text; parsing them in one vectorised step is far faster
    # than the per-row UTC conversion of the column type (a million assessments).
    if engine.dialect.name == "sqlite":
        return type_coerce(column, String)
    return column


def _utc(values: pd.Series) -> pd.Series:
    if len(values) == 0:
        return pd.Series(pd.to_datetime([], utc=True), index=values.index)
    return pd.to_datetime(values, utc=True, format="ISO8601")


def _ints(values: pd.Series) -> pd.arrays.IntegerArray:
    return pd.array(pd.to_numeric(values, errors="coerce"), dtype="Float64").astype("Int64")
