"""The dashboard's shared resources: settings from secrets, the engine, the start-up check.

`st.cache_resource` holds only the engine and the configuration (ARCHITECTURE rule 7),
keyed by the database URL and the settings, so a changed environment gets its own.
"""

from __future__ import annotations

import os

import streamlit as st

from services import engine as dashboard_database
from services.engine import ConfigurationError, DashboardConfig, Engine

# Settings a clinic may keep in `.streamlit/secrets.toml` instead of the environment (SPEC §9).
SETTING_NAMES = (
    "DATABASE_URL",
    "KAP_COOKIE_KEY",
    "KAP_PSEUDONYM_KEY",
    "KAP_TIMEZONE",
    "KAP_IDLE_MINUTES",
    "KAP_SESSION_COOKIE_DAYS",
    "KAP_SI_LOOKBACK_DAYS",
)


def export_secrets_to_environment() -> None:
    """Copy settings from secrets.toml into the environment; the environment wins."""
    if not st.secrets.load_if_toml_exists():
        return
    for name in SETTING_NAMES:
        if name in st.secrets and not os.environ.get(name):
            os.environ[name] = str(st.secrets[name])


@st.cache_resource(show_spinner="Opening the database…")
def _engine_for(url: str) -> Engine:
    return dashboard_database.open_dashboard_engine(url)


@st.cache_resource(show_spinner=False)
def _config_for(url: str, settings: tuple[str, ...]) -> DashboardConfig:
    # `settings` is only part of the cache key: a changed environment is checked afresh.
    return dashboard_database.dashboard_config(_engine_for(url))


def dashboard_engine() -> Engine:
    """The one engine of this process for the configured database."""
    return _engine_for(dashboard_database.dashboard_database_url())


def start_dashboard() -> tuple[Engine, DashboardConfig]:
    """The engine and checked configuration, or a message saying what to set and a stop."""
    export_secrets_to_environment()
    url = dashboard_database.dashboard_database_url()
    try:
        engine = _engine_for(url)
        config = _config_for(url, tuple(os.environ.get(name, "") for name in SETTING_NAMES))
    except ConfigurationError as exc:
        st.error("KAP Caseload cannot start: its configuration is incomplete.")
        st.text(str(exc))
        st.stop()
    return engine, config
