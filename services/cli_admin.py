"""Commands of manage.py: audit verify, backup."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from db.audit import verify
from db.engine import read_session
from services.backup import backup_sqlite, pg_dump_command
from services.cli_common import audit_command, open_database


def run_audit(args: argparse.Namespace) -> int:
    engine = open_database(args)
    with read_session(engine) as session:
        broken = verify(session)
    if broken is not None:
        # Nothing is appended to a broken chain by this command: the evidence stays as found.
        print(f"audit log broken at row {broken.row_id}: {broken.reason}", file=sys.stderr)
        return 1
    audit_command(engine, "audit.verify", scope="audit_log")
    print("audit log intact: every row matches its hash and links to the one before")
    return 0


def run_backup(args: argparse.Namespace) -> int:
    engine = open_database(args)
    target = Path(args.path)
    if engine.dialect.name == "sqlite":
        written = backup_sqlite(engine, target)
        audit_command(engine, "backup", scope=str(written))
        print(f"backup written to {written}")
        return 0
    audit_command(engine, "backup", scope="pg_dump command printed")
    print("PostgreSQL: make a consistent copy with pg_dump (restore with pg_restore into an empty database):")
    print(pg_dump_command(engine, target))
    return 0
