"""What every command shares: the database it names, who ran it, its one audit row."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from typing import Any

from sqlalchemy import Engine

from db import audit
from db.engine import make_engine
from db.schema import is_current
from db.settings import database_url
from services import clock
from services.cli_errors import BadInput


def command_actor() -> str:
    """Who ran a command: the operating-system account, marked as the command line."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - no passwd entry in some containers
        return "cli:unknown"


def open_database(args: argparse.Namespace, *, require_schema: bool = True) -> Engine:
    """The engine for `--db` / `DATABASE_URL` / the embedded default, schema checked."""
    engine = make_engine(database_url(args.db))
    if require_schema and not is_current(engine):
        raise BadInput("the database has no current schema: run `python manage.py init-db` first")
    return engine


def audit_command(
    engine: Engine,
    command: str,
    *,
    scope: str | None = None,
    outcome: str = "success",
    detail: dict[str, Any] | None = None,
    patient_id: str | None = None,
) -> None:
    """The one audit row each command writes (SPEC §8)."""
    audit.write(
        engine,
        audit.AuditEntry(
            actor=command_actor(),
            event=f"command.{command}",
            category="command",
            outcome=outcome,
            patient_id=patient_id,
            scope=scope,
            detail=detail,
        ),
        clock.now(),
    )


def parse_day(value: str | None, option: str) -> dt.date | None:
    """An ISO `YYYY-MM-DD` option value; a wrong one is bad input (exit 2)."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise BadInput(f"{option} {value!r}: expected a date as YYYY-MM-DD") from exc


def print_json(payload: Any) -> None:
    json.dump(payload, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
