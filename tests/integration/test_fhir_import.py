"""FHIR files through the import service, on SQLite and PostgreSQL: all or nothing, idempotent."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from db.engine import read_session
from db.models import Assessment, Clinician, Patient, Session
from services.imports import import_paths
from tests.conftest import SHARED_DATA

SYNTHEA = sorted((SHARED_DATA / "fhir" / "synthea").glob("*.json"))
OWN_DATA = Path(__file__).resolve().parent.parent / "data" / "fhir"
NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
CANDELARIA = "4b66ed71-3922-62ba-b7fd-c2ca18c7cb60"


@pytest.fixture
def clinicians_csv(tmp_path: Path) -> Path:
    path = tmp_path / "clinicians.csv"
    path.write_text("username,display_name,role,supervisor\nthera,Thea Rapist,therapist,\n", encoding="utf-8")
    return path


def run(engine: Engine, *paths: Path, therapist: str | None = "thera"):  # type: ignore[no-untyped-def]
    return import_paths(engine, list(paths), therapist=therapist, actor="test", now=NOW)


def count(engine: Engine, model: type) -> int:
    with read_session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_synthea_bundles_import_with_their_scores_and_sessions(engine: Engine, clinicians_csv: Path) -> None:
    """Every shared Synthea bundle imports in one run: 4 patients, 45 survey totals, 142 follow-up sessions."""
    report = run(engine, clinicians_csv, *SYNTHEA)

    assert report.problems == []
    assert report.committed
    assert (report.counts["patients"].new, report.counts["assessments"].new, report.counts["sessions"].new) == (
        4,
        45,
        142,
    )
    assert report.skipped["Claim: resource type not imported"] > 0
    with read_session(engine) as session:
        phq9 = session.execute(
            select(Assessment.total, Assessment.administered_at).where(
                Assessment.patient_id == CANDELARIA, Assessment.instrument == "PHQ-9"
            )
        ).one()
        patient = session.execute(
            select(Patient.therapist, Patient.status, Patient.enrolled_on).where(Patient.patient_id == CANDELARIA)
        ).one()
        first_session = session.scalar(select(func.min(Session.started_at)).where(Session.patient_id == CANDELARIA))
    assert tuple(phq9) == (20, dt.datetime(2025, 1, 19, 4, 2, 16, tzinfo=dt.UTC))
    assert (patient.therapist, patient.status) == ("thera", "active")
    assert first_session is not None and patient.enrolled_on <= first_session.date()


def test_reimporting_the_same_bundles_changes_nothing(engine: Engine, clinicians_csv: Path) -> None:
    """A second run of the same files writes nothing and counts every record unchanged."""
    run(engine, clinicians_csv, *SYNTHEA)
    report = run(engine, clinicians_csv, *SYNTHEA)

    assert report.problems == []
    assert all(counts.written == 0 for counts in report.counts.values())
    assert report.counts["assessments"].unchanged == 45
    assert count(engine, Assessment) == 45


@pytest.mark.parametrize("bad_file", ["malformed.json", "dangling_urn_reference.json", "sdc_phq9_total_mismatch.json"])
def test_one_bad_fhir_file_writes_nothing_of_the_run(engine: Engine, clinicians_csv: Path, bad_file: str) -> None:
    """Malformed JSON, a dangling urn:uuid or a wrong total anywhere in the run: nothing is written."""
    report = run(engine, clinicians_csv, SYNTHEA[0], OWN_DATA / bad_file)

    assert report.problems
    assert not report.committed
    assert all(p.location.file == str(OWN_DATA / bad_file) for p in report.problems)
    assert (count(engine, Clinician), count(engine, Patient), count(engine, Assessment)) == (0, 0, 0)


def test_truncated_bundle_writes_nothing(engine: Engine, clinicians_csv: Path, tmp_path: Path) -> None:
    """A Synthea bundle cut short is refused and the whole run with it."""
    cut = tmp_path / "cut.json"
    cut.write_bytes(SYNTHEA[1].read_bytes()[:50_000])
    report = run(engine, clinicians_csv, SYNTHEA[0], cut)

    assert [p.location.file for p in report.problems] == [str(cut)]
    assert count(engine, Patient) == 0


def test_reference_to_a_patient_in_neither_file_nor_database_is_refused(
    engine: Engine, clinicians_csv: Path, tmp_path: Path
) -> None:
    """`Patient/KAP-404` naming no patient of the run or the database is an unknown-patient problem."""
    observation = {
        "resourceType": "Observation",
        "id": "orphan",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]},
        "subject": {"reference": "Patient/KAP-404"},
        "effectiveDateTime": "2026-01-05T10:00:00Z",
        "valueInteger": 12,
    }
    path = tmp_path / "orphan.ndjson"
    path.write_text(json.dumps(observation) + "\n", encoding="utf-8")
    report = run(engine, clinicians_csv, SYNTHEA[0], path)

    [problem] = report.problems
    assert (problem.location.file, problem.location.resource_id) == (str(path), "orphan")
    assert "unknown patient" in problem.reason and "KAP-404" in problem.reason
    assert count(engine, Patient) == 0


def test_patients_without_a_therapist_write_nothing(engine: Engine, clinicians_csv: Path) -> None:
    """A FHIR Patient imported without --therapist is refused with a message asking for it."""
    report = run(engine, clinicians_csv, OWN_DATA / "observations.ndjson", therapist=None)

    assert any(p.column == "therapist" and "--therapist" in p.reason for p in report.problems)
    assert (count(engine, Clinician), count(engine, Patient)) == (0, 0)


def test_questionnaire_response_and_ndjson_store_items_and_the_si_answer(engine: Engine, clinicians_csv: Path) -> None:
    """Items from a QuestionnaireResponse and item 9 alone from NDJSON reach the database."""
    report = run(
        engine, clinicians_csv, OWN_DATA / "phq9_response_loinc_answers.json", OWN_DATA / "observations.ndjson"
    )

    assert report.problems == []
    columns = (
        Assessment.patient_id,
        Assessment.administered_at,
        Assessment.total,
        Assessment.item_1,
        Assessment.item_9,
    )  # type: ignore[attr-defined]
    with read_session(engine) as session:
        rows = session.execute(select(*columns).where(Assessment.instrument == "PHQ-9")).all()
    by_moment = {(r[0], r[1]): tuple(r[2:]) for r in rows}
    assert by_moment[("KAP-QR-1", dt.datetime(2026, 3, 5, 3, 30, tzinfo=dt.UTC))] == (7, 1, 2)
    assert by_moment[("KAP-ND-1", dt.datetime(2026, 2, 17, 9, 0, tzinfo=dt.UTC))] == (None, None, 1)
