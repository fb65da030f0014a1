"""Exported records as one FHIR R4 Bundle (type `collection`): the lossless round trip (SPEC §7).

Assessments are Observations coded with LOINC where LOINC has the instrument — a panel
(PHQ-9 44249-1, PHQ-2 55757-9, GAD-7 69737-5) whose value is the stated total and whose
components are the answered items, or, with no item answered, the total code alone (44261-6,
55758-7, 70274-6) — and with `urn:kap-caseload:instrument` otherwise (MADRS, QIDS-SR16,
BDI-II, C-SSRS, CADSS: `fhir_codes` documents that form). Clinicians, patients' clinic
details, sessions and notes use our own vocabulary (`db.importers.fhir_kap`). The FHIR reader
maps every one of these back to exactly the record it came from.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from typing import Any

from db.exporting import ExportRecords
from db.importers import fhir_kap as kap
from db.importers.fhir_codes import BY_INSTRUMENT, KAP_INSTRUMENT_SYSTEM, LOINC
from db.models import DOSING_FIELDS
from db.records import AssessmentRecord, ClinicianRecord, NoteRecord, PatientRecord, SessionRecord

# Instruments LOINC codes item by item, so a panel carries them losslessly; C-SSRS is coded
# in LOINC too, but its screener panel has no total and "Q6 within 3 months" is a local
# reading of 93269-9, so our own code keeps it exact.
LOINC_INSTRUMENTS = ("PHQ-9", "PHQ-2", "GAD-7")
SURVEY_CATEGORY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}
AMBULATORY = {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB", "display": "ambulatory"}
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:kap-caseload:export")


def fhir_time(moment: dt.datetime) -> str:
    """An instant in UTC with `Z`; microseconds kept when there are some (the round trip is exact)."""
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _full_url(*key: object) -> str:
    """A stable `urn:uuid:` per record: the same record gets the same fullUrl in every export."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, '|'.join(str(part) for part in key))}"


def _entry(full_url: str, resource: dict[str, Any]) -> dict[str, Any]:
    resource = {"resourceType": resource.pop("resourceType"), "id": full_url.removeprefix("urn:uuid:"), **resource}
    return {"fullUrl": full_url, "resource": resource}


def _clinician_reference(username: str) -> dict[str, Any]:
    return {
        "reference": _full_url("Practitioner", username),
        "identifier": {"system": kap.USERNAME_SYSTEM, "value": username},
    }


def _patient_reference(patient_id: str) -> dict[str, str]:
    return {"reference": _full_url("Patient", patient_id)}


def bundle(records: ExportRecords, *, now: dt.datetime) -> dict[str, Any]:
    """The Bundle of every record in `records`: Practitioners, Patients, Encounters, Observations, notes."""
    entries = [_practitioner(c) for c in records.clinicians]
    entries += [_patient(p) for p in records.patients]
    entries += [_encounter(s, now) for s in records.sessions]
    entries += [_observation(a) for a in records.assessments]
    entries += [_note(n) for n in records.notes]
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": fhir_time(now)},
        "type": "collection",
        "timestamp": fhir_time(now),
        "entry": entries,
    }


def bundle_bytes(records: ExportRecords, *, now: dt.datetime) -> bytes:
    """The Bundle as UTF-8 JSON (names and notes kept as written, not \\u-escaped)."""
    return json.dumps(bundle(records, now=now), ensure_ascii=False, indent=1).encode("utf-8")


def _practitioner(clinician: ClinicianRecord) -> dict[str, Any]:
    extensions: list[dict[str, Any]] = [{"url": kap.ROLE_EXTENSION, "valueCode": clinician.role}]
    if clinician.supervisor:
        extensions.append({"url": kap.SUPERVISOR_EXTENSION, "valueString": clinician.supervisor})
    return _entry(
        _full_url("Practitioner", clinician.username),
        {
            "resourceType": "Practitioner",
            "extension": extensions,
            "identifier": [{"system": kap.USERNAME_SYSTEM, "value": clinician.username}],
            **({"name": [{"text": clinician.display_name}]} if clinician.display_name else {}),
        },
    )


def _patient(patient: PatientRecord) -> dict[str, Any]:
    extensions: list[dict[str, Any]] = [{"url": kap.STATUS_EXTENSION, "valueCode": patient.status}]
    if patient.enrolled_on is not None:
        extensions.append({"url": kap.ENROLLED_ON_EXTENSION, "valueDate": patient.enrolled_on.isoformat()})
    if patient.planned_doses is not None:
        extensions.append({"url": kap.PLANNED_DOSES_EXTENSION, "valueInteger": patient.planned_doses})
    name: dict[str, Any] = {"use": "official"}
    if patient.last_name:
        name["family"] = patient.last_name
    if patient.first_name:
        name["given"] = [patient.first_name]
    return _entry(
        _full_url("Patient", patient.patient_id),
        {
            "resourceType": "Patient",
            "extension": extensions,
            "identifier": [
                {
                    "use": "usual",
                    "type": {"coding": [{"system": kap.V2_IDENTIFIER_TYPES, "code": "MR"}]},
                    "system": kap.PATIENT_ID_SYSTEM,
                    "value": patient.patient_id,
                }
            ],
            "active": patient.status != "discharged",
            "name": [name],
            "birthDate": patient.birth_date.isoformat(),
            "generalPractitioner": [_clinician_reference(patient.therapist)],
        },
    )


def _encounter(session: SessionRecord, now: dt.datetime) -> dict[str, Any]:
    resource: dict[str, Any] = {"resourceType": "Encounter"}
    dosing = [
        {"url": name, kap.dosing_value_key(name): session.dosing[name]}
        for name in DOSING_FIELDS
        if session.dosing.get(name) is not None
    ]
    if dosing:
        resource["extension"] = [{"url": kap.DOSING_EXTENSION, "extension": dosing}]
    resource |= {
        "status": "finished" if session.started_at <= now else "planned",
        "class": AMBULATORY,
        "type": [{"coding": [{"system": kap.SESSION_KIND_SYSTEM, "code": session.kind}], "text": session.kind}],
        "subject": _patient_reference(session.patient_id),
        "participant": [{"individual": _clinician_reference(session.clinician)}],
        "period": {"start": fhir_time(session.started_at)},
    }
    return _entry(_full_url("Encounter", session.patient_id, fhir_time(session.started_at), session.kind), resource)


def _observation(assessment: AssessmentRecord) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [SURVEY_CATEGORY],
        "code": _instrument_code(assessment),
        "subject": _patient_reference(assessment.patient_id),
        "effectiveDateTime": fhir_time(assessment.administered_at),
    }
    if assessment.total is not None:
        resource["valueInteger"] = assessment.total
    if assessment.items:
        resource["component"] = [
            {"code": _item_code(assessment.instrument, number), "valueInteger": answer}
            for number, answer in sorted(assessment.items.items())
        ]
    key = ("Observation", assessment.patient_id, fhir_time(assessment.administered_at), assessment.instrument)
    return _entry(_full_url(*key), resource)


def _instrument_code(assessment: AssessmentRecord) -> dict[str, Any]:
    if assessment.instrument in LOINC_INSTRUMENTS:
        coded = BY_INSTRUMENT[assessment.instrument]
        code = coded.panel if assessment.items else coded.total
        return {"coding": [{"system": LOINC, "code": code}], "text": assessment.instrument}
    return {
        "coding": [{"system": KAP_INSTRUMENT_SYSTEM, "code": assessment.instrument}],
        "text": assessment.instrument,
    }


def _item_code(instrument: str, number: int) -> dict[str, Any]:
    if instrument in LOINC_INSTRUMENTS:
        return {"coding": [{"system": LOINC, "code": BY_INSTRUMENT[instrument].items[number - 1]}]}
    return {"coding": [{"system": KAP_INSTRUMENT_SYSTEM, "code": f"item_{number}"}]}


def _note(note: NoteRecord) -> dict[str, Any]:
    resource: dict[str, Any] = {"resourceType": "DocumentReference"}
    if note.session_at is not None:
        resource["extension"] = [{"url": kap.SESSION_AT_EXTENSION, "valueDateTime": fhir_time(note.session_at)}]
    resource |= {
        "status": "current",
        "type": {"coding": [{"system": kap.NOTE_KIND_SYSTEM, "code": note.kind}], "text": f"{note.kind} note"},
        "subject": _patient_reference(note.patient_id),
        "date": fhir_time(note.written_at),
        "author": [_clinician_reference(note.author)],
        "content": [
            {
                "attachment": {
                    "contentType": kap.NOTE_CONTENT_TYPE,
                    "data": base64.b64encode(note.text.encode("utf-8")).decode("ascii"),
                }
            }
        ],
    }
    key = ("DocumentReference", note.patient_id, fhir_time(note.written_at), note.kind, note.author)
    return _entry(_full_url(*key), resource)
