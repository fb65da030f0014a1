"""Logins: who may log in, failed logins and lockout, idle logoff, and the current user.

streamlit-authenticator checks the password against the credentials built here; this module
keeps everything that must outlive a browser session in the database (failed-login counts,
lockout) and writes the audit rows. Every refusal reads the same to the person at the
keyboard, so the login form never tells an attacker which usernames exist or are locked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from db import audit, meta
from db.engine import UnitOfWork, read_session
from db.models import Clinician
from services import clock, passwords

MAX_FAILED_LOGINS = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)
LOCKOUT = dt.timedelta(minutes=15)

# One message for a wrong password, an unknown user, a locked and a disabled account.
LOGIN_REFUSED_MESSAGE = "Login failed: the username or password is not right, or this login cannot be used now."

# Checked when the username is unknown, so an unknown name costs the same bcrypt time as a
# wrong password and the response time does not reveal which usernames exist.
_TIMING_DUMMY_HASH = "$2b$12$so.h6ieSXkOHcsjEHtfIYerJqUDBLzkSRdKAoFTt/EHrRbZHExX3q"


@dataclass(frozen=True)
class CurrentUser:
    """The clinician logged in to this browser session."""

    username: str
    display_name: str
    role: str  # therapist, supervisor, admin


@dataclass(frozen=True)
class FailedLogin:
    """What a failed login did to its account: nothing known, counted, or now locked."""

    username: str | None  # None when no account has that name
    locked: bool


def login_credentials(engine: Engine) -> dict[str, Any]:
    """The credentials dict streamlit-authenticator wants: enabled accounts with a password.

    The library lower-cases usernames; `resolve_username` maps them back.
    """
    with read_session(engine) as session:
        rows = session.scalars(
            select(Clinician)
            .where(Clinician.disabled.is_(False), Clinician.password_hash.is_not(None))
            .order_by(Clinician.username)
        ).all()
        usernames: dict[str, dict[str, Any]] = {}
        for row in rows:
            usernames.setdefault(
                row.username.lower(),
                {"name": row.display_name, "password": row.password_hash, "roles": [row.role], "email": None},
            )
    return {"usernames": usernames}


def resolve_username(engine: Engine, typed: str | None) -> str | None:
    """The stored username for what the library reports (it lower-cases and strips names)."""
    if not typed:
        return None
    typed = typed.strip()
    with read_session(engine) as session:
        exact = session.get(Clinician, typed)
        if exact is not None:
            return exact.username
        lowered = session.scalars(select(Clinician.username)).all()
    matches = [name for name in lowered if name.lower() == typed.lower()]
    return matches[0] if len(matches) == 1 else None


def is_locked(clinician: Clinician, at: dt.datetime) -> bool:
    return clinician.locked_until is not None and clinician.locked_until > at


def refusal_reason(clinician: Clinician | None, at: dt.datetime) -> str | None:
    """Why this account may not be used now (None when it may)."""
    if clinician is None:
        return "unknown"
    if clinician.disabled:
        return "disabled"
    if not clinician.password_hash:
        return "no_password"
    if is_locked(clinician, at):
        return "locked"
    return None


def admit(engine: Engine, username: str | None, *, via: str = "password") -> CurrentUser | None:
    """After the library accepted a password or a cookie: let the account in, or refuse it.

    A locked or disabled account is refused even with the right password or a valid cookie.
    Success clears the failed-login count. Both outcomes are audited.
    """
    at = clock.now()
    with UnitOfWork(engine) as uow:
        clinician = uow.session.get(Clinician, username) if username else None
        reason = refusal_reason(clinician, at)
        if reason is not None or clinician is None:
            actor = clinician.username if clinician is not None else "unknown"
            audit.append(uow.session, _login_entry(actor, "login.refused", "denied", via=via, reason=reason), at)
            uow.commit()
            return None
        clinician.failed_logins = 0
        clinician.first_failed_at = None
        clinician.locked_until = None
        audit.append(uow.session, _login_entry(clinician.username, "login.success", "success", via=via), at)
        uow.commit()
        return CurrentUser(clinician.username, clinician.display_name, clinician.role)


def record_refused_login(engine: Engine, username: str | None, *, via: str) -> None:
    """Audit a login the library itself refused (a cookie naming a disabled account)."""
    at = clock.now()
    with UnitOfWork(engine) as uow:
        clinician = uow.session.get(Clinician, username) if username else None
        actor = clinician.username if clinician is not None else "unknown"
        reason = refusal_reason(clinician, at) or "not_allowed"
        audit.append(uow.session, _login_entry(actor, "login.refused", "denied", via=via, reason=reason), at)
        uow.commit()


def record_failed_login(engine: Engine, username: str | None) -> FailedLogin:
    """Count a wrong password against its account; the 5th within 15 minutes locks it.

    Attempts while locked are audited but neither counted nor extend the lock, so a
    locked clinician can log in again exactly 15 minutes after the lock began.
    """
    at = clock.now()
    with UnitOfWork(engine) as uow:
        clinician = uow.session.get(Clinician, username) if username else None
        if clinician is None:
            passwords.verify_password("timing-equaliser", _TIMING_DUMMY_HASH)
            audit.append(uow.session, _login_entry("unknown", "login.failed", "failure", reason="unknown"), at)
            uow.commit()
            return FailedLogin(None, locked=False)
        if is_locked(clinician, at):
            audit.append(uow.session, _login_entry(clinician.username, "login.failed", "failure", reason="locked"), at)
            uow.commit()
            return FailedLogin(clinician.username, locked=True)
        window_open = clinician.first_failed_at is not None and at - clinician.first_failed_at < FAILURE_WINDOW
        if window_open:
            clinician.failed_logins += 1
        else:
            clinician.failed_logins = 1
            clinician.first_failed_at = at
        reason = refusal_reason(clinician, at) or "wrong_password"
        audit.append(uow.session, _login_entry(clinician.username, "login.failed", "failure", reason=reason), at)
        locked = clinician.failed_logins >= MAX_FAILED_LOGINS
        if locked:
            clinician.locked_until = at + LOCKOUT
            audit.append(
                uow.session,
                _login_entry(clinician.username, "login.locked", "denied", failed_logins=clinician.failed_logins),
                at,
            )
        uow.commit()
        return FailedLogin(clinician.username, locked=locked)


def current_user(engine: Engine, username: str) -> CurrentUser | None:
    """The account as it stands now (None once disabled, locked or removed).

    Read on every run, so disabling a login or a new lockout ends sessions already open.
    """
    with read_session(engine) as session:
        clinician = session.get(Clinician, username)
        if refusal_reason(clinician, clock.now()) is not None or clinician is None:
            return None
        return CurrentUser(clinician.username, clinician.display_name, clinician.role)


def is_idle_expired(last_activity: dt.datetime | None, at: dt.datetime, idle_minutes: int) -> bool:
    """True when the session saw no activity for `idle_minutes` (a missing time counts as expired)."""
    if last_activity is None:
        return True
    return at - last_activity >= dt.timedelta(minutes=idle_minutes)


def record_logout(engine: Engine, username: str, *, reason: str = "logout") -> None:
    """Audit the end of a session: `logout` (the button) or `idle` (idle logoff)."""
    event = "logout.idle" if reason == "idle" else "logout"
    audit.write(engine, _login_entry(username, event, "success"), clock.now())


@dataclass(frozen=True)
class DemoLogin:
    """A login the demo clinic publishes on its login page."""

    username: str
    display_name: str
    role: str
    password: str


def demo_logins(engine: Engine) -> list[DemoLogin]:
    """The demo clinic's logins — only on a database marked as the demo (never on real data)."""
    from db.demo.clinic import DEMO_PASSWORD, DEMO_USERNAMES

    with read_session(engine) as session:
        if not meta.is_demo_database(session):
            return []
        rows = session.scalars(
            select(Clinician).where(
                Clinician.username.in_(DEMO_USERNAMES),
                Clinician.disabled.is_(False),
                Clinician.password_hash.is_not(None),
            )
        ).all()
        logins = [DemoLogin(row.username, row.display_name, row.role, DEMO_PASSWORD) for row in rows]
    order = {name: index for index, name in enumerate(DEMO_USERNAMES)}
    role_order = {"therapist": 0, "supervisor": 1, "admin": 2}
    return sorted(logins, key=lambda login: (role_order.get(login.role, 3), order[login.username]))


def _login_entry(actor: str, event: str, outcome: str, **detail: Any) -> audit.AuditEntry:
    clean = {key: value for key, value in detail.items() if value is not None}
    return audit.AuditEntry(actor=actor, event=event, category="login", outcome=outcome, detail=clean or None)
