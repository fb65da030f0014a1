"""Tables as DataFrames for the clinical engine (the column contract of `clinical/`).

One set-based `select()` per table with exactly the columns the engine needs, optionally
limited to some patients and to records before a cut-off (`--as-of`). Never one query
per patient: a clinic network of 10,000 patients must load in seconds.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
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
_FLOAT_DOSING = ("dose_mg", "weight_kg")
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
    kinds = {"patient_id": _CODE, "administered_at": _TIME, "instrument": _CODE, "total": _INT}
    kinds.update(dict.fromkeys(ITEM_COLUMNS, _INT))
    return _read_columns(engine, query, Assessment.patient_id, patient_ids, kinds)


def load_sessions(
    engine: Engine, patient_ids: Sequence[str] | None = None, up_to: dt.datetime | None = None
) -> pd.DataFrame:
    """patient_id, started_at (UTC), kind, clinician and the dosing columns; before `up_to`."""
    dosing = [getattr(Session, c) for c in DOSING_FIELDS]
    query = select(Session.patient_id, _raw_time(engine, Session.started_at), Session.kind, Session.clinician, *dosing)
    if up_to is not None:
        query = query.where(Session.started_at < up_to)
    kinds = {"patient_id": _CODE, "started_at": _TIME, "kind": _CODE, "clinician": _CODE}
    kinds.update({c: _dosing_kind(c) for c in DOSING_FIELDS})
    return _read_columns(engine, query, Session.patient_id, patient_ids, kinds)


def _dosing_kind(column: str) -> str:
    if column in _INT_DOSING:
        return _INT
    if column in _FLOAT_DOSING:
        return _FLOAT
    return _CODE if column == "route" else _TEXT


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


@dataclass(frozen=True)
class FlagKey:
    """What pairs a replayed episode with its stored flag (`services.flags._match`), and no more."""

    id: int
    patient_id: str
    kind: str
    raised_at: dt.datetime
    is_open: bool


def load_flag_keys(engine: Engine, patient_ids: Sequence[str] | None = None) -> list[FlagKey]:
    """Every stored flag's identity (no evidence, no history): a read-only replay needs only these."""
    query = select(Flag.id, Flag.patient_id, Flag.kind, _raw_time(engine, Flag.raised_at), Flag.is_open)
    kinds = {"id": _INT, "patient_id": _CODE, "kind": _CODE, "raised_at": _TIME, "is_open": _INT}
    frame = _read_columns(engine, query, Flag.patient_id, patient_ids, kinds)
    columns = (
        frame["id"].tolist(),
        frame["patient_id"].tolist(),
        frame["kind"].tolist(),
        frame["raised_at"].dt.to_pydatetime().tolist(),  # aware UTC, as the replay's episodes
        frame["is_open"].astype(bool).tolist(),
    )
    return [FlagKey(*key) for key in zip(*columns, strict=True)]


@dataclass(frozen=True)
class OpenFlagRow:
    """A stored open flag as a list of patients shows it."""

    id: int
    patient_id: str
    kind: str
    level: str
    status: str
    since: dt.date
    raised_at: dt.datetime


def load_open_flags(engine: Engine, patient_ids: Sequence[str]) -> list[OpenFlagRow]:
    """The stored open flags of these patients (one indexed query per 5,000 patients)."""
    query = select(Flag.id, Flag.patient_id, Flag.kind, Flag.level, Flag.status, Flag.since, Flag.raised_at).where(
        Flag.is_open.is_(True)
    )
    flags: list[OpenFlagRow] = []
    with engine.connect() as connection:
        for ids in _chunks(patient_ids):
            assert ids is not None  # some patients' flags, never the whole table's
            flags += [OpenFlagRow(*row) for row in connection.execute(query.where(Flag.patient_id.in_(ids)))]
    return flags


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


def _read_columns(
    engine: Engine, query: Any, id_column: Any, patient_ids: Sequence[str] | None, kinds: dict[str, str]
) -> pd.DataFrame:
    """A record table's rows as typed columns (`kinds`: name → _CODE, _TEXT, _TIME, _INT or _FLOAT).

    The big tables (a million assessments) are read here. Every selected column is one the
    driver already returns as needed (text, numbers; times as text on SQLite), so no
    SQLAlchemy result processing is needed, and each batch of rows becomes numpy columns at
    once: the whole table is never held as Python tuples (the evaluation's memory), and
    numbers never go through per-value parsing (`pd.to_numeric` over objects).
    """
    names = list(kinds)
    batches: list[list[Any]] = []
    with engine.connect() as connection:
        for ids in _chunks(patient_ids):
            chunk = query if ids is None else query.where(id_column.in_(ids))
            for rows in _row_batches(connection, chunk, whole_table=ids is None):
                columns = zip(*rows, strict=True)
                batches.append([_column(values, kinds[name]) for name, values in zip(names, columns, strict=True)])
    frame: dict[str, Any] = {}
    for i, name in enumerate(names):
        frame[name] = _typed([batch[i] for batch in batches], kinds[name])
        for batch in batches:
            batch[i] = None  # each column's batches go as soon as it is built: memory holds one copy
    return pd.DataFrame(frame, copy=False)


def _row_batches(connection: Any, query: Any, *, whole_table: bool) -> Iterator[Sequence[Any]]:
    """The query's rows, `_FETCH_ROWS` at a time.

    A whole table on PostgreSQL streams through a server-side cursor, so the driver holds one
    batch at a time. Otherwise (some patients' rows, or SQLite, whose driver steps through the
    rows anyway) the batches come straight from the DBAPI cursor as plain tuples, with no
    `Row` per row and no extra round trips.
    """
    if whole_table and connection.dialect.name == "postgresql":
        result = connection.execution_options(stream_results=True).execute(query)
        yield from result.partitions(_FETCH_ROWS)
        return
    result = connection.execute(query)  # a plain cursor result: nothing buffered ahead of `cursor`
    try:
        while rows := result.cursor.fetchmany(_FETCH_ROWS):
            yield rows
    finally:
        result.close()


_CODE, _TEXT, _TIME, _INT, _FLOAT = "code", "text", "time", "int", "float"


def _column(values: tuple[Any, ...], kind: str) -> Any:
    """One batch of one column: numbers as float arrays (None becomes NaN), the rest as objects.

    Floats hold every integer below 2**53 exactly: item answers, totals, blood pressures, minutes.
    Codes (patient ids, instruments, kinds) repeat on every row: interned, a million rows hold
    one string per distinct value instead of one per row.
    """
    if kind in (_INT, _FLOAT):
        return np.array(values, dtype=float)
    if kind == _CODE:
        return np.array([None if v is None else sys.intern(v) for v in values], dtype=object)
    return np.array(values, dtype=object)


def _typed(parts: list[Any], kind: str) -> Any:
    numeric = kind in (_INT, _FLOAT)
    values = np.concatenate(parts) if parts else np.array([], dtype=float if numeric else object)
    if numeric:
        missing = np.isnan(values)
        values[missing] = 0
        if kind == _INT:
            return pd.arrays.IntegerArray(values.astype(np.int64), missing)
        return pd.arrays.FloatingArray(values, missing)
    if kind == _TIME:
        return _utc(pd.Series(values, dtype=object))
    return pd.Series(values, dtype=object)  # the engine's contract: text columns as objects, not pandas strings


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
