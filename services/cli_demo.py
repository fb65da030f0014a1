"""Commands of manage.py: demo."""

from __future__ import annotations

import argparse

from db.engine import make_engine
from db.schema import upgrade
from db.settings import database_url, is_embedded_default
from services.cli_common import audit_command, parse_day
from services.cli_errors import BadInput
from services.demo import MAX_PATIENTS, DemoSummary, seed_demo


def run_demo(args: argparse.Namespace) -> int:
    """`demo [--patients N] [--seed S] [--anchor DATE]`: create/upgrade the schema, seed, audit."""
    anchor = parse_day(args.anchor, "--anchor")
    if not 1 <= args.patients <= MAX_PATIENTS:  # usage errors touch no database at all
        raise BadInput(f"--patients must be between 1 and {MAX_PATIENTS}, got {args.patients}")
    url = database_url(args.db)
    engine = make_engine(url)
    try:
        upgrade(engine)
        scope = f"patients={args.patients} seed={args.seed} anchor={anchor.isoformat() if anchor else 'today'}"
        try:
            summary = seed_demo(engine, patients=args.patients, seed=args.seed, anchor=anchor)
        except BadInput:
            audit_command(engine, "demo", scope=scope, outcome="denied")
            raise
        audit_command(engine, "demo", scope=scope, detail={"created": summary.created, "patients": summary.patients})
        print(_summary_text(summary, url))
    finally:
        engine.dispose()
    return 0


def _summary_text(summary: DemoSummary, url: str) -> str:
    if summary.created:
        head = (
            f"Demo clinic ready: {summary.patients} synthetic patients dated around {summary.anchor.isoformat()} "
            f"(seed {summary.seed})."
        )
    else:
        head = (
            f"This database already holds the demo clinic ({summary.patients} patients, anchor "
            f"{summary.anchor.isoformat()}, seed {summary.seed}); nothing changed. For a fresh one, use a new database."
        )
    logins = ", ".join(summary.logins)
    start = "streamlit run dashboard.py"
    if not is_embedded_default(url):
        start = f"DATABASE_URL=<this URL> {start}"
    return "\n".join(
        [
            head,
            f"Log in as {logins} — password: {summary.password}",
            f"Open the dashboard: {start}",
            "All names and records are synthetic.",
        ]
    )
