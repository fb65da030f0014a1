"""CSV import (SPEC §2.1): every row validated, all or nothing, idempotent, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from db.engine import UnitOfWork, make_engine, read_session
from db.importers.csv_files import read_csv_bytes
from db.meta import mark_demo_database
from db.models import Assessment, Base, Clinician, Note, Patient, Session
from services.imports import ImportRefused, import_paths, preview

REPO = Path(__file__).resolve().parents[2]
CLINIC = REPO / "tests" / "data" / "csv" / "clinic"
NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)
UTC = dt.UTC
RECORD_TABLES = ("clinicians", "patients", "sessions", "assessments", "notes")


def _clinic_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "clinic"
    shutil.copytree(CLINIC, folder)
    return folder


def _write(folder: Path, name: str, text: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _import(engine: Engine, *paths: Path, update: bool = False, now: dt.datetime = NOW) -> Any:
    return import_paths(engine, list(paths), update=update, actor="test", now=now)


def _dump(engine: Engine, tables: tuple[str, ...] | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (or of the named ones), without surrogate ids, in a stable order."""
    dump: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if tables is not None and table.name not in tables:
                continue
            columns = [c for c in table.columns if c.name != "id"]
            rows = conn.execute(select(*columns)).all()
            dump[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return dump


def _messages(report: Any) -> list[str]:
    return [str(p) for p in report.problems]


# -- the happy path -------------------------------------------------------------------------


def test_imports_a_clinic_from_files_given_in_any_order(engine: Engine, tmp_path: Path) -> None:
    """Files of one run may come in any order: references resolve within the run."""
    folder = _clinic_copy(tmp_path)
    files = sorted(folder.iterdir(), reverse=True)  # sessions and patients before their clinicians
    report = _import(engine, *files)
    assert report.ok, _messages(report)
    assert report.committed
    assert {t: c.new for t, c in report.counts.items()} == {
        "clinicians": 4,
        "patients": 3,
        "sessions": 7,
        "assessments": 6,
        "notes": 3,
    }
    with read_session(engine) as s:
        assert s.get(Clinician, "mreyes").supervisor == "jortiz"
        assert s.get(Clinician, "mreyes").password_hash is None
        patient = s.get(Patient, "KAP-0001")
        assert (patient.first_name, patient.birth_date, patient.planned_doses) == ("Avery", dt.date(1984, 7, 12), 6)
        dose = s.scalars(select(Session).where(Session.kind == "dosing", Session.patient_id == "KAP-0001")).first()
        assert dose is not None
        assert (dose.route, dose.dose_mg, dose.bp_pre_sys, dose.bp_post_dia, dose.adverse_events) == (
            "im",
            42.0,
            128,
            86,
            "mild nausea",
        )
        phq9 = s.scalars(select(Assessment).where(Assessment.instrument == "PHQ-9").order_by(Assessment.id)).first()
        assert phq9 is not None
        assert (phq9.total, phq9.item_9, phq9.item_10) == (19, 1, None)


def test_offset_times_are_stored_in_utc_and_plain_times_in_the_clinic_time_zone(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`2026-09-20T14:30-04:00` is 18:30 UTC; a time without offset is clinic time, a date alone 00:00 clinic time."""
    monkeypatch.setenv("KAP_TIMEZONE", "America/Chicago")
    report = _import(engine, _clinic_copy(tmp_path))
    assert report.ok, _messages(report)
    with read_session(engine) as s:
        moreno = s.scalars(select(Session).where(Session.patient_id == "KAP-0002")).one()
        assert moreno.started_at == dt.datetime(2026, 9, 20, 18, 30, tzinfo=UTC)
        first_dose = s.scalars(select(Session).where(Session.started_at < dt.datetime(2026, 9, 16, tzinfo=UTC)))
        times = sorted(r.started_at for r in first_dose if r.patient_id == "KAP-0001")
        assert times[0] == dt.datetime(2026, 9, 1, 14, 0, tzinfo=UTC)  # 09:00 CDT
        gad7 = s.scalars(select(Assessment).where(Assessment.instrument == "GAD-7")).one()
        assert gad7.administered_at == dt.datetime(2026, 9, 20, 5, 0, tzinfo=UTC)  # 00:00 CDT


def test_blank_enrolment_date_is_the_day_of_the_patients_earliest_record(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A patient without `enrolled_on` is enrolled on the clinic day of their earliest record of the run."""
    monkeypatch.setenv("KAP_TIMEZONE", "America/Los_Angeles")
    folder = _clinic_copy(tmp_path)
    _write(
        folder,
        "assessments.csv",
        "patient_id,administered_at,instrument,total\nKAP-0003,2026-09-30T03:00:00Z,PHQ-2,2\n",
    )
    report = _import(engine, folder)
    assert report.ok, _messages(report)
    with read_session(engine) as s:
        # 03:00 UTC on the 30th is still the 29th in California.
        assert s.get(Patient, "KAP-0003").enrolled_on == dt.date(2026, 9, 29)


def test_a_note_keeps_its_text_exactly_as_typed(engine: Engine, tmp_path: Path) -> None:
    """Quoted newlines stay in the note and a leading `=` is stored as typed (exports neutralise it)."""
    assert _import(engine, _clinic_copy(tmp_path)).ok
    with read_session(engine) as s:
        texts = {n.kind: n.text for n in s.scalars(select(Note))}
        links = {n.kind: n.session_at for n in s.scalars(select(Note))}
    assert texts["dosing"].startswith("Dose 1 (IM 42 mg).") and "\nDenies SI" in texts["dosing"]
    assert texts["integration"].startswith("=reflects on 'letting go'")
    assert links["preparation"] is None


def test_scheduled_sessions_are_accepted_without_dosing_details(engine: Engine, tmp_path: Path) -> None:
    """A session after the time of import is a scheduled one and is stored, its dosing details blank."""
    assert _import(engine, _clinic_copy(tmp_path)).ok
    with read_session(engine) as s:
        scheduled = s.scalars(select(Session).where(Session.started_at > NOW)).one()
        assert (scheduled.kind, scheduled.route, scheduled.dose_mg, scheduled.bp_pre_sys) == (
            "dosing",
            None,
            None,
            None,
        )


def test_a_scheduled_session_with_dosing_details_is_refused(engine: Engine, tmp_path: Path) -> None:
    """Dosing details of a session that has not happened yet are an error, as are dosing details on a non-dosing row."""
    folder = _clinic_copy(tmp_path)
    _write(
        folder,
        "sessions.csv",
        "patient_id,started_at,kind,clinician,dose_mg,bp_pre_sys\n"
        "KAP-0001,2030-01-10T09:00,dosing,mreyes,42,\n"
        "KAP-0001,2026-09-16T10:00,integration,mreyes,,120\n",
    )
    report = _import(engine, folder)
    assert f"{folder / 'sessions.csv'}:2: dose_mg: this session is scheduled" in "\n".join(_messages(report))
    assert any(
        m.startswith(f"{folder / 'sessions.csv'}:3: bp_pre_sys: only dosing sessions") for m in _messages(report)
    )
    assert not report.committed


def test_header_names_are_case_insensitive_in_any_order_and_a_bom_is_accepted(engine: Engine, tmp_path: Path) -> None:
    """`\\ufeffROLE,Username,Display_Name` is a clinicians file."""
    path = _write(tmp_path, "staff.csv", "\ufeffROLE,Username,Display_Name\r\ntherapist,ana,Ana P\r\n".encode())
    report = _import(engine, path)
    assert report.ok, _messages(report)
    with read_session(engine) as s:
        assert s.get(Clinician, "ana").role == "therapist"


def test_a_folder_imports_every_csv_in_it_and_skips_hidden_and_other_files(engine: Engine, tmp_path: Path) -> None:
    """A folder means its .csv/.json/.ndjson files, sorted; `._x.csv` (macOS) and `README.txt` are left alone."""
    folder = _clinic_copy(tmp_path)
    _write(folder, "._patients.csv", b"\x00\x05\x16\x07garbage")
    _write(folder, "README.txt", "not data")
    report = _import(engine, folder)
    assert report.ok, _messages(report)
    assert [Path(f.name).name for f in report.files] == [
        "assessments.csv",
        "clinicians.csv",
        "notes.csv",
        "patients.csv",
        "sessions.csv",
    ]


def test_reimporting_the_same_files_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    """Idempotent: a second import writes no record and counts every row unchanged."""
    folder = _clinic_copy(tmp_path)
    assert _import(engine, folder).ok
    before = _dump(engine, RECORD_TABLES)
    again = _import(engine, folder)
    assert again.ok, _messages(again)
    assert all(c.written == 0 for c in again.counts.values())
    assert again.counts["assessments"].unchanged == 6
    assert _dump(engine, RECORD_TABLES) == before


def test_preview_plans_without_writing(engine: Engine, tmp_path: Path) -> None:
    """`preview` reports the counts `commit` would write, and writes nothing (not even an audit row)."""
    before = _dump(engine)
    report = preview(engine, [_clinic_copy(tmp_path)], now=NOW)
    assert report.ok and not report.committed
    assert report.counts["sessions"].new == 7
    assert _dump(engine) == before


def test_a_successful_import_writes_one_audit_row_with_file_fingerprints(engine: Engine, tmp_path: Path) -> None:
    """The audit row names the files with their sha256 and the counts, never patient data."""
    report = _import(engine, _clinic_copy(tmp_path))
    rows = _dump(engine, ("audit_log",))["audit_log"]
    assert len(rows) == 1
    with engine.connect() as conn:
        from db.models import AuditEvent

        event = conn.execute(select(AuditEvent.event, AuditEvent.actor, AuditEvent.detail)).one()
    assert (event.event, event.actor) == ("records.imported", "test")
    assert {f["sha256"] for f in event.detail["files"]} == {f.sha256 for f in report.files}
    assert event.detail["counts"]["patients"]["new"] == 3
    assert "Avery" not in json.dumps(event.detail)


# -- conflicts and --update -----------------------------------------------------------------


def test_a_row_whose_key_exists_with_other_values_is_a_conflict(engine: Engine, tmp_path: Path) -> None:
    """No silent overwrite: a changed PHQ-9 answer is refused and names the row, column and --update."""
    folder = _clinic_copy(tmp_path)
    assert _import(engine, folder).ok
    before = _dump(engine)
    changed = _write(
        tmp_path / "later",
        "assessments.csv",
        "patient_id,administered_at,instrument,item_1,item_2,item_3,item_4,item_5,item_6,item_7,item_8,item_9\n"
        "KAP-0001,2026-09-22,PHQ-9,1,1,1,1,1,1,1,1,2\n",
    )
    report = _import(engine, changed)
    assert not report.ok
    messages = _messages(report)
    assert any(m.startswith(f"{changed}:2: item_9: this PHQ-9 of patient 'KAP-0001'") for m in messages), messages
    assert any("(0 in the database, 2 here)" in m and "--update" in m for m in messages)
    assert _dump(engine) == before


def test_update_overwrites_records_whose_key_exists(engine: Engine, tmp_path: Path) -> None:
    """With `--update` the conflicting records are overwritten and counted as updated."""
    assert _import(engine, _clinic_copy(tmp_path)).ok
    changed = _write(
        tmp_path / "later",
        "patients.csv",
        "patient_id,first_name,last_name,birth_date,therapist,status\n"
        "KAP-0002,Blake,Moreno,1991-02-28,tchen,discharged\n",
    )
    report = _import(engine, changed, update=True)
    assert report.ok, _messages(report)
    assert (report.counts["patients"].updated, report.counts["patients"].new) == (1, 0)
    with read_session(engine) as s:
        patient = s.get(Patient, "KAP-0002")
        assert (patient.therapist, patient.status, patient.enrolled_on) == ("tchen", "discharged", dt.date(2026, 9, 15))


def test_two_rows_of_one_run_with_the_same_key_and_different_values_are_refused(engine: Engine, tmp_path: Path) -> None:
    """A duplicate key inside the run is a conflict even with --update (which value would be right?)."""
    path = _write(
        tmp_path,
        "clinicians.csv",
        "username,display_name,role\nana,Ana P,therapist\nana,Ana P,supervisor\nana,Ana P,therapist\n",
    )
    report = _import(engine, path, update=True)
    assert _messages(report) == [
        f"{path}:3: role: the same clinician 'ana' is also at {path}:2 with a different role ('therapist' there,"
        " 'supervisor' here)"
    ]


# -- every kind of bad row leaves the database as it was --------------------------------------

BAD_FILES: dict[str, tuple[str, str | bytes, str]] = {
    # kind: (file name, content, expected problem prefix after "<path>:")
    "unknown column": (
        "patients.csv",
        "patient_id,first_name,last_name,birth_date,therapist,status,shoe_size\nKAP-0009,Dee,Ng,1990-01-01,mreyes,active,9\n",
        "1: shoe_size: unknown column (column 7); patients files have the columns patient_id",
    ),
    "bad date": (
        "assessments.csv",
        "patient_id,administered_at,instrument,total\nKAP-0001,10/03/2026,PHQ-9,12\n",
        "2: administered_at: expected a date like 2026-03-04",
    ),
    "item out of range": (
        "assessments.csv",
        "patient_id,administered_at,instrument,item_1,item_2\nKAP-0001,2026-10-03,PHQ-2,1,4\n",
        "2: item_2: '4' is not a PHQ-2 answer: expected a whole number 0 to 3",
    ),
    "total mismatch": (
        "assessments.csv",
        "patient_id,administered_at,instrument,total,item_1,item_2,item_3,item_4,item_5,item_6,item_7\n"
        "KAP-0001,2026-10-03,GAD-7,15,2,2,2,2,2,2,2\n",
        "2: total: 15 does not equal the total of the item answers (14)",
    ),
    "unknown patient": (
        "assessments.csv",
        "patient_id,administered_at,instrument,total\nKAP-9999,2026-10-03,PHQ-9,12\n",
        "2: patient_id: unknown patient 'KAP-9999'",
    ),
    "unknown therapist": (
        "patients.csv",
        "patient_id,first_name,last_name,birth_date,therapist,status\nKAP-0009,Dee,Ng,1990-01-01,drwho,active\n",
        "2: therapist: unknown therapist 'drwho'",
    ),
    "unknown session kind": (
        "sessions.csv",
        "patient_id,started_at,kind,clinician\nKAP-0001,2026-10-03T10:00,booster,mreyes\n",
        "2: kind: expected one of intake, preparation, dosing, integration, follow_up, got 'booster'",
    ),
    "conflicting duplicate": (
        "patients.csv",
        "patient_id,first_name,last_name,birth_date,therapist,status\nKAP-0001,Avery,Quinlan,1984-07-12,tchen,active\n",
        "2: therapist: this patient 'KAP-0001' is already in the database with a different therapist",
    ),
    "future assessment": (
        "assessments.csv",
        "patient_id,administered_at,instrument,total\nKAP-0001,2030-01-01T09:00,PHQ-9,3\n",
        "2: administered_at: 2030-01-01T09:00+00:00 is after the time of import",
    ),
    "binary garbage": (
        "export.csv",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb5U*\xe2",
        "1: (file): this is not a CSV text file (it contains binary data)",
    ),
    "not UTF-8": (
        "patients.csv",
        "patient_id,first_name,last_name,birth_date,therapist,status\nKAP-0009,Zoë,Ng,1990-01-01,mreyes,active\n".encode(
            "latin-1"
        ),
        "2: (file): the file is not UTF-8 text",
    ),
    "future note": (
        "notes.csv",
        "patient_id,written_at,kind,author,text\nKAP-0001,2031-05-05,progress,mreyes,Later.\n",
        "2: written_at: 2031-05-05T00:00+00:00 is after the time of import: a note cannot be dated in the future",
    ),
    "implausible blood pressure": (
        "sessions.csv",
        "patient_id,started_at,kind,clinician,bp_pre_sys,bp_pre_dia\nKAP-0001,2026-10-03T10:00,dosing,mreyes,400,80\n",
        "2: bp_pre_sys: 400 is out of range: expected 40 to 300",
    ),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_bad_row_is_reported_and_nothing_is_written(engine: Engine, tmp_path: Path, kind: str) -> None:
    """Each kind of bad row names file, row, column and reason; the database's contents stay exactly as they were."""
    assert _import(engine, _clinic_copy(tmp_path)).ok
    before = _dump(engine)
    name, content, expected = BAD_FILES[kind]
    bad = _write(tmp_path / "bad", name, content)
    good = _write(
        tmp_path / "bad",
        "more_patients.csv",
        "patient_id,first_name,last_name,birth_date,therapist,status\nKAP-0100,New,Person,1990-01-01,tchen,active\n",
    )
    report = _import(engine, good, bad)
    assert not report.ok and not report.committed
    assert any(m.startswith(f"{bad}:{expected}") for m in _messages(report)), _messages(report)
    assert not any(m.startswith(str(good)) for m in _messages(report))
    assert _dump(engine) == before


def test_every_bad_row_of_a_file_is_reported_at_once(engine: Engine, tmp_path: Path) -> None:
    """Several bad rows in one file: all of them are listed, with spreadsheet row numbers across quoted newlines."""
    assert _import(engine, _clinic_copy(tmp_path)).ok
    before = _dump(engine)
    path = _write(
        tmp_path,
        "notes.csv",
        "patient_id,written_at,kind,author,text\n"
        'KAP-0001,2026-10-01,progress,mreyes,"two\nlines"\n'  # row 2, over two lines of text
        "KAP-0001,2026-10-02,musing,mreyes,fine\n"  # row 3: unknown kind
        "KAP-0001,2026-10-03,progress,nobody,fine\n"  # row 4: unknown author
        "\n"  # row 5: blank, ignored
        "KAP-0001,not a date,progress,mreyes,\n",  # row 6: bad date and blank text
    )
    report = _import(engine, path)
    assert _messages(report) == [
        f"{path}:3: kind: expected one of preparation, dosing, integration, progress, got 'musing'",
        f"{path}:4: author: unknown author 'nobody': no clinician has this username, in this import or the database",
        f"{path}:6: written_at: expected a date like 2026-03-04 or a date and time like 2026-03-04T15:30"
        " (optionally with an offset: +01:00), got 'not a date'",
        f"{path}:6: text: a note needs its text; the cell is blank",
    ]
    assert _dump(engine) == before


def test_an_import_into_the_demo_database_is_refused(engine: Engine, tmp_path: Path) -> None:
    """Real records never go into the demo clinic's database; the message says how to choose another."""
    with UnitOfWork(engine) as uow:
        mark_demo_database(uow.session)
        uow.commit()
    before = _dump(engine)
    with pytest.raises(ImportRefused, match="--db URL or the DATABASE_URL"):
        _import(engine, _clinic_copy(tmp_path))
    assert _dump(engine) == before


def test_a_missing_path_is_refused(engine: Engine, tmp_path: Path) -> None:
    """A path that does not exist stops the run before anything is read."""
    with pytest.raises(ImportRefused, match="no such file or folder"):
        _import(engine, tmp_path / "nope.csv")


# -- the reader on its own (no database) ------------------------------------------------------


def _read(text: str | bytes) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    batch = read_csv_bytes(data, name="f.csv", tz=ZoneInfo("UTC"), now=NOW)
    return [str(p) for p in batch.problems]


def test_a_header_that_names_no_record_type_is_explained() -> None:
    """A header matching no record type lists what each file needs."""
    (message,) = _read("name,age\nx,1\n")
    assert message.startswith("f.csv:1: (file): cannot tell which records this file holds from its header")
    assert "patients.csv (patient_id, first_name" in message


def test_semicolon_separated_files_are_explained() -> None:
    """Excel in many locales writes `;` between columns: say so instead of 'unknown column'."""
    assert _read("username;display_name;role\nx;y;admin\n") == [
        "f.csv:1: (file): the columns are separated by ';'; save the file as CSV (commas)"
    ]


def test_a_missing_required_column_is_named() -> None:
    """A sessions file without `clinician` says which column is missing."""
    assert _read("patient_id,started_at,kind\nP,2026-01-01,intake\n") == [
        "f.csv:1: clinician: missing column: sessions files need patient_id, started_at, kind, clinician"
    ]


def test_an_empty_file_is_a_problem_not_a_crash() -> None:
    """Zero bytes: a clear problem."""
    assert _read(b"") == ["f.csv:1: (file): the file is empty: expected a header row"]


def test_utf16_files_are_explained() -> None:
    """Excel's 'Unicode text' is UTF-16: say how to save it instead."""
    (message,) = _read("username,display_name,role\n".encode("utf-16"))
    assert "UTF-16" in message and "CSV UTF-8" in message


def test_c_ssrs_items_are_zero_or_one_and_it_has_no_total() -> None:
    """C-SSRS answers are 0/1 and a total is refused; item_8 does not exist for it."""
    messages = _read("patient_id,administered_at,instrument,total,item_1,item_8\nP,2026-01-01,c-ssrs,1,2,0\n")
    assert messages == [
        "f.csv:2: item_1: '2' is not a C-SSRS answer: expected a whole number 0 to 1",
        "f.csv:2: item_8: C-SSRS has 7 items, so item_8 must be blank",
        "f.csv:2: total: C-SSRS has no total; leave it blank and give the item answers",
    ]


def test_plausibility_of_birth_dates_doses_and_pressures() -> None:
    """Birth dates in the future, a zero dose and a diastolic above systolic are refused."""
    patients = "patient_id,first_name,last_name,birth_date,therapist,status\nP,A,B,2027-01-01,t,active\n"
    assert _read(patients) == ["f.csv:2: birth_date: birth date 2027-01-01 is in the future"]
    sessions = "patient_id,started_at,kind,clinician,dose_mg,bp_post_sys,bp_post_dia\nP,2026-01-01,dosing,t,0,80,120\n"
    assert _read(sessions) == [
        "f.csv:2: dose_mg: 0 is out of range: expected more than 0 (up to 1000)",
        "f.csv:2: bp_post_dia: diastolic 120 is not below systolic 80; are the two columns swapped?",
    ]


def test_an_unclosed_quote_is_reported_with_its_row() -> None:
    """A quote that never closes is a problem at the row where it starts, not a traceback."""
    messages = _read('username,display_name,role\nana,"Ana P,therapist\n')
    assert len(messages) == 1 and messages[0].startswith("f.csv:2: (file): the CSV text cannot be read here")


# -- the real command line ------------------------------------------------------------------


def _manage(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "--db", db_url, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_import_command_prints_a_summary_per_record_type(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`import` prints, per record type, how many records were written, of them new and updated, and unchanged."""
    import manage

    assert manage.main(["--db", db_url, "import", str(_clinic_copy(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "  patients     written 3 (3 new, 0 updated), unchanged 0" in out
    assert "  sessions     written 7 (7 new, 0 updated), unchanged 0" in out
    assert "Skipped 0 record(s)." in out


def test_import_command_exit_codes_and_json(db_url: str, tmp_path: Path) -> None:
    """Real `manage.py import`: `--json` prints JSON only, exit 0; bad input exits 2 with every problem on stderr."""
    folder = _clinic_copy(tmp_path)
    first = _manage(db_url, "import", str(folder), "--json")
    assert first.returncode == 0, first.stderr
    payload = json.loads(first.stdout)
    assert payload["ok"] and payload["committed"]
    assert payload["counts"]["sessions"] == {"written": 7, "new": 7, "updated": 0, "unchanged": 0}

    engine = make_engine(db_url)
    before = _dump(engine)
    bad = _write(
        tmp_path / "bad",
        "assessments.csv",
        "patient_id,administered_at,instrument,total\nKAP-0001,2026-13-01,PHQ-9,3\nKAP-0404,2026-10-01,PHQ-9,3\n",
    )
    refused = _manage(db_url, "import", str(bad))
    assert refused.returncode == 2
    assert refused.stdout == ""
    lines = refused.stderr.splitlines()
    assert lines[0].startswith(f"{bad}:2: administered_at: expected a date like 2026-03-04")
    assert lines[1].startswith(f"{bad}:3: patient_id: unknown patient 'KAP-0404'")
    assert _dump(engine) == before
    engine.dispose()
