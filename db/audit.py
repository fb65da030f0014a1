"""The append-only, hash-chained audit log (OpenEMR's habit: a checksum per row).

Each row's hash covers its own fields and the previous row's hash, so altering or
deleting any row breaks the chain from there on (`manage.py audit verify`). No code
path updates or deletes audit rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from db.models import AuditEvent

_PG_AUDIT_LOCK = 7_355_608  # advisory lock id: one chain writer at a time


@dataclass(frozen=True)
class AuditEntry:
    """What happened: who, what, which patient or scope, and how it ended."""

    actor: str
    event: str
    category: str
    outcome: str = "success"  # success, denied, failure
    patient_id: str | None = None
    scope: str | None = None
    detail: dict[str, Any] | None = None


def row_hash(prev_hash: str | None, at: dt.datetime, entry: AuditEntry) -> str:
    payload = {
        "prev": prev_hash or "",
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor,
        "event": entry.event,
        "category": entry.category,
        "outcome": entry.outcome,
        "patient_id": entry.patient_id,
        "scope": entry.scope,
        "detail": entry.detail,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _take_chain_lock(session: Session) -> None:
    # Two writers must not both chain onto the same previous row.
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
    else:
        # A first write takes SQLite's write lock (waiting on busy_timeout) before we read.
        session.execute(text("UPDATE meta SET value = value WHERE key = 'audit_chain'"))


def append(session: Session, entry: AuditEntry, at: dt.datetime) -> AuditEvent:
    """Add one row to the chain inside the caller's transaction (the caller commits)."""
    _take_chain_lock(session)
    prev = session.scalar(select(AuditEvent.row_hash).order_by(AuditEvent.id.desc()).limit(1))
    at = at.astimezone(dt.UTC)
    row = AuditEvent(
        at=at,
        actor=entry.actor,
        event=entry.event,
        category=entry.category,
        patient_id=entry.patient_id,
        scope=entry.scope,
        outcome=entry.outcome,
        detail=entry.detail,
        prev_hash=prev,
        row_hash=row_hash(prev, at, entry),
    )
    session.add(row)
    session.flush()
    return row


def write(engine: Engine, entry: AuditEntry, at: dt.datetime) -> None:
    """Append one row in its own transaction and commit it (raises if it could not)."""
    from db.engine import UnitOfWork

    with UnitOfWork(engine) as uow:
        append(uow.session, entry, at)
        uow.commit()


@dataclass(frozen=True)
class ChainBreak:
    row_id: int
    reason: str


def verify(session: Session) -> ChainBreak | None:
    """The first row whose hash or link does not match, or None when the chain is whole."""
    prev: str | None = None
    rows = session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()
    for row in rows:
        if row.prev_hash != prev:
            return ChainBreak(row.id, "its link to the previous row does not match (a row was removed or altered)")
        entry = AuditEntry(
            actor=row.actor,
            event=row.event,
            category=row.category,
            outcome=row.outcome,
            patient_id=row.patient_id,
            scope=row.scope,
            detail=row.detail,
        )
        if row.row_hash != row_hash(prev, row.at, entry):
            return ChainBreak(row.id, "its contents do not match its hash (the row was altered)")
        prev = row.row_hash
    return None
