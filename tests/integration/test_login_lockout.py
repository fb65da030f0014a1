"""Failed logins, lockout and the account checks of services.auth, on both databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select

from db.engine import UnitOfWork, read_session
from db.models import AuditEvent, Clinician
from services import auth, clock
from tests.access_clinic import seed_access_clinic

START = dt.datetime(2026, 3, 30, 8, 0, tzinfo=dt.UTC)


class MovableClock:
    """A clock the test moves by hand."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)


@pytest.fixture
def moving_clock() -> Iterator[MovableClock]:
    movable = MovableClock(START)
    clock.set_clock(movable)
    yield movable
    clock.set_clock(None)


@pytest.fixture
def clinic(engine: Engine) -> Engine:
    seed_access_clinic(engine)
    return engine


def events(engine: Engine, actor: str) -> list[tuple[str, str]]:
    with read_session(engine) as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.actor == actor).order_by(AuditEvent.id)).all()
        return [(row.event, row.outcome) for row in rows]


def clinician(engine: Engine, username: str) -> Clinician:
    with read_session(engine) as session:
        row = session.get(Clinician, username)
        assert row is not None
        session.expunge(row)
        return row


def test_credentials_hold_only_enabled_logins_with_a_password(clinic: Engine) -> None:
    """Disabled accounts and clinicians without a password are not in the credentials."""
    credentials = auth.login_credentials(clinic)
    assert sorted(credentials["usernames"]) == ["ada", "sue", "tara", "theo"]
    assert credentials["usernames"]["tara"]["roles"] == ["therapist"]
    assert credentials["usernames"]["tara"]["password"].startswith("$2")


def test_five_failures_within_fifteen_minutes_lock_the_account(clinic: Engine, moving_clock: MovableClock) -> None:
    """The fifth failure in 15 minutes locks for 15 minutes; the right password is refused meanwhile."""
    for _ in range(4):
        assert auth.record_failed_login(clinic, "tara").locked is False
        moving_clock.advance(minutes=3)
    assert auth.record_failed_login(clinic, "tara").locked is True
    locked_at = moving_clock.at
    assert clinician(clinic, "tara").locked_until == locked_at + dt.timedelta(minutes=15)
    moving_clock.advance(minutes=14, seconds=59)
    assert auth.admit(clinic, "tara") is None
    moving_clock.advance(seconds=1)
    assert auth.admit(clinic, "tara") == auth.CurrentUser("tara", "Tara Therapist", "therapist")
    assert events(clinic, "tara") == [
        *[("login.failed", "failure")] * 5,
        ("login.locked", "denied"),
        ("login.refused", "denied"),
        ("login.success", "success"),
    ]


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(clinic: Engine, moving_clock: MovableClock) -> None:
    """The count starts again when the first failure is 15 minutes old."""
    for _ in range(4):
        auth.record_failed_login(clinic, "theo")
        moving_clock.advance(minutes=4)
    # 16 minutes after the first failure: a new window of one.
    assert auth.record_failed_login(clinic, "theo").locked is False
    assert clinician(clinic, "theo").failed_logins == 1


def test_success_clears_the_failure_count(clinic: Engine, moving_clock: MovableClock) -> None:
    """A successful login forgets earlier failures."""
    for _ in range(4):
        auth.record_failed_login(clinic, "tara")
    assert auth.admit(clinic, "tara") is not None
    for _ in range(4):
        assert auth.record_failed_login(clinic, "tara").locked is False


def test_attempts_while_locked_do_not_extend_the_lock(clinic: Engine, moving_clock: MovableClock) -> None:
    """Wrong passwords during a lock are audited but the lock still ends 15 minutes after it began."""
    for _ in range(5):
        auth.record_failed_login(clinic, "tara")
    until = clinician(clinic, "tara").locked_until
    moving_clock.advance(minutes=10)
    assert auth.record_failed_login(clinic, "tara").locked is True
    assert clinician(clinic, "tara").locked_until == until


def test_unknown_username_is_audited_without_an_account(clinic: Engine, moving_clock: MovableClock) -> None:
    """A failed login for a name nobody has is recorded as `unknown`, touching no account."""
    result = auth.record_failed_login(clinic, None)
    assert result == auth.FailedLogin(None, locked=False)
    assert events(clinic, "unknown") == [("login.failed", "failure")]


@pytest.mark.parametrize("username", ["dora", "nell", "nobody"])
def test_disabled_passwordless_and_unknown_accounts_are_not_admitted(
    clinic: Engine, moving_clock: MovableClock, username: str
) -> None:
    """Only an enabled account with a password and no lock is let in; the refusal is audited."""
    assert auth.admit(clinic, username, via="cookie") is None
    actor = "unknown" if username == "nobody" else username
    assert events(clinic, actor) == [("login.refused", "denied")]


def test_current_user_ends_when_the_account_is_disabled(clinic: Engine, moving_clock: MovableClock) -> None:
    """The per-run account check returns None once an admin disables the login."""
    assert auth.current_user(clinic, "theo") == auth.CurrentUser("theo", "Theo Therapist", "therapist")
    with UnitOfWork(clinic) as uow:
        row = uow.session.get(Clinician, "theo")
        assert row is not None
        row.disabled = True
        uow.commit()
    assert auth.current_user(clinic, "theo") is None


def test_idle_expiry_is_decided_from_the_last_activity() -> None:
    """Idle logoff happens at exactly KAP_IDLE_MINUTES without activity, never before."""
    assert auth.is_idle_expired(START, START + dt.timedelta(minutes=14, seconds=59), 15) is False
    assert auth.is_idle_expired(START, START + dt.timedelta(minutes=15), 15) is True
    assert auth.is_idle_expired(None, START, 15) is True


def test_resolve_username_maps_the_libraries_lower_case_back(clinic: Engine) -> None:
    """streamlit-authenticator lower-cases usernames; the stored spelling is found again."""
    with UnitOfWork(clinic) as uow:
        uow.session.add(Clinician(username="MaxB", display_name="Max B", role="therapist", password_hash="x"))
        uow.commit()
    assert auth.resolve_username(clinic, "maxb") == "MaxB"
    assert auth.resolve_username(clinic, "tara") == "tara"
    assert auth.resolve_username(clinic, "nobody") is None
