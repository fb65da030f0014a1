"""The FHIR R4 reader: one JSON Bundle / resource or NDJSON file → an ImportBatch (SPEC §2.2).

Plain `json` and dicts, no FHIR model library: the files hold thousands of resources we
skip (Claims, Procedures …), and validating each into an object model would cost time for
nothing. Only Patient, Encounter, Observation and QuestionnaireResponse are mapped (plus a
file's Questionnaires, to recognise responses, and the resources our own export marks, read
by `fhir_kap`); everything else is counted by type and left alone.

Nothing here raises on bad input: malformed JSON, a truncated file, a resource that fails
its mapping all become Problems naming file, entry (0-based Bundle entry / NDJSON line)
and resource id, and the import service refuses the whole run.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from db.importers.fhir_assessments import Fragment, merge_fragments
from db.importers.fhir_index import Entry, FileIndex, patient_id_of
from db.importers.fhir_kap import read_kap_resources
from db.importers.fhir_observation import mark_panel_members, read_observation
from db.importers.fhir_questionnaire import read_questionnaire_response
from db.importers.fhir_values import MappingError, parse_birth_date, parse_time
from db.records import ImportBatch, Location, PatientRecord, Problem, SessionRecord

BUNDLE_TYPES = ("collection", "transaction", "batch", "searchset")
SKIPPED_ENCOUNTER_STATUSES = ("cancelled", "entered-in-error")
SESSION_KIND = "follow_up"  # an EHR encounter says nothing of the KAP phase


def read_fhir_file(path: Path, *, therapist: str | None, tz: ZoneInfo, now: dt.datetime) -> ImportBatch:
    """Read one `.json` (Bundle or single resource) or `.ndjson` file; never raises on its content."""
    batch = ImportBatch()
    file = str(path)
    entries = _load_entries(path, batch)
    index = FileIndex()
    for entry in entries:
        index.add(entry)
    mark_panel_members(entries, index)
    entries = read_kap_resources(entries, index, batch, file=file, tz=tz, now=now)  # our export's own resources
    reader = _EntryReader(file, index, therapist, tz, now, batch)
    for entry in entries:
        reader.read(entry)
    reader.finish()
    return batch


class _EntryReader:
    """Maps each entry to records, pieces of assessments, a skip reason or a problem."""

    def __init__(
        self, file: str, index: FileIndex, therapist: str | None, tz: ZoneInfo, now: dt.datetime, batch: ImportBatch
    ) -> None:
        self.file, self.index, self.therapist, self.tz, self.now, self.batch = file, index, therapist, tz, now, batch
        self.fragments: list[Fragment] = []
        self.needs_therapist: dict[str, list[Location]] = {}

    def read(self, entry: Entry) -> None:
        source = Location(self.file, entry=entry.index, resource_id=entry.resource_id)
        kind = entry.resource_type
        if kind == "Observation" and entry.index in self.index.consumed_members:
            return  # read through its panel, at the panel's time
        try:
            if kind == "Patient":
                self._patient(entry, source)
            elif kind == "Encounter":
                self._encounter(entry, source)
            elif kind == "Observation":
                self._fragment(read_observation(entry, self.index, self.tz, source))
            elif kind == "QuestionnaireResponse":
                self._fragment(read_questionnaire_response(entry, self.index, self.tz, source))
            else:
                self.batch.skipped[f"{kind}: resource type not imported"] += 1
        except MappingError as error:
            self.batch.problems.append(Problem(source, error.element, error.reason))
        except Exception as error:  # noqa: BLE001 - a file from outside must never crash the import
            self.batch.problems.append(
                Problem(source, kind or "resource", f"does not follow FHIR R4 ({type(error).__name__}: {error})")
            )

    def finish(self) -> None:
        records, problems = merge_fragments(self.fragments, self.now)
        self.batch.assessments += records
        self.batch.problems += problems
        for kind, locations in self.needs_therapist.items():
            self.batch.problems.append(
                Problem(
                    locations[0],
                    "therapist",
                    f"--therapist is required: this file holds {len(locations)} {kind} resource(s) "
                    "and FHIR does not say whose caseload they belong to",
                )
            )

    def _fragment(self, outcome: Fragment | str) -> None:
        if isinstance(outcome, str):
            self.batch.skipped[outcome] += 1
        else:
            self.fragments.append(outcome)

    def _patient(self, entry: Entry, source: Location) -> None:
        resource = entry.resource
        patient_id = patient_id_of(resource)
        if patient_id is None:
            raise MappingError("identifier", "the Patient has no identifier and no id")
        first_name, last_name = _name(resource.get("name"))
        if "birthDate" not in resource:
            raise MappingError("birthDate", "missing")
        birth_date = parse_birth_date(resource["birthDate"], "birthDate", self.now.astimezone(self.tz).date())
        if self.therapist is None:
            self.needs_therapist.setdefault("Patient", []).append(source)
            return
        self.batch.patients.append(
            PatientRecord(
                patient_id=patient_id,
                first_name=first_name,
                last_name=last_name,
                birth_date=birth_date,
                therapist=self.therapist,
                status="active",
                enrolled_on=None,  # the writer uses the date of the patient's earliest record
                planned_doses=None,
                source=source,
            )
        )

    def _encounter(self, entry: Entry, source: Location) -> None:
        resource = entry.resource
        status = resource.get("status")
        if status in SKIPPED_ENCOUNTER_STATUSES:
            self.batch.skipped[f"Encounter: status {status}"] += 1
            return
        patient_id = self.index.patient_id(resource.get("subject"))
        period = resource.get("period")
        if not isinstance(period, dict) or not period.get("start"):
            raise MappingError("period.start", "missing: the encounter has no start time")
        started_at = parse_time(period["start"], "period.start", self.tz)
        if self.therapist is None:
            self.needs_therapist.setdefault("Encounter", []).append(source)
            return
        self.batch.sessions.append(
            SessionRecord(
                patient_id=patient_id,
                started_at=started_at,
                kind=SESSION_KIND,
                clinician=self.therapist,
                dosing={},
                source=source,
            )
        )


def _name(names: Any) -> tuple[str, str]:
    """(first, last) from the official HumanName, else the usual one, else the first."""
    usable = [n for n in names or [] if isinstance(n, dict)]
    if not usable:
        raise MappingError("name", "missing")
    preference = {"official": 0, "usual": 1, None: 2}
    chosen = min(usable, key=lambda n: preference.get(n.get("use"), 3))
    given = " ".join(str(g) for g in chosen.get("given") or [] if g)
    family = str(chosen.get("family") or "")
    words = str(chosen.get("text") or "").split()
    if not given and not family and words:
        given, family = " ".join(words[:-1]), words[-1]
    if not given and not family:
        raise MappingError("name", "has neither given nor family name")
    return given, family


def _load_entries(path: Path, batch: ImportBatch) -> list[Entry]:
    """The resources of the file; what cannot be read becomes a Problem in the batch."""
    file = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        batch.problems.append(Problem(Location(file), "file", f"cannot be read: {error.strerror or error}"))
        return []
    except UnicodeDecodeError:
        batch.problems.append(Problem(Location(file), "file", "is not UTF-8 text"))
        return []
    if not text.strip():
        batch.problems.append(Problem(Location(file), "file", "is empty"))
        return []
    if path.suffix.lower() == ".ndjson":
        return _ndjson_entries(file, text, batch)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        if error.msg == "Extra data" and _looks_like_ndjson(text):
            return _ndjson_entries(file, text, batch)
        batch.problems.append(Problem(Location(file), "JSON", _json_error(error, text)))
        return []
    except (ValueError, RecursionError) as error:  # absurd nesting or number length
        batch.problems.append(Problem(Location(file), "JSON", f"cannot be read: {error}"))
        return []
    return _document_entries(file, document, batch)


def _json_error(error: json.JSONDecodeError, text: str) -> str:
    message = f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}"
    # An unterminated string runs to the end of the file: JSON strings cannot hold a raw newline.
    if error.pos >= len(text.rstrip()) - 1 or error.msg.startswith("Unterminated string"):
        message += " (the file ends early: truncated?)"
    return message


def _looks_like_ndjson(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return isinstance(json.loads(first), dict)
    except (ValueError, RecursionError):
        return False


def _document_entries(file: str, document: Any, batch: ImportBatch) -> list[Entry]:
    if not isinstance(document, dict) or not isinstance(document.get("resourceType"), str):
        batch.problems.append(Problem(Location(file), "resourceType", "the file is neither a Bundle nor a resource"))
        return []
    if document["resourceType"] != "Bundle":
        return [Entry(0, document)]
    bundle_type = document.get("type")
    if bundle_type is not None and bundle_type not in BUNDLE_TYPES:
        batch.problems.append(
            Problem(
                Location(file, resource_id=document.get("id")),
                "Bundle.type",
                f"{bundle_type!r} bundles are not imported (only {', '.join(BUNDLE_TYPES)})",
            )
        )
        return []
    raw_entries = document.get("entry") or []
    if not isinstance(raw_entries, list):
        batch.problems.append(Problem(Location(file), "Bundle.entry", "is not a list"))
        return []
    entries = []
    for position, raw in enumerate(raw_entries):
        resource = raw.get("resource") if isinstance(raw, dict) else None
        if isinstance(raw, dict) and resource is None:
            batch.skipped["Bundle entry without a resource"] += 1
            continue
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            batch.problems.append(Problem(Location(file, entry=position), "resource", "is not a FHIR resource"))
            continue
        full_url = raw.get("fullUrl")
        entries.append(Entry(position, resource, full_url if isinstance(full_url, str) else None))
    return entries


def _ndjson_entries(file: str, text: str, batch: ImportBatch) -> list[Entry]:
    """One resource per line; blank lines are fine, a bad line is a Problem naming it."""
    entries = []
    for position, line in enumerate(text.splitlines()):
        if not line.strip():
            continue
        try:
            resource = json.loads(line)
        except json.JSONDecodeError as error:
            batch.problems.append(
                Problem(
                    Location(file, entry=position),
                    "JSON",
                    f"line {position + 1}: malformed JSON at column {error.colno}: {error.msg}",
                )
            )
            continue
        except (ValueError, RecursionError) as error:
            batch.problems.append(Problem(Location(file, entry=position), "JSON", f"line {position + 1}: {error}"))
            continue
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            batch.problems.append(
                Problem(Location(file, entry=position), "resource", f"line {position + 1} is not a FHIR resource")
            )
            continue
        entries.append(Entry(position, resource))
    return entries
