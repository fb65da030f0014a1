"""Login, lockout, idle logoff and logout through the dashboard, with a clock the test moves."""

from __future__ import annotations

from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from db.engine import UnitOfWork
from db.models import Clinician
from services.auth import LOGIN_REFUSED_MESSAGE
from tests.app.access_harness import (
    MovableClock,
    audit_events,
    has_login_form,
    is_logged_in,
    log_in,
    shown_text,
    start_app,
)


def errors(app: AppTest) -> list[str]:
    return [error.value for error in app.error]


def login_events(engine: Engine, actor: str) -> list[tuple[str, str]]:
    """The actor's login and logout rows (page views are audited too, and left out here)."""
    return [
        (event, outcome)
        for who, event, _, outcome in audit_events(engine)
        if who == actor and event.split(".")[0] in ("login", "logout")
    ]


def set_disabled(engine: Engine, username: str) -> None:
    with UnitOfWork(engine) as uow:
        row = uow.session.get(Clinician, username)
        assert row is not None
        row.disabled = True
        uow.commit()


def test_right_password_logs_in_and_is_audited(access_clinic: Engine, moving_clock: MovableClock) -> None:
    """The right password logs in, with the user's name shown; `login.success` is audited."""
    app = log_in(start_app(), "tara")
    assert not app.exception
    assert is_logged_in(app)
    assert "Tara Therapist" in shown_text(app)
    assert login_events(access_clinic, "tara") == [("login.success", "success")]


def test_every_refusal_reads_the_same(access_clinic: Engine, moving_clock: MovableClock) -> None:
    """Wrong password, unknown user, disabled account and no-password account: one message, no hints."""
    for username, password in (("tara", "wrong password"), ("nobody", "whatever1"), ("dora", None), ("nell", None)):
        app = log_in(start_app(), username, *(password,) if password else ())
        assert not app.exception
        assert errors(app) == [LOGIN_REFUSED_MESSAGE], username
        assert has_login_form(app) and not is_logged_in(app)
        assert not any(field.help for field in app.text_input)
    assert login_events(access_clinic, "tara") == [("login.failed", "failure")]
    assert login_events(access_clinic, "unknown") == [("login.failed", "failure")] * 3


def test_five_failures_lock_the_account_for_fifteen_minutes(access_clinic: Engine, moving_clock: MovableClock) -> None:
    """After 5 wrong passwords in 15 minutes even the right one is refused, until 15 minutes pass."""
    app = start_app()
    for _ in range(5):
        app = log_in(app, "theo", "not the password")
        moving_clock.advance(minutes=1)
    app = log_in(app, "theo")
    assert errors(app) == [LOGIN_REFUSED_MESSAGE]
    assert not is_logged_in(app)
    moving_clock.advance(minutes=13)  # 14 minutes after the lock began: still locked
    app = log_in(app, "theo")
    assert not is_logged_in(app)
    moving_clock.advance(minutes=1)  # 15 minutes after the lock began
    app = log_in(app, "theo")
    assert is_logged_in(app)
    assert login_events(access_clinic, "theo") == [
        *[("login.failed", "failure")] * 5,
        ("login.locked", "denied"),
        ("login.refused", "denied"),
        ("login.refused", "denied"),
        ("login.success", "success"),
    ]


def test_a_locked_account_is_refused_on_cookie_re_login(access_clinic: Engine, moving_clock: MovableClock) -> None:
    """When the library re-authenticates from its cookie, a locked account is still refused."""
    app = start_app()
    for _ in range(5):
        app = log_in(app, "tara", "not the password")
    fresh = AppTest.from_file(app._script_path, default_timeout=60)
    # What streamlit-authenticator leaves in the session after reading a valid login cookie.
    fresh.session_state["authentication_status"] = True
    fresh.session_state["username"] = "tara"
    fresh.session_state["name"] = "Tara Therapist"
    fresh.run()
    assert not fresh.exception
    assert not is_logged_in(fresh) and has_login_form(fresh)
    assert ("login.refused", "denied") in login_events(access_clinic, "tara")


def test_idle_session_is_logged_off(access_clinic: Engine, moving_clock: MovableClock) -> None:
    """Activity within KAP_IDLE_MINUTES keeps the session; 15 idle minutes end it, audited."""
    app = log_in(start_app(), "tara")
    moving_clock.advance(minutes=14)
    app.run()
    assert is_logged_in(app)
    moving_clock.advance(minutes=14)
    app.run()
    assert is_logged_in(app)
    moving_clock.advance(minutes=15)
    app.run()
    assert not app.exception
    assert not is_logged_in(app) and has_login_form(app)
    assert any("logged off after 15 minutes" in warning.value for warning in app.warning)
    assert "kap_user" not in app.session_state
    assert login_events(access_clinic, "tara")[-1] == ("logout.idle", "success")


def test_logout_button_ends_the_session(access_clinic: Engine, moving_clock: MovableClock) -> None:
    """Log out returns to the login form in the same run, forgets the user, and is audited."""
    app = log_in(start_app(), "tara")
    app.session_state["selected_patient_id"] = "P-TARA"
    # AppTest runs every run in Streamlit's legacy page mode, where the button's id differs
    # between the login run and the next; a real server (navigation mode) keeps it stable.
    app.run()
    app = next(button for button in app.button if button.label == "Log out").click().run()
    assert not app.exception
    assert has_login_form(app) and not is_logged_in(app)
    assert "selected_patient_id" not in app.session_state
    assert "kap_user" not in app.session_state
    assert login_events(access_clinic, "tara")[-1] == ("logout", "success")
    app.run()  # a later run (a reload of the same session) stays logged out
    assert has_login_form(app) and not is_logged_in(app)


def test_disabling_an_account_ends_its_open_session(access_clinic: Engine, moving_clock: MovableClock) -> None:
    """An admin disabling a login logs that clinician off at their next interaction."""
    app = log_in(start_app(), "theo")
    set_disabled(access_clinic, "theo")
    app.run()
    assert not is_logged_in(app) and has_login_form(app)
