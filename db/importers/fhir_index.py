"""One FHIR file's resources, indexed so references can be resolved.

Only references the reader follows are resolved (an assessment's or session's patient, a
panel's members, a response's Questionnaire); everything else is never looked at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from db.importers.fhir_values import MappingError

MR_TYPE = "MR"  # HL7 v2 table 0203: medical record number


@dataclass
class Entry:
    """One resource of the file: its position (Bundle entry / NDJSON line) and content."""

    index: int
    resource: dict[str, Any]
    full_url: str | None = None

    @property
    def resource_type(self) -> str:
        return str(self.resource.get("resourceType", ""))

    @property
    def resource_id(self) -> str | None:
        value = self.resource.get("id")
        return str(value) if value is not None else None


def patient_id_of(patient: dict[str, Any]) -> str | None:
    """SPEC §2.2: the identifier typed `MR`, else the first identifier, else the resource id."""
    identifiers = [i for i in patient.get("identifier") or [] if isinstance(i, dict) and i.get("value")]
    for identifier in identifiers:
        type_ = identifier.get("type")
        codings = type_.get("coding") if isinstance(type_, dict) else None
        if any(isinstance(c, dict) and c.get("code") == MR_TYPE for c in codings or []):
            return str(identifier["value"])
    if identifiers:
        return str(identifiers[0]["value"])
    resource_id = patient.get("id")
    return str(resource_id) if resource_id else None


def _without_version(url: str) -> str:
    return url.split("|", 1)[0].split("/_history/", 1)[0]


@dataclass
class FileIndex:
    """Resources by fullUrl and `Type/id`; patients' clinic ids; questionnaires by url."""

    by_reference: dict[str, Entry] = field(default_factory=dict)
    questionnaires: dict[str, dict[str, Any]] = field(default_factory=dict)
    consumed_members: set[int] = field(default_factory=set)  # entries read through their panel

    def add(self, entry: Entry) -> None:
        resource_type, resource_id = entry.resource_type, entry.resource_id
        if entry.full_url:
            self.by_reference[_without_version(entry.full_url)] = entry
        if resource_type and resource_id:
            self.by_reference[f"{resource_type}/{resource_id}"] = entry
        if resource_type == "Questionnaire":
            url = entry.resource.get("url")
            if isinstance(url, str):
                self.questionnaires[_without_version(url)] = entry.resource
            if resource_id:
                self.questionnaires[f"Questionnaire/{resource_id}"] = entry.resource

    def resolve(self, reference: str) -> Entry | None:
        """The entry a reference names: by fullUrl, or by its trailing `Type/id`."""
        reference = _without_version(reference)
        found = self.by_reference.get(reference)
        if found is None and not reference.startswith(("urn:", "#")):
            parts = reference.rstrip("/").split("/")
            if len(parts) >= 2:
                found = self.by_reference.get(f"{parts[-2]}/{parts[-1]}")
        return found

    def questionnaire(self, canonical: Any) -> dict[str, Any] | None:
        if not isinstance(canonical, str):
            return None
        return self.questionnaires.get(_without_version(canonical)) or self.resolve_questionnaire_id(canonical)

    def resolve_questionnaire_id(self, canonical: str) -> dict[str, Any] | None:
        parts = _without_version(canonical).rstrip("/").split("/")
        return self.questionnaires.get(f"Questionnaire/{parts[-1]}") if parts else None

    def patient_id(self, subject: Any, element: str = "subject") -> str:
        """The clinic's patient_id for a subject reference.

        A Patient of this file gives its MR identifier; `Patient/x` naming no Patient of the
        file gives `x` (the writer reports it when the database lacks it too); a `urn:uuid:`
        naming nothing is an error here, since such ids only mean something inside the file.
        """
        if not isinstance(subject, dict):
            raise MappingError(element, "missing: the record names no patient")
        reference = subject.get("reference")
        if not isinstance(reference, str) or not reference:
            identifier = subject.get("identifier")
            if isinstance(identifier, dict) and identifier.get("value"):
                return str(identifier["value"])
            raise MappingError(element, "has neither a reference nor an identifier")
        entry = self.resolve(reference)
        if entry is not None:
            if entry.resource_type != "Patient":
                raise MappingError(element, f"{reference} is a {entry.resource_type}, not a Patient")
            found = patient_id_of(entry.resource)
            if found is None:
                raise MappingError(element, f"the Patient {reference} has no identifier and no id")
            return found
        if reference.startswith(("urn:", "#")):
            raise MappingError(element, f"{reference} names no resource in this file")
        parts = _without_version(reference).rstrip("/").split("/")
        if len(parts) < 2 or parts[-2] != "Patient" or not parts[-1]:
            raise MappingError(element, f"{reference} is not a Patient reference")
        return parts[-1]
