"""The Import page (AppTest): every problem shown before anything is written, then commit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from db.engine import make_engine, read_session
from db.models import Assessment, AuditEvent, Clinician, Flag, Patient
from services.auth import CurrentUser

REPO = Path(__file__).resolve().parents[2]
ADMIN = CurrentUser("admin", "Alex Admin", "admin")
THERAPIST = CurrentUser("thera", "Thea Rapist", "therapist")

CLINICIANS = b"username,display_name,role,supervisor\r\nthera,Thea Rapist,therapist,\r\n"
PATIENTS = (
    b"patient_id,first_name,last_name,birth_date,therapist,status,enrolled_on\r\n"
    b"P1,Ada,Lane,1980-05-01,thera,active,2026-10-01\r\n"
)
ASSESSMENTS = (
    b"patient_id,administered_at,instrument,total,item_1,item_2,item_3,item_4,item_5,item_6,item_7,item_8,item_9\r\n"
    b"P1,2026-10-20T09:00:00Z,PHQ-9,,2,2,2,2,2,2,2,2,3\r\n"
)
BAD_PATIENTS = (
    b"patient_id,first_name,last_name,birth_date,therapist,status\r\n"
    b"P1,Ada,Lane,05/01/1980,thera,active\r\n"
    b"P2,Ben,Ortiz,1979-01-01,nobody,active\r\n"
)
BAD_ASSESSMENTS = b"patient_id,administered_at,instrument,item_1,item_2\r\nP1,2026-10-20T09:00:00Z,PHQ-2,7,1\r\n"


@pytest.fixture
def database(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """An empty, real (non-demo) SQLite database that the dashboard opens through DATABASE_URL."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


def open_page(user: CurrentUser) -> AppTest:
    app = AppTest.from_file(str(REPO / "pages" / "import_records.py"), default_timeout=60)
    app.session_state["authentication_status"] = True
    app.session_state["kap_user"] = user
    return app.run()


def count(engine: Engine, model: type) -> int:
    with read_session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def import_audit_rows(engine: Engine) -> list[dict[str, object]]:
    with read_session(engine) as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.event == "records.imported"))
        return [{"actor": r.actor, "outcome": r.outcome, "detail": r.detail} for r in rows]


def shown_text(app: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("text", "error", "info", "success") for e in getattr(app, kind))


def test_bad_files_list_every_problem_and_write_nothing(database: Engine) -> None:
    """Bad files: every problem is listed with file, row and column, no Commit button, nothing written."""
    app = open_page(ADMIN)
    app.file_uploader[0].set_value(
        [("patients.csv", BAD_PATIENTS, "text/csv"), ("assessments.csv", BAD_ASSESSMENTS, "text/csv")]
    ).run()

    assert not app.exception
    text = shown_text(app)
    assert "problem(s) found" in text
    assert "patients.csv:2: birth_date:" in text
    assert "patients.csv:3: therapist:" in text and "nobody" in text
    assert "assessments.csv:2: item_1:" in text
    assert "kap-import-" not in text  # the private temporary folder never shows
    problems = next(e.value for e in app.text if "patients.csv:2" in e.value)
    assert len(problems.splitlines()) >= 3
    assert not [b for b in app.button if b.key == "import_commit"]
    assert (count(database, Patient), count(database, Assessment), count(database, Clinician)) == (0, 0, 0)
    assert import_audit_rows(database) == []


def test_good_files_preview_then_commit_writes_audits_and_evaluates_flags(database: Engine) -> None:
    """Good files: the check writes nothing; Commit writes them, audits the import, and raises flags."""
    app = open_page(ADMIN)
    app.file_uploader[0].set_value(
        [
            ("assessments.csv", ASSESSMENTS, "text/csv"),
            ("patients.csv", PATIENTS, "text/csv"),
            ("clinicians.csv", CLINICIANS, "text/csv"),
        ]
    ).run()

    assert not app.exception
    assert "Nothing has been written yet" in shown_text(app)
    assert count(database, Patient) == 0

    next(b for b in app.button if b.key == "import_commit").click().run()

    assert not app.exception
    assert "Imported: 3 record(s) written" in shown_text(app)
    assert (count(database, Clinician), count(database, Patient), count(database, Assessment)) == (1, 1, 1)
    (row,) = import_audit_rows(database)
    assert row["actor"] == "admin" and row["outcome"] == "success"
    detail = row["detail"]
    assert isinstance(detail, dict)
    assert sorted(f["name"] for f in detail["files"]) == ["assessments.csv", "clinicians.csv", "patients.csv"]
    assert all(len(f["sha256"]) == 64 for f in detail["files"])
    assert detail["counts"]["patients"]["new"] == 1
    with read_session(database) as session:
        kinds = set(session.scalars(select(Flag.kind).where(Flag.patient_id == "P1", Flag.is_open)))
    assert "si_high" in kinds  # PHQ-9 item 9 answered 3: flags were evaluated after the import


def test_only_an_admin_may_open_the_import_page(database: Engine) -> None:
    """A therapist is refused the page (and the refusal is audited); no uploader is shown."""
    app = open_page(THERAPIST)

    assert "Your role does not give access to this page." in [e.value for e in app.error]
    assert len(app.file_uploader) == 0
    with read_session(database) as session:
        denied = session.scalars(select(AuditEvent.event).where(AuditEvent.outcome == "denied")).all()
    assert denied == ["page.denied"]
