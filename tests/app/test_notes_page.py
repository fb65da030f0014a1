"""The notes page and its service (issue 9): filters, risk language never hidden, scope, audit rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select

from components.plain import escape_markdown
from db.engine import UnitOfWork, read_session
from db.models import AuditEvent, Note
from services import clock
from services.access import AccessDenied
from services.flags import evaluate_and_store
from services.notes_view import NotesFilter, latest_note_risk_days, notes_page
from tests.app.notes_records import BURDEN, GARDEN_NOTE, OLD_NOTE, add_notes, at_day
from tests.app.pages_harness import USERS, _ticking_from, clinic, page_text, run_page
from tests.app.pages_records import NOW, seed_page_clinic

__all__ = ["clinic"]


@pytest.fixture
def noted(clinic: Engine) -> Engine:
    """The page clinic with the notes above."""
    add_notes(clinic)
    return clinic


@pytest.fixture
def noted_on_both(engine: Engine) -> Iterator[Engine]:
    """The same clinic and notes on SQLite and PostgreSQL, for the service."""
    clock.set_clock(_ticking_from(NOW))
    seed_page_clinic(engine)
    evaluate_and_store(engine, NOW.date())
    add_notes(engine)
    yield engine
    clock.set_clock(None)


def _viewed(engine: Engine) -> list[tuple[str | None, str]]:
    with read_session(engine) as session:
        rows = session.execute(
            select(AuditEvent.patient_id, AuditEvent.outcome)
            .where(AuditEvent.event == "notes.viewed")
            .order_by(AuditEvent.id)
        ).all()
    return [(row.patient_id, row.outcome) for row in rows]


def _headings(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.value for t in app.text if " note · " in t.value]


def test_therapist_sees_only_their_patients_notes_newest_first(noted: Engine) -> None:
    """Last month's notes of the therapist's own patients, newest first; another therapist's never."""
    app = run_page("notes", "therapist")
    assert not app.exception
    headings = _headings(app)
    assert [h.split(" — ")[0] for h in headings] == [
        "Ada Lane (KAP-0001)",
        "Ben Ortiz (KAP-0002)",
        "Ada Lane (KAP-0001)",
        "Ada Lane (KAP-0001)",
    ]
    text = page_text(app)
    assert "Dan" not in text and "disappear" not in text
    assert OLD_NOTE not in text  # older than the month the page opens on
    assert "KAP-0004" not in next(box for box in app.selectbox if box.label == "Patient").options


def test_risk_sentence_is_shown_although_the_summary_left_it_out(noted: Engine) -> None:
    """The burden sentence is not in the summary, yet it is shown as risk language above it."""
    app = run_page("notes", "therapist")
    assert escape_markdown(f"Risk language (burden): {BURDEN}") in [e.value for e in app.error]
    summaries = [t.value for t in app.text if t.value.startswith("• ")]
    assert summaries and not any(BURDEN in s for s in summaries)
    assert GARDEN_NOTE in [t.value for t in app.text]  # the full text, plain, in the expander


def test_denials_are_shown_marked_as_denials(noted: Engine) -> None:
    """'Denies SI' is shown, marked as a denial, never as affirmed risk language."""
    app = run_page("notes", "therapist")
    denials = [i.value for i in app.info if "Denial" in i.value]
    assert any("Denies SI" in d for d in denials)
    assert not any("Denies SI" in e.value for e in app.error)


def test_risk_only_filter_keeps_notes_with_affirmed_risk_language(noted: Engine) -> None:
    """Only notes with risk language: Ada's garden note stays, Ben's denial-only note goes."""
    app = run_page("notes", "therapist")
    next(t for t in app.toggle if t.label == "Risk language only").set_value(True).run()
    assert not app.exception
    assert [h.split(" — ")[0] for h in _headings(app)] == ["Ada Lane (KAP-0001)"]
    assert GARDEN_NOTE in [t.value for t in app.text]


def test_kind_and_date_filters(noted: Engine) -> None:
    """The kind filter keeps that kind; a date range reaches back to older notes."""
    app = run_page("notes", "therapist")
    next(m for m in app.multiselect if m.label == "Kind").set_value(["preparation"]).run()
    assert [h.split(" · ")[0] for h in _headings(app)] == ["Ada Lane (KAP-0001) — Preparation note"]
    app = run_page("notes", "therapist")
    next(d for d in app.date_input if d.label == "Written between").set_value(
        (dt.date(2026, 1, 20), dt.date(2026, 2, 10))
    ).run()
    assert OLD_NOTE in [t.value for t in app.text]
    assert len(_headings(app)) == 1


def test_one_patient_shows_their_intentions_and_whether_integration_spoke_to_them(noted: Engine) -> None:
    """Choosing a patient shows the intention set in preparation and the integration theme that shares it."""
    app = run_page("notes", "therapist")
    next(box for box in app.selectbox if box.label == "Patient").set_value("KAP-0001").run()
    assert not app.exception
    intentions = app.dataframe[0].value
    row = intentions[intentions["Intention"] == "Her intention is to reconnect with her sister."].iloc[0]
    assert row["Addressed in integration"].startswith("yes (shared themes: ")
    assert "Ben Ortiz" not in page_text(app)


def test_one_audit_row_per_patient_whose_notes_are_shown(noted: Engine) -> None:
    """The page audits each patient whose notes it shows, once; a patient filtered out is not audited."""
    app = run_page("notes", "therapist")
    assert sorted(_viewed(noted)) == [("KAP-0001", "success"), ("KAP-0002", "success")]
    next(t for t in app.toggle if t.label == "Risk language only").set_value(True).run()
    assert _viewed(noted)[2:] == [("KAP-0001", "success")]


def test_supervisor_and_admin_scopes(noted: Engine) -> None:
    """A supervisor sees the supervised therapist's patients; the admin sees every patient's notes."""
    assert "Dan" not in page_text(run_page("notes", "supervisor"))
    admin = page_text(run_page("notes", "admin"))
    assert "Dan Moss (KAP-0004)" in admin and "wants to disappear" in admin


def test_service_refuses_and_audits_a_patient_out_of_scope(noted_on_both: Engine) -> None:
    """Naming another therapist's patient is refused, audited as denied, and returns nothing."""
    with pytest.raises(AccessDenied):
        notes_page(noted_on_both, USERS["therapist"], NotesFilter(patient_id="KAP-0004"))
    assert _viewed(noted_on_both) == [("KAP-0004", "denied")]


def test_service_filters_and_audits_on_both_databases(noted_on_both: Engine) -> None:
    """Risk-only, kind and scope filters give the same notes on SQLite and PostgreSQL, audited first."""
    therapist = USERS["therapist"]
    page = notes_page(noted_on_both, therapist, NotesFilter(risk_only=True), as_of=NOW.date())
    assert [(n.patient_id, n.note.kind) for n in page.notes] == [("KAP-0001", "integration")]
    assert _viewed(noted_on_both) == [("KAP-0001", "success")]
    page = notes_page(noted_on_both, therapist, NotesFilter(kinds=("integration",)), limit=1, as_of=NOW.date())
    assert [n.patient_id for n in page.notes] == ["KAP-0001"] and page.more
    admin = notes_page(noted_on_both, USERS["admin"], NotesFilter(), as_of=NOW.date())
    assert admin.notes[0].patient_id == "KAP-0004"


def test_latest_note_risk_reads_only_each_patients_latest_note(noted_on_both: Engine) -> None:
    """Ada's and Dan's latest notes carry risk language; Ben's latest is a denial only; Cara has none."""
    ids = ["KAP-0001", "KAP-0002", "KAP-0003", "KAP-0004"]
    assert latest_note_risk_days(noted_on_both, ids, NOW) == {
        "KAP-0001": dt.date(2026, 3, 27),
        "KAP-0004": dt.date(2026, 3, 28),
    }
    with UnitOfWork(noted_on_both) as uow:
        uow.session.add(
            Note(patient_id="KAP-0001", written_at=at_day(-1), kind="progress", author="therapist", text="Slept well.")
        )
        uow.commit()
    assert set(latest_note_risk_days(noted_on_both, ids, NOW)) == {"KAP-0004"}
