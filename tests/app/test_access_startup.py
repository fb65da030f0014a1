"""Start-up as a new user sees it: the demo's login page, and a real database without secrets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import streamlit as st
from sqlalchemy import Engine

from db.engine import make_engine
from services.demo import seed_demo
from tests.app.access_harness import (
    has_login_form,
    is_logged_in,
    log_in,
    shown_text,
    start_app,
)


@pytest.fixture
def demo_database(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A small demo clinic, named by DATABASE_URL, with no secrets set (demo mode generates them)."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    for name in ("KAP_COOKIE_KEY", "KAP_PSEUDONYM_KEY"):
        monkeypatch.delenv(name, raising=False)
    engine = make_engine(sqlite_url)
    seed_demo(engine, patients=3, anchor=dt.date(2026, 3, 30))
    yield engine
    engine.dispose()
    st.cache_resource.clear()


def test_demo_login_page_lists_the_demo_logins_and_says_the_data_is_synthetic(demo_database: Engine) -> None:
    """On the demo database the login page shows its logins; one of them works."""
    app = start_app()
    assert not app.exception
    logins = app.dataframe[0].value
    assert {"therapist", "supervisor", "admin"} <= set(logins["Username"])
    assert set(logins["Password"]) == {"kap-demo"}
    assert "synthetic" in shown_text(app)
    app = log_in(app, "therapist", "kap-demo")
    assert is_logged_in(app)


def test_real_database_shows_no_demo_logins(access_clinic: Engine) -> None:
    """A clinic's own database never lists logins on its login page."""
    app = start_app()
    assert has_login_form(app)
    assert not app.dataframe
    assert "synthetic" not in shown_text(app)


def test_missing_secrets_stop_start_up_with_what_to_set(access_clinic: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without KAP_COOKIE_KEY on a real database the dashboard says what to set and shows no login."""
    monkeypatch.delenv("KAP_COOKIE_KEY")
    app = start_app()
    assert not app.exception
    assert not has_login_form(app)
    assert any("cannot start" in error.value for error in app.error)
    assert "KAP_COOKIE_KEY is not set" in shown_text(app)
