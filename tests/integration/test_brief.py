"""The pre-session brief: its PDF's sections (text read back with pypdf), de-identified too, and its audit rows."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, select

from clinical.deidentify import find_date_like, pseudonym
from components.brief import brief_pdf, timeline_png
from components.frame import CRISIS_LINE
from db.engine import make_engine, read_session
from db.models import AuditEvent
from services import clock
from services.access import AccessDenied
from services.auth import CurrentUser
from services.brief import BRIEF_SECTIONS, patient_brief, record_brief_download
from services.flags import evaluate_and_store
from tests.consultation_records import (
    NOW,
    PSEUDONYM_KEY,
    identifying_strings,
    record_dates,
    seed_consultation_clinic,
)

ANA = CurrentUser("ana", "Ana Therapist", "therapist")
BEN = CurrentUser("ben", "Ben Therapist", "therapist")
ROSALIND = "MRN-738201"  # ana's patient: four doses, a follow-up scheduled, one integration note


def _seeded(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.delenv("KAP_TIMEZONE", raising=False)
    clock.set_clock(lambda: NOW)
    seed_consultation_clinic(engine)
    evaluate_and_store(engine, NOW.date())
    return engine


@pytest.fixture
def team(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    yield _seeded(engine, monkeypatch)
    clock.set_clock(None)


@pytest.fixture
def sqlite_team(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The team on SQLite only: the PDF tests render images, which needs no second database."""
    engine = make_engine(sqlite_url)
    yield _seeded(engine, monkeypatch)
    clock.set_clock(None)
    engine.dispose()


def pdf_text(data: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def test_brief_is_audited_and_refused_outside_the_caseload(team: Engine) -> None:
    """Generating a brief writes `patient.viewed` and `brief.generated`; another therapist's patient is refused."""
    patient_brief(team, ANA, ROSALIND)
    record_brief_download(team, ANA, ROSALIND, deidentified=False)
    with pytest.raises(AccessDenied):
        patient_brief(team, BEN, ROSALIND)
    with read_session(team) as session:
        rows = session.execute(
            select(AuditEvent.actor, AuditEvent.event, AuditEvent.outcome).where(AuditEvent.patient_id == ROSALIND)
        ).all()
    assert [tuple(row) for row in rows] == [
        ("ana", "patient.viewed", "success"),
        ("ana", "brief.generated", "success"),
        ("ana", "brief.pdf_downloaded", "success"),
        ("ben", "patient.viewed", "denied"),
    ]


def test_brief_holds_every_part_a_session_needs(team: Engine) -> None:
    """Scores with change, SI line, doses, last integration note (summary, themes, risk) and the next session."""
    brief = patient_brief(team, ANA, ROSALIND)
    shown = brief.shown
    assert shown.title == "Rosalind Quackenbush (MRN-738201)"
    assert shown.outcomes.iloc[0]["Change"] == "-12 (-60.0 %)"
    assert shown.si.startswith("SI latest: negative")
    assert list(shown.doses["Dose"]) == ["#4", "#3", "#2", "#1"]
    assert shown.next_session == "Next session: follow up, 2026-04-02 14:00"
    note = brief.last_integration
    assert note is not None and note.summary and note.themes
    assert [risk.denial for risk in note.risk] == [True]  # "She denies suicidal ideation."


def test_pdf_has_the_expected_sections(sqlite_team: Engine) -> None:
    """The PDF reads back with every section, the patient, the note summary, the crisis line and the image."""
    brief = patient_brief(sqlite_team, ANA, ROSALIND)
    text, reader = pdf_text(brief_pdf(brief, timeline_png(brief.shown)))
    flat = " ".join(text.split())
    for section in BRIEF_SECTIONS:
        assert section in flat
    assert "Pre-session brief — Rosalind Quackenbush (MRN-738201)" in flat
    assert "Summary:" in flat and "DENIAL:" in flat
    assert "Next session: follow up, 2026-04-02 14:00" in flat
    assert " ".join(CRISIS_LINE.split()) in flat
    assert any(page.images for page in reader.pages), "the timeline image is in the PDF"


def test_de_identified_pdf_names_nobody_and_dates_nothing(sqlite_team: Engine) -> None:
    """De-identified: pseudonym, days of the course, no free text; not even the PDF's metadata holds a date."""
    brief = patient_brief(sqlite_team, ANA, ROSALIND, deidentified=True, pseudonym_key=PSEUDONYM_KEY)
    data = brief_pdf(brief, timeline_png(brief.shown))
    text, reader = pdf_text(data)
    flat = " ".join(text.split())
    for section in BRIEF_SECTIONS:
        assert section in flat
    assert pseudonym(ROSALIND, PSEUDONYM_KEY) in flat
    assert [value for value in [*identifying_strings(), *record_dates()] if value in flat] == []
    assert find_date_like(flat) == []
    assert "lighter" not in flat and "Denial sentence" in flat
    assert reader.metadata is not None and reader.metadata.creation_date == dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert ROSALIND not in brief.file_name and "2026" not in brief.file_name
