"""A fresh database holding only one therapist's caseload, copied from the network.

`caseload_ms_alone` times the caseload in it: the same patients, records and stored flags,
without the other 9,950 patients. Same dialect as the network (a temporary SQLite file, or
a temporary database on the same PostgreSQL server, dropped afterwards).
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, create_engine, insert, select, text
from sqlalchemy.engine import make_url

from db.engine import make_engine
from db.meta import FLAGS_EVALUATED_KEY
from db.models import Assessment, Clinician, Flag, FlagTransition, Meta, Note, Patient, Session
from db.schema import upgrade


@contextmanager
def caseload_alone(network_url: str, therapist: str) -> Iterator[str]:
    """The URL of a new database holding only `therapist`'s caseload; removed on exit."""
    with _empty_database(network_url) as url:
        source, target = make_engine(network_url), make_engine(url)
        try:
            upgrade(target)
            _copy_caseload(source, target, therapist)
        finally:
            source.dispose()
            target.dispose()
        yield url


@contextmanager
def _empty_database(network_url: str) -> Iterator[str]:
    network = make_url(network_url)
    if network.get_backend_name() == "sqlite":
        with tempfile.TemporaryDirectory(prefix="kap_alone_") as folder:
            yield f"sqlite:///{Path(folder) / 'alone.sqlite3'}"
        return
    name = f"kap_bench_alone_{uuid.uuid4().hex[:10]}"
    admin = create_engine(network, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield network.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _copy_caseload(source: Engine, target: Engine, therapist: str) -> None:
    patients = select(Patient.patient_id).where(Patient.therapist == therapist)
    flags = select(Flag.id).where(Flag.patient_id.in_(patients))
    supervisor = select(Clinician.supervisor).where(Clinician.username == therapist).scalar_subquery()
    plan: list[tuple[Table, Any]] = [
        (Clinician.__table__, Clinician.username == supervisor),  # type: ignore[list-item]
        (Clinician.__table__, Clinician.username == therapist),  # type: ignore[list-item]
        (Patient.__table__, Patient.therapist == therapist),  # type: ignore[list-item]
        (Session.__table__, Session.patient_id.in_(patients)),  # type: ignore[list-item]
        (Assessment.__table__, Assessment.patient_id.in_(patients)),  # type: ignore[list-item]
        (Note.__table__, Note.patient_id.in_(patients)),  # type: ignore[list-item]
        (Flag.__table__, Flag.patient_id.in_(patients)),  # type: ignore[list-item]
        (FlagTransition.__table__, FlagTransition.flag_id.in_(flags)),  # type: ignore[list-item]
        (Meta.__table__, Meta.key == FLAGS_EVALUATED_KEY),  # type: ignore[list-item]  (the flags are as current)
    ]
    with source.connect() as reading, target.begin() as writing:
        for table, where in plan:
            rows = [dict(row) for row in reading.execute(select(table).where(where)).mappings()]
            if rows:
                writing.execute(insert(table), rows)
    if target.dialect.name == "postgresql":
        _advance_sequences(target)
    with target.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()


def _advance_sequences(target: Engine) -> None:
    # Rows were copied with their ids: move each serial past them so later inserts don't collide.
    with target.begin() as connection:
        for table in ("sessions", "assessments", "notes", "flags", "flag_transitions"):
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}"
            )
