"""The caseload, patient and safety services on SQLite and PostgreSQL: scope, order, audit, actions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select

from db.engine import read_session
from db.models import AuditEvent, Flag
from services import clock
from services.access import AccessDenied
from services.caseload import caseload
from services.flags import evaluate_and_store
from services.patient_view import patient_view
from services.safety import acknowledge, resolve, safety_view
from tests.app.pages_harness import USERS, _ticking_from
from tests.app.pages_records import NOW, seed_page_clinic


@pytest.fixture
def clinic(engine: Engine) -> Iterator[Engine]:
    clock.set_clock(_ticking_from(NOW))
    seed_page_clinic(engine)
    evaluate_and_store(engine, NOW.date())
    yield engine
    clock.set_clock(None)


def test_caseload_rows_in_scope_sorted_by_flag_severity(clinic: Engine) -> None:
    """Therapist: own patients only, high flag first, then moderate, then the unflagged."""
    view = caseload(clinic, USERS["therapist"])
    assert [row.name for row in view.rows] == ["Ben Ortiz", "Ada Lane", "Cara Wu"]
    ada = view.rows[1]
    assert (ada.doses_completed, ada.planned_doses, ada.phase) == (2, 6, "dosing")
    assert ada.si_status == "positive" and ada.latest_phq9 is not None and ada.phq9_trend
    assert ada.next_session is not None and ada.next_session_kind == "dosing"


def test_patient_view_is_audited_first_and_refused_outside_scope(clinic: Engine) -> None:
    """A view writes its audit row; another therapist's patient is refused and the denial audited."""
    view = patient_view(clinic, USERS["therapist"], "KAP-0001")
    assert view.header.name == "Ada Lane" and view.timeline.doses["dose_number"].tolist() == [1, 2]
    assert {card.kind for card in view.flags} >= {"si_persistent"}
    with pytest.raises(AccessDenied):
        patient_view(clinic, USERS["therapist"], "KAP-0004")
    with read_session(clinic) as session:
        outcomes = session.execute(
            select(AuditEvent.patient_id, AuditEvent.outcome).where(AuditEvent.event == "patient.viewed")
        ).all()
    assert ("KAP-0001", "success") in outcomes and ("KAP-0004", "denied") in outcomes


def test_safety_actions_acknowledge_and_refused_resolve(clinic: Engine) -> None:
    """Acknowledge keeps the flag open; resolving an SI flag with a recent positive day is refused."""
    therapist = USERS["therapist"]
    card = next(c for c in safety_view(clinic, therapist).open_flags if c.kind == "si_persistent")
    assert card.resolve_refusal is not None
    assert acknowledge(clinic, therapist, card, "consulted supervisor", "discussed").done
    refused = resolve(clinic, therapist, card, "")
    assert not refused.done and "positive" in refused.message
    with read_session(clinic) as session:
        flag = session.scalar(select(Flag).where(Flag.id == card.flag_id))
        assert flag is not None and flag.is_open and flag.status == "acknowledged"
    after = safety_view(clinic, therapist)
    assert after.open_flags[-1].flag_id == card.flag_id  # acknowledged flags sort below new ones
    assert any(step.action == "acknowledged" and step.actor == "therapist" for step in after.history)


def test_actions_outside_scope_are_refused(clinic: Engine) -> None:
    """Another therapist cannot act on this patient's flag, whatever card they hold."""
    card = next(c for c in safety_view(clinic, USERS["therapist"]).open_flags if c.kind == "si_high")
    with pytest.raises(AccessDenied):
        resolve(clinic, USERS["therapist2"], card, "")
    assert resolve(clinic, USERS["therapist"], card, "negative for 90 days").done
