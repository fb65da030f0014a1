"""Observation → a piece of an assessment (SPEC §2.2), or the reason it is skipped.

Read: LOINC totals (44261-6 PHQ-9, 55758-7 PHQ-2, 70274-6 GAD-7), panels (44249-1,
55757-9, 69737-5, 93373-9) with `component`s or `hasMember`s, single item Observations
(44260-8 above all: an SI answer is never dropped), and our own `urn:kap-caseload:instrument`
codes (see fhir_codes). A panel's value, where given, is its total (the MII example).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from clinical.instruments import instrument_named
from db.importers.fhir_assessments import Fragment
from db.importers.fhir_codes import (
    KAP_INSTRUMENT_SYSTEM,
    KAP_ITEM_CODE,
    LOINC_SYSTEMS,
    PANELS,
    STANDALONE_ITEMS,
    TOTALS,
    item_number,
)
from db.importers.fhir_index import Entry, FileIndex
from db.importers.fhir_values import MappingError, codings, parse_time, quantity_or_integer, score_answer
from db.records import Location

NOT_READ_STATUSES = ("entered-in-error", "cancelled")
VALUE_KEYS = ("valueQuantity", "valueInteger", "valueCodeableConcept", "valueBoolean", "valueString")


def _loinc_codes(concept: Any) -> list[str]:
    return [str(c.get("code")) for c in codings(concept) if c.get("system") in LOINC_SYSTEMS and c.get("code")]


def meaning_of(concept: Any) -> tuple[str, str, int | None] | None:
    """(kind, instrument, item number) of an Observation code; kind is total/panel/item/own."""
    for coding in codings(concept):
        if coding.get("system") == KAP_INSTRUMENT_SYSTEM:
            instrument = instrument_named(str(coding.get("code", "")))
            if instrument is None:
                raise MappingError("code", f"{coding.get('code')!r} is not an instrument of {KAP_INSTRUMENT_SYSTEM}")
            return ("own", instrument.name, None)
    for code in _loinc_codes(concept):
        if code in TOTALS:
            return ("total", TOTALS[code], None)
        if code in PANELS:
            return ("panel", PANELS[code], None)
        if code in STANDALONE_ITEMS:
            owner, number = STANDALONE_ITEMS[code]
            return ("item", owner, number)
    return None


def code_label(concept: Any) -> str:
    """The code a skip reason names: the first coding's code."""
    first = next((c for c in codings(concept) if c.get("code")), None)
    return str(first["code"]) if first else "without a code"


def observation_time(resource: dict[str, Any], tz: ZoneInfo) -> Any:
    """effectiveDateTime, else effectivePeriod.start, else issued (SPEC §2.2)."""
    for element in ("effectiveDateTime", "effectiveInstant"):
        if element in resource:
            return parse_time(resource[element], element, tz)
    period = resource.get("effectivePeriod")
    if isinstance(period, dict) and period.get("start"):
        return parse_time(period["start"], "effectivePeriod.start", tz)
    if "issued" in resource:
        return parse_time(resource["issued"], "issued", tz)
    raise MappingError("effectiveDateTime", "missing (and no effectivePeriod.start or issued)")


def mark_panel_members(entries: list[Entry], index: FileIndex) -> None:
    """Members of a panel are read through it (at its time), not again on their own."""
    for entry in entries:
        resource = entry.resource
        if entry.resource_type != "Observation" or not isinstance(resource.get("hasMember"), list):
            continue
        try:
            meaning = meaning_of(resource.get("code"))
        except MappingError:
            continue
        if meaning is None or meaning[0] not in ("panel", "own"):
            continue
        for member in resource["hasMember"]:
            reference = member.get("reference") if isinstance(member, dict) else None
            found = index.resolve(reference) if isinstance(reference, str) else None
            if found is not None and found.resource_type == "Observation":
                index.consumed_members.add(found.index)


def read_observation(entry: Entry, index: FileIndex, tz: ZoneInfo, source: Location) -> Fragment | str:
    """The piece of an assessment this Observation holds, or why it is skipped."""
    resource = entry.resource
    status = resource.get("status")
    if status in NOT_READ_STATUSES:
        return f"Observation: status {status}"
    meaning = meaning_of(resource.get("code"))
    if meaning is None:
        return f"Observation {code_label(resource.get('code'))}: code not imported"
    kind, instrument, number = meaning
    fragment = Fragment(
        patient_id=index.patient_id(resource.get("subject")),
        administered_at=observation_time(resource, tz),
        instrument=instrument,
        source=source,
    )
    if kind == "item":
        if not any(key in resource for key in VALUE_KEYS):
            return f"Observation {code_label(resource.get('code'))}: no value"
        assert number is not None
        fragment.items[number] = score_answer(resource, instrument, "value", {})
        fragment.standalone_items = True
        return fragment
    fragment.total = quantity_or_integer(resource, "value")
    if kind != "total":
        _read_components(resource, fragment, own_codes=kind == "own")
        _read_members(resource, fragment, index)
    if fragment.total is None and not fragment.items:
        return f"Observation {code_label(resource.get('code'))}: no value"
    return fragment


def _part_role(concept: Any, instrument: str, *, own_codes: bool, element: str) -> tuple[str, int | None] | None:
    """("item", n) or ("total", None) for a component/member code; None: not ours to read."""
    for coding in codings(concept):
        code = str(coding.get("code", ""))
        if coding.get("system") == KAP_INSTRUMENT_SYSTEM:
            match = KAP_ITEM_CODE.match(code)
            if match is None:
                raise MappingError(element, f"{code!r} is not an item_N code of {KAP_INSTRUMENT_SYSTEM}")
            return ("item", int(match.group(1)))
        if coding.get("system") not in LOINC_SYSTEMS:
            continue
        number = item_number(instrument, code)
        if number is not None:
            return ("item", number)
        if TOTALS.get(code) == instrument:
            return ("total", None)
    if own_codes and codings(concept):
        raise MappingError(element, f"no item_N code of {KAP_INSTRUMENT_SYSTEM}")
    return None


def _put(fragment: Fragment, role: tuple[str, int | None], holder: dict[str, Any], element: str) -> None:
    kind, number = role
    if kind == "total":
        total = quantity_or_integer(holder, element)
        if total is not None and fragment.total is not None and total != fragment.total:
            raise MappingError(element, f"total {total} disagrees with the panel's value {fragment.total}")
        fragment.total = total if total is not None else fragment.total
        return
    assert number is not None
    if not any(key in holder for key in VALUE_KEYS):
        return  # an unanswered item (dataAbsentReason): no data, never 0
    fragment.items[number] = score_answer(holder, fragment.instrument, element, {})


def _read_components(resource: dict[str, Any], fragment: Fragment, *, own_codes: bool) -> None:
    for position, component in enumerate(resource.get("component") or []):
        element = f"component[{position}]"
        if not isinstance(component, dict):
            raise MappingError(element, "is not an object")
        role = _part_role(component.get("code"), fragment.instrument, own_codes=own_codes, element=element)
        if role is not None:
            _put(fragment, role, component, element)


def _read_members(resource: dict[str, Any], fragment: Fragment, index: FileIndex) -> None:
    for position, member in enumerate(resource.get("hasMember") or []):
        element = f"hasMember[{position}]"
        reference = member.get("reference") if isinstance(member, dict) else None
        found = index.resolve(reference) if isinstance(reference, str) else None
        if found is None:
            if isinstance(reference, str) and reference.startswith("urn:"):
                raise MappingError(element, f"{reference} names no resource in this file")
            continue  # a member kept elsewhere is read where it is
        if found.resource_type != "Observation" or found.resource.get("status") in NOT_READ_STATUSES:
            continue
        role = _part_role(found.resource.get("code"), fragment.instrument, own_codes=False, element=element)
        if role is not None:
            _put(fragment, role, found.resource, f"{element} ({reference})")
