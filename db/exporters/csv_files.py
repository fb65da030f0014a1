"""Exported records as CSV files in the import format (SPEC §2.1, §7).

RFC 4180 as Python's csv module writes it (`\r\n` line ends, quotes only where needed),
UTF-8 without a byte-order mark (so `csv.reader` and our own importer read the header as
written). A cell that starts with `=`, `+`, `-`, `@`, tab or carriage return is what a
spreadsheet would run as a formula (CSV injection, OWASP); it gets a leading `'` so the
spreadsheet shows it as text. That makes the CSV export one-way: the FHIR export is the
lossless round trip.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from db.exporting import ExportRecords
from db.models import DOSING_FIELDS, ITEM_COLUMNS

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISING_PREFIX = "'"

CLINICIAN_COLUMNS = ("username", "display_name", "role", "supervisor")
PATIENT_COLUMNS = (
    "patient_id",
    "first_name",
    "last_name",
    "birth_date",
    "therapist",
    "status",
    "enrolled_on",
    "planned_doses",
)
SESSION_COLUMNS = ("patient_id", "started_at", "kind", "clinician", *DOSING_FIELDS)
ASSESSMENT_COLUMNS = ("patient_id", "administered_at", "instrument", "total", *ITEM_COLUMNS)
NOTE_COLUMNS = ("patient_id", "written_at", "kind", "author", "text", "session_at")

# In the order an importer needs them (clinicians before the patients that name them),
# although the importer accepts any order.
CSV_FILE_NAMES = ("clinicians.csv", "patients.csv", "sessions.csv", "assessments.csv", "notes.csv")


def neutralise(cell: str) -> str:
    """A cell as a spreadsheet may safely open it: formula-like text gets a leading `'`."""
    return NEUTRALISING_PREFIX + cell if cell.startswith(FORMULA_TRIGGERS) else cell


def utc_text(moment: dt.datetime) -> str:
    """ISO 8601 in UTC with `Z` (seconds always; microseconds only when there are some)."""
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def cell_text(value: Any) -> str:
    """One value as the importer reads it back: blank for none, ISO dates, plain numbers."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return utc_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float; 25.0 reads better as 25.
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _csv_bytes(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise(cell_text(value)) for value in row])
    return buffer.getvalue().encode("utf-8")


def csv_files(records: ExportRecords) -> dict[str, bytes]:
    """File name → bytes for the five files of the import format (each with its header)."""
    return {
        "clinicians.csv": _csv_bytes(
            CLINICIAN_COLUMNS, ((c.username, c.display_name, c.role, c.supervisor) for c in records.clinicians)
        ),
        "patients.csv": _csv_bytes(
            PATIENT_COLUMNS,
            (
                (p.patient_id, p.first_name, p.last_name, p.birth_date, p.therapist, p.status, p.enrolled_on)
                + (p.planned_doses,)
                for p in records.patients
            ),
        ),
        "sessions.csv": _csv_bytes(
            SESSION_COLUMNS,
            (
                (s.patient_id, s.started_at, s.kind, s.clinician, *(s.dosing.get(name) for name in DOSING_FIELDS))
                for s in records.sessions
            ),
        ),
        "assessments.csv": _csv_bytes(
            ASSESSMENT_COLUMNS,
            (
                (a.patient_id, a.administered_at, a.instrument, a.total)
                + tuple(a.items.get(number) for number in range(1, len(ITEM_COLUMNS) + 1))
                for a in records.assessments
            ),
        ),
        "notes.csv": _csv_bytes(
            NOTE_COLUMNS,
            ((n.patient_id, n.written_at, n.kind, n.author, n.text, n.session_at) for n in records.notes),
        ),
    }
