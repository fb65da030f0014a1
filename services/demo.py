"""The demo clinic as a use case: seed a database, or the embedded default on first run.

A database filled here is marked as a demo database (SPEC §8). Seeding refuses a database
that holds real records, so a mistyped `--db` can never mix synthetic patients into a
clinic's records; a database that already holds the demo clinic is left as it is.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from db.demo.clinic import DEMO_PASSWORD, DEMO_USERNAMES, hash_demo_password
from db.demo.generator import build_demo_clinic, write_demo_clinic
from db.engine import UnitOfWork
from db.meta import get_value, is_demo_database
from db.models import Clinician, Patient
from db.schema import upgrade
from db.settings import clinic_timezone, is_embedded_default
from services import flags
from services.cli_errors import BadInput

DEFAULT_PATIENTS = 36
DEFAULT_SEED = 7
MAX_PATIENTS = 5000  # beyond this the demo stops being a demo; benchmarks have their own generator


@dataclass(frozen=True)
class DemoSummary:
    """What `seed_demo` did: created a clinic, or found one already there."""

    created: bool
    patients: int
    seed: int
    anchor: dt.date
    logins: tuple[str, ...] = DEMO_USERNAMES
    password: str = DEMO_PASSWORD


def today_in_clinic() -> dt.date:
    """The default anchor: today's date in the clinic's time zone (the demo's only wall-clock read)."""
    return dt.datetime.now(clinic_timezone()).date()


def seed_demo(
    engine: Engine,
    *,
    patients: int = DEFAULT_PATIENTS,
    seed: int = DEFAULT_SEED,
    anchor: dt.date | None = None,
) -> DemoSummary:
    """Fill an empty (migrated) database with the demo clinic, mark it, then evaluate flags.

    Raises `BadInput` when the database holds real records (it is not marked as a demo and
    has clinicians or patients) or when `patients` is out of range. A demo database that is
    already filled is left untouched (`created=False`).
    """
    if not 1 <= patients <= MAX_PATIENTS:
        raise BadInput(f"--patients must be between 1 and {MAX_PATIENTS}, got {patients}")
    anchor = anchor or today_in_clinic()
    with UnitOfWork(engine) as uow:
        existing = _existing_demo(uow.session)
        if existing is not None:
            return existing
        clinic = build_demo_clinic(
            patients=patients, seed=seed, anchor=anchor, password_hash=hash_demo_password(), timezone=clinic_timezone()
        )
        write_demo_clinic(uow.session, clinic, seed=seed, anchor=anchor)
        uow.commit()
    flags.evaluate_and_store(engine, anchor)
    return DemoSummary(created=True, patients=patients, seed=seed, anchor=anchor)


def _existing_demo(session) -> DemoSummary | None:  # type: ignore[no-untyped-def]
    """The demo already here, None for an empty database; refuse a database with real records."""
    patient_count = session.scalar(select(func.count()).select_from(Patient)) or 0
    clinician_count = session.scalar(select(func.count()).select_from(Clinician)) or 0
    if patient_count == 0 and clinician_count == 0:
        return None
    if not is_demo_database(session):
        raise BadInput(
            f"this database holds real records ({patient_count} patients, {clinician_count} clinicians) and is not "
            "a demo database; the demo clinic is only written to an empty database. Choose another database with "
            "--db URL (or DATABASE_URL), e.g. --db sqlite:///demo.sqlite3"
        )
    anchor_text = get_value(session, "demo_anchor")
    return DemoSummary(
        created=False,
        patients=patient_count,
        seed=int(get_value(session, "demo_seed") or DEFAULT_SEED),
        anchor=dt.date.fromisoformat(anchor_text) if anchor_text else today_in_clinic(),
    )


def ensure_embedded_demo(engine: Engine) -> bool:
    """Dashboard first run: migrate and seed the embedded default database when it is empty.

    With `DATABASE_URL` set (or an engine on any other database) nothing is seeded: a
    configured database is the clinic's, never the demo's. Returns True when it seeded.
    """
    if os.environ.get("DATABASE_URL"):
        return False
    if not is_embedded_default(engine.url.render_as_string(hide_password=False)):
        return False
    upgrade(engine)
    try:
        return seed_demo(engine).created
    except BadInput:
        return False  # someone keeps real records in the embedded file: never touch them
    except IntegrityError:
        return False  # two first page loads raced; the other one seeded the same clinic
