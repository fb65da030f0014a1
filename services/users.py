"""Logins: add, set a password, list, disable (SPEC §8 `users`).

Every clinician is also a login. One imported from CSV has no password and cannot log in
until `add` (on that existing clinician) or `set_password` gives it one. Each change is
one unit of work; the caller writes the audit row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, select

from db.engine import UnitOfWork, read_session
from db.importers.csv_values import USERNAME_PATTERN
from db.models import ROLES, Clinician
from services.cli_errors import BadInput
from services.passwords import hash_password

USERNAME_MAX = 64


class UserError(BadInput):
    """A users request that cannot be done as asked; the message says why. Nothing was changed."""


@dataclass(frozen=True)
class LoginSummary:
    """One login as `users list` shows it — never its password hash."""

    username: str
    display_name: str
    role: str
    supervisor: str | None
    has_password: bool
    disabled: bool
    locked_until: dt.datetime | None


def _check_username(username: str) -> None:
    if len(username) > USERNAME_MAX or not USERNAME_PATTERN.match(username):
        raise UserError(
            f"{username!r} is not a valid username: use up to {USERNAME_MAX} letters, digits and . _ @ -"
            " (no spaces), starting with a letter or digit"
        )


def add_user(
    engine: Engine,
    username: str,
    *,
    role: str,
    password: str,
    display_name: str | None = None,
    supervisor: str | None = None,
) -> str:
    """Create a login, or give an imported clinician (no password yet) their password.

    Returns `created` or `password set`. Refuses a clinician who already has a password
    (use `set_password`) and one whose stored role, name or supervisor differ from what was asked.
    """
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    password_hash = hash_password(password, username=username)  # policy first: a refused password changes nothing
    with UnitOfWork(engine) as uow:
        existing = uow.session.get(Clinician, username)
        if supervisor is not None and supervisor != username and uow.session.get(Clinician, supervisor) is None:
            raise UserError(f"unknown supervisor {supervisor!r}: add that clinician first")
        if supervisor == username:
            raise UserError("a clinician cannot be their own supervisor")
        if existing is None:
            _check_username(username)
            uow.session.add(
                Clinician(
                    username=username,
                    display_name=display_name or username,
                    role=role,
                    supervisor=supervisor,
                    password_hash=password_hash,
                )
            )
            result = "created"
        else:
            _check_matches(existing, role=role, display_name=display_name, supervisor=supervisor)
            existing.password_hash = password_hash
            _clear_lockout(existing)
            result = "password set"
        uow.commit()
    return result


def _check_matches(existing: Clinician, *, role: str, display_name: str | None, supervisor: str | None) -> None:
    if existing.password_hash:
        raise UserError(
            f"{existing.username!r} already has a login; use `users password {existing.username}` to change it"
        )
    mismatches = []
    if existing.role != role:
        mismatches.append(f"role {existing.role!r}")
    if display_name is not None and existing.display_name != display_name:
        mismatches.append(f"name {existing.display_name!r}")
    if supervisor is not None and existing.supervisor != supervisor:
        mismatches.append(f"supervisor {existing.supervisor!r}")
    if mismatches:
        raise UserError(
            f"clinician {existing.username!r} already exists with {' and '.join(mismatches)}; give the same values"
            " (or change them by importing clinicians.csv with --update)"
        )


def _clear_lockout(clinician: Clinician) -> None:
    clinician.failed_logins = 0
    clinician.first_failed_at = None
    clinician.locked_until = None


def set_password(engine: Engine, username: str, password: str) -> None:
    """Set (or reset) a login's password; also lifts a lockout from failed attempts."""
    password_hash = hash_password(password, username=username)
    with UnitOfWork(engine) as uow:
        clinician = _existing(uow.session.get(Clinician, username), username)
        clinician.password_hash = password_hash
        _clear_lockout(clinician)
        uow.commit()


def disable_user(engine: Engine, username: str) -> bool:
    """Disable a login (its records stay). Returns False when it was already disabled."""
    with UnitOfWork(engine) as uow:
        clinician = _existing(uow.session.get(Clinician, username), username)
        if clinician.disabled:
            return False
        clinician.disabled = True
        uow.commit()
    return True


def list_users(engine: Engine) -> list[LoginSummary]:
    with read_session(engine) as session:
        rows = session.scalars(select(Clinician).order_by(Clinician.username))
        return [
            LoginSummary(
                username=row.username,
                display_name=row.display_name,
                role=row.role,
                supervisor=row.supervisor,
                has_password=bool(row.password_hash),
                disabled=bool(row.disabled),
                locked_until=row.locked_until,
            )
            for row in rows
        ]


def _existing(clinician: Clinician | None, username: str) -> Clinician:
    if clinician is None:
        raise UserError(f"no clinician with username {username!r} (see `users list`)")
    return clinician
