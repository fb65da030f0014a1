"""Read a clinic's CSV files into an `ImportBatch` (SPEC §2.1).

The record type comes from the header (case-insensitive, any column order). Every row is
validated and every bad cell becomes a `Problem` (`file:row: column: reason`, rows numbered
as a spreadsheet shows them, header = row 1) — the reader never stops at the first one,
so a clinic fixes a file in one pass. References and conflicts are `db.importing`'s job.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from clinical.instruments import INSTRUMENTS, Instrument, instrument_named
from db.importers import csv_values as cv
from db.importers.csv_values import CellError
from db.models import DOSING_FIELDS, ITEM_COLUMNS, NOTE_KINDS, PATIENT_STATUSES, ROLES, ROUTES, SESSION_KINDS
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

T = TypeVar("T")
FILE_COLUMN = "(file)"  # the "column" of a problem with the whole file

# Notes can be long; the csv module's default limit (128 KiB per cell) would call one an error.
csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))


@dataclass(frozen=True)
class Layout:
    """The columns of one record type's file."""

    record_type: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


LAYOUTS = (
    Layout("clinicians", ("username", "display_name", "role"), ("supervisor",)),
    Layout(
        "patients",
        ("patient_id", "first_name", "last_name", "birth_date", "therapist", "status"),
        ("enrolled_on", "planned_doses"),
    ),
    Layout("sessions", ("patient_id", "started_at", "kind", "clinician"), DOSING_FIELDS),
    Layout("assessments", ("patient_id", "administered_at", "instrument"), ("total", *ITEM_COLUMNS)),
    Layout("notes", ("patient_id", "written_at", "kind", "author", "text"), ("session_at",)),
)
_SHARED_COLUMNS = {"patient_id", "kind"}  # in several layouts, so they never decide the type alone


def read_csv_file(path: Path, *, tz: ZoneInfo, now: dt.datetime) -> ImportBatch:
    """Read one CSV file; problems name it as `path` was given."""
    return read_csv_bytes(path.read_bytes(), name=str(path), tz=tz, now=now)


def read_csv_bytes(data: bytes, *, name: str, tz: ZoneInfo, now: dt.datetime) -> ImportBatch:
    """Parse and validate one CSV file's bytes into records or problems (never an exception)."""
    batch = ImportBatch()
    text = _decode(data, name, batch.problems)
    if text is None:
        return batch
    rows = _numbered_rows(text, name, batch.problems)
    header_row = next(rows, None)
    if header_row is None:
        if not batch.problems:
            batch.problems.append(Problem(Location(name, 1), FILE_COLUMN, "the file is empty: expected a header row"))
        return batch
    header = _Header.read(header_row[1], name, batch.problems)
    if header is None:
        return batch
    reader = _ROW_READERS[header.layout.record_type]
    context = _Context(tz=tz, now=now, today=now.astimezone(tz).date(), columns=frozenset(header.names))
    for number, cells in rows:
        row = header.row(number, cells, name, batch.problems)
        if row is not None and not header.missing:
            reader(row, context, batch)
    return batch


def _decode(data: bytes, name: str, problems: list[Problem]) -> str | None:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        problems.append(_file_problem(name, 1, "the file is UTF-16 text; save it as 'CSV UTF-8' and import it again"))
        return None
    if b"\x00" in data:
        problems.append(_file_problem(name, 1, "this is not a CSV text file (it contains binary data)"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.append(
            _file_problem(
                name,
                line,
                f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be read);"
                " save it as 'CSV UTF-8' and import it again",
            )
        )
        return None


def _file_problem(name: str, row: int, reason: str) -> Problem:
    return Problem(Location(name, row), FILE_COLUMN, reason)


def _numbered_rows(text: str, name: str, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """Rows with their spreadsheet numbers: a quoted newline stays inside its row."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            reason = f"the CSV text cannot be read here ({exc}); check the quotes"
            problems.append(_file_problem(name, number + 1, reason))
            return
        number += 1
        yield number, cells


@dataclass
class _Header:
    layout: Layout
    names: list[str]  # lower-cased, by position ("" for a column without a name)
    missing: list[str]

    @classmethod
    def read(cls, cells: list[str], file: str, problems: list[Problem]) -> _Header | None:
        names = [cell.strip().lstrip("\ufeff").strip().lower() for cell in cells]
        location = Location(file, 1)
        if len(names) == 1 and (";" in names[0] or "\t" in names[0]):
            separator = "';'" if ";" in names[0] else "tabs"
            problems.append(
                Problem(
                    location, FILE_COLUMN, f"the columns are separated by {separator}; save the file as CSV (commas)"
                )
            )
            return None
        layout = _choose_layout(names)
        if layout is None:
            problems.append(
                Problem(
                    location,
                    FILE_COLUMN,
                    "cannot tell which records this file holds from its header; expected the columns of one of "
                    + "; ".join(f"{lay.record_type}.csv ({', '.join(lay.required)})" for lay in LAYOUTS),
                )
            )
            return None
        header = cls(layout, names, [c for c in layout.required if c not in names])
        header._check(location, problems)
        return header

    def _check(self, location: Location, problems: list[Problem]) -> None:
        kind = self.layout.record_type
        seen: set[str] = set()
        for position, column in enumerate(self.names, start=1):
            if not column:
                continue
            if column in seen:
                problems.append(Problem(location, column, "this column appears twice in the header"))
            elif column not in self.layout.columns:
                problems.append(
                    Problem(
                        location,
                        column,
                        f"unknown column (column {position}); {kind} files have the columns "
                        + ", ".join(_describe_columns(self.layout)),
                    )
                )
            seen.add(column)
        for column in self.missing:
            problems.append(
                Problem(location, column, f"missing column: {kind} files need {', '.join(self.layout.required)}")
            )

    def row(self, number: int, cells: list[str], file: str, problems: list[Problem]) -> _Row | None:
        """The row's cells by column name, or None for a row with nothing in it."""
        if not any(cell.strip() for cell in cells):
            return None
        row = _Row(Location(file, number), {}, problems)
        extra = [cell for cell in cells[len(self.names) :] if cell.strip()]
        if extra:
            row.problem(
                FILE_COLUMN,
                f"this row has {len(cells)} cells but the header has {len(self.names)} columns"
                " (is a value with a comma missing its quotes?)",
            )
        for position, column in enumerate(self.names):
            cell = cells[position] if position < len(cells) else ""
            if not column:
                if cell.strip():
                    row.problem(f"column {position + 1}", "a value in a column without a name in the header")
                continue
            row.cells.setdefault(column, cell)
        return row


def _choose_layout(names: list[str]) -> Layout | None:
    """The layout sharing the most columns with the header, if it is unambiguous."""
    present = set(names)
    scored = sorted(
        ((len(present & (set(lay.columns) - _SHARED_COLUMNS)), lay) for lay in LAYOUTS),
        key=lambda pair: pair[0],
        reverse=True,
    )
    best_score, best = scored[0]
    if best_score == 0 or scored[1][0] == best_score:
        return None
    return best


def _describe_columns(layout: Layout) -> list[str]:
    if layout.record_type == "assessments":
        return [*layout.required, "total", "item_1 … item_23"]
    return list(layout.columns)


@dataclass
class _Context:
    tz: ZoneInfo
    now: dt.datetime
    today: dt.date
    columns: frozenset[str]

    @cached_property
    def item_columns(self) -> list[tuple[int, str]]:
        """The item columns this file has, with their item numbers."""
        return [(n, c) for n, c in enumerate(ITEM_COLUMNS, start=1) if c in self.columns]


@dataclass
class _Row:
    """One data row: its cells by column and the problems it adds to the file's list."""

    location: Location
    cells: dict[str, str]
    problems: list[Problem]
    found: int = field(default=0)

    def raw(self, column: str) -> str:
        return self.cells.get(column, "")

    def value(self, column: str) -> str:
        return self.raw(column).strip()

    def problem(self, column: str, reason: str) -> None:
        self.found += 1
        self.problems.append(Problem(self.location, column, reason))

    def required(self, column: str, parse: Callable[[str], T]) -> T | None:
        cell = self.value(column)
        if not cell:
            self.problem(column, "a value is required but the cell is blank")
            return None
        return self._parse(column, cell, parse)

    def optional(self, column: str, parse: Callable[[str], T]) -> T | None:
        cell = self.value(column)
        return self._parse(column, cell, parse) if cell else None

    def _parse(self, column: str, cell: str, parse: Callable[[str], T]) -> T | None:
        try:
            return parse(cell)
        except CellError as exc:
            self.problem(column, str(exc))
            return None


def _patient_id(cell: str) -> str:
    return cv.identifier(cell, "a patient_id")


def _not_future(row: _Row, column: str, moment: dt.datetime | None, context: _Context, what: str) -> None:
    if moment is not None and moment > context.now:
        row.problem(
            column,
            f"{moment.astimezone(context.tz).isoformat(timespec='minutes')} is after the time of import:"
            f" {what} cannot be dated in the future",
        )


def _read_clinician(row: _Row, context: _Context, batch: ImportBatch) -> None:
    username = row.required("username", cv.username)
    display_name = row.required("display_name", cv.name)
    role = row.required("role", lambda c: cv.choice(c, ROLES))
    supervisor = row.optional("supervisor", cv.username)
    if supervisor is not None and supervisor == username:
        row.problem("supervisor", "a clinician cannot be their own supervisor")
    if row.found or username is None or display_name is None or role is None:
        return
    batch.clinicians.append(ClinicianRecord(username, display_name, role, supervisor, row.location))


def _read_patient(row: _Row, context: _Context, batch: ImportBatch) -> None:
    patient_id = row.required("patient_id", _patient_id)
    first_name = row.required("first_name", cv.name)
    last_name = row.required("last_name", cv.name)
    birth_date = row.required("birth_date", lambda c: cv.birth_date(c, context.today))
    therapist = row.required("therapist", cv.username)
    status = row.required("status", lambda c: cv.choice(c, PATIENT_STATUSES))
    enrolled_on = row.optional("enrolled_on", cv.day)
    planned = row.optional("planned_doses", lambda c: cv.whole_number(c, 1, cv.PLANNED_DOSES_MAX))
    if birth_date and enrolled_on and enrolled_on < birth_date:
        row.problem("enrolled_on", f"{enrolled_on.isoformat()} is before the birth date")
    if row.found:
        return
    assert patient_id and first_name and last_name and birth_date and therapist and status
    batch.patients.append(
        PatientRecord(
            patient_id, first_name, last_name, birth_date, therapist, status, enrolled_on, planned, row.location
        )
    )


def _dosing_parser(column: str) -> Callable[[str], object]:
    if column == "route":
        return lambda c: cv.choice(c, ROUTES)
    if column == "dose_mg":
        return lambda c: cv.decimal(c, 0, cv.DOSE_MG_MAX, above_low=True)
    if column == "weight_kg":
        return lambda c: cv.decimal(c, *cv.DOSING_RANGES[column])
    return lambda c: cv.whole_number(c, *cv.DOSING_RANGES[column])


def _read_session(row: _Row, context: _Context, batch: ImportBatch) -> None:
    patient_id = row.required("patient_id", _patient_id)
    started_at = row.required("started_at", lambda c: cv.moment(c, context.tz))
    kind = row.required("kind", lambda c: cv.choice(c, SESSION_KINDS))
    clinician = row.required("clinician", cv.username)
    given = [c for c in DOSING_FIELDS if c in context.columns]
    dosing: dict[str, object] = dict.fromkeys(given)
    filled = [c for c in given if row.value(c)]
    if kind is not None and kind != "dosing":
        for column in filled:
            article = "an" if kind[0] in "aeiou" else "a"
            row.problem(
                column, f"only dosing sessions carry dosing details; leave it blank for {article} {kind} session"
            )
    elif started_at is not None and started_at > context.now:
        for column in filled:
            row.problem(
                column,
                "this session is scheduled (it starts after the time of import), so its dosing details stay blank"
                " until it has happened",
            )
    else:
        for column in filled:
            if column == "adverse_events":
                dosing[column] = row.raw(column)
            else:
                dosing[column] = row.optional(column, _dosing_parser(column))
        _check_pressures(row, dosing)
    if row.found:
        return
    assert patient_id and started_at and kind and clinician
    batch.sessions.append(SessionRecord(patient_id, started_at, kind, clinician, dosing, row.location))


def _check_pressures(row: _Row, dosing: dict[str, object]) -> None:
    for reading in ("pre", "post", "peak"):
        systolic, diastolic = dosing.get(f"bp_{reading}_sys"), dosing.get(f"bp_{reading}_dia")
        if isinstance(systolic, int) and isinstance(diastolic, int) and diastolic >= systolic:
            row.problem(
                f"bp_{reading}_dia",
                f"diastolic {diastolic} is not below systolic {systolic}; are the two columns swapped?",
            )


def _instrument(cell: str) -> str:
    instrument = instrument_named(cell)
    if instrument is None:
        raise CellError(f"expected one of {', '.join(INSTRUMENTS)}, got {cv.shown(cell)}")
    return instrument.name


def _read_assessment(row: _Row, context: _Context, batch: ImportBatch) -> None:
    patient_id = row.required("patient_id", _patient_id)
    administered_at = row.required("administered_at", lambda c: cv.moment(c, context.tz))
    name = row.required("instrument", _instrument)
    _not_future(row, "administered_at", administered_at, context, "an assessment")
    instrument = INSTRUMENTS.get(name) if name else None
    items: dict[int, int] = {}
    answered = False
    for number, column in context.item_columns:
        cell = row.value(column)
        if not cell or instrument is None:
            continue
        answered = True
        if number > instrument.items:
            row.problem(column, f"{instrument.name} has {instrument.items} items, so {column} must be blank")
            continue
        low, high = instrument.item_range(number)
        try:
            items[number] = cv.whole_number(cell, low, high)
        except CellError:
            expected = f"expected a whole number {low} to {high}"
            row.problem(column, f"{cv.shown(cell)} is not a {instrument.name} answer: {expected}")
    total = _read_total(row, instrument)
    if instrument is not None:
        _check_total(row, instrument.name, items, total, answered=answered or bool(row.value("total")))
    if row.found:
        return
    assert patient_id and administered_at and name
    batch.assessments.append(AssessmentRecord(patient_id, administered_at, name, total, items, row.location))


def _read_total(row: _Row, instrument: Instrument | None) -> int | None:
    cell = row.value("total")
    if not cell or instrument is None:
        return None
    if not instrument.has_total or instrument.total_min is None or instrument.total_max is None:
        row.problem("total", f"{instrument.name} has no total; leave it blank and give the item answers")
        return None
    try:
        return cv.whole_number(cell, instrument.total_min, instrument.total_max)
    except CellError:
        row.problem(
            "total",
            f"{cv.shown(cell)} is not a {instrument.name} total: expected a whole number"
            f" {instrument.total_min} to {instrument.total_max}",
        )
        return None


def _check_total(row: _Row, name: str, items: dict[int, int], total: int | None, *, answered: bool) -> None:
    instrument = INSTRUMENTS[name]
    if not answered:
        first_item = "item_1" if not instrument.has_total else "total"
        row.problem(first_item, f"no answers: give the {name} item answers (item_1 …) or its total")
        return
    computed = instrument.compute_total(items)
    if total is not None and computed is not None and computed != total:
        row.problem("total", f"{total} does not equal the total of the item answers ({computed})")


def _read_note(row: _Row, context: _Context, batch: ImportBatch) -> None:
    patient_id = row.required("patient_id", _patient_id)
    written_at = row.required("written_at", lambda c: cv.moment(c, context.tz))
    kind = row.required("kind", lambda c: cv.choice(c, NOTE_KINDS))
    author = row.required("author", cv.username)
    if not row.value("text"):
        row.problem("text", "a note needs its text; the cell is blank")
    session_at = row.optional("session_at", lambda c: cv.moment(c, context.tz))
    _not_future(row, "written_at", written_at, context, "a note")
    if row.found:
        return
    assert patient_id and written_at and kind and author
    # Stored exactly as typed (SPEC §2.1): exports neutralise formulas, the database does not.
    batch.notes.append(NoteRecord(patient_id, written_at, kind, author, row.raw("text"), session_at, row.location))


_ROW_READERS: dict[str, Callable[[_Row, _Context, ImportBatch], None]] = {
    "clinicians": _read_clinician,
    "patients": _read_patient,
    "sessions": _read_session,
    "assessments": _read_assessment,
    "notes": _read_note,
}
