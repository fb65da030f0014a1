"""Small facts about this database kept in the `meta` table (SPEC §8 demo mode).

A database filled with the synthetic demo clinic is marked so that real records are never
imported into it by mistake, and so only it shows the demo logins.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Meta

DEMO_DATABASE_KEY = "demo_database"


def get_value(session: Session, key: str) -> str | None:
    return session.scalar(select(Meta.value).where(Meta.key == key))


def set_value(session: Session, key: str, value: str) -> None:
    """Insert or replace one fact inside the caller's transaction (the caller commits)."""
    row = session.get(Meta, key)
    if row is None:
        session.add(Meta(key=key, value=value))
    else:
        row.value = value
    session.flush()


def is_demo_database(session: Session) -> bool:
    """True when the `meta` table says this database holds the synthetic demo clinic."""
    return (get_value(session, DEMO_DATABASE_KEY) or "").strip().lower() == "true"


def mark_demo_database(session: Session) -> None:
    """Mark this database as the demo clinic's (the caller commits)."""
    set_value(session, DEMO_DATABASE_KEY, "true")
