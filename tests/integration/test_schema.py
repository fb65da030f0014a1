"""The schema (Alembic migrations) on SQLite and PostgreSQL, and `init-db` run twice."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from db.engine import UnitOfWork, make_engine, read_session
from db.meta import is_demo_database, mark_demo_database
from db.models import AuditEvent, Base, Clinician, Patient, Session
from db.schema import is_current
from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all: a fresh SQLite path, or a new database on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh' / 'kap.sqlite3'}"
        return
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("KAP_TEST_REQUIRE_POSTGRES=1 but KAP_TEST_POSTGRES_URL is not set")
        pytest.skip("PostgreSQL leg off: set KAP_TEST_POSTGRES_URL to run it")
    admin = create_engine(make_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    name = f"kap_schema_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _manage(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "--db", db_url, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_init_db_creates_the_schema_and_is_safe_to_run_twice(empty_url: str) -> None:
    """`manage.py init-db` on an empty database creates every table; a second run changes nothing and succeeds."""
    first = _manage(empty_url, "init-db")
    assert first.returncode == 0, first.stderr
    engine = make_engine(empty_url)
    try:
        assert is_current(engine)
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
        second = _manage(empty_url, "init-db")
        assert second.returncode == 0, second.stderr
        assert is_current(engine)
        with read_session(engine) as s:
            events = s.scalars(select(AuditEvent.event)).all()
        assert events == ["command.init-db", "command.init-db"]
    finally:
        engine.dispose()


def test_other_commands_ask_for_init_db_on_an_empty_database(
    empty_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before `init-db`, `import` exits 2 and says what to run."""
    import manage

    assert manage.main(["--db", empty_url, "import", str(REPO / "tests" / "data" / "csv" / "clinic")]) == 2
    assert "run `python manage.py init-db` first" in capsys.readouterr().err


def test_the_migrated_schema_matches_the_models(engine: Engine) -> None:
    """Alembic finds nothing to autogenerate: migrations and `db.models` describe the same tables."""
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []


def test_times_come_back_aware_in_utc(engine: Engine) -> None:
    """A time stored with an offset comes back as the same instant, timezone-aware UTC, on both databases."""
    moment = dt.datetime(2026, 3, 4, 15, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    with UnitOfWork(engine) as uow:
        uow.session.add(Clinician(username="t", display_name="T", role="therapist"))
        uow.session.add(
            Patient(
                patient_id="P1",
                first_name="A",
                last_name="B",
                birth_date=dt.date(1980, 1, 1),
                therapist="t",
                status="active",
                enrolled_on=dt.date(2026, 3, 1),
            )
        )
        uow.session.add(Session(patient_id="P1", started_at=moment, kind="intake", clinician="t"))
        uow.commit()
    with read_session(engine) as s:
        stored = s.scalars(select(Session.started_at)).one()
    assert stored == moment and stored.utcoffset() == dt.timedelta(0)
    assert stored.hour == 20


def test_natural_keys_are_unique_in_the_database(engine: Engine) -> None:
    """Two sessions with the same patient, start and kind are refused by the database itself."""
    moment = dt.datetime(2026, 3, 4, 15, 30, tzinfo=dt.UTC)
    with UnitOfWork(engine) as uow:
        uow.session.add(Clinician(username="t", display_name="T", role="therapist"))
        uow.session.flush()
        uow.session.add(
            Patient(
                patient_id="P1",
                first_name="A",
                last_name="B",
                birth_date=dt.date(1980, 1, 1),
                therapist="t",
                status="active",
                enrolled_on=dt.date(2026, 3, 1),
            )
        )
        uow.session.flush()
        uow.session.add(Session(patient_id="P1", started_at=moment, kind="intake", clinician="t"))
        uow.session.add(Session(patient_id="P1", started_at=moment, kind="intake", clinician="t"))
        with pytest.raises(IntegrityError):
            uow.session.flush()


def test_an_uncommitted_unit_of_work_leaves_nothing(engine: Engine) -> None:
    """Without `commit()` the unit of work rolls back."""
    with UnitOfWork(engine) as uow:
        uow.session.add(Clinician(username="t", display_name="T", role="therapist"))
        uow.session.flush()
    with read_session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Clinician)) == 0


def test_the_demo_marker_is_kept_in_the_meta_table(engine: Engine) -> None:
    """A fresh database is not a demo database until it is marked."""
    with UnitOfWork(engine) as uow:
        assert not is_demo_database(uow.session)
        mark_demo_database(uow.session)
        mark_demo_database(uow.session)  # marking twice is harmless
        uow.commit()
    with read_session(engine) as s:
        assert is_demo_database(s)
