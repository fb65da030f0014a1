"""The consultation service on SQLite and PostgreSQL: hand-counted rates, scope, audit, de-identification."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select

from clinical.deidentify import find_date_like, pseudonym
from db.engine import read_session
from db.models import AuditEvent, Flag
from services import clock
from services.access import AccessDenied, patients_in_scope
from services.auth import CurrentUser
from services.consultation import consultation_view, drilldown_patient_id
from services.flags import evaluate_and_store, open_flags
from tests.consultation_records import (
    NOW,
    PSEUDONYM_KEY,
    identifying_strings,
    record_dates,
    seed_consultation_clinic,
)

SUPERVISOR = CurrentUser("sup", "Sophia Supervisor", "supervisor")
ADMIN = CurrentUser("adm", "Adam Admin", "admin")
THERAPIST = CurrentUser("ana", "Ana Therapist", "therapist")
LEOPOLD = "MRN-738203"  # SI positive on the last two days: si_persistent, unacknowledged


@pytest.fixture
def team(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.delenv("KAP_TIMEZONE", raising=False)
    clock.set_clock(lambda: NOW)
    seed_consultation_clinic(engine)
    evaluate_and_store(engine, NOW.date())
    yield engine
    clock.set_clock(None)


def counts(rate) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    return rate.numerator, rate.denominator


def test_supervisor_rates_match_the_hand_count(team: Engine) -> None:
    """sup's team: response 2/5, remission 1/5, early response 1/6, dropout after dose 1 2/7."""
    outcomes = consultation_view(team, SUPERVISOR).summary.team.outcomes
    assert counts(outcomes.response) == (2, 5)
    assert counts(outcomes.remission) == (1, 5)
    assert counts(outcomes.early_response) == (1, 6)
    assert counts(outcomes.dropout_after_dose_1) == (2, 7)
    assert set(outcomes.response.numerator_ids) == {"MRN-738201", "MRN-738202"}
    assert set(outcomes.dropout_after_dose_1.numerator_ids) == {"MRN-738204", "MRN-738209"}
    assert outcomes.early_response.left_out == "2 still before dose 3"
    assert outcomes.dropout_after_dose_1.left_out == "1 had dose 1 under 28 days ago"


def test_rates_per_therapist(team: Engine) -> None:
    """ana: response 2/3; ben: 0/2, with ben's patient without a follow-up PHQ-9 named."""
    ana, ben = consultation_view(team, SUPERVISOR).summary.therapists
    assert (ana.therapist, ben.therapist) == ("ana", "ben")
    assert counts(ana.outcomes.response) == (2, 3)
    assert counts(ben.outcomes.response) == (0, 2)
    assert ben.outcomes.response.left_out == "1 without a PHQ-9 after baseline, counted as not responding"


def test_admin_sees_the_whole_clinic(team: Engine) -> None:
    """The admin's view adds cal's remitting patient: response 3/6, remission 2/6."""
    view = consultation_view(team, ADMIN)
    assert counts(view.summary.team.outcomes.response) == (3, 6)
    assert counts(view.summary.team.outcomes.remission) == (2, 6)
    assert [s.therapist for s in view.summary.therapists] == ["ana", "ben", "cal"]


def test_supervisor_scope_leaves_out_unsupervised_therapists(team: Engine) -> None:
    """cal is not sup's supervisee: none of cal's patients appear in sup's consultation."""
    view = consultation_view(team, SUPERVISOR)
    assert "MRN-738210" not in {case.key for case in view.cases}
    assert sorted(case.key for case in view.cases) == patients_in_scope(team, SUPERVISOR)


def test_a_therapist_is_refused_and_the_refusal_audited(team: Engine) -> None:
    """Consultation is for supervisors and admins; a therapist's attempt is audited as denied."""
    with pytest.raises(AccessDenied):
        consultation_view(team, THERAPIST)
    with read_session(team) as session:
        outcomes = list(
            session.scalars(
                select(AuditEvent.outcome).where(AuditEvent.event == "consultation.viewed", AuditEvent.actor == "ana")
            )
        )
    assert outcomes == ["denied"]


def test_each_view_is_audited_with_its_mode(team: Engine) -> None:
    """One audit row per view, saying whether it was de-identified."""
    consultation_view(team, SUPERVISOR)
    consultation_view(team, SUPERVISOR, deidentified=True, pseudonym_key=PSEUDONYM_KEY)
    with read_session(team) as session:
        rows = session.execute(
            select(AuditEvent.scope, AuditEvent.detail).where(AuditEvent.event == "consultation.viewed")
        ).all()
    assert [(row.scope, row.detail) for row in rows] == [
        ("9 patients", {"deidentified": False}),
        ("9 patients", {"deidentified": True}),
    ]


def test_unacknowledged_si_flag_and_its_wait(team: Engine) -> None:
    """Leopold's si_persistent (raised with the PHQ-9 of yesterday 08:00) has waited 1 d 4 h at noon today."""
    waiting = consultation_view(team, SUPERVISOR).summary.team.unacknowledged_si
    assert [(w.patient_id, w.kind, w.waited_text()) for w in waiting] == [(LEOPOLD, "si_persistent", "1 d 4 h")]


def test_open_flags_by_kind_match_the_flag_engine(team: Engine) -> None:
    """Open flags per kind are the engine's open flags of the scope, counted."""
    view = consultation_view(team, SUPERVISOR)
    expected = Counter(flag.kind for flag in open_flags(team, NOW.date(), patients_in_scope(team, SUPERVISOR)))
    assert Counter(view.summary.team.open_flags_by_kind) == expected
    overdue = {f.patient_id for f in open_flags(team, NOW.date()) if f.kind == "assessment_overdue"}
    assert set(view.summary.team.overdue_assessments) == overdue - {"MRN-738210"}


def test_flag_burden_counts_stored_flags_raised_in_90_days(team: Engine) -> None:
    """The flag burden is the stored flags of the scope raised in the last 90 days."""
    view = consultation_view(team, SUPERVISOR)
    scope = set(patients_in_scope(team, SUPERVISOR))
    with read_session(team) as session:
        stored = [pid for pid in session.scalars(select(Flag.patient_id)) if pid in scope]
    burden = view.summary.team.outcomes.flag_burden
    assert (burden.raised, burden.patients) == (len(stored), 9)
    assert burden.raised == sum(s.outcomes.flag_burden.raised for s in view.summary.therapists)


def test_de_identified_view_holds_no_identifier_at_all(team: Engine) -> None:
    """De-identified, the whole view object — not only what a page shows — has no name, id or date."""
    view = consultation_view(team, SUPERVISOR, deidentified=True, pseudonym_key=PSEUDONYM_KEY)
    text = repr(view)
    assert [value for value in [*identifying_strings(), *record_dates()] if value in text] == []
    assert find_date_like(text) == []
    assert counts(view.summary.team.outcomes.response) == (2, 5)


def test_pseudonyms_are_stable_and_lead_back_to_the_patient_on_the_server(team: Engine) -> None:
    """The same pseudonym every time; the drill-down maps it back to the record, never the other way on screen."""
    first = consultation_view(team, SUPERVISOR, deidentified=True, pseudonym_key=PSEUDONYM_KEY)
    second = consultation_view(team, SUPERVISOR, deidentified=True, pseudonym_key=PSEUDONYM_KEY)
    assert [case.key for case in first.cases] == [case.key for case in second.cases]
    label = pseudonym(LEOPOLD, PSEUDONYM_KEY)
    assert drilldown_patient_id(first, label) == LEOPOLD
    assert drilldown_patient_id(first, "Patient NOSUCH") is None


def test_most_urgent_case_comes_first(team: Engine) -> None:
    """The case list is sorted like the caseload: Leopold's open SI flag puts him first."""
    view = consultation_view(team, SUPERVISOR)
    assert view.cases[0].key == LEOPOLD
