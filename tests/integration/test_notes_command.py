"""`manage.py notes [--patient ID] [--json]` on SQLite and PostgreSQL (SPEC §8)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, func, select

from clinical.notes import NOTE_RULES_VERSION
from db.engine import UnitOfWork, read_session
from db.models import AuditEvent, Clinician, Note, Patient

REPO = Path(__file__).resolve().parents[2]

INTEGRATION = (
    "Integration session two days after dose 3. She described the medicine as a long walk by the sea "
    "with her grandmother.\n"
    "She talked about grief for her father and the guilt of not being there at the end.\n"
    'She said "some nights I wish I could go to sleep and not wake up," but that it has been quieter this week.\n'
    "Denies plan or intent.\n"
    "We practised self-compassion and planned a walk with her sister.\n"
    "She killed it at work on Monday and was dead tired by Friday."
)
PROGRESS = "Pt. seen for a check-in re: sleep. Mood 6/10. Denies SI/HI. Next dose Thurs."
OTHER = "Preparation session 1. My intention is to reconnect with music. No history of self-harm."


def _manage(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "--db", db_url, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def _seed(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        uow.session.add(Clinician(username="therapist", display_name="Dr. Tess Rivera", role="therapist"))
        uow.session.flush()
        for patient_id in ("KAP-0001", "KAP-0002"):
            uow.session.add(
                Patient(
                    patient_id=patient_id,
                    first_name="Test",
                    last_name=patient_id,
                    birth_date=dt.date(1980, 5, 1),
                    therapist="therapist",
                    status="active",
                    enrolled_on=dt.date(2026, 1, 5),
                )
            )
        uow.session.flush()
        uow.session.add_all(
            [
                Note(
                    patient_id="KAP-0001",
                    written_at=dt.datetime(2026, 2, 10, 15, 30, tzinfo=dt.UTC),
                    kind="integration",
                    author="therapist",
                    text=INTEGRATION,
                ),
                Note(
                    patient_id="KAP-0001",
                    written_at=dt.datetime(2026, 2, 3, 9, 0, tzinfo=dt.UTC),
                    kind="progress",
                    author="therapist",
                    text=PROGRESS,
                ),
                Note(
                    patient_id="KAP-0002",
                    written_at=dt.datetime(2026, 1, 20, 10, 0, tzinfo=dt.UTC),
                    kind="preparation",
                    author="therapist",
                    text=OTHER,
                ),
            ]
        )
        uow.commit()


def _audit_rows(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.event == "command.notes"))


def test_notes_json_lists_every_note_with_summary_themes_and_risk_sentences(engine: Engine, db_url: str) -> None:
    """`notes --json` prints every note with the SPEC §8 fields; risk offsets point into the note."""
    _seed(engine)
    result = _manage(db_url, "notes", "--json")
    assert result.returncode == 0, result.stderr
    notes = json.loads(result.stdout)
    assert [(n["patient_id"], n["written_at"], n["kind"]) for n in notes] == [
        ("KAP-0001", "2026-02-03T09:00:00Z", "progress"),
        ("KAP-0001", "2026-02-10T15:30:00Z", "integration"),
        ("KAP-0002", "2026-01-20T10:00:00Z", "preparation"),
    ]
    integration = notes[1]
    assert 1 <= len(integration["summary"]) <= 3
    assert all(sentence in INTEGRATION for sentence in integration["summary"])
    assert integration["themes"]
    assert integration["rule_set"] == NOTE_RULES_VERSION
    risks = {r["text"]: r for r in integration["risk_sentences"]}
    wish = next(text for text in risks if "not wake up" in text)
    assert risks[wish]["denial"] is False
    assert risks["Denies plan or intent."]["denial"] is True
    assert all(INTEGRATION[r["start"] : r["end"]] == r["text"] for r in risks.values())
    assert not any("killed it" in text for text in risks)  # a false friend never fires
    start = PROGRESS.index("Denies SI/HI.")
    assert notes[0]["risk_sentences"] == [
        {
            "text": "Denies SI/HI.",
            "denial": True,
            "start": start,
            "end": start + len("Denies SI/HI."),
            "categories": ["harm_to_others", "suicide"],
        }
    ]
    assert _audit_rows(engine) == 1


def test_notes_for_one_patient_lists_only_their_notes(engine: Engine, db_url: str) -> None:
    """`notes --patient ID --json` lists that patient's notes only, and audits the patient scope."""
    _seed(engine)
    result = _manage(db_url, "notes", "--patient", "KAP-0002", "--json")
    assert result.returncode == 0, result.stderr
    notes = json.loads(result.stdout)
    assert [n["patient_id"] for n in notes] == ["KAP-0002"]
    assert notes[0]["risk_sentences"][0]["denial"] is True  # "No history of self-harm."
    with read_session(engine) as session:
        audited = session.execute(
            select(AuditEvent.patient_id, AuditEvent.scope).where(AuditEvent.event == "command.notes")
        ).all()
    assert [tuple(row) for row in audited] == [("KAP-0002", "patient KAP-0002")]


def test_notes_for_an_unknown_patient_is_bad_input_and_writes_nothing(engine: Engine, db_url: str) -> None:
    """An unknown patient id exits 2 with a message on stderr, prints nothing and audits nothing."""
    _seed(engine)
    result = _manage(db_url, "notes", "--patient", "KAP-9999", "--json")
    assert result.returncode == 2
    assert "KAP-9999" in result.stderr
    assert result.stdout == ""
    assert _audit_rows(engine) == 0


def test_notes_without_json_prints_a_readable_listing(engine: Engine, db_url: str) -> None:
    """Without `--json` each note is a plain block: heading, risk language (denials marked), summary, themes."""
    _seed(engine)
    result = _manage(db_url, "notes", "--patient", "KAP-0001")
    assert result.returncode == 0, result.stderr
    assert "KAP-0001  2026-02-10T15:30:00Z  integration note  (therapist)" in result.stdout
    assert "DENIAL Denies plan or intent." in result.stdout
    assert "RISK   " in result.stdout
    assert "Summary:" in result.stdout and "Themes:" in result.stdout
    assert not result.stdout.lstrip().startswith(("[", "{"))
