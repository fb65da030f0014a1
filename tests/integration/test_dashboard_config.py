"""The dashboard's start-up check: schema, secrets (refused when missing or samples), demo keys."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from db import meta
from db.engine import UnitOfWork, make_engine, read_session
from services import engine as dashboard_database
from services.engine import ConfigurationError
from tests.access_clinic import COOKIE_KEY, PSEUDONYM_KEY, seed_access_clinic

SECRETS = ("KAP_COOKIE_KEY", "KAP_PSEUDONYM_KEY")


@pytest.fixture(autouse=True)
def no_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SECRETS:
        monkeypatch.delenv(name, raising=False)


def mark_demo(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        meta.mark_demo_database(uow.session)
        uow.commit()


def test_real_database_refuses_to_start_without_secrets(engine: Engine) -> None:
    """Outside demo mode, missing secrets stop start-up with a message naming each one to set."""
    with pytest.raises(ConfigurationError) as refused:
        dashboard_database.dashboard_config(engine)
    message = str(refused.value)
    assert "KAP_COOKIE_KEY is not set" in message
    assert "KAP_PSEUDONYM_KEY is not set" in message
    assert "secrets.toml" in message


@pytest.mark.parametrize("sample", ["change-me", "replace-with-a-random-key-of-at-least-32-characters", "short"])
def test_real_database_refuses_sample_secrets(engine: Engine, monkeypatch: pytest.MonkeyPatch, sample: str) -> None:
    """A value copied from an example file, or shorter than 32 characters, is refused."""
    monkeypatch.setenv("KAP_COOKIE_KEY", sample)
    monkeypatch.setenv("KAP_PSEUDONYM_KEY", PSEUDONYM_KEY)
    with pytest.raises(ConfigurationError, match="KAP_COOKIE_KEY is a sample or shorter than 32 characters"):
        dashboard_database.dashboard_config(engine)


def test_real_database_starts_with_real_secrets(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """With both secrets set, the configuration carries the cookie key and the settings."""
    monkeypatch.setenv("KAP_COOKIE_KEY", COOKIE_KEY)
    monkeypatch.setenv("KAP_PSEUDONYM_KEY", PSEUDONYM_KEY)
    monkeypatch.setenv("KAP_IDLE_MINUTES", "7")
    config = dashboard_database.dashboard_config(engine)
    assert (config.demo, config.cookie_key, config.idle_minutes, config.session_cookie_days) == (
        False,
        COOKIE_KEY,
        7,
        0,
    )


def test_demo_database_generates_keys_once_and_keeps_them(engine: Engine) -> None:
    """A demo database needs no secrets: they are generated, stored, and the same next time."""
    mark_demo(engine)
    first = dashboard_database.dashboard_config(engine)
    again = dashboard_database.dashboard_config(engine)
    assert first.demo is True
    assert len(first.cookie_key) >= 32 and first.cookie_key == again.cookie_key
    pseudonym = dashboard_database.secret(engine, "KAP_PSEUDONYM_KEY")
    assert pseudonym == dashboard_database.secret(engine, "KAP_PSEUDONYM_KEY") != first.cookie_key
    with read_session(engine) as session:
        assert meta.get_value(session, "generated_kap_cookie_key") == first.cookie_key


def test_database_without_schema_says_to_run_init_db(tmp_path: object) -> None:
    """An empty database file stops start-up with the command that creates the schema."""
    bare = make_engine(f"sqlite:///{tmp_path}/bare.sqlite3")
    with pytest.raises(ConfigurationError, match="manage.py init-db"):
        dashboard_database.dashboard_config(bare)
    bare.dispose()


def test_status_counts_every_record_type(engine: Engine) -> None:
    """The status page's figures: counts per record type, schema revision, demo marker."""
    seed_access_clinic(engine)
    status = dashboard_database.database_status(engine)
    assert status.record_counts["clinicians"] == 6
    assert status.record_counts["patients"] == 2
    assert status.schema_current is True and status.schema_revision
    assert status.demo is False


def test_unreachable_database_says_which_and_what_to_check() -> None:
    """A database server that does not answer stops start-up with its URL, password hidden."""
    engine = make_engine("postgresql+psycopg://kap:s3cret@127.0.0.1:1/kap?connect_timeout=2")
    with pytest.raises(ConfigurationError) as refused:
        dashboard_database.dashboard_config(engine)
    assert "127.0.0.1:1/kap" in str(refused.value) and "s3cret" not in str(refused.value)
    assert "DATABASE_URL" in str(refused.value)
    engine.dispose()
