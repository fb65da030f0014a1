"""The one clock of the services, so tests can move time (lockout, idle logoff, as-of)."""

from __future__ import annotations

import datetime as dt


def _system_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_now = _system_now


def now() -> dt.datetime:
    """The present moment, aware, in UTC."""
    return _now()


def set_clock(func: object | None) -> None:
    """Tests: replace the clock with a callable returning an aware datetime (None restores it)."""
    global _now
    _now = func if callable(func) else _system_now  # type: ignore[assignment]
