"""Exports of the records a user may see: CSV for spreadsheets, one FHIR Bundle for systems.

Exports of patient data are where leaks happen, so the scope is decided here through
`services.access` before any record is read (a therapist's export holds their own patients
only), and every export writes one audit row — who, which scope, which format, how many
patients and the sha256 of exactly what left — before the output is handed back (SPEC §7).
The command line acts with full scope and is audited as the command-line actor.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select

from db import audit
from db.engine import read_session
from db.exporters.csv_files import CSV_FILE_NAMES, csv_files
from db.exporters.fhir_bundle import bundle_bytes
from db.exporting import read_export_records
from db.models import Patient
from services import clock
from services.access import NOT_AVAILABLE_MESSAGE, AccessDenied, may_see_patient, patients_in_scope
from services.auth import CurrentUser
from services.cli_errors import BadInput

EXPORT_FORMATS = ("csv", "fhir")
FHIR_FILE_NAME = "kap-export.fhir.json"
FHIR_MIME = "application/fhir+json"
ZIP_MIME = "application/zip"


class ExportRefused(BadInput):
    """The export cannot be made as asked (unknown format, no such patient, a bad path)."""


@dataclass(frozen=True)
class Export:
    """One export's output: its files, the download a browser gets, and what it holds."""

    format: str  # csv, fhir
    files: dict[str, bytes]  # csv: the five files of the import format; fhir: the Bundle
    download: bytes  # csv: a zip of the files in one folder; fhir: the Bundle
    download_name: str
    mime: str
    counts: dict[str, int] = field(default_factory=dict)
    scope: str = ""

    @property
    def sha256(self) -> str:
        """The fingerprint of what left (the zip for CSV, the JSON for FHIR), as audited."""
        return hashlib.sha256(self.download).hexdigest()

    @property
    def patient_count(self) -> int:
        return self.counts.get("patients", 0)


def export_for_user(
    engine: Engine, user: CurrentUser, *, format: str, patient_id: str | None = None, now: dt.datetime | None = None
) -> Export:
    """The records `user` may see — one patient, or their whole scope — exported and audited.

    Asking for a patient outside the user's scope (or one that does not exist) is refused
    alike, audited as `denied`, and raises `AccessDenied`.
    """
    _check_format(format)
    now = now or clock.now()
    if patient_id is not None:
        if not may_see_patient(engine, user, patient_id):
            _audit(engine, user.username, "records.exported", "export", now, outcome="denied", patient_id=patient_id)
            raise AccessDenied(NOT_AVAILABLE_MESSAGE)
        patient_ids, scope = [patient_id], f"patient {patient_id}"
    else:
        patient_ids = patients_in_scope(engine, user)
        scope = "all patients" if user.role == "admin" else f"caseload of {user.username} ({user.role})"
    export = build_export(engine, patient_ids, format=format, scope=scope, now=now, patient_id=patient_id)
    _audit(engine, user.username, "records.exported", "export", now, export=export, patient_id=patient_id)
    return export


def export_for_command_line(
    engine: Engine, *, format: str, patient_id: str | None, actor: str, now: dt.datetime | None = None
) -> Export:
    """`manage.py export`: every patient (or the one named), with full scope; audited as `actor`."""
    _check_format(format)
    now = now or clock.now()
    with read_session(engine) as session:
        query = select(Patient.patient_id)
        if patient_id is not None:
            query = query.where(Patient.patient_id == patient_id)
        patient_ids = list(session.scalars(query))
    if patient_id is not None and not patient_ids:
        raise ExportRefused(f"no patient with patient_id {patient_id!r} in this database; nothing was exported")
    scope = f"patient {patient_id}" if patient_id is not None else "all patients"
    export = build_export(engine, patient_ids, format=format, scope=scope, now=now, patient_id=patient_id)
    _audit(engine, actor, "command.export", "command", now, export=export, patient_id=patient_id)
    return export


def build_export(
    engine: Engine,
    patient_ids: list[str],
    *,
    format: str,
    scope: str,
    now: dt.datetime,
    patient_id: str | None = None,
) -> Export:
    """The output for exactly these patients (the caller has decided they may be exported)."""
    records = read_export_records(engine, patient_ids)
    stem = _download_stem(now, patient_id)
    if format == "csv":
        files = csv_files(records)
        name = export_file_name("csv", patient_id, now)
        return Export("csv", files, _zip(files, folder=stem, now=now), name, ZIP_MIME, records.counts(), scope)
    document = bundle_bytes(records, now=now)
    name = export_file_name("fhir", patient_id, now)
    return Export("fhir", {FHIR_FILE_NAME: document}, document, name, FHIR_MIME, records.counts(), scope)


def export_to_path(
    engine: Engine, path: Path, *, format: str, patient_id: str | None, actor: str, now: dt.datetime | None = None
) -> tuple[Export, list[Path]]:
    """`manage.py export PATH`: check the target, export with full scope (audited), write the files."""
    _check_format(format)
    targets = export_targets(path, format)
    export = export_for_command_line(engine, format=format, patient_id=patient_id, actor=actor, now=now)
    write_export(export, targets)
    return export, targets


def export_targets(path: Path, format: str) -> list[Path]:
    """Where an export goes: CSV into the folder `path` (five files), FHIR to the file `path`.

    A FHIR path that is an existing folder gets `kap-export.fhir.json` in it. Checked before
    anything is read, so a wrong path costs neither an export nor an audit row.
    """
    if format == "csv":
        if path.exists() and not path.is_dir():
            raise ExportRefused(f"{path} is a file; a CSV export is a folder of files: name a folder")
        if not path.exists() and not path.parent.is_dir():
            raise ExportRefused(f"{path.parent} is not a folder; create it first")
        return [path / name for name in CSV_FILE_NAMES]
    if path.is_dir():
        return [path / FHIR_FILE_NAME]
    if not path.parent.is_dir():
        raise ExportRefused(f"{path.parent} is not a folder; create it first")
    return [path]


def write_export(export: Export, targets: list[Path]) -> None:
    """Write each file under a temporary name and rename it, so no reader sees half a file."""
    if export.format == "csv":
        targets[0].parent.mkdir(exist_ok=True)
        contents = [export.files[target.name] for target in targets]
    else:
        contents = list(export.files.values())
    for target, data in zip(targets, contents, strict=True):
        _write_atomically(target, data)


def _write_atomically(target: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _check_format(format: str) -> None:
    if format not in EXPORT_FORMATS:
        raise ExportRefused(f"unknown export format {format!r}: expected one of {', '.join(EXPORT_FORMATS)}")


def export_file_name(format: str, patient_id: str | None = None, now: dt.datetime | None = None) -> str:
    """The file name a download of this export gets (a zip for CSV, `.fhir.json` for FHIR)."""
    stem = _download_stem(now or clock.now(), patient_id)
    return f"{stem}.zip" if format == "csv" else f"{stem}.fhir.json"


def _download_stem(now: dt.datetime, patient_id: str | None) -> str:
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%d-%H%M%S")
    if patient_id is None:
        return f"kap-export-{stamp}"
    # A patient id is the clinic's own string: keep it out of the file name's syntax.
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", patient_id).strip("._") or "patient"
    return f"kap-export-{safe[:40]}-{stamp}"


def _zip(files: dict[str, bytes], *, folder: str, now: dt.datetime) -> bytes:
    """The CSV files in one folder of a zip, as a browser download."""
    buffer = io.BytesIO()
    moment = now.astimezone(dt.UTC)
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in CSV_FILE_NAMES:
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return buffer.getvalue()


def _audit(
    engine: Engine,
    actor: str,
    event: str,
    category: str,
    now: dt.datetime,
    *,
    export: Export | None = None,
    outcome: str = "success",
    patient_id: str | None = None,
) -> None:
    detail = None
    if export is not None:
        detail = {
            "format": export.format,
            "patient_count": export.patient_count,
            "sha256": export.sha256,
            "download": export.download_name,
            "files": {name: hashlib.sha256(data).hexdigest() for name, data in export.files.items()},
            "counts": export.counts,
        }
    entry = audit.AuditEntry(
        actor=actor,
        event=event,
        category=category,
        outcome=outcome,
        patient_id=patient_id[:64] if patient_id else None,
        scope=export.scope if export is not None else (f"patient {patient_id}" if patient_id else None),
        detail=detail,
    )
    audit.write(engine, entry, now)
