"""Commands of manage.py: init-db, import, users (and export, not built yet)."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from db.schema import upgrade
from db.settings import ConfigurationError, database_url
from services.cli_common import audit_command, command_actor, open_database, print_json
from services.cli_errors import BadInput
from services.imports import ImportReport, import_paths
from services.passwords import PasswordRejected
from services.users import LoginSummary, add_user, disable_user, list_users, set_password

Command = Callable[[argparse.Namespace], int]


def _plain_errors(command: Command) -> Command:
    """Turn a wrong URL, an unreachable server or a bad setting into one clear line, not a traceback."""

    @wraps(command)
    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except (ArgumentError, NoSuchModuleError) as exc:
            raise BadInput(f"{database_url(args.db)!r} is not a database URL this program can use ({exc})") from exc
        except ConfigurationError as exc:
            raise BadInput(str(exc)) from exc
        except PasswordRejected as exc:
            raise BadInput(f"password refused: {exc}; nothing was changed") from exc
        except OperationalError as exc:
            print(f"error: cannot use the database: {exc.orig or exc}", file=sys.stderr)
            return 1

    return run


@_plain_errors
def run_init_db(args: argparse.Namespace) -> int:
    engine = open_database(args, require_schema=False)
    upgrade(engine)
    audit_command(engine, "init-db")
    print("The database schema is created and current.")
    return 0


@_plain_errors
def run_import(args: argparse.Namespace) -> int:
    engine = open_database(args)
    report = import_paths(
        engine,
        [Path(p) for p in args.paths],
        therapist=args.therapist,
        update=args.update,
        actor=command_actor(),
    )
    if not report.ok:
        for problem in report.problems:
            print(problem, file=sys.stderr)
        files = {p.location.file for p in report.problems}
        print(
            f"Nothing was imported: {len(report.problems)} problem(s) in {len(files)} file(s)."
            " Fix them and import all the files again.",
            file=sys.stderr,
        )
        if args.json:
            print_json(report.as_dict())
        return 2
    if args.json:
        print_json(report.as_dict())
    else:
        print(_summary(report))
    if report.flag_evaluation_error:
        print(
            f"error: the records were imported, but evaluating flags failed: {report.flag_evaluation_error};"
            " run `python manage.py evaluate` once it is fixed",
            file=sys.stderr,
        )
        return 1
    return 0


def _summary(report: ImportReport) -> str:
    lines = [f"Imported {len(report.files)} file(s): " + ", ".join(f.name for f in report.files)]
    width = max(len(t) for t in report.counts)
    for record_type, counts in report.counts.items():
        lines.append(
            f"  {record_type:<{width}}  written {counts.written} ({counts.new} new, {counts.updated} updated),"
            f" unchanged {counts.unchanged}"
        )
    skipped = sum(report.skipped.values())
    lines.append(f"Skipped {skipped} record(s)" + (":" if skipped else "."))
    for reason, count in sorted(report.skipped.items()):
        lines.append(f"  {count:>6}  {reason}")
    return "\n".join(lines)


@_plain_errors
def run_users(args: argparse.Namespace) -> int:
    engine = open_database(args)
    action: Callable[[Engine, argparse.Namespace], str] = _USER_ACTIONS[args.users_command]
    message = action(engine, args)
    print(message)
    return 0


def _users_add(engine: Engine, args: argparse.Namespace) -> str:
    password = _read_new_password()
    result = add_user(
        engine, args.username, role=args.role, password=password, display_name=args.name, supervisor=args.supervisor
    )
    audit_command(engine, "users.add", scope=f"user:{args.username}", detail={"result": result, "role": args.role})
    if result == "created":
        return f"Added {args.role} {args.username!r}; they can log in now."
    return f"Set the password of {args.username!r}; they can log in now."


def _users_password(engine: Engine, args: argparse.Namespace) -> str:
    password = _read_new_password()
    set_password(engine, args.username, password)
    audit_command(engine, "users.password", scope=f"user:{args.username}")
    return f"Set the password of {args.username!r}."


def _users_disable(engine: Engine, args: argparse.Namespace) -> str:
    changed = disable_user(engine, args.username)
    audit_command(engine, "users.disable", scope=f"user:{args.username}", detail={"changed": changed})
    if not changed:
        return f"{args.username!r} was already disabled."
    return f"Disabled {args.username!r}: they can no longer log in (their records stay)."


def _users_list(engine: Engine, args: argparse.Namespace) -> str:
    logins = list_users(engine)
    audit_command(engine, "users.list", scope="users")
    return (
        _table(logins) if logins else "No clinicians yet: add one with `python manage.py users add USERNAME --role …`."
    )


def _login_state(login: LoginSummary, now: dt.datetime) -> str:
    if login.disabled:
        return "disabled"
    if not login.has_password:
        return "no password (cannot log in)"
    if login.locked_until is not None and login.locked_until > now:
        return f"locked until {login.locked_until.isoformat(timespec='minutes')}"
    return "active"


def _table(logins: list[LoginSummary]) -> str:
    now = dt.datetime.now(dt.UTC)
    header = ("USERNAME", "NAME", "ROLE", "SUPERVISOR", "LOGIN")
    rows = [(u.username, u.display_name, u.role, u.supervisor or "-", _login_state(u, now)) for u in logins]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in [header, *rows]
    )


_USER_ACTIONS: dict[str, Callable[[Engine, argparse.Namespace], str]] = {
    "add": _users_add,
    "password": _users_password,
    "disable": _users_disable,
    "list": _users_list,
}


def _read_new_password() -> str:
    """The password twice: two lines of standard input, or a hidden prompt at a terminal."""
    stdin = sys.stdin
    if stdin is not None and stdin.isatty():
        first = getpass.getpass("New password: ")
        second = getpass.getpass("Repeat the password: ")
    else:
        lines = [stdin.readline() if stdin is not None else "" for _ in range(2)]
        if not all(lines):
            raise BadInput("expected the password twice on standard input (two lines); nothing was changed")
        first, second = (line.rstrip("\r\n") for line in lines)
    if first != second:
        raise BadInput("the two passwords do not match; nothing was changed")
    return first


@_plain_errors
def run_export(args: argparse.Namespace) -> int:
    """`export PATH [--patient ID] [--format csv|fhir]`: full scope, audited as the command line."""
    from services.exports import export_to_path  # here, so this edit stays inside run_export

    engine = open_database(args)
    export, targets = export_to_path(
        engine, Path(args.path), format=args.format, patient_id=args.patient, actor=command_actor()
    )
    counts = ", ".join(f"{count} {record_type}" for record_type, count in export.counts.items())
    print(f"Exported {export.scope} as {export.format.upper()}: {counts}.")
    for target in targets:
        print(f"  {target}")
    print(f"sha256 {export.sha256} (recorded in the audit log)")
    return 0
