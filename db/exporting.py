"""The records of a set of patients, read set-based straight from the tables, for an export.

An export must be importable on its own into an empty database, so besides the patients'
sessions, assessments and notes it carries every clinician those records name (therapist,
session clinician, note author) and, up the chain, their supervisors. Records come back as
the same plain record classes the importers produce (`db.records`), so the CSV and FHIR
writers and the import round trip all speak one vocabulary. Which patients may be exported
is decided by the caller (services.exports, through services.access) — never here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session as DbSession

from db.engine import read_session
from db.models import DOSING_FIELDS, ITEM_COLUMNS, Assessment, Clinician, Note, Patient, Session
from db.records import AssessmentRecord, ClinicianRecord, Location, NoteRecord, PatientRecord, SessionRecord

# Comfortably below SQLite's and psycopg's bound-parameter limits for `IN (...)`.
_CHUNK = 900
FROM_DATABASE = Location(file="database")


@dataclass
class ExportRecords:
    """Everything an export of some patients holds, in natural-key order."""

    clinicians: list[ClinicianRecord] = field(default_factory=list)
    patients: list[PatientRecord] = field(default_factory=list)
    sessions: list[SessionRecord] = field(default_factory=list)
    assessments: list[AssessmentRecord] = field(default_factory=list)
    notes: list[NoteRecord] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "clinicians": len(self.clinicians),
            "patients": len(self.patients),
            "sessions": len(self.sessions),
            "assessments": len(self.assessments),
            "notes": len(self.notes),
        }


def _chunks(values: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _CHUNK):
        yield list(values[start : start + _CHUNK])


def _rows(session: DbSession, model: Any, column: Any, keys: Sequence[str]) -> Iterator[Any]:
    for chunk in _chunks(keys):
        yield from session.scalars(select(model).where(column.in_(chunk)))


def read_export_records(engine: Engine, patient_ids: Iterable[str]) -> ExportRecords:
    """The records of exactly these patients (unknown ids are ignored) and the clinicians they name."""
    wanted = sorted(set(patient_ids))
    records = ExportRecords()
    with read_session(engine) as session:
        records.patients = sorted(
            (_patient(row) for row in _rows(session, Patient, Patient.patient_id, wanted)),
            key=lambda p: p.patient_id,
        )
        present = [p.patient_id for p in records.patients]
        records.sessions = sorted(
            (_session(row) for row in _rows(session, Session, Session.patient_id, present)),
            key=lambda s: (s.patient_id, s.started_at, s.kind),
        )
        records.assessments = sorted(
            (_assessment(row) for row in _rows(session, Assessment, Assessment.patient_id, present)),
            key=lambda a: (a.patient_id, a.administered_at, a.instrument),
        )
        records.notes = sorted(
            (_note(row) for row in _rows(session, Note, Note.patient_id, present)),
            key=lambda n: (n.patient_id, n.written_at, n.kind, n.author),
        )
        named = {p.therapist for p in records.patients}
        named |= {s.clinician for s in records.sessions} | {n.author for n in records.notes}
        records.clinicians = _clinicians_with_supervisors(session, named)
    return records


def _clinicians_with_supervisors(session: DbSession, usernames: set[str]) -> list[ClinicianRecord]:
    """The named clinicians and every supervisor above them, so the export's references resolve."""
    found: dict[str, ClinicianRecord] = {}
    pending = set(usernames)
    while pending:
        rows = list(_rows(session, Clinician, Clinician.username, sorted(pending)))
        for row in rows:
            found[row.username] = ClinicianRecord(
                username=row.username,
                display_name=row.display_name,
                role=row.role,
                supervisor=row.supervisor,
                source=FROM_DATABASE,
            )
        pending = {r.supervisor for r in rows if r.supervisor and r.supervisor not in found}
    return [found[name] for name in sorted(found)]


def _patient(row: Patient) -> PatientRecord:
    return PatientRecord(
        patient_id=row.patient_id,
        first_name=row.first_name,
        last_name=row.last_name,
        birth_date=row.birth_date,
        therapist=row.therapist,
        status=row.status,
        enrolled_on=row.enrolled_on,
        planned_doses=row.planned_doses,
        source=FROM_DATABASE,
    )


def _session(row: Session) -> SessionRecord:
    dosing = {name: getattr(row, name) for name in DOSING_FIELDS}
    return SessionRecord(
        patient_id=row.patient_id,
        started_at=row.started_at,
        kind=row.kind,
        clinician=row.clinician,
        dosing=dosing,
        source=FROM_DATABASE,
    )


def _assessment(row: Assessment) -> AssessmentRecord:
    items = {
        number: value
        for number, column in enumerate(ITEM_COLUMNS, start=1)
        if (value := getattr(row, column)) is not None
    }
    return AssessmentRecord(
        patient_id=row.patient_id,
        administered_at=row.administered_at,
        instrument=row.instrument,
        total=row.total,
        items=items,
        source=FROM_DATABASE,
    )


def _note(row: Note) -> NoteRecord:
    return NoteRecord(
        patient_id=row.patient_id,
        written_at=row.written_at,
        kind=row.kind,
        author=row.author,
        text=row.text,
        session_at=row.session_at,
        source=FROM_DATABASE,
    )
