"""The access layer on both databases: who sees which patient, and audit before data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select

from db import audit
from db.engine import UnitOfWork, read_session
from db.models import AuditEvent, Clinician, Patient
from services import access, audit_log, clock
from services.access import AccessDenied, AuditUnavailable
from services.auth import CurrentUser
from tests.access_clinic import seed_access_clinic

NOW = dt.datetime(2026, 3, 30, 12, 0, tzinfo=dt.UTC)
TARA = CurrentUser("tara", "Tara Therapist", "therapist")
THEO = CurrentUser("theo", "Theo Therapist", "therapist")
SUE = CurrentUser("sue", "Sue Supervisor", "supervisor")
ADA = CurrentUser("ada", "Ada Admin", "admin")


@pytest.fixture
def clinic(engine: Engine) -> Iterator[Engine]:
    seed_access_clinic(engine)
    clock.set_clock(lambda: NOW)
    yield engine
    clock.set_clock(None)


def audit_rows(engine: Engine) -> list[tuple[str, str, str | None, str]]:
    with read_session(engine) as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        return [(row.actor, row.event, row.patient_id, row.outcome) for row in rows]


@pytest.mark.parametrize(
    ("user", "expected"),
    [(TARA, ["P-TARA"]), (THEO, ["P-THEO"]), (SUE, ["P-TARA"]), (ADA, ["P-TARA", "P-THEO"])],
    ids=["therapist", "other-therapist", "supervisor", "admin"],
)
def test_patients_in_scope_follow_the_role(clinic: Engine, user: CurrentUser, expected: list[str]) -> None:
    """Therapist: own patients; supervisor: own and supervisees'; admin: everyone."""
    assert access.patients_in_scope(clinic, user) == expected


def test_supervisor_sees_own_patients_and_every_supervisees(clinic: Engine) -> None:
    """A supervisor's own patients and those of each clinician who names them; no one else's."""
    with UnitOfWork(clinic) as uow:
        uow.session.add(
            Patient(
                patient_id="P-SUE",
                first_name="Cleo",
                last_name="Own",
                birth_date=dt.date(1990, 1, 1),
                therapist="sue",
                status="active",
                enrolled_on=dt.date(2026, 1, 5),
            )
        )
        uow.commit()
    assert access.patients_in_scope(clinic, SUE) == ["P-SUE", "P-TARA"]
    with UnitOfWork(clinic) as uow:
        theo = uow.session.get(Clinician, "theo")
        assert theo is not None
        theo.supervisor = "sue"
        uow.commit()
    assert access.patients_in_scope(clinic, SUE) == ["P-SUE", "P-TARA", "P-THEO"]
    assert access.patients_in_scope(clinic, TARA) == ["P-TARA"]


def test_may_see_patient_allows_and_denies_side_by_side(clinic: Engine) -> None:
    """Default deny: the own patient yes, another therapist's no, an unknown id no."""
    assert access.may_see_patient(clinic, TARA, "P-TARA") is True
    assert access.may_see_patient(clinic, TARA, "P-THEO") is False
    assert access.may_see_patient(clinic, TARA, "NO-SUCH") is False
    assert access.may_see_patient(clinic, SUE, "P-THEO") is False
    assert access.may_see_patient(clinic, ADA, "P-THEO") is True


def test_open_patient_audits_the_view_before_returning(clinic: Engine) -> None:
    """Opening an own patient returns the card and leaves one success row for that patient."""
    card = access.open_patient(clinic, TARA, "P-TARA")
    assert (card.first_name, card.last_name, card.birth_date) == ("Alma", "Tarrant", dt.date(1981, 4, 9))
    assert audit_rows(clinic) == [("tara", "patient.viewed", "P-TARA", "success")]


def test_open_patient_denial_is_audited_and_raises(clinic: Engine) -> None:
    """Another therapist's patient and an unknown id are refused alike, each refusal audited."""
    with pytest.raises(AccessDenied) as other:
        access.open_patient(clinic, TARA, "P-THEO")
    with pytest.raises(AccessDenied) as unknown:
        access.open_patient(clinic, TARA, "NO-SUCH")
    assert str(other.value) == str(unknown.value)
    assert audit_rows(clinic) == [
        ("tara", "patient.viewed", "P-THEO", "denied"),
        ("tara", "patient.viewed", "NO-SUCH", "denied"),
    ]


def test_open_patient_shows_nothing_when_the_audit_write_fails(clinic: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the audit row cannot be written, no patient data is returned."""

    def failing_append(*args: object, **kwargs: object) -> None:
        raise OSError("audit storage unavailable")

    monkeypatch.setattr(audit, "append", failing_append)
    with pytest.raises(AuditUnavailable):
        access.open_patient(clinic, ADA, "P-TARA")
    monkeypatch.undo()
    assert audit_rows(clinic) == []


def test_audit_log_search_is_admin_only_and_filters(clinic: Engine) -> None:
    """The admin filters by actor, patient and outcome; a therapist is refused and audited."""
    access.open_patient(clinic, TARA, "P-TARA")
    with pytest.raises(AccessDenied):
        access.open_patient(clinic, TARA, "P-THEO")
    rows = audit_log.search_audit_log(clinic, ADA, audit_log.AuditFilter(actor="tara", outcome="denied"))
    assert rows[["actor", "event", "patient_id", "outcome"]].values.tolist() == [
        ["tara", "patient.viewed", "P-THEO", "denied"]
    ]
    by_patient = audit_log.search_audit_log(clinic, ADA, audit_log.AuditFilter(patient_id="P-TARA"))
    assert by_patient["patient_id"].tolist() == ["P-TARA"]
    with pytest.raises(AccessDenied):
        audit_log.search_audit_log(clinic, TARA, audit_log.AuditFilter())
    assert ("tara", "audit_log.viewed", None, "denied") in audit_rows(clinic)


def test_audit_log_date_range_uses_clinic_days(clinic: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """A day range covers whole clinic days, the last day included."""
    monkeypatch.setenv("KAP_TIMEZONE", "America/Chicago")
    for moment in (dt.datetime(2026, 3, 2, 4, 0, tzinfo=dt.UTC), dt.datetime(2026, 3, 3, 4, 0, tzinfo=dt.UTC)):
        audit.write(clinic, audit.AuditEntry(actor="tara", event="probe", category="test"), moment)
    # 2026-03-02 04:00 UTC is still 1 March in Chicago; 3 March 04:00 UTC is 2 March there.
    wanted = audit_log.AuditFilter(event="probe", first_day=dt.date(2026, 3, 2), last_day=dt.date(2026, 3, 2))
    rows = audit_log.search_audit_log(clinic, ADA, wanted)
    assert rows["at"].tolist() == ["2026-03-02 22:00:00"]
