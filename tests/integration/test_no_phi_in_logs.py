"""No PHI in logs (issue 12, ARCHITECTURE rule 7).

View, import, export, flag and login actions run with every Python logger at DEBUG —
SQLAlchemy's engine logger included, which would print bound parameters and fetched rows —
in this process, as `manage.py` subprocesses and in a `streamlit run` server. Names, birth
dates, note text, adverse events, passwords and the cookie key never appear in what they log
or in the error messages they print on stderr.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from db.engine import UnitOfWork, make_engine
from db.models import Flag
from services import auth
from services.auth import CurrentUser

REPO = Path(__file__).resolve().parents[2]

FIRST, LAST = "Zebulon", "Quartermaine"
BIRTH = dt.date(1977, 6, 5)
NOTE = "Marmalade lighthouse confession; she felt hopeless after the funeral."
ADVERSE = "tingling kaleidoscope feeling"
ACK_NOTE = "Phoned sister Philippa about the safety plan"
PASSWORD = "Violet-harbour-42-Orchid"
COOKIE_KEY = "cookie-key-7Hq2xZ9vLw4Rt8Yp3Nk6Bm1Cd5Fg0Js"
PSEUDONYM_KEY = "pseudonym-key-Q8w2E4r6T8y0U2i4O6p8A0s2D4f6G8h"
# How each may look in a log: as typed, as Python prints a date, in parts.
PHI = [
    FIRST,
    LAST,
    BIRTH.isoformat(),
    repr(BIRTH),
    "1977, 6, 5",
    "Marmalade lighthouse",
    "funeral",
    "kaleidoscope",
    "Philippa",
    PASSWORD,
    COOKIE_KEY,
    PSEUDONYM_KEY,
]

CLINICIANS = "username,display_name,role,supervisor\nphi_ther,Thea Therapist,therapist,\n"
PATIENTS = (
    "patient_id,first_name,last_name,birth_date,therapist,status,enrolled_on,planned_doses\n"
    f"PHI-0001,{FIRST},{LAST},{BIRTH.isoformat()},phi_ther,active,2026-01-05,6\n"
)
SESSIONS = (
    "patient_id,started_at,kind,clinician,route,dose_mg,weight_kg,bp_pre_sys,bp_pre_dia,bp_post_sys,bp_post_dia,"
    "adverse_events\n"
    f"PHI-0001,2026-01-12T09:00,dosing,phi_ther,im,50,70,128,82,130,84,{ADVERSE}\n"
    "PHI-0001,2026-01-13T09:00,integration,phi_ther,,,,,,,,\n"
)
ASSESSMENTS = (
    "patient_id,administered_at,instrument,total,item_1,item_2,item_3,item_4,item_5,item_6,item_7,item_8,item_9\n"
    "PHI-0001,2026-01-12T08:00,PHQ-9,,2,2,2,2,2,2,2,2,3\n"
    "PHI-0001,2026-01-13T08:00,PHQ-9,,2,2,2,2,2,2,2,2,1\n"
    "PHI-0001,2026-01-14T08:00,PHQ-9,,2,2,2,2,2,2,2,2,1\n"
)
NOTES = f'patient_id,written_at,kind,author,text,session_at\nPHI-0001,2026-01-13T10:00,integration,phi_ther,"{NOTE}",\n'


def write_clinic(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in {
        "clinicians.csv": CLINICIANS,
        "patients.csv": PATIENTS,
        "sessions.csv": SESSIONS,
        "assessments.csv": ASSESSMENTS,
        "notes.csv": NOTES,
    }.items():
        (folder / name).write_text(body, encoding="utf-8")
    return folder


def assert_no_phi(output: str, where: str) -> None:
    found = [value for value in PHI if value in output]
    assert found == [], f"{where} contains {found}"


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger at DEBUG, SQLAlchemy's engine and pool loggers included."""
    caplog.set_level(logging.DEBUG)
    for name in ("sqlalchemy", "sqlalchemy.engine", "sqlalchemy.engine.Engine", "sqlalchemy.pool", "alembic"):
        caplog.set_level(logging.DEBUG, logger=name)
    yield caplog


def test_services_log_no_phi_at_debug(
    engine: Engine, tmp_path: Path, debug_logs: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Import, views, flags, acknowledgement, exports, logins and secrets: no PHI logged, even at DEBUG."""
    from services import engine as dashboard_database
    from services.caseload import caseload
    from services.exports import export_for_user
    from services.flags import acknowledge_flag, evaluate_and_store
    from services.imports import import_paths
    from services.patient_view import patient_view
    from services.safety import safety_view
    from services.users import add_user

    monkeypatch.setenv("KAP_COOKIE_KEY", COOKIE_KEY)
    monkeypatch.setenv("KAP_PSEUDONYM_KEY", PSEUDONYM_KEY)
    report = import_paths(engine, [write_clinic(tmp_path / "clinic")], actor="phi-test")
    assert report.ok, report.problems
    add_user(engine, "phi_admin", role="admin", password=PASSWORD, display_name="Pat Admin")
    assert auth.record_failed_login(engine, "phi_admin").locked is False
    admin = auth.admit(engine, "phi_admin")
    assert admin is not None
    therapist = CurrentUser("phi_ther", "Thea Therapist", "therapist")

    dashboard_database.dashboard_config(engine)
    evaluate_and_store(engine, dt.date(2026, 1, 20))
    view = patient_view(engine, admin, "PHI-0001")
    assert view.header.name.startswith(FIRST)  # the records were really read
    caseload(engine, therapist)
    safety_view(engine, therapist)
    with UnitOfWork(engine) as uow:
        flag_id = uow.session.scalars(select(Flag.id).where(Flag.patient_id == "PHI-0001")).first()
    assert flag_id is not None
    acknowledge_flag(engine, flag_id, actor="phi_ther", acknowledgement="other", note=ACK_NOTE)
    for format in ("csv", "fhir"):
        export = export_for_user(engine, admin, format=format)
        assert export.patient_count == 1

    logged = debug_logs.text + "\n".join(str(record.args) for record in debug_logs.records)
    assert "SELECT" in logged  # SQLAlchemy's DEBUG logging really was on
    assert_no_phi(logged, "the log")


def test_database_errors_hide_their_parameters(engine: Engine) -> None:
    """An error from the database names the statement, never the values that were bound to it."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError) as failed, engine.connect() as connection:
        connection.execute(
            text("INSERT INTO patients (patient_id, first_name) VALUES (:id, :name)"), {"id": "X", "name": FIRST}
        )
    assert_no_phi(str(failed.value), "the database error")


# One interpreter runs every command in turn (starting Python per command is slow); each
# command's stderr is marked so a failure names the command.
_RUN_COMMANDS = """
import json, logging, sys
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
logging.getLogger("sqlalchemy.engine").setLevel(logging.DEBUG)
import manage
statuses = []
for args in json.loads(sys.argv[1]):
    print("=== manage.py " + " ".join(args), file=sys.stderr, flush=True)
    statuses.append(manage.main(args))
print(json.dumps(statuses))
"""


def _manage(db_url: str, commands: list[list[str]], stdin: str = "") -> tuple[list[int], str]:
    """Run `manage.py` commands in a subprocess with Python logging at DEBUG; their exit codes and stderr."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "KAP_COOKIE_KEY": COOKIE_KEY, "KAP_PSEUDONYM_KEY": PSEUDONYM_KEY}
    argv = json.dumps([["--db", db_url, *command] for command in commands])
    run = subprocess.run(
        [sys.executable, "-c", _RUN_COMMANDS, argv],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        input=stdin,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout.strip().splitlines()[-1]), run.stderr


def test_command_line_logs_and_errors_carry_no_phi(db_url: str, tmp_path: Path) -> None:
    """`manage.py` import, evaluate, flags, notes, export, users and a refused import: stderr holds no PHI."""
    clinic = write_clinic(tmp_path / "clinic")
    refused = tmp_path / "refused"  # the same patient with another name, and an unknown therapist
    refused.mkdir()
    (refused / "patients.csv").write_text(
        PATIENTS.replace(FIRST, "Zebadiah").replace("phi_ther", "nobody"), encoding="utf-8"
    )
    statuses, stderr = _manage(
        db_url,
        [
            ["import", str(clinic)],
            ["evaluate", "--as-of", "2026-01-20"],
            ["flags", "--as-of", "2026-01-20", "--json"],
            ["notes", "--json"],
            ["export", str(tmp_path / "out-csv"), "--format", "csv"],
            ["export", str(tmp_path / "out.json"), "--format", "fhir"],
            ["users", "add", "phi_admin", "--role", "admin"],
            ["users", "password", "phi_admin"],
            ["import", str(refused)],
        ],
        stdin=f"{PASSWORD}\n{PASSWORD}\n{PASSWORD}x\n{PASSWORD}y\n",
    )
    assert statuses == [0, 0, 0, 0, 0, 0, 0, 2, 2], stderr[-3000:]
    assert "sqlalchemy.engine" in stderr and "SELECT" in stderr  # DEBUG logging really was on
    assert "patients.csv:2" in stderr  # the refused import said where
    assert_no_phi(stderr, "manage.py's stderr")


# --- a real `streamlit run` server -----------------------------------------------------------------


@pytest.fixture
def server_output(sqlite_url: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`streamlit run dashboard.py` at DEBUG on a clinic with the PHI above; yields its URL and log file."""
    from tests.browser.conftest import _free_port, require_chromium
    from tests.integration.test_no_phi_in_logs import write_clinic as clinic_files

    require_chromium()
    from services.imports import import_paths
    from services.users import add_user

    engine = make_engine(sqlite_url)
    assert import_paths(engine, [clinic_files(tmp_path / "clinic")], actor="phi-test").ok
    add_user(engine, "phi_ther", role="therapist", password=PASSWORD)
    engine.dispose()
    port = _free_port()
    log = tmp_path / "server.log"
    env = {
        **os.environ,
        "DATABASE_URL": sqlite_url,
        "KAP_COOKIE_KEY": COOKIE_KEY,
        "KAP_PSEUDONYM_KEY": PSEUDONYM_KEY,
        "KAP_SESSION_COOKIE_DAYS": "1",  # a real login cookie, whose value must not be logged either
        "PYTHONPATH": str(REPO),
    }
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none"]
    command += ["--logger.level", "debug"]
    with log.open("w") as sink:
        server = subprocess.Popen(command, cwd=REPO, env=env, stdout=sink, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                assert server.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            yield base, log
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@pytest.mark.browser
def test_dashboard_server_logs_no_phi(server_output: tuple[str, Path], page: Any) -> None:
    """Log in (a wrong password first), open the patient, log out: the server's output holds no PHI or cookie."""
    base, log = server_output
    page.goto(base)
    page.get_by_role("button", name="Log in").wait_for()
    for password in ("Wrong-password-Horse", PASSWORD):
        page.get_by_role("textbox", name="Username").fill("phi_ther")
        page.get_by_role("textbox", name="Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_timeout(1500)
    page.get_by_role("button", name="Log out").wait_for()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Patient").click()
    # The patient page's header names the patient (the caseload's grid cells are hidden canvas text).
    page.get_by_role("heading").filter(has_text=FIRST).first.wait_for()
    cookies = [cookie["value"] for cookie in page.context.cookies() if len(cookie["value"]) >= 16]
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("button", name="Log in").wait_for()
    output = log.read_text(encoding="utf-8", errors="replace")
    assert "Running script" in output  # the server really logged at DEBUG
    assert_no_phi(output, "the server's output")
    assert "Wrong-password-Horse" not in output
    for value in cookies:
        assert value not in output, "a cookie value reached the server's output"
