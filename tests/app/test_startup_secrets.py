"""Start-up refuses missing or sample secrets outside demo mode, and says what to set (SPEC §8–9).

The whole dashboard runs under AppTest with `DATABASE_URL` naming a clinic's own (non-demo)
database. A refused start shows no login form, no traceback, and never echoes the value.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine

from db import meta
from db.engine import UnitOfWork, make_engine
from tests.access_clinic import COOKIE_KEY, PSEUDONYM_KEY, seed_access_clinic
from tests.app.access_harness import has_login_form, shown_text, start_app

REPO = Path(__file__).resolve().parents[2]
SECRETS = ("KAP_COOKIE_KEY", "KAP_PSEUDONYM_KEY")
GOOD = {"KAP_COOKIE_KEY": COOKIE_KEY, "KAP_PSEUDONYM_KEY": PSEUDONYM_KEY}
EXAMPLE_VALUES = [
    line.split("=", 1)[1].strip().strip('"')
    for line in (REPO / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8").splitlines()
    if line.startswith(SECRETS)
]
SAMPLES = [
    "",
    "   ",
    "changeme",
    "secret",
    "kap",
    "x" * 31,  # one short of the minimum
    "changeme" * 4,
    "secret" * 6,
    "a" * 64,
    "0123456789" * 4,
    "my-super-secret-cookie-signing-key-2026",
    *EXAMPLE_VALUES,
]


def _forget_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    # setenv first, so monkeypatch restores the original even when start-up itself copies
    # a value from secrets.toml into os.environ.
    for name in (*SECRETS, "KAP_SESSION_COOKIE_DAYS", "KAP_IDLE_MINUTES"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


@pytest.fixture
def clinic_database(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A clinic's own database (never marked demo), named by DATABASE_URL, with no secrets set."""
    _forget_settings(monkeypatch)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    engine = make_engine(sqlite_url)
    seed_access_clinic(engine)
    yield engine
    engine.dispose()
    st.cache_resource.clear()


@pytest.fixture
def demo_database(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The same clinic in a database marked as the demo's."""
    _forget_settings(monkeypatch)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    engine = make_engine(sqlite_url)
    seed_access_clinic(engine)
    with UnitOfWork(engine) as uow:
        meta.mark_demo_database(uow.session)
        uow.commit()
    yield engine
    engine.dispose()
    st.cache_resource.clear()


def assert_refused(text: str, app: object, name: str, value: str | None = None) -> None:
    assert not app.exception  # type: ignore[attr-defined]
    assert not has_login_form(app)  # type: ignore[arg-type]
    assert any("cannot start" in error.value for error in app.error)  # type: ignore[attr-defined]
    assert f"{name} " in text  # names the setting…
    assert "secrets.toml" in text and "at least 32 characters" in text  # …where and what to set
    assert "token_urlsafe" in text  # …and how to make a value
    if value and len(value.strip()) >= 8:
        assert value not in text  # the refused value is never shown back


# The whole dashboard is slow to run; a few cases per key go through it, every sample through the check.
THROUGH_THE_DASHBOARD = [
    ("KAP_COOKIE_KEY", ""),
    ("KAP_COOKIE_KEY", "changeme"),
    ("KAP_COOKIE_KEY", "x" * 31),
    ("KAP_COOKIE_KEY", "secret" * 6),
    ("KAP_COOKIE_KEY", EXAMPLE_VALUES[0]),
    ("KAP_PSEUDONYM_KEY", "   "),
    ("KAP_PSEUDONYM_KEY", "secret"),
    ("KAP_PSEUDONYM_KEY", "0123456789" * 4),
    ("KAP_PSEUDONYM_KEY", EXAMPLE_VALUES[1]),
]


@pytest.mark.parametrize("value", SAMPLES)
def test_every_sample_is_recognised(value: str) -> None:
    """Empty, short, example-file, sample-word and patterned values all count as samples."""
    from services.engine import is_sample_secret

    assert is_sample_secret(value.strip())


def test_generated_keys_are_not_samples() -> None:
    """Keys made as the message says (`secrets.token_urlsafe(48)`) and hex keys are accepted."""
    from services.engine import is_sample_secret

    generated = [
        "NgNvzAC46uJlFbeJQKuciozY5_YcqWM__9jRkDIFsTGSpPNI0cI3GCLydSgyS0YM",
        "GAFb9ts-x6T47ZVkJkKeJtWBWH35OyT1QTFqlimOfPmnsPyNkE04u6qo2U-CZgRV",
        "4f1c9a7e2b6d8f0a3c5e7b9d1f2a4c6e",
    ]
    assert not any(is_sample_secret(value) for value in generated)


@pytest.mark.parametrize(("name", "value"), THROUGH_THE_DASHBOARD)
def test_a_sample_or_missing_secret_stops_start_up(
    clinic_database: Engine, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    """Outside demo mode an empty, short, sample or patterned key stops start-up with what to set."""
    for other in SECRETS:
        monkeypatch.setenv(other, GOOD[other])
    monkeypatch.setenv(name, value)
    app = start_app()
    assert_refused(shown_text(app), app, name, value)


def test_both_missing_secrets_are_named_at_once(clinic_database: Engine) -> None:
    """With neither key set, the message names both, so one restart fixes everything."""
    app = start_app()
    text = shown_text(app)
    assert_refused(text, app, "KAP_COOKIE_KEY")
    assert "KAP_COOKIE_KEY is not set" in text and "KAP_PSEUDONYM_KEY is not set" in text


def test_real_secrets_start_the_login(clinic_database: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """With both keys set to random values, the dashboard starts at the login form."""
    for name in SECRETS:
        monkeypatch.setenv(name, GOOD[name])
    app = start_app()
    assert not app.exception and not app.error
    assert has_login_form(app)


def test_secrets_file_values_are_used(clinic_database: Engine) -> None:
    """Keys given in `.streamlit/secrets.toml` instead of the environment start the dashboard."""
    from streamlit.testing.v1 import AppTest

    from tests.app.access_harness import DASHBOARD

    app = AppTest.from_file(DASHBOARD, default_timeout=60)
    app.secrets.update(GOOD)
    app.run()
    assert not app.exception and not app.error
    assert has_login_form(app)


@pytest.mark.parametrize("value", EXAMPLE_VALUES[:1] + ["changeme"])
def test_secrets_file_sample_values_are_refused(clinic_database: Engine, value: str) -> None:
    """The example file's values copied into `.streamlit/secrets.toml` are refused like any sample."""
    from streamlit.testing.v1 import AppTest

    from tests.app.access_harness import DASHBOARD

    app = AppTest.from_file(DASHBOARD, default_timeout=60)
    app.secrets.update({"KAP_COOKIE_KEY": value, "KAP_PSEUDONYM_KEY": PSEUDONYM_KEY})
    app.run()
    assert_refused(shown_text(app), app, "KAP_COOKIE_KEY", value)


@pytest.mark.parametrize("value", [None, "changeme"])
def test_demo_mode_starts_without_real_secrets(
    demo_database: Engine, monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    """A database marked as the demo starts without keys (they are generated for it)."""
    if value is not None:
        for name in SECRETS:
            monkeypatch.setenv(name, value)
    app = start_app()
    assert not app.exception and not app.error
    assert has_login_form(app)


def test_the_example_secrets_file_holds_only_samples() -> None:
    """The committed example file's values are themselves refused, so copying it unchanged cannot work."""
    from services.engine import is_sample_secret

    assert len(EXAMPLE_VALUES) == 2
    assert all(is_sample_secret(value) for value in EXAMPLE_VALUES)
