"""Consistent copies of the database (SPEC §8 `backup`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from services.cli_errors import BadInput


def backup_sqlite(engine: Engine, target: Path) -> Path:
    """SQLite's online backup: a consistent copy even while the dashboard writes."""
    source_path = engine.url.database
    if not source_path or source_path == ":memory:":
        raise BadInput("only a SQLite database stored in a file can be backed up")
    if target.exists() and target.is_dir():
        target = target / Path(source_path).name
    if target.exists():
        raise BadInput(f"{target} already exists; choose a new file so no backup is overwritten")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with sqlite3.connect(source_path) as source, sqlite3.connect(partial) as copy:
        source.backup(copy)
    partial.rename(target)  # a half-written copy never carries the final name
    return target


def pg_dump_command(engine: Engine, target: Path) -> str:
    """The `pg_dump` line that makes a consistent copy of a PostgreSQL database."""
    url = make_url(engine.url)
    parts = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}"]
    if url.host:
        parts.append(f"--host={url.host}")
    if url.port:
        parts.append(f"--port={url.port}")
    if url.username:
        parts.append(f"--username={url.username}")
    parts.append(url.database or "")
    return " ".join(parts)
