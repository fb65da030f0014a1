"""Import a clinic's files (CSV, FHIR JSON/NDJSON, or folders of them): all or nothing.

Shared by `manage.py import` and the Import page. The page shows `preview` first (every
problem, and what would be written) and then calls `commit`; the command line calls
`import_paths`, which is `commit`. Nothing is written unless every row of every file is
sound; then the records, and one audit row naming the files by name and sha256, are
committed together, and flags are evaluated (SPEC §2.1, §8).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from db import audit
from db.engine import UnitOfWork, lock_for_records, read_session
from db.importers.csv_files import read_csv_bytes
from db.importing import RECORD_TYPES, ImportOutcome, RecordCounts, apply_batch
from db.meta import forget_flags_evaluated, is_demo_database
from db.records import ImportBatch, Location, Problem
from db.settings import clinic_timezone
from services import clock
from services.cli_errors import BadInput

CSV_SUFFIXES = (".csv",)
FHIR_SUFFIXES = (".json", ".ndjson")
IMPORTABLE_SUFFIXES = CSV_SUFFIXES + FHIR_SUFFIXES


class ImportRefused(BadInput):
    """The whole run is refused before any file is read (a demo database, a missing path)."""


@dataclass(frozen=True)
class ImportedFile:
    """One file of the run: as named to the user, its format, and its fingerprint for the audit log."""

    name: str
    format: str  # csv, fhir
    sha256: str
    records: int


@dataclass
class ImportReport:
    """What a run found and did: files, counts per record type, skipped resources, problems."""

    files: list[ImportedFile] = field(default_factory=list)
    counts: dict[str, RecordCounts] = field(default_factory=lambda: {t: RecordCounts() for t in RECORD_TYPES})
    skipped: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    committed: bool = False
    update: bool = False
    flag_evaluation_error: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        """The `--json` form: plain numbers and strings only."""
        return {
            "ok": self.ok,
            "committed": self.committed,
            "update": self.update,
            "files": [
                {"file": f.name, "format": f.format, "sha256": f.sha256, "records": f.records} for f in self.files
            ],
            "counts": {t: c.as_dict() for t, c in self.counts.items()},
            "skipped": dict(sorted(self.skipped.items())),
            "problems": [
                {
                    "file": p.location.file,
                    "row": p.location.row,
                    "entry": p.location.entry,
                    "resource_id": p.location.resource_id,
                    "column": p.column,
                    "reason": p.reason,
                    "message": str(p),
                }
                for p in self.problems
            ],
            "flag_evaluation_error": self.flag_evaluation_error,
        }


def import_paths(
    engine: Engine,
    paths: Sequence[Path],
    *,
    therapist: str | None = None,
    update: bool = False,
    actor: str,
    now: dt.datetime | None = None,
) -> ImportReport:
    """Validate every file, then write everything or nothing, audit it, and evaluate flags."""
    return commit(engine, paths, therapist=therapist, update=update, actor=actor, now=now)


def preview(
    engine: Engine,
    paths: Sequence[Path],
    *,
    therapist: str | None = None,
    update: bool = False,
    now: dt.datetime | None = None,
) -> ImportReport:
    """What `commit` would do with these files — every problem and every count — writing nothing."""
    return _run(engine, paths, therapist=therapist, update=update, actor=None, now=now, expected=None)


def commit(
    engine: Engine,
    paths: Sequence[Path],
    *,
    therapist: str | None = None,
    update: bool = False,
    actor: str,
    now: dt.datetime | None = None,
    expected_sha256: Mapping[str, str] | None = None,
) -> ImportReport:
    """Validate again and write. `expected_sha256` (file name → digest, from a preview) refuses
    files that changed since they were previewed."""
    return _run(engine, paths, therapist=therapist, update=update, actor=actor, now=now, expected=expected_sha256)


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files as given, and every importable file in a given folder (sorted; hidden files skipped)."""
    if not paths:
        raise ImportRefused("no files to import: name one or more CSV/FHIR files or folders")
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.iterdir()
                if p.is_file() and p.suffix.lower() in IMPORTABLE_SUFFIXES and not p.name.startswith(".")
            )
            if not found:
                raise ImportRefused(f"{path}: this folder holds no .csv, .json or .ndjson files")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise ImportRefused(f"{path}: no such file or folder")
    unique: dict[Path, Path] = {}
    for file in files:
        unique.setdefault(file.resolve(), file)
    return list(unique.values())


def _run(
    engine: Engine,
    paths: Sequence[Path],
    *,
    therapist: str | None,
    update: bool,
    actor: str | None,
    now: dt.datetime | None,
    expected: Mapping[str, str] | None,
) -> ImportReport:
    now = now or clock.now()
    tz = clinic_timezone()
    files = expand_paths(paths)
    _refuse_demo_database(engine)
    report = ImportReport(update=update)
    batch = ImportBatch()
    for file in files:
        batch.extend(_read_file(file, report, therapist=therapist, tz=tz, now=now))
    _check_unchanged(report, expected)
    report.skipped.update(batch.skipped)
    with UnitOfWork(engine, writer=actor is not None) as uow:
        if actor is not None:
            # The same file imported twice at once: the second plans only after the first committed.
            lock_for_records(uow.session)
        outcome = apply_batch(uow.session, batch, update=update, tz=tz, now=now, write=actor is not None)
        _fill_report(report, outcome)
        if actor is None or not report.ok:
            return report
        audit.append(uow.session, _audit_entry(report, actor), now)
        # With the records: until the evaluation below succeeds, views replay the flags.
        forget_flags_evaluated(uow.session)
        _pause_before_commit_in_tests()
        uow.commit()
    report.committed = True
    _evaluate_flags(engine, report)
    return report


def _pause_before_commit_in_tests() -> None:
    """Crash and concurrency tests only: hold the written, uncommitted run until they say go.

    `KAP_TEST_PAUSE_BEFORE_COMMIT=PATH` makes the import create PATH once everything is
    written and wait (at most five minutes) until the test deletes it — or kills the process.
    """
    marker = os.environ.get("KAP_TEST_PAUSE_BEFORE_COMMIT")
    if not marker:
        return
    path = Path(marker)
    path.touch()
    deadline = time.monotonic() + 300
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def _refuse_demo_database(engine: Engine) -> None:
    with read_session(engine) as session:
        demo = is_demo_database(session)
    if demo:
        raise ImportRefused(
            "this database holds the synthetic demo clinic, so real records are not imported into it;"
            " choose another database with --db URL or the DATABASE_URL environment variable"
            " (then run `python manage.py init-db` on it)"
        )


def _read_file(
    path: Path, report: ImportReport, *, therapist: str | None, tz: ZoneInfo, now: dt.datetime
) -> ImportBatch:
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        batch = ImportBatch()
        batch.problems.append(Problem(Location(name, 1), "(file)", f"cannot read the file: {exc.strerror or exc}"))
        report.files.append(ImportedFile(name, "unreadable", "", 0))
        return batch
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        batch = read_csv_bytes(data, name=name, tz=tz, now=now)
        file_format = "csv"
    elif suffix in FHIR_SUFFIXES:
        batch = _read_fhir(path, therapist=therapist, tz=tz, now=now)
        file_format = "fhir"
    else:
        batch = ImportBatch()
        batch.problems.append(
            Problem(Location(name, 1), "(file)", "not an importable file: expected a .csv, .json or .ndjson file")
        )
        file_format = "unknown"
    records = sum(len(getattr(batch, t)) for t in RECORD_TYPES)
    report.files.append(ImportedFile(name, file_format, hashlib.sha256(data).hexdigest(), records))
    return batch


def _read_fhir(path: Path, *, therapist: str | None, tz: ZoneInfo, now: dt.datetime) -> ImportBatch:
    # Imported here: the FHIR reader is optional for CSV-only use and heavier to load.
    try:
        from db.importers.fhir_files import read_fhir_file
    except ImportError:
        batch = ImportBatch()
        batch.problems.append(
            Problem(Location(str(path), entry=0), "(file)", "FHIR import is not available in this installation")
        )
        return batch
    return read_fhir_file(path, therapist=therapist, tz=tz, now=now)


def _check_unchanged(report: ImportReport, expected: Mapping[str, str] | None) -> None:
    if expected is None:
        return
    for file in report.files:
        if file.name in expected and expected[file.name] != file.sha256:
            report.problems.append(
                Problem(Location(file.name, 1), "(file)", "the file changed since it was previewed; preview it again")
            )


def _sort_key(problem: Problem) -> tuple[str, int, int]:
    location = problem.location
    return (location.file, location.row or 0, location.entry or 0)


def _fill_report(report: ImportReport, outcome: ImportOutcome) -> None:
    report.counts = outcome.counts
    # Reader problems and reference/conflict problems, in file order then row order.
    report.problems = sorted(report.problems + outcome.problems, key=_sort_key)


def _audit_entry(report: ImportReport, actor: str) -> audit.AuditEntry:
    return audit.AuditEntry(
        actor=actor,
        event="records.imported",
        category="import",
        scope="files: " + ", ".join(Path(f.name).name for f in report.files),
        detail={
            "files": [{"name": Path(f.name).name, "format": f.format, "sha256": f.sha256} for f in report.files],
            "counts": {t: c.as_dict() for t, c in report.counts.items()},
            "skipped": sum(report.skipped.values()),
            "update": report.update,
        },
    )


def _evaluate_flags(engine: Engine, report: ImportReport) -> None:
    from services.flags import evaluate_and_store

    try:
        evaluate_and_store(engine)
    except Exception as exc:  # noqa: BLE001 - the records are committed; say so rather than crash
        report.flag_evaluation_error = f"{type(exc).__name__}: {exc}"
