"""Validated records on their way into the database, whatever file they came from.

The CSV and FHIR importers both turn files into these plain records (or problems);
`db.importing` then checks references and conflicts and writes them all or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Location:
    """Where a record came from: a CSV row (spreadsheet numbering) or a FHIR entry."""

    file: str
    row: int | None = None  # CSV: header = row 1
    entry: int | None = None  # FHIR: index of the Bundle entry / NDJSON line (0-based)
    resource_id: str | None = None

    def __str__(self) -> str:
        if self.row is not None:
            return f"{self.file}:{self.row}"
        parts = [self.file]
        if self.entry is not None:
            parts.append(f"entry {self.entry}")
        if self.resource_id:
            parts.append(f"id {self.resource_id}")
        return ":".join(parts) if len(parts) == 1 else f"{parts[0]}: " + ", ".join(parts[1:])


@dataclass(frozen=True)
class Problem:
    """One reason an import run is refused: `file:row: column: reason`."""

    location: Location
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.column}: {self.reason}"


@dataclass
class ClinicianRecord:
    username: str
    display_name: str
    role: str
    supervisor: str | None
    source: Location


@dataclass
class PatientRecord:
    patient_id: str
    first_name: str
    last_name: str
    birth_date: dt.date
    therapist: str
    status: str
    enrolled_on: dt.date | None  # None: the date of the patient's earliest record (FHIR)
    planned_doses: int | None
    source: Location


@dataclass
class SessionRecord:
    patient_id: str
    started_at: dt.datetime  # aware, UTC
    kind: str
    clinician: str
    dosing: dict[str, Any]  # the DOSING_FIELDS that were given (blank ones are None)
    source: Location

    @property
    def key(self) -> tuple[str, dt.datetime, str]:
        return (self.patient_id, self.started_at, self.kind)


@dataclass
class AssessmentRecord:
    patient_id: str
    administered_at: dt.datetime  # aware, UTC
    instrument: str  # canonical name, as in clinical.instruments.INSTRUMENTS
    total: int | None  # as stated by the source
    items: dict[int, int]  # answered items only, 1-based
    source: Location

    @property
    def key(self) -> tuple[str, dt.datetime, str]:
        return (self.patient_id, self.administered_at, self.instrument)


@dataclass
class NoteRecord:
    patient_id: str
    written_at: dt.datetime  # aware, UTC
    kind: str
    author: str
    text: str
    session_at: dt.datetime | None
    source: Location

    @property
    def key(self) -> tuple[str, dt.datetime, str, str]:
        return (self.patient_id, self.written_at, self.kind, self.author)


@dataclass
class ImportBatch:
    """Everything one import run read: records, problems, and what it skipped (with reasons)."""

    clinicians: list[ClinicianRecord] = field(default_factory=list)
    patients: list[PatientRecord] = field(default_factory=list)
    sessions: list[SessionRecord] = field(default_factory=list)
    assessments: list[AssessmentRecord] = field(default_factory=list)
    notes: list[NoteRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> count

    def extend(self, other: ImportBatch) -> None:
        self.clinicians += other.clinicians
        self.patients += other.patients
        self.sessions += other.sessions
        self.assessments += other.assessments
        self.notes += other.notes
        self.problems += other.problems
        self.skipped.update(other.skipped)
