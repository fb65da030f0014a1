"""Who may see which patient — decided here, once, before any record is read.

Every patient-scoped service calls `may_see_patient` / `patients_in_scope` (or goes through
`open_patient`); pages only ask and never filter rows themselves (ARCHITECTURE rule 2).
A patient who does not exist and a patient who is not yours are refused alike, so the
answer never reveals which patient ids exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, Select, select
from sqlalchemy.orm import Session

from db import audit
from db.engine import UnitOfWork, read_session
from db.models import Clinician, Patient
from services import clock
from services.auth import CurrentUser

NOT_AVAILABLE_MESSAGE = "This patient is not on your caseload, or there is no such patient."


class AccessDenied(PermissionError):
    """The user may not see this patient (or this page); the refusal has been audited."""


class AuditUnavailable(RuntimeError):
    """The audit row could not be written, so nothing about the patient is shown."""


@dataclass(frozen=True)
class PatientCard:
    """The few facts that identify a patient on screen."""

    patient_id: str
    first_name: str
    last_name: str
    birth_date: dt.date
    therapist: str
    status: str


def _therapists_in_scope(user: CurrentUser) -> Select[str] | None:
    """The therapists whose patients the user sees; None means every therapist (admin)."""
    if user.role == "admin":
        return None
    if user.role == "supervisor":
        # Own patients plus those of the clinicians who name this supervisor.
        return select(Clinician.username).where(
            (Clinician.supervisor == user.username) | (Clinician.username == user.username)
        )
    if user.role == "therapist":
        return select(Clinician.username).where(Clinician.username == user.username)
    return select(Clinician.username).where(Clinician.username.is_(None))  # an unknown role sees no one


def _scope_query(user: CurrentUser) -> Select[str]:
    query = select(Patient.patient_id)
    therapists = _therapists_in_scope(user)
    if therapists is not None:
        # A join, not `therapist IN (subquery)`: with ORDER BY patient_id SQLite answers the IN form
        # by scanning every patient of the network (benchmarks/README.md, query plans).
        scope = therapists.subquery()
        query = query.join(scope, scope.c.username == Patient.therapist)
    return query


def _may_see(session: Session, user: CurrentUser, patient_id: str) -> bool:
    query = _scope_query(user).where(Patient.patient_id == patient_id)
    return session.scalar(query) is not None


def patients_in_scope(engine: Engine, user: CurrentUser) -> list[str]:
    """The patient ids this user may see: own (therapist), own and supervisees' (supervisor), all (admin)."""
    with read_session(engine) as session:
        return list(session.scalars(_scope_query(user).order_by(Patient.patient_id)))


def may_see_patient(engine: Engine, user: CurrentUser, patient_id: str) -> bool:
    """The one answer to "may this user see this patient" (False for unknown ids)."""
    if not isinstance(patient_id, str) or not patient_id:
        return False
    with read_session(engine) as session:
        return _may_see(session, user, patient_id)


def open_patient(engine: Engine, user: CurrentUser, patient_id: str, event: str = "patient.viewed") -> PatientCard:
    """Decide, audit, then read: the audit row is committed before any patient data is returned.

    A denial is audited as `denied` and raises `AccessDenied`. If the audit write fails, its
    error propagates and nothing about the patient has been read.
    """
    allowed = may_see_patient(engine, user, patient_id)
    entry = audit.AuditEntry(
        actor=user.username,
        event=event,
        category="patient",
        outcome="success" if allowed else "denied",
        patient_id=str(patient_id)[:64] if patient_id else None,
    )
    try:
        audit.write(engine, entry, clock.now())
    except Exception as exc:
        raise AuditUnavailable(
            "This view could not be recorded in the audit log, so the record is not shown. Try again, "
            "and tell an admin if it keeps happening."
        ) from exc
    if not allowed:
        raise AccessDenied(NOT_AVAILABLE_MESSAGE)
    return _patient_card(engine, patient_id)


def audit_denied_page(engine: Engine, user: CurrentUser, page: str) -> None:
    """Audit a page the user's role may not open (the guard's second line of defence)."""
    entry = audit.AuditEntry(actor=user.username, event="page.denied", category="access", outcome="denied", scope=page)
    audit.write(engine, entry, clock.now())


def _patient_card(engine: Engine, patient_id: str) -> PatientCard:
    with UnitOfWork(engine) as uow:
        row = uow.session.get(Patient, patient_id)
        if row is None:  # removed between the decision and the read
            raise AccessDenied(NOT_AVAILABLE_MESSAGE)
        return PatientCard(row.patient_id, row.first_name, row.last_name, row.birth_date, row.therapist, row.status)
