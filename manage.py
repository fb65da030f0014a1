"""KAP Caseload's command line (SPEC §8): parse arguments, call services, print.

Exit status: 0 success, 2 bad input or usage (message on stderr, nothing written),
1 anything else. Every `--json` prints JSON only on stdout.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from services.cli_errors import BadInput


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="manage.py", description="KAP Caseload command line")
    parser.add_argument(
        "--db", metavar="URL", help="SQLAlchemy database URL (default: DATABASE_URL, else the embedded SQLite file)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("init-db", help="create or upgrade the schema")

    demo = sub.add_parser("demo", help="fill an empty database with the synthetic demo clinic")
    demo.add_argument("--patients", type=int, default=36)
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--anchor", metavar="DATE", help="the demo's 'today' (default: today)")

    imp = sub.add_parser("import", help="import CSV files, FHIR bundles/NDJSON, or folders of them")
    imp.add_argument("paths", nargs="+", metavar="PATH")
    imp.add_argument("--therapist", metavar="USERNAME", help="therapist for patients from FHIR files")
    imp.add_argument("--update", action="store_true", help="overwrite records whose key exists with other values")
    imp.add_argument("--json", action="store_true")

    ev = sub.add_parser("evaluate", help="evaluate flags and store what changed (nightly job)")
    ev.add_argument("--as-of", metavar="DATE")

    fl = sub.add_parser("flags", help="every open flag as of a day")
    fl.add_argument("--as-of", metavar="DATE")
    fl.add_argument("--json", action="store_true")

    out = sub.add_parser("outcomes", help="outcomes per patient and instrument")
    out.add_argument("--as-of", metavar="DATE")
    out.add_argument("--instrument", metavar="NAME")
    out.add_argument("--json", action="store_true")

    notes = sub.add_parser("notes", help="note summaries, themes and risk sentences")
    notes.add_argument("--patient", metavar="ID")
    notes.add_argument("--json", action="store_true")

    users = sub.add_parser("users", help="manage logins")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="add a login (password from stdin twice, or a hidden prompt)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=["therapist", "supervisor", "admin"])
    add.add_argument("--name")
    add.add_argument("--supervisor", metavar="USERNAME")
    pw = users_sub.add_parser("password", help="set a login's password")
    pw.add_argument("username")
    users_sub.add_parser("list", help="list logins")
    dis = users_sub.add_parser("disable", help="disable a login")
    dis.add_argument("username")

    exp = sub.add_parser("export", help="export records as CSV files or a FHIR Bundle")
    exp.add_argument("path", metavar="PATH")
    exp.add_argument("--patient", metavar="ID")
    exp.add_argument("--format", choices=["csv", "fhir"], default="csv")

    audit = sub.add_parser("audit", help="the audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    audit_sub.add_parser("verify", help="check the audit log's hash chain")

    backup = sub.add_parser("backup", help="a consistent copy of the database")
    backup.add_argument("path", metavar="PATH")
    return parser


def _handler(command: str) -> Callable[[argparse.Namespace], int]:
    # Imported lazily: `manage.py --help` stays fast and one command's imports can't break another.
    from services import commands

    return getattr(commands, "run_" + command.replace("-", "_"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        return _handler(args.command)(args)
    except BadInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; nothing was written by the unfinished step", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
