"""Our own FHIR vocabulary for what LOINC and base FHIR cannot carry, and its reading side.

The FHIR export (`db.exporters.fhir_bundle`) is the lossless round trip of SPEC §7: importing
it into an empty database yields the same records. Assessments travel as Observations
(LOINC, or `urn:kap-caseload:instrument`; see `fhir_codes`). Everything else a clinic
record holds travels as written here, and only resources carrying these markers are read
by this module — any other FHIR file is read exactly as SPEC §2.2 says:

    Practitioner (a clinician)      — claimed when it has an identifier of USERNAME_SYSTEM
      identifier        {system: urn:kap-caseload:username, value: <username>}
      name[0].text      display_name
      extension         ROLE_EXTENSION valueCode (therapist/supervisor/admin);
                        SUPERVISOR_EXTENSION valueString <username> (absent: none)

    Patient                         — claimed when generalPractitioner[0] has an identifier
      identifier        type MR (v2-0203), system urn:kap-caseload:patient-id, value patient_id
      name[0]           use official, family = last_name, given = [first_name]
      birthDate         birth_date
      generalPractitioner[0].identifier  {system USERNAME_SYSTEM, value: <therapist>}
      extension         STATUS_EXTENSION valueCode, ENROLLED_ON_EXTENSION valueDate,
                        PLANNED_DOSES_EXTENSION valueInteger (absent: unknown)

    Encounter (a session)           — claimed when type has a coding of SESSION_KIND_SYSTEM
      type[0].coding    {system urn:kap-caseload:session-kind, code: intake/preparation/…}
      subject           the Patient; period.start = started_at
      participant[0].individual.identifier  {system USERNAME_SYSTEM, value: <clinician>}
      extension         DOSING_EXTENSION, a complex extension whose sub-extensions are named
                        as the CSV dosing columns (route valueCode; dose_mg, weight_kg
                        valueDecimal; adverse_events valueString; the rest valueInteger);
                        a blank field is absent

    DocumentReference (a note)      — claimed when type has a coding of NOTE_KIND_SYSTEM
      type.coding       {system urn:kap-caseload:note-kind, code: preparation/dosing/…}
      subject           the Patient; date = written_at
      author[0].identifier  {system USERNAME_SYSTEM, value: <author>}
      content[0].attachment  contentType text/plain; charset=utf-8, data = base64 of the text
      extension         SESSION_AT_EXTENSION valueDateTime (absent: no linked session)

A claimed resource's therapist/clinician/author come from the file, so a file of ours
needs no `--therapist`; Patients and Encounters without these markers still do.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from db.importers import csv_values as cv
from db.importers.fhir_index import Entry, FileIndex, patient_id_of
from db.importers.fhir_values import MappingError, codings, parse_birth_date, parse_time, whole_number
from db.models import DOSING_FIELDS, NOTE_KINDS, PATIENT_STATUSES, ROLES, ROUTES, SESSION_KINDS
from db.records import ClinicianRecord, ImportBatch, Location, NoteRecord, PatientRecord, Problem, SessionRecord

KAP = "urn:kap-caseload"
USERNAME_SYSTEM = f"{KAP}:username"
PATIENT_ID_SYSTEM = f"{KAP}:patient-id"
SESSION_KIND_SYSTEM = f"{KAP}:session-kind"
NOTE_KIND_SYSTEM = f"{KAP}:note-kind"
ROLE_EXTENSION = f"{KAP}:extension:role"
SUPERVISOR_EXTENSION = f"{KAP}:extension:supervisor"
STATUS_EXTENSION = f"{KAP}:extension:patient-status"
ENROLLED_ON_EXTENSION = f"{KAP}:extension:enrolled-on"
PLANNED_DOSES_EXTENSION = f"{KAP}:extension:planned-doses"
DOSING_EXTENSION = f"{KAP}:extension:dosing"
SESSION_AT_EXTENSION = f"{KAP}:extension:session-at"
V2_IDENTIFIER_TYPES = "http://terminology.hl7.org/CodeSystem/v2-0203"
NOTE_CONTENT_TYPE = "text/plain; charset=utf-8"

DECIMAL_DOSING_FIELDS = ("dose_mg", "weight_kg")
TEXT_DOSING_FIELDS = ("route", "adverse_events")
INTEGER_DOSING_FIELDS = tuple(f for f in DOSING_FIELDS if f not in DECIMAL_DOSING_FIELDS + TEXT_DOSING_FIELDS)


def dosing_value_key(field_name: str) -> str:
    """The value[x] a dosing sub-extension uses for this field (the writer and reader agree here)."""
    if field_name == "route":
        return "valueCode"
    if field_name in DECIMAL_DOSING_FIELDS:
        return "valueDecimal"
    if field_name in TEXT_DOSING_FIELDS:
        return "valueString"
    return "valueInteger"


# -- reading -------------------------------------------------------------------------------


def read_kap_resources(
    entries: list[Entry], index: FileIndex, batch: ImportBatch, *, file: str, tz: ZoneInfo, now: dt.datetime
) -> list[Entry]:
    """Read the resources that carry our markers into `batch`; return the others for the FHIR reader."""
    reader = _KapReader(index, batch, tz, now)
    readers: dict[str, Callable[[Entry, Location], None]] = {
        "Practitioner": reader.practitioner,
        "Patient": reader.patient,
        "Encounter": reader.encounter,
        "DocumentReference": reader.note,
    }
    rest: list[Entry] = []
    for entry in entries:
        read = readers.get(entry.resource_type)
        if read is None or not is_ours(entry.resource):
            rest.append(entry)
            continue
        source = Location(file, entry=entry.index, resource_id=entry.resource_id)
        try:
            read(entry, source)
        except MappingError as error:
            batch.problems.append(Problem(source, error.element, error.reason))
        except Exception as error:  # noqa: BLE001 - a file from outside must never crash the import
            batch.problems.append(
                Problem(source, entry.resource_type, f"does not follow the KAP Caseload export ({error})")
            )
    return rest


def is_ours(resource: dict[str, Any]) -> bool:
    """True when a resource carries the marker that says our export wrote it (see the module doc)."""
    kind = resource.get("resourceType")
    if kind == "Practitioner":
        return _identifier(resource.get("identifier"), USERNAME_SYSTEM) is not None
    if kind == "Patient":
        return _reference_username(_first(resource.get("generalPractitioner"))) is not None
    if kind == "Encounter":
        return any(_system_code(t, SESSION_KIND_SYSTEM) is not None for t in resource.get("type") or [])
    if kind == "DocumentReference":
        return _system_code(resource.get("type"), NOTE_KIND_SYSTEM) is not None
    return False


class _KapReader:
    def __init__(self, index: FileIndex, batch: ImportBatch, tz: ZoneInfo, now: dt.datetime) -> None:
        self.index, self.batch, self.tz, self.now = index, batch, tz, now

    def practitioner(self, entry: Entry, source: Location) -> None:
        resource = entry.resource
        username = _username(_identifier(resource.get("identifier"), USERNAME_SYSTEM), "identifier")
        name = _first(resource.get("name")) or {}
        display_name = _cell(cv.name, str(name.get("text") or ""), "name.text")
        role = _choice(_extension(resource, ROLE_EXTENSION, "valueCode"), ROLES, "extension role")
        supervisor = _extension(resource, SUPERVISOR_EXTENSION, "valueString")
        self.batch.clinicians.append(
            ClinicianRecord(
                username=username,
                display_name=display_name,
                role=role,
                supervisor=_username(supervisor, "extension supervisor") if supervisor is not None else None,
                source=source,
            )
        )

    def patient(self, entry: Entry, source: Location) -> None:
        resource = entry.resource
        patient_id = patient_id_of(resource)
        if patient_id is None:
            raise MappingError("identifier", "the Patient has no identifier and no id")
        name = _first(resource.get("name")) or {}
        given = " ".join(str(g) for g in name.get("given") or [])
        today = self.now.astimezone(self.tz).date()
        status = _extension(resource, STATUS_EXTENSION, "valueCode")
        enrolled_on = _extension(resource, ENROLLED_ON_EXTENSION, "valueDate")
        planned = _extension(resource, PLANNED_DOSES_EXTENSION, "valueInteger")
        self.batch.patients.append(
            PatientRecord(
                patient_id=patient_id,
                first_name=_cell(cv.name, given, "name.given"),
                last_name=_cell(cv.name, str(name.get("family") or ""), "name.family"),
                birth_date=parse_birth_date(resource.get("birthDate"), "birthDate", today),
                therapist=_username(_reference_username(_first(resource.get("generalPractitioner"))), "therapist"),
                status=_choice(status, PATIENT_STATUSES, "extension patient-status") if status else "active",
                enrolled_on=_day(enrolled_on, "extension enrolled-on") if enrolled_on is not None else None,
                planned_doses=whole_number(planned, "extension planned-doses") if planned is not None else None,
                source=source,
            )
        )

    def encounter(self, entry: Entry, source: Location) -> None:
        resource = entry.resource
        kind_code = next(c for t in resource.get("type") or [] if (c := _system_code(t, SESSION_KIND_SYSTEM)))
        kind = _choice(kind_code, SESSION_KINDS, "type")
        period = resource.get("period")
        if not isinstance(period, dict) or not period.get("start"):
            raise MappingError("period.start", "missing: the session has no start time")
        started_at = parse_time(period["start"], "period.start", self.tz)
        participant = _first(resource.get("participant")) or {}
        clinician = _username(_reference_username(participant.get("individual")), "participant")
        dosing = _dosing(resource)
        given = [name for name, value in dosing.items() if value is not None]
        if given and kind != "dosing":
            raise MappingError(f"extension dosing.{given[0]}", f"a {kind} session has no dosing details")
        if given and started_at > self.now:
            raise MappingError(f"extension dosing.{given[0]}", "a scheduled (future) session has no dosing details yet")
        self.batch.sessions.append(
            SessionRecord(
                patient_id=self.index.patient_id(resource.get("subject")),
                started_at=started_at,
                kind=kind,
                clinician=clinician,
                dosing=dosing,
                source=source,
            )
        )

    def note(self, entry: Entry, source: Location) -> None:
        resource = entry.resource
        kind = _choice(_system_code(resource.get("type"), NOTE_KIND_SYSTEM), NOTE_KINDS, "type")
        written_at = parse_time(resource.get("date"), "date", self.tz)
        if written_at > self.now:
            raise MappingError("date", f"{written_at.isoformat()} is after the import time")
        session_at = _extension(resource, SESSION_AT_EXTENSION, "valueDateTime")
        self.batch.notes.append(
            NoteRecord(
                patient_id=self.index.patient_id(resource.get("subject")),
                written_at=written_at,
                kind=kind,
                author=_username(_reference_username(_first(resource.get("author"))), "author"),
                text=_note_text(resource),
                session_at=parse_time(session_at, "extension session-at", self.tz) if session_at else None,
                source=source,
            )
        )


def _dosing(resource: dict[str, Any]) -> dict[str, Any]:
    """Every dosing field (None where the file has none), checked as the CSV reader checks them."""
    dosing: dict[str, Any] = dict.fromkeys(DOSING_FIELDS)
    holder = next(
        (e for e in resource.get("extension") or [] if isinstance(e, dict) and e.get("url") == DOSING_EXTENSION), None
    )
    for part in (holder or {}).get("extension") or []:
        name = part.get("url") if isinstance(part, dict) else None
        if name not in DOSING_FIELDS:
            raise MappingError("extension dosing", f"unknown dosing field {name!r}")
        value = part.get(dosing_value_key(name))
        if value is None:
            raise MappingError(f"extension dosing.{name}", f"expected {dosing_value_key(name)}")
        dosing[name] = _dosing_value(name, value)
    return dosing


def _dosing_value(name: str, value: Any) -> Any:
    element = f"extension dosing.{name}"
    if name == "route":
        return _choice(value, ROUTES, element)
    if name == "adverse_events":
        return str(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise MappingError(element, f"expected a number, got {value!r}")
    if name == "dose_mg":
        if not 0 < value <= cv.DOSE_MG_MAX:
            raise MappingError(element, f"{value} is out of range: expected more than 0 (up to {cv.DOSE_MG_MAX})")
        return float(value)
    low, high = cv.DOSING_RANGES[name]
    if not low <= value <= high:
        raise MappingError(element, f"{value} is out of range: expected {low:g} to {high:g}")
    return float(value) if name in DECIMAL_DOSING_FIELDS else whole_number(value, element)


def _note_text(resource: dict[str, Any]) -> str:
    attachment = (_first(resource.get("content")) or {}).get("attachment")
    if not isinstance(attachment, dict):
        raise MappingError("content", "missing: the note has no text")
    try:
        return base64.b64decode(attachment.get("data") or "", validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise MappingError("content.attachment.data", "is not base64-encoded UTF-8 text") from None


def _first(values: Any) -> dict[str, Any] | None:
    if isinstance(values, list) and values and isinstance(values[0], dict):
        return values[0]
    return None


def _identifier(identifiers: Any, system: str) -> str | None:
    for identifier in identifiers if isinstance(identifiers, list) else []:
        if isinstance(identifier, dict) and identifier.get("system") == system and identifier.get("value"):
            return str(identifier["value"])
    return None


def _reference_username(reference: Any) -> str | None:
    if not isinstance(reference, dict) or not isinstance(reference.get("identifier"), dict):
        return None
    return _identifier([reference["identifier"]], USERNAME_SYSTEM)


def _system_code(concept: Any, system: str) -> str | None:
    for coding in codings(concept):
        if coding.get("system") == system and coding.get("code"):
            return str(coding["code"])
    return None


def _extension(resource: dict[str, Any], url: str, value_key: str) -> Any:
    for extension in resource.get("extension") or []:
        if isinstance(extension, dict) and extension.get("url") == url:
            if value_key not in extension:
                raise MappingError(f"extension {url}", f"expected {value_key}")
            return extension[value_key]
    return None


def _cell(read: Callable[[str], str], value: str, element: str) -> str:
    try:
        return read(value)
    except cv.CellError as error:
        raise MappingError(element, str(error)) from None


def _username(value: Any, element: str) -> str:
    if not isinstance(value, str) or not value:
        raise MappingError(element, f"missing: no identifier of system {USERNAME_SYSTEM}")
    return _cell(cv.username, value, element)


def _choice(value: Any, options: tuple[str, ...], element: str) -> str:
    if value not in options:
        raise MappingError(element, f"expected one of {', '.join(options)}, got {value!r}")
    return str(value)


def _day(value: Any, element: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise MappingError(element, f"expected a date like 2026-03-04, got {value!r}") from None
