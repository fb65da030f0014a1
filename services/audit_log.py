"""The admin's view of the audit log: list and filter, itself audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import pandas as pd
from sqlalchemy import Engine, select

from db import audit
from db.engine import read_session
from db.models import AuditEvent
from db.settings import clinic_timezone
from services import clock
from services.access import AccessDenied
from services.auth import CurrentUser

AUDIT_COLUMNS = ["at", "actor", "event", "category", "patient_id", "scope", "outcome", "detail"]
DEFAULT_LIMIT = 500


@dataclass(frozen=True)
class AuditFilter:
    """What the admin asked for; blank fields match everything. Dates are clinic days."""

    actor: str | None = None
    event: str | None = None
    patient_id: str | None = None
    outcome: str | None = None
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True)
class AuditChoices:
    """The values present in the log, for the filter drop-downs."""

    actors: list[str]
    events: list[str]
    outcomes: list[str]


def _require_admin(engine: Engine, user: CurrentUser) -> None:
    if user.role != "admin":
        entry = audit.AuditEntry(
            actor=user.username, event="audit_log.viewed", category="access", outcome="denied", scope="audit log"
        )
        audit.write(engine, entry, clock.now())
        raise AccessDenied("Only an admin may read the audit log.")


def _day_start_utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=clinic_timezone()).astimezone(dt.UTC)


def audit_choices(engine: Engine, user: CurrentUser) -> AuditChoices:
    _require_admin(engine, user)
    with read_session(engine) as session:
        actors = session.scalars(select(AuditEvent.actor).distinct().order_by(AuditEvent.actor)).all()
        events = session.scalars(select(AuditEvent.event).distinct().order_by(AuditEvent.event)).all()
        outcomes = session.scalars(select(AuditEvent.outcome).distinct().order_by(AuditEvent.outcome)).all()
    return AuditChoices(list(actors), list(events), list(outcomes))


def search_audit_log(engine: Engine, user: CurrentUser, wanted: AuditFilter) -> pd.DataFrame:
    """Matching rows, newest first, with times in the clinic time zone (admin only; audited)."""
    _require_admin(engine, user)
    filters = {key: value for key, value in asdict(wanted).items() if value not in (None, "") and key != "limit"}
    audit.write(
        engine,
        audit.AuditEntry(
            actor=user.username,
            event="audit_log.viewed",
            category="access",
            detail={key: str(value) for key, value in filters.items()} or None,
        ),
        clock.now(),
    )
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(max(1, min(wanted.limit, 5000)))
    if wanted.actor:
        query = query.where(AuditEvent.actor == wanted.actor)
    if wanted.event:
        query = query.where(AuditEvent.event == wanted.event)
    if wanted.patient_id:
        query = query.where(AuditEvent.patient_id == wanted.patient_id.strip())
    if wanted.outcome:
        query = query.where(AuditEvent.outcome == wanted.outcome)
    if wanted.first_day:
        query = query.where(AuditEvent.at >= _day_start_utc(wanted.first_day))
    if wanted.last_day:
        query = query.where(AuditEvent.at < _day_start_utc(wanted.last_day + dt.timedelta(days=1)))
    zone = clinic_timezone()
    with read_session(engine) as session:
        records = [_display_row(row, zone) for row in session.scalars(query)]
    return pd.DataFrame.from_records(records, columns=AUDIT_COLUMNS)


def _display_row(row: AuditEvent, zone: dt.tzinfo) -> dict[str, str | None]:
    return {
        "at": row.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
        "actor": row.actor,
        "event": row.event,
        "category": row.category,
        "patient_id": row.patient_id,
        "scope": row.scope,
        "outcome": row.outcome,
        "detail": ", ".join(f"{key}={value}" for key, value in sorted((row.detail or {}).items())),
    }
