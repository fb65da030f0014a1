"""Fixtures for the dashboard's AppTest tests: the access clinic and a clock the test moves."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st
from sqlalchemy import Engine

from db.engine import make_engine
from services import clock
from tests.access_clinic import COOKIE_KEY, PSEUDONYM_KEY, seed_access_clinic
from tests.app.access_harness import START, MovableClock


@pytest.fixture
def access_clinic(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The access clinic in a fresh SQLite file, named by DATABASE_URL with real-looking secrets."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("KAP_COOKIE_KEY", COOKIE_KEY)
    monkeypatch.setenv("KAP_PSEUDONYM_KEY", PSEUDONYM_KEY)
    monkeypatch.setenv("KAP_IDLE_MINUTES", "15")
    monkeypatch.setenv("KAP_SESSION_COOKIE_DAYS", "0")
    engine = make_engine(sqlite_url)
    seed_access_clinic(engine)
    yield engine
    engine.dispose()
    st.cache_resource.clear()


@pytest.fixture
def moving_clock() -> Iterator[MovableClock]:
    movable = MovableClock(START)
    clock.set_clock(movable)
    yield movable
    clock.set_clock(None)
