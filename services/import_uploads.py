"""The Import page's use case: files uploaded in the browser, through the same import service.

Uploaded files are written to a private temporary folder (0700, removed after the run)
under their original names, so `services.imports` reads them exactly as `manage.py import`
reads files on disk — same validation, same all-or-nothing write, same audit row (user,
file names and sha256, counts) and flag evaluation. Messages name the files as uploaded,
never the temporary folder. Only an admin may import; anyone else is refused and audited.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import Engine, select

from db import audit
from db.engine import read_session
from db.models import Clinician
from db.records import Problem
from services import clock
from services.access import AccessDenied
from services.auth import CurrentUser
from services.cli_errors import BadInput
from services.imports import ImportReport, commit, preview

ACCEPTED_SUFFIXES = ("csv", "json", "ndjson")


@dataclass(frozen=True)
class Upload:
    """One file as the browser sent it."""

    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class UploadReport:
    """An import report told in the uploaded files' own names."""

    report: ImportReport
    files: list[tuple[str, str, str, int]] = field(default_factory=list)  # name, format, sha256, records
    problems: list[str] = field(default_factory=list)  # `file:row: column: reason`, one each
    refused: str | None = None  # the whole run refused before reading (e.g. a demo database)

    @property
    def ok(self) -> bool:
        return self.refused is None and self.report.ok

    @property
    def fingerprints(self) -> list[str]:
        return [sha for _, _, sha, _ in self.files]


def _require_admin(engine: Engine, user: CurrentUser) -> None:
    if user.role != "admin":
        entry = audit.AuditEntry(
            actor=user.username, event="records.imported", category="import", outcome="denied", scope="import page"
        )
        audit.write(engine, entry, clock.now())
        raise AccessDenied("Only an admin may import records.")


def therapist_choices(engine: Engine, user: CurrentUser) -> list[str]:
    """Usernames that may own patients from FHIR files (FHIR does not say whose caseload)."""
    _require_admin(engine, user)
    with read_session(engine) as session:
        return list(session.scalars(select(Clinician.username).order_by(Clinician.username)))


def preview_uploads(
    engine: Engine, user: CurrentUser, uploads: Sequence[Upload], *, therapist: str | None, update: bool
) -> UploadReport:
    """Every problem and every count of importing these files, writing nothing."""
    _require_admin(engine, user)
    with _staged(uploads) as (paths, names):
        return _told(names, lambda: preview(engine, paths, therapist=therapist, update=update))


def commit_uploads(
    engine: Engine,
    user: CurrentUser,
    uploads: Sequence[Upload],
    *,
    therapist: str | None,
    update: bool,
    previewed: Sequence[str],
) -> UploadReport:
    """Import the files that were previewed (`previewed`: their sha256, in order) — all or nothing, audited."""
    _require_admin(engine, user)
    if [u.sha256 for u in uploads] != list(previewed):
        empty = ImportReport()
        return UploadReport(empty, refused="The files changed since they were checked: check them again first.")
    with _staged(uploads) as (paths, names):
        expected = {str(path): upload.sha256 for path, upload in zip(paths, uploads, strict=True)}
        return _told(
            names,
            lambda: commit(
                engine, paths, therapist=therapist, update=update, actor=user.username, expected_sha256=expected
            ),
        )


def _told(names: Mapping[str, str], run: Callable[[], ImportReport]) -> UploadReport:
    try:
        report = run()
    except BadInput as refused:
        return UploadReport(ImportReport(), refused=_renamed_text(str(refused), names))
    files = [(names.get(f.name, f.name), f.format, f.sha256, f.records) for f in report.files]
    problems = [str(_renamed(problem, names)) for problem in report.problems]
    return UploadReport(report, files, problems)


def _renamed(problem: Problem, names: Mapping[str, str]) -> Problem:
    location = problem.location
    return replace(problem, location=replace(location, file=names.get(location.file, location.file)))


def _renamed_text(text: str, names: Mapping[str, str]) -> str:
    for staged, original in names.items():
        text = text.replace(staged, original)
    return text


def _safe_name(name: str) -> str:
    """The uploaded name without any folder part, as a plain file name of its own."""
    base = re.split(r"[\\/]", name)[-1].strip().lstrip(".") or "upload"
    return re.sub(r"[\x00-\x1f]", "_", base)[:120]


@contextmanager
def _staged(uploads: Sequence[Upload]) -> Iterator[tuple[list[Path], dict[str, str]]]:
    """The uploads written to a private temporary folder (one subfolder each: names may repeat)."""
    folder = Path(tempfile.mkdtemp(prefix="kap-import-"))  # mkdtemp makes it 0700: only this process's user
    try:
        paths: list[Path] = []
        names: dict[str, str] = {}
        for position, upload in enumerate(uploads):
            holder = folder / str(position)
            holder.mkdir(mode=0o700)
            path = holder / _safe_name(upload.name)
            path.write_bytes(upload.data)
            paths.append(path)
            names[str(path)] = upload.name
        yield paths, names
    finally:
        shutil.rmtree(folder, ignore_errors=True)
