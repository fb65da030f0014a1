"""The patient page: the whole course, flag actions (acknowledge, refused and allowed resolve), access."""

from __future__ import annotations

from sqlalchemy import Engine, select

from components.plain import escape_markdown
from db.engine import read_session
from db.models import Flag, FlagTransition
from services.patient_view import patient_view
from services.safety import resolve
from tests.app.notes_records import BURDEN, GARDEN_NOTE, add_notes
from tests.app.pages_harness import USERS, clinic, page_text, run_page

__all__ = ["clinic"]


def _open(patient: str, role: str = "therapist"):  # type: ignore[no-untyped-def]
    return run_page("patient", role, selected_patient_id=patient)


def test_patient_page_shows_header_flags_timeline_doses_and_notes(clinic: Engine) -> None:
    """Header, SI flag with evidence, timeline chart, dosing table and the note as plain text."""
    app = _open("KAP-0001")
    assert not app.exception
    text = page_text(app)
    assert "Ada Lane" in text and "2 of 6 doses" in text
    assert "Persistent suicidal ideation" in text
    assert "Next session:" in text and "(dosing)" in text
    assert len(app.get("vega_lite_chart")) == 1
    # The note is shown as typed, as plain text: no heading, no bold.
    assert "# Not a heading\nShe said she felt lighter. *Not bold* either." in [t.value for t in app.text]
    assert not any("Not a heading" in m.value for m in app.markdown)


def test_acknowledge_records_the_action_and_note(clinic: Engine) -> None:
    """Acknowledging with an action and a note keeps the flag open as acknowledged, by this user."""
    app = _open("KAP-0001")
    next(box for box in app.selectbox if box.label == "Action taken").set_value("safety plan reviewed")
    next(box for box in app.text_input if box.label == "Note").input("Reviewed plan with patient")
    next(b for b in app.button if b.label == "Acknowledge" and not b.disabled).click().run()
    assert not app.exception
    assert "Acknowledged: safety plan reviewed." in page_text(app)
    with read_session(clinic) as session:
        flag = session.scalar(select(Flag).where(Flag.patient_id == "KAP-0001", Flag.kind == "si_persistent"))
        assert flag is not None and flag.is_open and flag.status == "acknowledged"
        step = session.scalars(
            select(FlagTransition).where(FlagTransition.flag_id == flag.id).order_by(FlagTransition.id.desc())
        ).first()
        assert step is not None and step.actor == "therapist" and step.note == "Reviewed plan with patient"


def test_resolve_is_refused_with_the_reason_while_si_is_recent(clinic: Engine) -> None:
    """The reason is on the card before clicking, and a forced click is refused by the service."""
    app = _open("KAP-0001")
    assert any("Cannot resolve yet" in w.value and "positive" in w.value for w in app.warning)
    assert next(b for b in app.button if b.label == "Resolve").disabled
    # A forced request (another tab, a stale page) is refused by the service with the same reason.
    card = patient_view(clinic, USERS["therapist"], "KAP-0001").flags[0]
    result = resolve(clinic, USERS["therapist"], card, "trying anyway")
    assert not result.done and result.message.startswith("Not resolved: the latest SI-bearing day")
    with read_session(clinic) as session:
        flag = session.scalar(select(Flag).where(Flag.patient_id == "KAP-0001", Flag.kind == "si_persistent"))
        assert flag is not None and flag.is_open


def test_resolve_allowed_when_si_has_been_negative_long_enough(clinic: Engine) -> None:
    """Ben's old high answer may be resolved: the flag closes, recorded against the user."""
    app = _open("KAP-0002")
    resolve = next(b for b in app.button if b.label == "Resolve")
    assert not resolve.disabled
    resolve.click().run()
    assert "Resolved." in page_text(app)
    with read_session(clinic) as session:
        flag = session.scalar(select(Flag).where(Flag.patient_id == "KAP-0002", Flag.kind == "si_high"))
        assert flag is not None and not flag.is_open and flag.status == "resolved"


def test_another_therapists_patient_is_refused(clinic: Engine) -> None:
    """Asking for a patient of another therapist shows the refusal and none of their data."""
    app = _open("KAP-0004")
    text = page_text(app)
    assert "not on your caseload" in text
    assert "Dan" not in text and "Moss" not in text


def test_supervisor_opens_a_supervisees_patient(clinic: Engine) -> None:
    """A supervisor can open the patients of the therapists they supervise."""
    app = _open("KAP-0001", role="supervisor")
    assert "Ada Lane" in page_text(app)


def test_preparation_patient_shows_no_data_as_no_data(clinic: Engine) -> None:
    """A patient with no records yet: no outcome, no doses, no SI data — said in words."""
    app = _open("KAP-0003")
    text = page_text(app)
    assert "SI: no SI data" in text
    assert "No complete assessment yet" in text
    assert "No doses given yet." in text


def test_latest_integration_note_cards_show_risk_the_summary_left_out(clinic: Engine) -> None:
    """The card shows the burden sentence as risk language though the summary skipped it; intentions below."""
    add_notes(clinic)
    app = _open("KAP-0001")
    assert not app.exception
    assert "Latest integration notes" in page_text(app)
    view = patient_view(clinic, USERS["therapist"], "KAP-0001")
    assert view.notes_digest is not None
    card = view.notes_digest.latest_integration[0]
    assert card.text == GARDEN_NOTE and BURDEN not in card.summary
    assert escape_markdown(f"Risk language (burden): {BURDEN}") in [e.value for e in app.error]
    assert [t.value for t in app.text].count(GARDEN_NOTE) == 2  # the card's expander and the full list
    intentions = next(t.value for t in app.dataframe if "Intention" in t.value.columns)
    assert intentions.iloc[0]["Addressed in integration"].startswith("yes")
