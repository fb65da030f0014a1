"""Write one import run's records: resolve references, refuse conflicts, all or nothing.

Readers (CSV, FHIR) hand over an `ImportBatch` of validated records. Here, inside one
transaction, the records are checked against each other and against the database — files
of one run come in any order, so a patient's therapist may arrive in a later file — and
either every record is written or none is (SPEC §2.1). Existing records of the affected
patients are read set-based, one query per table (per chunk of ids), never one per row:
a clinic's first import may hold ten thousand patients.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm import Session as OrmSession

from clinical.instruments import INSTRUMENTS
from db.engine import UnitOfWork
from db.models import DOSING_FIELDS, ITEM_COLUMNS, Assessment, Clinician, Note, Patient, Session
from db.records import (
    AssessmentRecord,
    ClinicianRecord,
    ImportBatch,
    Location,
    NoteRecord,
    PatientRecord,
    Problem,
    SessionRecord,
)

RECORD_TYPES = ("clinicians", "patients", "sessions", "assessments", "notes")
IDENTIFIER_MAX = 64
NAME_MAX = 200  # the width of first_name / last_name / display_name
_CHUNK = 1000  # ids per IN (...) list: far below SQLite's and PostgreSQL's parameter limits
# Values a conflict message may show; names, birth dates and free text are never echoed.
_SENSITIVE = {"first_name", "last_name", "birth_date", "display_name", "text", "adverse_events"}

R = TypeVar("R")


@dataclass
class RecordCounts:
    """What happened to one record type: new records, overwritten ones, ones already there."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def written(self) -> int:
        return self.new + self.updated

    def as_dict(self) -> dict[str, int]:
        return {"written": self.written, "new": self.new, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class ImportOutcome:
    """The plan (or result) of one run: counts per record type and every problem found."""

    counts: dict[str, RecordCounts] = field(default_factory=lambda: {t: RecordCounts() for t in RECORD_TYPES})
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def import_batch(
    engine: Engine,
    batch: ImportBatch,
    *,
    update: bool = False,
    tz: ZoneInfo,
    now: dt.datetime,
    dry_run: bool = False,
) -> ImportOutcome:
    """Check and write a batch in its own unit of work; commit only when nothing is wrong."""
    with UnitOfWork(engine) as uow:
        outcome = apply_batch(uow.session, batch, update=update, tz=tz, now=now, write=not dry_run)
        if outcome.ok and not dry_run:
            uow.commit()
    return outcome


def apply_batch(
    session: OrmSession,
    batch: ImportBatch,
    *,
    update: bool = False,
    tz: ZoneInfo,
    now: dt.datetime,
    write: bool = True,
) -> ImportOutcome:
    """Plan the batch inside the caller's transaction and, if nothing is wrong, write it (caller commits).

    The outcome's problems include the batch's own (from the readers), so a run reports
    every bad row at once; nothing is written when there is any.
    """
    planner = _Planner(session, batch, update=update, tz=tz, now=now)
    planner.plan()
    if planner.outcome.ok and write:
        planner.write()
    return planner.outcome


def _chunks(values: Iterable[R], size: int = _CHUNK) -> Iterator[list[R]]:
    chunk: list[R] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _load(session: OrmSession, column: InstrumentedAttribute[Any], ids: Iterable[str]) -> list[Any]:
    """Every row whose `column` is one of `ids`: one query per chunk of ids."""
    model = column.class_
    rows: list[Any] = []
    for chunk in _chunks(sorted(ids)):
        rows.extend(session.scalars(select(model).where(column.in_(chunk))))
    return rows


def _when(moment: dt.datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="minutes")


def _clinician_values(record: ClinicianRecord) -> dict[str, Any]:
    return {"display_name": record.display_name, "role": record.role, "supervisor": record.supervisor}


def _patient_values(record: PatientRecord) -> dict[str, Any]:
    values: dict[str, Any] = {
        "first_name": record.first_name,
        "last_name": record.last_name,
        "birth_date": record.birth_date,
        "therapist": record.therapist,
        "status": record.status,
    }
    # Not stated (FHIR has no enrolment date; planned_doses may be absent): keep what is stored.
    if record.enrolled_on is not None:
        values["enrolled_on"] = record.enrolled_on
    if record.planned_doses is not None:
        values["planned_doses"] = record.planned_doses
    return values


def _session_values(record: SessionRecord) -> dict[str, Any]:
    # Only the dosing columns the file had: a file without them says nothing about them.
    return {"clinician": record.clinician, **{k: v for k, v in record.dosing.items() if k in DOSING_FIELDS}}


def assessment_total(record: AssessmentRecord) -> int | None:
    """The total to store: computed when every item is answered (it equals any stated one), else as stated."""
    computed = INSTRUMENTS[record.instrument].compute_total(record.items)
    return computed if computed is not None else record.total


def _assessment_values(record: AssessmentRecord) -> dict[str, Any]:
    values: dict[str, Any] = {"total": assessment_total(record)}
    values.update({column: record.items.get(n) for n, column in enumerate(ITEM_COLUMNS, start=1)})
    return values


def _note_values(record: NoteRecord) -> dict[str, Any]:
    return {"text": record.text, "session_at": record.session_at}


class _Planner:
    """Checks a batch against itself and the database, then writes it."""

    def __init__(self, session: OrmSession, batch: ImportBatch, *, update: bool, tz: ZoneInfo, now: dt.datetime):
        self.session = session
        self.batch = batch
        self.update = update
        self.tz = tz
        self.now = now
        self.outcome = ImportOutcome(problems=list(batch.problems))
        self.new: dict[str, list[Any]] = {t: [] for t in RECORD_TYPES}
        self.changes: dict[str, list[tuple[Any, dict[str, Any]]]] = {t: [] for t in RECORD_TYPES}

    def problem(self, location: Location, column: str, reason: str) -> None:
        self.outcome.problems.append(Problem(location, column, reason))

    # -- planning ---------------------------------------------------------------------------

    def plan(self) -> None:
        batch = self.batch
        clinicians = self._unique("clinicians", batch.clinicians, lambda r: r.username, _clinician_values)
        patients = self._unique("patients", batch.patients, lambda r: r.patient_id, _patient_values)
        sessions = self._unique("sessions", batch.sessions, lambda r: r.key, _session_values)
        assessments = self._unique("assessments", batch.assessments, lambda r: r.key, _assessment_values)
        notes = self._unique("notes", batch.notes, lambda r: r.key, _note_values)
        assessments = [r for r in assessments if self._assessment_is_sound(r)]

        usernames = {r.username for r in clinicians} | {r.supervisor for r in clinicians if r.supervisor}
        usernames |= {r.therapist for r in patients} | {r.clinician for r in sessions} | {r.author for r in notes}
        db_clinicians = {row.username: row for row in _load(self.session, Clinician.username, usernames)}
        patient_ids = {r.patient_id for r in patients}
        for records in (sessions, assessments, notes):
            patient_ids |= {r.patient_id for r in records}
        db_patients = {row.patient_id: row for row in _load(self.session, Patient.patient_id, patient_ids)}
        stored = set(db_patients)
        db_sessions = {(r.patient_id, r.started_at, r.kind): r for r in _load(self.session, Session.patient_id, stored)}
        db_assessments = {
            (r.patient_id, r.administered_at, r.instrument): r
            for r in _load(self.session, Assessment.patient_id, stored)
        }
        db_notes = {
            (r.patient_id, r.written_at, r.kind, r.author): r for r in _load(self.session, Note.patient_id, stored)
        }

        known_clinicians = set(db_clinicians) | {r.username for r in clinicians}
        known_patients = stored | {r.patient_id for r in patients}
        session_times = {(k[0], k[1]) for k in db_sessions} | {(r.patient_id, r.started_at) for r in sessions}
        self._check_references(clinicians, patients, sessions, assessments, notes, known_clinicians, known_patients)
        self._check_note_links(notes, session_times)

        self._compare("clinicians", clinicians, db_clinicians, lambda r: r.username, _clinician_values)
        self._compare("patients", patients, db_patients, lambda r: r.patient_id, _patient_values)
        self._compare("sessions", sessions, db_sessions, lambda r: r.key, _session_values)
        self._compare("assessments", assessments, db_assessments, lambda r: r.key, _assessment_values)
        self._compare("notes", notes, db_notes, lambda r: r.key, _note_values)
        self._enrolment_days = self._earliest_days(sessions, assessments, notes)

    def _unique(
        self,
        record_type: str,
        records: Sequence[R],
        key: Callable[[R], Hashable],
        values: Callable[[R], dict[str, Any]],
    ) -> list[R]:
        """One record per natural key: a repeated identical row is counted unchanged, a differing one refused."""
        first_of: dict[Hashable, R] = {}
        unique: list[R] = []
        for record in records:
            first = first_of.get(key(record))
            if first is None:
                first_of[key(record)] = record
                unique.append(record)
                continue
            a, b = values(first), values(record)
            differing = [f for f in a.keys() & b.keys() if a[f] != b[f]]
            for name in sorted(differing):
                self.problem(
                    record.source,  # type: ignore[attr-defined]
                    name,
                    f"the same {self._describe(record_type, record)} is also at {first.source}"  # type: ignore[attr-defined]
                    f" with a different {name}{self._values_shown(name, a[name], b[name], 'there')}",
                )
            if not differing:
                self.outcome.counts[record_type].unchanged += 1
        return unique

    def _check_references(
        self,
        clinicians: list[ClinicianRecord],
        patients: list[PatientRecord],
        sessions: list[SessionRecord],
        assessments: list[AssessmentRecord],
        notes: list[NoteRecord],
        known_clinicians: set[str],
        known_patients: set[str],
    ) -> None:
        def clinician(location: Location, column: str, username: str | None, role: str) -> None:
            if username is not None and username not in known_clinicians:
                self.problem(
                    location,
                    column,
                    f"unknown {role} {username!r}: no clinician has this username, in this import or the database",
                )

        def patient(location: Location, patient_id: str) -> None:
            if len(patient_id) > IDENTIFIER_MAX:
                self.problem(location, "patient_id", f"a patient_id may be at most {IDENTIFIER_MAX} characters")
            elif patient_id not in known_patients:
                self.problem(
                    location,
                    "patient_id",
                    f"unknown patient {patient_id!r}: no patient has this patient_id, in this import or the database",
                )

        for c in clinicians:
            clinician(c.source, "supervisor", c.supervisor, "supervisor")
            if len(c.display_name) > NAME_MAX:
                self.problem(c.source, "display_name", f"a name may be at most {NAME_MAX} characters")
            if len(c.username) > IDENTIFIER_MAX:
                self.problem(c.source, "username", f"a username may be at most {IDENTIFIER_MAX} characters")
        for p in patients:
            clinician(p.source, "therapist", p.therapist, "therapist")
            if len(p.patient_id) > IDENTIFIER_MAX:
                self.problem(p.source, "patient_id", f"a patient_id may be at most {IDENTIFIER_MAX} characters")
            for column in ("first_name", "last_name"):
                # The columns' width: PostgreSQL would refuse a longer name at INSERT, with a traceback.
                if len(getattr(p, column)) > NAME_MAX:
                    self.problem(p.source, column, f"a name may be at most {NAME_MAX} characters")
        for s in sessions:
            patient(s.source, s.patient_id)
            clinician(s.source, "clinician", s.clinician, "clinician")
        for a in assessments:
            patient(a.source, a.patient_id)
        for n in notes:
            patient(n.source, n.patient_id)
            clinician(n.source, "author", n.author, "author")

    def _check_note_links(self, notes: list[NoteRecord], session_times: set[tuple[str, dt.datetime]]) -> None:
        for note in notes:
            if note.session_at is not None and (note.patient_id, note.session_at) not in session_times:
                self.problem(
                    note.source,
                    "session_at",
                    f"no session of patient {note.patient_id!r} starts at {_when(note.session_at, self.tz)},"
                    " in this import or in the database",
                )

    def _assessment_is_sound(self, record: AssessmentRecord) -> bool:
        """A second line of defence for every reader: a known instrument, answers in range, a true total."""
        instrument = INSTRUMENTS.get(record.instrument)
        if instrument is None:
            self.problem(record.source, "instrument", f"unknown instrument {record.instrument!r}")
            return False
        sound = True
        for number, answer in record.items.items():
            low, high = instrument.item_range(number)
            if not 1 <= number <= instrument.items or not low <= answer <= high:
                self.problem(
                    record.source,
                    f"item_{number}",
                    f"{answer} is not a {instrument.name} item {number} answer (items 1–{instrument.items},"
                    f" answers {low}–{high})",
                )
                sound = False
        computed = instrument.compute_total(record.items)
        if record.total is not None and computed is not None and computed != record.total:
            self.problem(
                record.source, "total", f"{record.total} does not equal the total of the item answers ({computed})"
            )
            sound = False
        return sound

    def _compare(
        self,
        record_type: str,
        records: list[R],
        stored: dict[Any, Any],
        key: Callable[[R], Hashable],
        values: Callable[[R], dict[str, Any]],
    ) -> None:
        counts = self.outcome.counts[record_type]
        for record in records:
            row = stored.get(key(record))
            if row is None:
                self.new[record_type].append(record)
                counts.new += 1
                continue
            wanted = values(record)
            differing = {f: v for f, v in wanted.items() if getattr(row, f) != v}
            if not differing:
                counts.unchanged += 1
            elif self.update:
                self.changes[record_type].append((row, differing))
                counts.updated += 1
            else:
                for name in sorted(differing):
                    self.problem(
                        record.source,  # type: ignore[attr-defined]
                        name,
                        f"this {self._describe(record_type, record)} is already in the database with a different"
                        f" {name}{self._values_shown(name, getattr(row, name), differing[name], 'in the database')};"
                        " nothing was changed (import with --update to overwrite it)",
                    )

    def _values_shown(self, column: str, old: Any, new: Any, where: str) -> str:
        if column in _SENSITIVE:
            return ""
        return f" ({self._shown(old)} {where}, {self._shown(new)} here)"

    def _shown(self, value: Any) -> str:
        if value is None:
            return "blank"
        if isinstance(value, dt.datetime):
            return _when(value, self.tz)
        if isinstance(value, dt.date):
            return value.isoformat()
        return repr(value) if isinstance(value, str) else str(value)

    def _describe(self, record_type: str, record: Any) -> str:
        if record_type == "clinicians":
            return f"clinician {record.username!r}"
        if record_type == "patients":
            return f"patient {record.patient_id!r}"
        if record_type == "sessions":
            return f"{record.kind} session of patient {record.patient_id!r} at {_when(record.started_at, self.tz)}"
        if record_type == "assessments":
            return f"{record.instrument} of patient {record.patient_id!r} at {_when(record.administered_at, self.tz)}"
        return (
            f"{record.kind} note by {record.author!r} on patient {record.patient_id!r}"
            f" at {_when(record.written_at, self.tz)}"
        )

    def _earliest_days(
        self, sessions: list[SessionRecord], assessments: list[AssessmentRecord], notes: list[NoteRecord]
    ) -> dict[str, dt.date]:
        """Each patient's earliest record of the run, as a clinic day: FHIR patients' enrolment (SPEC §2.2)."""
        earliest: dict[str, dt.datetime] = {}
        moments = [(r.patient_id, r.started_at) for r in sessions]
        moments += [(r.patient_id, r.administered_at) for r in assessments]
        moments += [(r.patient_id, r.written_at) for r in notes]
        for patient_id, moment in moments:
            if patient_id not in earliest or moment < earliest[patient_id]:
                earliest[patient_id] = moment
        return {patient_id: moment.astimezone(self.tz).date() for patient_id, moment in earliest.items()}

    # -- writing ----------------------------------------------------------------------------

    def write(self) -> None:
        self._write_clinicians()
        today = self.now.astimezone(self.tz).date()
        self._insert(
            Patient,
            [
                {
                    "patient_id": r.patient_id,
                    "first_name": r.first_name,
                    "last_name": r.last_name,
                    "birth_date": r.birth_date,
                    "therapist": r.therapist,
                    "status": r.status,
                    "enrolled_on": r.enrolled_on or self._enrolment_days.get(r.patient_id, today),
                    "planned_doses": r.planned_doses,
                }
                for r in self.new["patients"]
            ],
        )
        self._apply_changes("patients")
        self._insert(
            Session,
            [
                {
                    "patient_id": r.patient_id,
                    "started_at": r.started_at,
                    "kind": r.kind,
                    "clinician": r.clinician,
                    **{f: r.dosing.get(f) for f in DOSING_FIELDS},
                }
                for r in self.new["sessions"]
            ],
        )
        self._apply_changes("sessions")
        self._insert(
            Assessment,
            [
                {
                    "patient_id": r.patient_id,
                    "administered_at": r.administered_at,
                    "instrument": r.instrument,
                    **_assessment_values(r),
                }
                for r in self.new["assessments"]
            ],
        )
        self._apply_changes("assessments")
        self._insert(
            Note,
            [
                {
                    "patient_id": r.patient_id,
                    "written_at": r.written_at,
                    "kind": r.kind,
                    "author": r.author,
                    "text": r.text,
                    "session_at": r.session_at,
                }
                for r in self.new["notes"]
            ],
        )
        self._apply_changes("notes")
        self.session.flush()

    def _write_clinicians(self) -> None:
        # Supervisors are set after every new clinician exists: a file may list a
        # therapist before their supervisor, and the column refers to the same table.
        added = [
            (Clinician(username=r.username, display_name=r.display_name, role=r.role, supervisor=None), r)
            for r in self.new["clinicians"]
        ]
        self.session.add_all(row for row, _ in added)
        self.session.flush()
        for row, record in added:
            row.supervisor = record.supervisor
        self._apply_changes("clinicians")
        self.session.flush()

    def _insert(self, model: type[Any], rows: list[dict[str, Any]]) -> None:
        for chunk in _chunks(rows, 5000):
            self.session.execute(insert(model), chunk)

    def _apply_changes(self, record_type: str) -> None:
        for row, changes in self.changes[record_type]:
            for name, value in changes.items():
                setattr(row, name, value)
