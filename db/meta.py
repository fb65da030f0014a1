"""Small facts about this database kept in the `meta` table (SPEC §8 demo mode; fresh flags).

A database filled with the synthetic demo clinic is marked so that real records are never
imported into it by mistake, and so only it shows the demo logins. The day of the last
whole-clinic flag evaluation tells views whether the stored flags are current.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
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


# The last evaluation of the whole clinic whose stored flags no record written since has
# made stale: its day, rule set and cut-off (records before that moment counted), as
# "2026-12-06 2026.1 2026-12-06T07:00:00+00:00". Views read the stored flags instead of
# replaying them only while this names their day; every import forgets it in the
# transaction that writes the records, and the evaluation after it writes it again.
# Any other way of writing records must forget it in its transaction too.
FLAGS_EVALUATED_KEY = "flags_evaluated"


def mark_flags_evaluated(session: Session, as_of: dt.date, rule_set: str, cutoff: dt.datetime) -> None:
    """The stored flags are the whole clinic's picture as of `as_of`, from the records before `cutoff`."""
    set_value(session, FLAGS_EVALUATED_KEY, f"{as_of.isoformat()} {rule_set} {cutoff.astimezone(dt.UTC).isoformat()}")


def forget_flags_evaluated(session: Session) -> None:
    """Records changed: the stored flags are no longer known to be current (the caller commits)."""
    session.execute(delete(Meta).where(Meta.key == FLAGS_EVALUATED_KEY))


def flags_evaluated_up_to(session: Session, as_of: dt.date, rule_set: str) -> dt.datetime | None:
    """The cut-off of the stored whole-clinic picture as of `as_of` under `rule_set`, or None when there is none."""
    parts = (get_value(session, FLAGS_EVALUATED_KEY) or "").split(" ")
    if len(parts) != 3 or parts[0] != as_of.isoformat() or parts[1] != rule_set:
        return None
    return dt.datetime.fromisoformat(parts[2])
