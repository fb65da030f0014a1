"""Settings from the environment (SPEC §9), never from code.

The dashboard copies `.streamlit/secrets.toml` values into the environment before it
reads these, so one reader serves `manage.py`, the dashboard and the tests.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

REPO_ROOT = Path(__file__).resolve().parent.parent
# The embedded default lives in a git-ignored folder of the checkout.
EMBEDDED_DB_PATH = REPO_ROOT / ".data" / "kap-demo.sqlite3"


class ConfigurationError(RuntimeError):
    """A setting is missing or wrong; the message says what to set."""


def embedded_database_url() -> str:
    return f"sqlite:///{EMBEDDED_DB_PATH}"


def database_url(explicit: str | None = None) -> str:
    """`--db`, else `DATABASE_URL`, else the embedded SQLite file."""
    return explicit or os.environ.get("DATABASE_URL") or embedded_database_url()


def is_embedded_default(url: str) -> bool:
    return url == embedded_database_url()


def clinic_timezone() -> ZoneInfo:
    name = os.environ.get("KAP_TIMEZONE", "UTC") or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigurationError(f"KAP_TIMEZONE={name!r} is not an IANA time zone name (e.g. America/Chicago)") from exc


def _int_setting(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a whole number, got {raw!r}") from exc
    if value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, got {value}")
    return value


@dataclass(frozen=True)
class Settings:
    timezone: ZoneInfo
    idle_minutes: int
    session_cookie_days: int
    si_lookback_days: int


def load_settings() -> Settings:
    return Settings(
        timezone=clinic_timezone(),
        idle_minutes=_int_setting("KAP_IDLE_MINUTES", 15, minimum=1),
        session_cookie_days=_int_setting("KAP_SESSION_COOKIE_DAYS", 0),
        si_lookback_days=_int_setting("KAP_SI_LOOKBACK_DAYS", 60),
    )
