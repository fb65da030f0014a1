"""Commands of manage.py: notes (SPEC §8)."""

from __future__ import annotations

import argparse
from typing import Any

from services.cli_common import audit_command, open_database, print_json
from services.notes import ensure_patient_exists, notes_report

# Note analysis flags language; it does not assess risk. Said wherever no risk language is found.
NO_RISK_LANGUAGE = "no risk language found by note analysis (this is not a risk assessment)"


def run_notes(args: argparse.Namespace) -> int:
    engine = open_database(args)
    if args.patient is not None:
        ensure_patient_exists(engine, args.patient)  # unknown patient: exit 2, nothing written
    scope = f"patient {args.patient}" if args.patient is not None else "all patients"
    # The audit row comes first: every read of patient records is audited before it happens.
    audit_command(engine, "notes", scope=scope, patient_id=args.patient)
    records = notes_report(engine, args.patient)
    if args.json:
        print_json(records)
    else:
        print(render_text(records))
    return 0


def render_text(records: list[dict[str, Any]]) -> str:
    """A plain, readable listing: one block per note, risk sentences before the summary."""
    if not records:
        return "no notes"
    blocks = [_note_block(record) for record in records]
    return "\n\n".join(blocks)


def _note_block(record: dict[str, Any]) -> str:
    lines = [f"{record['patient_id']}  {record['written_at']}  {record['kind']} note  ({record['author']})"]
    if record["risk_sentences"]:
        lines.append("  Risk language:")
        for risk in record["risk_sentences"]:
            marker = "DENIAL" if risk["denial"] else "RISK  "
            lines.append(f"    {marker} {_one_line(risk['text'])}  [{risk['start']}:{risk['end']}]")
    else:
        lines.append(f"  Risk language: {NO_RISK_LANGUAGE}")
    lines.append("  Summary:")
    lines.extend(f"    - {_one_line(sentence)}" for sentence in record["summary"])
    lines.append("  Themes: " + (", ".join(record["themes"]) if record["themes"] else "none found"))
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())
