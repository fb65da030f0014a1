"""The audit log's hash chain (`audit verify`) and `backup` with a restore that loses nothing."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from db import audit
from db.engine import UnitOfWork, make_engine, read_session
from db.models import Clinician, Patient
from tests.integration.dumps import logical_dump

REPO = Path(__file__).resolve().parents[2]
T0 = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)


def _manage(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "--db", db_url, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def attacker(engine: Engine) -> Iterator[None]:
    """Play an attacker with owner rights: drop the triggers that refuse UPDATE/DELETE.

    The PostgreSQL test database is shared by the whole run, so the guard is put back after.
    """
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
    yield
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(
                text(
                    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
                    "FOR EACH ROW EXECUTE FUNCTION kap_refuse_history_change()"
                )
            )


def _write_events(engine: Engine, count: int) -> None:
    for n in range(count):
        audit.write(
            engine,
            audit.AuditEntry(actor="alice", event="patient.viewed", category="access", patient_id=f"P-{n}"),
            T0 + dt.timedelta(minutes=n),
        )


def test_intact_chain_verifies(db_url: str, engine: Engine) -> None:
    """An untouched audit log verifies with exit 0."""
    _write_events(engine, 3)
    result = _manage(db_url, "audit", "verify")
    assert result.returncode == 0, result.stderr
    assert "intact" in result.stdout


def test_altered_row_is_reported(db_url: str, engine: Engine, attacker: None) -> None:
    """Changing any field of a row breaks the chain at that row (exit 1, row named)."""
    _write_events(engine, 4)
    with engine.begin() as conn:
        second = conn.execute(text("SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 1")).scalar_one()
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = :id"), {"id": second})
    result = _manage(db_url, "audit", "verify")
    assert result.returncode == 1
    assert f"row {second}" in result.stderr


def test_deleted_row_is_reported(db_url: str, engine: Engine, attacker: None) -> None:
    """Removing a row breaks the link of the row after it."""
    _write_events(engine, 4)
    with engine.begin() as conn:
        ids = conn.execute(text("SELECT id FROM audit_log ORDER BY id")).scalars().all()
        conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": ids[1]})
    result = _manage(db_url, "audit", "verify")
    assert result.returncode == 1
    assert f"row {ids[2]}" in result.stderr


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"])
def test_database_refuses_to_change_audit_rows(engine: Engine, statement: str) -> None:
    """The database itself refuses UPDATE and DELETE on the audit log."""
    _write_events(engine, 1)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))


def test_chain_links_every_row(engine: Engine) -> None:
    """Each row carries the previous row's hash; the first carries none."""
    _write_events(engine, 3)
    with read_session(engine) as session:
        rows = session.execute(select(audit.AuditEvent).order_by(audit.AuditEvent.id)).scalars().all()
        assert rows[0].prev_hash is None
        assert [r.prev_hash for r in rows[1:]] == [r.row_hash for r in rows[:-1]]
        assert audit.verify(session) is None


def test_sqlite_backup_restores_identical_records(sqlite_url: str, tmp_path: Path) -> None:
    """`backup PATH` writes a copy whose every table equals the original's."""
    engine = make_engine(sqlite_url)
    with UnitOfWork(engine) as uow:
        uow.session.add(Clinician(username="tara", display_name="Tara Quinn", role="therapist"))
        uow.session.flush()
        uow.session.add(
            Patient(
                patient_id="P-1",
                first_name="Ada",
                last_name="Stone",
                birth_date=dt.date(1980, 5, 1),
                therapist="tara",
                status="active",
                enrolled_on=dt.date(2026, 9, 1),
                planned_doses=6,
            )
        )
        uow.commit()
    _write_events(engine, 2)
    target = tmp_path / "copy.sqlite3"
    result = _manage(sqlite_url, "backup", str(target))
    assert result.returncode == 0, result.stderr
    restored = make_engine(f"sqlite:///{target}")
    original = logical_dump(engine)
    copy = logical_dump(restored)
    # The backup command audits itself after copying, so the original has one row more.
    assert copy["audit_log"] == original["audit_log"][: len(copy["audit_log"])]
    assert {k: v for k, v in copy.items() if k != "audit_log"} == {
        k: v for k, v in original.items() if k != "audit_log"
    }
    assert _manage(f"sqlite:///{target}", "backup", str(target)).returncode == 2  # never overwrites


def test_postgres_backup_restores_identical_records(postgres_database: str, tmp_path: Path) -> None:
    """On PostgreSQL `backup` prints a pg_dump command; running it and pg_restore loses nothing."""
    import shlex
    import uuid

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    engine = make_engine(postgres_database)
    _write_events(engine, 2)
    target = tmp_path / "kap.dump"
    result = _manage(postgres_database, "backup", str(target))
    assert result.returncode == 0, result.stderr
    command = result.stdout.strip().splitlines()[-1]
    assert command.startswith("pg_dump") and "--format=custom" in command
    subprocess.run(shlex.split(command), check=True, timeout=120)
    url = make_url(postgres_database)
    restored_name = f"kap_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{restored_name}"'))
    try:
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                f"--host={url.host}",
                f"--port={url.port}",
                f"--username={url.username}",
                f"--dbname={restored_name}",
                str(target),
            ],
            check=True,
            timeout=120,
        )
        restored = make_engine(url.set(database=restored_name).render_as_string(hide_password=False))
        original = logical_dump(engine)
        copy = logical_dump(restored)
        restored.dispose()
        assert copy["audit_log"] == original["audit_log"][: len(copy["audit_log"])]
        assert len(copy["audit_log"]) >= 2
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)'))
        admin.dispose()
        engine.dispose()
