"""Commands of manage.py: evaluate, flags, outcomes (SPEC §8)."""

from __future__ import annotations

import argparse
from typing import Any

from clinical.instruments import INSTRUMENTS, OUTCOME_INSTRUMENTS, instrument_named
from clinical.lifecycle import FlagEpisode
from services.cli_common import audit_command, open_database, parse_day, print_json
from services.cli_errors import BadInput
from services.flags import evaluate_and_store, open_flags, today
from services.outcomes import outcome_records, outcomes


def run_evaluate(args: argparse.Namespace) -> int:
    as_of = parse_day(args.as_of, "--as-of") or today()
    engine = open_database(args)
    summary = evaluate_and_store(engine, as_of)
    detail = {
        "as_of": as_of.isoformat(),
        "raised": summary.raised,
        "evidence_added": summary.evidence_added,
        "cleared": summary.cleared,
        "reopened": summary.reopened,
    }
    audit_command(engine, "evaluate", scope="all patients", detail=detail)
    print(
        f"evaluated as of {as_of.isoformat()}: {summary.raised} raised, {summary.evidence_added} with new "
        f"evidence, {summary.cleared} cleared, {summary.reopened} reopened; {summary.open_flags} open"
    )
    return 0


def run_flags(args: argparse.Namespace) -> int:
    as_of = parse_day(args.as_of, "--as-of") or today()
    engine = open_database(args)
    flags = open_flags(engine, as_of)
    audit_command(engine, "flags", scope="all patients", detail={"as_of": as_of.isoformat(), "open": len(flags)})
    records = [flag_record(flag) for flag in flags]
    if args.json:
        print_json(records)
        return 0
    if not records:
        print(f"no open flags as of {as_of.isoformat()} (no flag is not the same as safe)")
    for record in records:
        print(
            f"{record['patient_id']}  {record['kind']:<20} {record['level']:<8} {record['status']:<12} "
            f"since {record['since']}  {record['evidence'][-1]['detail'] if record['evidence'] else ''}"
        )
    return 0


def flag_record(flag: FlagEpisode) -> dict[str, Any]:
    """A flag as SPEC §8 prints it: ISO dates, evidence objects, the rule set."""
    return {
        "patient_id": flag.patient_id,
        "kind": flag.kind,
        "family": flag.family,
        "status": flag.status,
        "level": flag.level,
        "since": flag.since.isoformat(),
        "evidence": flag.evidence,
        "rule_set": flag.rule_set,
        "flag_id": flag.flag_id,
    }


def run_outcomes(args: argparse.Namespace) -> int:
    as_of = parse_day(args.as_of, "--as-of") or today()
    instrument = _outcome_instrument(args.instrument)
    engine = open_database(args)
    frame = outcomes(engine, as_of, instrument)
    detail = {"as_of": as_of.isoformat(), "instrument": instrument, "rows": len(frame)}
    audit_command(engine, "outcomes", scope="all patients", detail=detail)
    records = outcome_records(frame)
    if args.json:
        print_json(records)
        return 0
    for record, fallback in zip(records, frame["baseline_is_fallback"], strict=True):
        change = "—" if record["change"] is None else f"{record['change']:+d} ({record['percent_change']} %)"
        print(
            f"{record['patient_id']}  {record['instrument']:<10} baseline {record['baseline']} "
            f"({record['baseline_date']}{', fallback' if fallback else ''})  current {record['current']} "
            f"({record['current_date']})  change {change}  {record['status']}  doses {record['doses_completed']}"
        )
    return 0


def _outcome_instrument(name: str | None) -> str | None:
    if name is None:
        return None
    instrument = instrument_named(name)
    if instrument is None:
        raise BadInput(f"--instrument {name!r}: unknown; expected one of {', '.join(INSTRUMENTS)}")
    if instrument.name not in OUTCOME_INSTRUMENTS:
        raise BadInput(f"--instrument {name!r}: not an outcome instrument ({', '.join(OUTCOME_INSTRUMENTS)})")
    return instrument.name
