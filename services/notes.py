"""Note analysis for every note, or one patient's (SPEC §7, §8 `notes`): computed on demand.

Notes are read set-based in one query and analysed in memory: the analysis is fast enough
(a whole caseload in well under a second) that storing it would only add a second copy to
keep in step with `clinical.notes.NOTE_RULES_VERSION`. Every row carries that version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, select

from clinical.notes import NOTE_RULES_VERSION, NoteAnalysis, analyse_note
from db.engine import read_session
from db.models import Note, Patient
from services.cli_errors import BadInput


class UnknownPatient(BadInput):
    """No patient has this id (bad input: exit status 2 on the command line)."""


def ensure_patient_exists(engine: Engine, patient_id: str) -> None:
    """Raise UnknownPatient unless the patient is on record."""
    with read_session(engine) as session:
        if session.get(Patient, patient_id) is None:
            raise UnknownPatient(f"--patient {patient_id!r}: no patient with this id")


def notes_report(engine: Engine, patient_id: str | None = None) -> list[dict[str, Any]]:
    """Every note (or one patient's), oldest first per patient, with summary, themes and risk sentences."""
    if patient_id is not None:
        ensure_patient_exists(engine, patient_id)
    query = select(Note.patient_id, Note.written_at, Note.kind, Note.author, Note.text).order_by(
        Note.patient_id, Note.written_at, Note.kind, Note.author
    )
    if patient_id is not None:
        query = query.where(Note.patient_id == patient_id)
    with read_session(engine) as session:
        rows = session.execute(query).all()
    return [note_record(row.patient_id, row.written_at, row.kind, row.author, analyse_note(row.text)) for row in rows]


def note_record(
    patient_id: str, written_at: dt.datetime, kind: str, author: str, analysis: NoteAnalysis
) -> dict[str, Any]:
    """One note as SPEC §8 prints it (plus author, summary offsets, risk categories and the rules version)."""
    return {
        "patient_id": patient_id,
        "written_at": iso_utc(written_at),
        "kind": kind,
        "author": author,
        "summary": [s.text for s in analysis.summary],
        "summary_offsets": [[s.start, s.end] for s in analysis.summary],
        "themes": list(analysis.themes),
        "risk_sentences": [
            {"text": r.text, "denial": r.denial, "start": r.start, "end": r.end, "categories": list(r.categories)}
            for r in analysis.risk_sentences
        ],
        "rule_set": analysis.rules_version,
    }


def iso_utc(moment: dt.datetime) -> str:
    """ISO 8601 in UTC with a `Z`: 2026-03-04T15:30:00Z."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat() + "Z"


__all__ = ["NOTE_RULES_VERSION", "UnknownPatient", "ensure_patient_exists", "iso_utc", "note_record", "notes_report"]
