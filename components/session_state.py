"""The login's session-state side: the authenticator, the signed-in user, activity and idle logoff.

streamlit-authenticator keeps `authentication_status` / `username` in `st.session_state`;
this module adds the account as the database sees it (`kap_user`), the last activity
time, and ends the session when the account becomes unusable or sits idle too long.
The decisions themselves live in `services.auth`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities import LoginError

from services import auth, clock
from services.auth import CurrentUser
from services.engine import DashboardConfig, Engine

USER_KEY = "kap_user"
ACTIVITY_KEY = "kap_last_activity"
GATE_KEY = "kap_login_gate"
NOTICE_KEY = "kap_login_notice"
COOKIE_PENDING_KEY = "kap_login_cookie_pending"
ENTRY_RUN_KEY = "kap_entry_script_running"  # set only while dashboard.py runs (see components.guard)
# The library's own keys (and its cookie component's): kept when a session ends, because
# its `logout` flag is what stops a deleted cookie from logging the browser straight back in.
_LIBRARY_KEYS = frozenset({"name", "username", "authentication_status", "email", "roles", "logout", "init"})


@dataclass(frozen=True)
class LoginNotice:
    """A message for the login page: a refusal (shown as an error) or a logoff."""

    text: str
    refusal: bool = False


@dataclass
class LoginGate:
    """Everything one run needs to log someone in or out (rebuilt on every run)."""

    engine: Engine
    config: DashboardConfig
    credentials: dict[str, Any]
    authenticator: stauth.Authenticate


@contextmanager
def entry_script_run() -> Iterator[None]:
    """Mark this run as one that went through the entry script (pages check it)."""
    st.session_state[ENTRY_RUN_KEY] = True
    try:
        yield
    finally:
        st.session_state.pop(ENTRY_RUN_KEY, None)


def build_gate(engine: Engine, config: DashboardConfig) -> LoginGate:
    """Build `Authenticate` once per run from the database's logins (pitfalls: see the brief)."""
    credentials = auth.login_credentials(engine)
    authenticator = stauth.Authenticate(
        credentials,
        cookie_name=config.cookie_name,
        cookie_key=config.cookie_key,
        # 0 = no persistent login cookie at all (SPEC §9 KAP_SESSION_COOKIE_DAYS).
        cookie_expiry_days=config.session_cookie_days,
        auto_hash=False,
        login_sleep_time=0,
    )
    gate = LoginGate(engine, config, credentials, authenticator)
    st.session_state[GATE_KEY] = gate
    return gate


def current_gate() -> LoginGate | None:
    gate = st.session_state.get(GATE_KEY)
    return gate if isinstance(gate, LoginGate) else None


def signed_in_user(gate: LoginGate) -> CurrentUser | None:
    """The user of this session after the cookie, account and idle checks of this run."""
    _try_cookie_login(gate)
    if st.session_state.get("authentication_status") is not True:
        st.session_state.pop(USER_KEY, None)
        return None
    known: CurrentUser | None = st.session_state.get(USER_KEY)
    if not isinstance(known, CurrentUser):
        # The library accepted a login cookie: the database still has the last word.
        username = auth.resolve_username(gate.engine, st.session_state.get("username"))
        admitted = auth.admit(gate.engine, username, via="cookie")
        if admitted is None:
            end_session(gate, notice=LoginNotice(auth.LOGIN_REFUSED_MESSAGE, refusal=True))
            return None
        return _start(admitted)
    user = auth.current_user(gate.engine, known.username)
    if user is None:
        auth.record_logout(gate.engine, known.username, reason="account")
        end_session(gate, notice=LoginNotice("Your login can no longer be used. Ask an admin if this is unexpected."))
        return None
    now = clock.now()
    if auth.is_idle_expired(st.session_state.get(ACTIVITY_KEY), now, gate.config.idle_minutes):
        auth.record_logout(gate.engine, user.username, reason="idle")
        end_session(
            gate,
            notice=LoginNotice(
                f"You were logged off after {gate.config.idle_minutes} minutes without activity. Please log in again."
            ),
        )
        return None
    st.session_state[USER_KEY] = user
    st.session_state[ACTIVITY_KEY] = now
    if st.session_state.pop(COOKIE_PENDING_KEY, False) and gate.config.session_cookie_days > 0:
        # Set in the first ordinary run after login: the login run ends in st.rerun(), which
        # would drop the cookie component's message before it reached the browser.
        gate.authenticator.cookie_controller.set_cookie()
    return user


def admit_password_login(gate: LoginGate) -> CurrentUser | None:
    """After the login form: admit the account the library accepted, or count the failure."""
    status = st.session_state.get("authentication_status")
    if status is True:
        username = auth.resolve_username(gate.engine, st.session_state.get("username"))
        admitted = auth.admit(gate.engine, username, via="password")
        if admitted is None:
            end_session(gate, notice=LoginNotice(auth.LOGIN_REFUSED_MESSAGE, refusal=True))
            return None
        st.session_state[COOKIE_PENDING_KEY] = True
        return _start(admitted)
    if status is False:
        # The library counts a wrong password in the credentials dict we gave it; an
        # unknown username leaves no trace there.
        tried = [name for name, entry in gate.credentials["usernames"].items() if entry.get("failed_login_attempts")]
        username = auth.resolve_username(gate.engine, tried[0]) if tried else None
        auth.record_failed_login(gate.engine, username)
        st.session_state[NOTICE_KEY] = LoginNotice(auth.LOGIN_REFUSED_MESSAGE, refusal=True)
    return None


def reset_failed_status() -> None:
    """Forget the last run's failed status, so a failure is counted once, on its own submit."""
    if st.session_state.get("authentication_status") is False:
        st.session_state["authentication_status"] = None


def current_notice() -> LoginNotice | None:
    """The message for the login page (a refusal, a logoff); it stays until the next login.

    Not shown just once: the cookie component's reply reruns the page right after a logoff.
    """
    notice = st.session_state.get(NOTICE_KEY)
    return notice if isinstance(notice, LoginNotice) else None


def end_session(gate: LoginGate, *, notice: LoginNotice | None = None) -> None:
    """Log out through the library (deletes any login cookie) and drop everything else.

    No `st.rerun()` may follow in this run: the cookie deletion must reach the browser.
    """
    if st.session_state.get("authentication_status"):
        gate.authenticator.logout(location="unrendered")
    clear_session()
    if notice:
        st.session_state[NOTICE_KEY] = notice


def clear_session() -> None:
    """Forget this session's user and every page's state (selected patient, filters…)."""
    for key in list(st.session_state.keys()):
        if key not in _LIBRARY_KEYS and key not in (GATE_KEY, ENTRY_RUN_KEY):
            del st.session_state[key]


def on_logout_button(details: dict[str, Any]) -> None:
    """The library's logout callback: audit it and drop the session's state."""
    gate = current_gate()
    user = st.session_state.get(USER_KEY)
    if gate is not None and isinstance(user, CurrentUser):
        auth.record_logout(gate.engine, user.username)
    clear_session()


def _try_cookie_login(gate: LoginGate) -> None:
    # 'unrendered' runs only the library's cookie check and draws no form.
    try:
        gate.authenticator.login(location="unrendered")
    except LoginError:
        # A cookie naming an account that is no longer in the credentials (disabled).
        token = gate.authenticator.cookie_controller.get_cookie() or {}
        username = auth.resolve_username(gate.engine, token.get("username")) if isinstance(token, dict) else None
        auth.record_refused_login(gate.engine, username, via="cookie")
        st.session_state["logout"] = True  # the library then stops reading the cookie


def _start(user: CurrentUser) -> CurrentUser:
    st.session_state.pop(NOTICE_KEY, None)
    st.session_state[USER_KEY] = user
    st.session_state[ACTIVITY_KEY] = clock.now()
    return user


def seconds_until_idle_logoff(config: DashboardConfig) -> float | None:
    last: dt.datetime | None = st.session_state.get(ACTIVITY_KEY)
    if last is None:
        return None
    return (last + dt.timedelta(minutes=config.idle_minutes) - clock.now()).total_seconds()


@st.fragment(run_every=dt.timedelta(seconds=30))
def idle_watch() -> None:
    """Rerun the app once the idle time has passed, so an unattended screen clears itself.

    A fragment's own reruns are not user activity: they never move the activity time.
    """
    gate = current_gate()
    if gate is None or st.session_state.get(USER_KEY) is None:
        return
    remaining = seconds_until_idle_logoff(gate.config)
    if remaining is not None and remaining <= 0:
        st.rerun(scope="app")
