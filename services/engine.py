"""The dashboard's database and secrets: one engine per process, checked before the first page.

The embedded default (no `DATABASE_URL`) is the one-command demo: its first run creates the
database with the synthetic clinic. Outside demo mode the dashboard refuses to start with
missing or sample secrets, and says what to set (ARCHITECTURE rule 8).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError

from db import meta
from db.engine import UnitOfWork, make_engine, read_session
from db.models import Assessment, AuditEvent, Clinician, Note, Patient, Session
from db.schema import is_current
from db.settings import ConfigurationError, database_url, is_embedded_default, load_settings

__all__ = ["ConfigurationError", "DashboardConfig", "DatabaseStatus", "Engine"]

COOKIE_KEY = "KAP_COOKIE_KEY"
PSEUDONYM_KEY = "KAP_PSEUDONYM_KEY"
MIN_SECRET_LENGTH = 32  # SPEC §9: at least 32 random bytes
# Words that mark a value copied from an example file rather than generated.
_SAMPLE_MARKERS = (
    "change",
    "replace",
    "example",
    "sample",
    "your-",
    "secret",
    "password",
    "default",
    "dummy",
    "placeholder",
    "insecure",
    "xxxx",
    "todo",
)
# A generated key of 32+ characters uses many different characters; a typed phrase or a
# repeated pattern ("aaaa…", "abcabc…") uses few.
_MIN_DISTINCT_CHARACTERS = 8


@dataclass(frozen=True)
class DashboardConfig:
    """What the entry script needs once the database is known to be usable."""

    demo: bool
    cookie_key: str
    cookie_name: str
    session_cookie_days: int
    idle_minutes: int


@dataclass(frozen=True)
class DatabaseStatus:
    """Proof that the database answers: what it is, its schema, how many records it holds."""

    backend: str
    schema_revision: str | None
    schema_current: bool
    demo: bool
    record_counts: dict[str, int]


def open_dashboard_engine(url: str | None = None) -> Engine:
    """The engine for `DATABASE_URL` (or the embedded demo database, created on first run)."""
    url = database_url(url)
    engine = make_engine(url)
    if is_embedded_default(url) and not os.environ.get("DATABASE_URL"):
        from services.demo import ensure_embedded_demo  # written alongside; imported only when needed

        ensure_embedded_demo(engine)
    return engine


def is_sample_secret(value: str) -> bool:
    """True for a value that is too short or looks copied from an example file."""
    lowered = value.lower()
    return (
        len(value) < MIN_SECRET_LENGTH
        or len(set(value)) < _MIN_DISTINCT_CHARACTERS
        or (value + value).find(value, 1) < len(value)  # one pattern repeated ("0123456789" * 4)
        or any(marker in lowered for marker in _SAMPLE_MARKERS)
    )


def secret(engine: Engine, name: str) -> str:
    """A secret from the environment; on a demo database, generated once and kept in `meta`.

    Raises ConfigurationError (saying what to set) when a real database lacks a usable one.
    """
    value = os.environ.get(name, "").strip()
    if value and not is_sample_secret(value):
        return value
    with UnitOfWork(engine) as uow:
        if not meta.is_demo_database(uow.session):
            state = "is a sample or shorter than 32 characters" if value else "is not set"
            raise ConfigurationError(
                f"{name} {state}. Set it in the environment or in .streamlit/secrets.toml to a random value "
                f'of at least {MIN_SECRET_LENGTH} characters, e.g. the output of: python -c "import secrets; '
                f'print(secrets.token_urlsafe(48))"'
            )
        stored_key = f"generated_{name.lower()}"
        stored = meta.get_value(uow.session, stored_key)
        if stored:
            return stored
        generated = secrets.token_urlsafe(48)
        meta.set_value(uow.session, stored_key, generated)
        uow.commit()
        return generated


def dashboard_config(engine: Engine) -> DashboardConfig:
    """Check the schema and the secrets; raise ConfigurationError with every problem at once."""
    try:
        schema_current = is_current(engine)
    except DBAPIError as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise ConfigurationError(
            f"The database at {where} does not answer. Check DATABASE_URL and that the database server is running."
        ) from exc
    if not schema_current:
        raise ConfigurationError(
            "The database has no current schema. Run `python manage.py init-db` (with the same DATABASE_URL) first."
        )
    problems: list[str] = []
    keys: dict[str, str] = {}
    for name in (COOKIE_KEY, PSEUDONYM_KEY):
        try:
            keys[name] = secret(engine, name)
        except ConfigurationError as exc:
            problems.append(str(exc))
    if problems:
        raise ConfigurationError("\n\n".join(problems))
    settings = load_settings()
    with read_session(engine) as session:
        demo = meta.is_demo_database(session)
    return DashboardConfig(
        demo=demo,
        cookie_key=keys[COOKIE_KEY],
        cookie_name="kap_caseload_demo_login" if demo else "kap_caseload_login",
        session_cookie_days=settings.session_cookie_days,
        idle_minutes=settings.idle_minutes,
    )


def database_status(engine: Engine) -> DatabaseStatus:
    """Counts of every record type, the schema revision and the demo marker."""
    tables = {
        "clinicians": Clinician,
        "patients": Patient,
        "sessions": Session,
        "assessments": Assessment,
        "notes": Note,
        "audit rows": AuditEvent,
    }
    with read_session(engine) as session:
        counts = {
            label: int(session.scalar(select(func.count()).select_from(model)) or 0) for label, model in tables.items()
        }
        demo = meta.is_demo_database(session)
        revision = MigrationContext.configure(session.connection()).get_current_revision()
    return DatabaseStatus(
        backend=engine.dialect.name,
        schema_revision=revision,
        schema_current=is_current(engine),
        demo=demo,
        record_counts=counts,
    )


def dashboard_database_url() -> str:
    """`DATABASE_URL`, else the embedded demo database."""
    return database_url()
