"""Fuzzed FHIR imports: broken bundles and NDJSON are refused cleanly, with locations, changing nothing.

Each case starts from a small valid clinic bundle (patients, PHQ-9 totals, a PHQ-9 panel
with components, a lone item 9, a GAD-7, a QuestionnaireResponse, an encounter, resources
we skip) that is already in the database, applies harmless changes (entry order, NDJSON
instead of a Bundle, other Bundle types, unknown resources and codes, extra elements,
identical duplicates, a BOM) and at least one breaking change (truncated or deeply nested
JSON, NUL bytes and odd encodings, wrong JSON types in the elements we map, dangling and
cyclic references, conflicting duplicates, huge numbers and strings), and runs the real
import service on a real database. The run must end in a report — never an exception —
that refuses the import, names the file (and the entry, where one is to blame) of every
breaking change, and leaves every table exactly as it was.

A few changes ("wild" ones: a wrong JSON type at any path, a cyclic panel) may or may not
make a run invalid; for those the test asks only for a clean outcome: refused with located
problems and nothing changed, or committed whole.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from services.imports import ImportReport, import_paths
from tests.integration.dumps import describe_difference, logical_dump

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
THERAPIST = "thera"
EXAMPLES = {"sqlite": 150, "postgresql": 40}
EXAMPLES_OVERRIDE = int(os.environ.get("KAP_FUZZ_EXAMPLES", "0"))
REPO = Path(__file__).resolve().parents[2]

LOINC = "http://loinc.org"
MR = {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]}}
PHQ9_ITEMS = ("44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8")
ANSWERS = ("LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9")  # 0-3


def _code(code: str) -> dict[str, Any]:
    return {"coding": [{"system": LOINC, "code": code}]}


def _patient(resource_id: str, clinic_id: str, born: str) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": resource_id,
        "identifier": [{"system": "urn:fuzz", "value": "other-" + clinic_id}, {**MR, "value": clinic_id}],
        "name": [{"use": "official", "family": "Fuzz", "given": ["Ada", "Q"]}],
        "birthDate": born,
    }


def _total(resource_id: str, code: str, subject: str, when: str, value: int) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": resource_id,
        "status": "final",
        "code": _code(code),
        "subject": {"reference": subject},
        "effectiveDateTime": when,
        "valueQuantity": {"value": value, "unit": "{score}"},
    }


def base_resources() -> list[dict[str, Any]]:
    """A valid small clinic: every mapped resource kind once or twice, and some we skip."""
    panel = _total("panel-1", "44249-1", "urn:uuid:patient-2", "2026-10-02T09:00:00Z", 0)
    del panel["valueQuantity"]
    panel["component"] = [
        {"code": _code(code), "valueCodeableConcept": {"coding": [{"system": LOINC, "code": ANSWERS[n % 3]}]}}
        for n, code in enumerate(PHQ9_ITEMS)
    ]
    item9 = _total("item9-1", "44260-8", "Patient/p1", "2026-10-05T10:00:00+02:00", 0)
    del item9["valueQuantity"]
    item9["valueCodeableConcept"] = {"coding": [{"code": "LA6569-3"}]}
    response = {
        "resourceType": "QuestionnaireResponse",
        "id": "qr-1",
        "status": "completed",
        "questionnaire": "http://loinc.org/q/44249-1",
        "subject": {"reference": "Patient/p1"},
        "authored": "2026-10-09T08:15:00-05:00",
        "item": [
            {"linkId": code, "answer": [{"valueCoding": {"system": LOINC, "code": ANSWERS[(n + 1) % 4]}}]}
            for n, code in enumerate(PHQ9_ITEMS)
        ],
    }
    encounter = {
        "resourceType": "Encounter",
        "id": "enc-1",
        "status": "finished",
        "subject": {"reference": "Patient/p1"},
        "period": {"start": "2026-10-01T15:00:00Z", "end": "2026-10-01T16:00:00Z"},
    }
    clinic = [
        _patient("p1", "FZ-1", "1980-02-29"),
        _patient("patient-2", "FZ-2", "1991-12-31"),
        _total("phq9-1", "44261-6", "Patient/p1", "2026-10-01T09:00:00Z", 14),
        panel,
        item9,
        _total("gad7-1", "70274-6", "urn:uuid:patient-2", "2026-10-03", 9),
        response,
        encounter,
        {"resourceType": "Claim", "id": "claim-1", "status": "active"},
        {"resourceType": "Observation", "id": "bmi", "status": "final", "code": _code("39156-5")},
    ]
    return copy.deepcopy(clinic)  # nothing shared with MR or between cases: changes mutate in place


@dataclass
class FhirCase:
    """One FHIR file of a run, and where each breaking change must be reported."""

    resources: list[dict[str, Any]]
    ndjson: bool = False
    bundle_type: str = "collection"
    text_edits: list[str] = field(default_factory=list)  # byte-level changes, applied in order
    expected: list[tuple[str, dict[str, Any] | None]] = field(default_factory=list)  # (change, resource or file)
    changes: list[str] = field(default_factory=list)
    wild: bool = False  # a change that may or may not break the run
    bom: bool = False
    deep: int = 0
    truncate_at: int | None = None  # per mille of the text
    encoding: str = "utf-8"
    nul_at: int | None = None
    root: Any = None  # a whole document that replaces the bundle
    raw_entries: dict[int, Any] = field(default_factory=dict)  # position -> a broken entry

    @property
    def file_name(self) -> str:
        return "clinic.ndjson" if self.ndjson else "clinic.json"

    def expect(self, change: str, resource: dict[str, Any] | None) -> None:
        self.expected.append((change, resource))
        self.changes.append(change)

    def entries(self) -> list[Any]:
        entries: list[Any] = [
            {"fullUrl": f"urn:uuid:{r.get('id')}", "resource": r} if isinstance(r.get("id"), str) else {"resource": r}
            for r in self.resources
        ]
        for position, raw in sorted(self.raw_entries.items()):
            entries.insert(min(position, len(entries)), raw)
        return entries

    def position_of(self, resource: dict[str, Any]) -> int:
        for position, entry in enumerate(self.entries()):
            if isinstance(entry, dict) and entry.get("resource") is resource:
                return position
        raise AssertionError("resource not in the file")

    def render(self) -> bytes:
        if self.root is not None:
            text = json.dumps(self.root, ensure_ascii=False)
        elif self.ndjson:
            lines = [e.get("resource") if isinstance(e, dict) else e for e in self.entries()]
            text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
        else:
            bundle = {"resourceType": "Bundle", "type": self.bundle_type, "entry": self.entries()}
            text = json.dumps(bundle, ensure_ascii=False, indent=1 if len(self.resources) % 2 else None)
        if self.deep:
            # Built as text: json.dumps itself cannot write what is too deep to read.
            text = text.replace('"__DEEP__"', "[" * self.deep + "]" * self.deep)
        if self.truncate_at is not None:
            text = text.rstrip()[: max(1, len(text.rstrip()) * self.truncate_at // 1000)].rstrip()
            if text.endswith("}") and len(text) > 1:  # an NDJSON cut right after a line is no cut at all
                text = text[:-1]
        data = text.encode(self.encoding, errors="replace")
        if self.bom:
            data = b"\xef\xbb\xbf" + data
        if self.nul_at is not None:
            cut = len(data) * self.nul_at // 1000
            data = data[:cut] + b"\x00" + data[cut:]
        return data


MAPPED_IDS = {"p1", "patient-2", "phq9-1", "panel-1", "item9-1", "gad7-1", "qr-1", "enc-1"}


def _mapped(case: FhirCase, data: st.DataObject, *types: str) -> dict[str, Any] | None:
    """A resource of the base clinic of one of these types (one the reader maps, not one it skips)."""
    mapped = [
        r
        for r in case.resources
        if r.get("resourceType") in types and isinstance(r.get("id"), str) and r["id"] in MAPPED_IDS
    ]
    return data.draw(st.sampled_from(mapped)) if mapped else None


# -- harmless changes -------------------------------------------------------------------------------


def shuffle_entries(case: FhirCase, data: st.DataObject) -> None:
    case.resources = data.draw(st.permutations(case.resources))


def as_ndjson(case: FhirCase, data: st.DataObject) -> None:
    case.ndjson = True


def other_bundle_type(case: FhirCase, data: st.DataObject) -> None:
    case.bundle_type = data.draw(st.sampled_from(["transaction", "batch", "searchset", "collection"]))


def unknown_resources(case: FhirCase, data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(["Claim", "Condition", "Zzz", "Observation"]))
    extra: dict[str, Any] = {"resourceType": kind, "id": f"extra-{len(case.resources)}"}
    if kind == "Observation":  # a code we do not read: skipped and counted
        extra.update(status="final", code=_code("8867-4"), subject={"reference": "Patient/p1"}, valueInteger=70)
    case.resources.insert(data.draw(st.integers(0, len(case.resources))), extra)


def extra_elements(case: FhirCase, data: st.DataObject) -> None:
    resource = data.draw(st.sampled_from(case.resources))
    resource["_fuzz" + str(data.draw(st.integers(0, 99)))] = data.draw(
        st.recursive(st.none() | st.integers() | st.text(max_size=5), lambda c: st.lists(c, max_size=3), max_leaves=5)
    )


def identical_duplicate(case: FhirCase, data: st.DataObject) -> None:
    resource = _mapped(case, data, "Patient", "Observation", "Encounter")
    if resource is not None:
        case.resources.append(copy.deepcopy(resource))


def utf8_bom(case: FhirCase, data: st.DataObject) -> None:
    case.bom = True


HARMLESS = [shuffle_entries, as_ndjson, other_bundle_type, unknown_resources, extra_elements, identical_duplicate]
HARMLESS.append(utf8_bom)


# -- breaking changes -----------------------------------------------------------------------------

WRONG_SCALARS = st.sampled_from([5, -1, 1.5, True, None, [], {}, [5], {"value": 1}, "", "?", "\u202e"])


def _wrong(element_values: list[Any]) -> st.SearchStrategy[Any]:
    return st.sampled_from(element_values) | WRONG_SCALARS.filter(lambda v: v not in element_values)


def wrong_birth_date(case: FhirCase, data: st.DataObject) -> bool:
    resource = _mapped(case, data, "Patient")
    if resource is None:
        return False
    values = ["2999-01-01", "1980", "1980-02", "1899-12-31", "1980-02-30", "31.12.1980", 19800101, None, []]
    resource["birthDate"] = data.draw(st.sampled_from(values))
    case.expect("birthDate wrong", resource)
    return True


def wrong_name(case: FhirCase, data: st.DataObject) -> bool:
    resource = _mapped(case, data, "Patient")
    if resource is None:
        return False
    resource["name"] = data.draw(st.sampled_from([[], [{}], [{"use": "official"}], [{"given": [], "family": ""}]]))
    case.expect("name wrong", resource)
    return True


def wrong_subject(case: FhirCase, data: st.DataObject) -> bool:
    resource = _mapped(case, data, "Observation", "QuestionnaireResponse", "Encounter")
    if resource is None:
        return False
    choice = data.draw(
        st.sampled_from(
            [
                None,
                "Patient/p1",
                5,
                [],
                {},
                {"reference": 5},
                {"reference": ""},
                {"reference": "urn:uuid:nowhere"},
                {"reference": "Patient/"},
                {"reference": "Group/g1"},
                {"reference": "Observation/phq9-1"},  # points at an Observation, not a Patient
                {"reference": "Claim/claim-1"},
            ]
        )
    )
    if choice is None:
        resource.pop("subject", None)
    else:
        resource["subject"] = choice
    case.expect("subject wrong", resource)
    return True


def dangling_patient(case: FhirCase, data: st.DataObject) -> bool:
    resource = _mapped(case, data, "Observation", "QuestionnaireResponse", "Encounter")
    if resource is None:
        return False
    ghost = "ghost-" + str(data.draw(st.integers(0, 10**6)))
    resource["subject"] = {"reference": data.draw(st.sampled_from([f"Patient/{ghost}", f"urn:uuid:{ghost}"]))}
    case.expect("dangling subject", resource)
    return True


def wrong_time(case: FhirCase, data: st.DataObject) -> bool:
    resource = _mapped(case, data, "Observation", "QuestionnaireResponse", "Encounter")
    if resource is None:
        return False
    values = ["yesterday", "2026", "2026-10", "2026-13-01", "2026-10-01T25:00:00Z", "2099-01-01", 5, None, [], {}]
    value = data.draw(st.sampled_from(values))
    if resource["resourceType"] == "Observation":
        resource["effectiveDateTime"] = value
    elif resource["resourceType"] == "QuestionnaireResponse":
        resource["authored"] = value
    else:
        if value == "2099-01-01":  # a future encounter is a scheduled session, which is fine
            value = "2026-02-30"
        resource["period"] = {"start": value} if data.draw(st.booleans()) else value
    case.expect("time wrong", resource)
    return True


def wrong_value(case: FhirCase, data: st.DataObject) -> bool:
    totals = [r for r in case.resources if r.get("id") in ("phq9-1", "gad7-1") and "valueQuantity" in r]
    if not totals:
        return False
    resource = data.draw(st.sampled_from(totals))
    choices: list[Any] = [
        {"value": "12"},
        {"value": -1},
        {"value": 99},
        {"value": 12.5},
        {"value": True},
        {"value": None},
        {},
        "12",
        [12],
        {"value": 1e308},
        {"value": 40_000},  # wider than a SMALLINT column
        {"value": 10**12},
    ]
    resource["valueQuantity"] = data.draw(st.sampled_from(choices))
    case.expect("value wrong", resource)
    return True


def wrong_answer(case: FhirCase, data: st.DataObject) -> bool:
    holders: list[dict[str, Any]] = []
    for resource in case.resources:
        if resource.get("id") == "panel-1" and isinstance(resource.get("component"), list):
            holders += [(resource, c) for c in resource["component"] if isinstance(c, dict)]  # type: ignore[misc]
        if resource.get("id") == "qr-1" and isinstance(resource.get("item"), list):
            holders += [(resource, a) for i in resource["item"] if isinstance(i, dict) for a in i.get("answer") or []]  # type: ignore[misc]
    if not holders:
        return False
    resource, holder = data.draw(st.sampled_from(holders))  # type: ignore[misc]
    wrong = data.draw(
        st.sampled_from(
            [
                {"valueCodeableConcept": {"coding": [{"system": LOINC, "code": "LA9999-9"}]}},
                {"valueCoding": {"code": "LA33-6"}},
                {"valueInteger": 4},
                {"valueInteger": -1},
                {"valueString": "sometimes"},
                {"valueCodeableConcept": {"coding": []}},
                {"valueCoding": 5},
            ]
        )
    )
    for key in [k for k in holder if k.startswith("value")]:
        del holder[key]
    holder.update(wrong)
    case.expect("answer wrong", resource)
    return True


def _already_broken(case: FhirCase, resource: dict[str, Any]) -> bool:
    """One breaking change per resource: a second one on top would blur which problem is whose."""
    return any(broken is resource for _, broken in case.expected)


def _has_whole_value(resource: dict[str, Any]) -> bool:
    if resource["resourceType"] != "Observation":
        return True
    quantity = resource.get("valueQuantity")
    return isinstance(quantity, dict) and type(quantity.get("value")) is int


def conflicting_duplicate(case: FhirCase, data: st.DataObject) -> bool:
    resource = _mapped(case, data, "Patient", "Observation")
    if resource is None or _already_broken(case, resource) or not _has_whole_value(resource):
        return False
    twin = copy.deepcopy(resource)
    twin["id"] = resource["id"] + "-twin"
    if twin["resourceType"] == "Patient":
        twin["birthDate"] = "1970-01-01"
    else:
        twin["valueQuantity"] = {"value": (resource["valueQuantity"]["value"] + 1) % 20}
    case.resources.append(twin)
    # The later of the two is the one reported; the twin is last unless entries are shuffled after.
    case.expect("conflicting duplicate", twin)
    return True


def conflict_with_database(case: FhirCase, data: st.DataObject) -> bool:
    resource = _mapped(case, data, "Patient", "Observation")
    if resource is None or _already_broken(case, resource) or not _has_whole_value(resource):
        return False
    if resource["resourceType"] == "Patient":
        resource["birthDate"] = "1975-05-05"
    else:
        resource["valueQuantity"] = {"value": (resource["valueQuantity"]["value"] + 3) % 20}
    case.expect("differs from the database", resource)
    return True


def self_reference(case: FhirCase, data: st.DataObject) -> bool:
    resource = _mapped(case, data, "Observation")
    if resource is None:
        return False
    resource["subject"] = {"reference": f"Observation/{resource['id']}"}  # itself: a cycle, not a Patient
    case.expect("subject is itself", resource)
    return True


def huge_identifier(case: FhirCase, data: st.DataObject) -> bool:
    resource = _mapped(case, data, "Patient")
    if resource is None:
        return False
    resource["identifier"][1]["value"] = "P" * data.draw(st.sampled_from([65, 1000, 200_000]))
    case.expect("huge patient id", resource)
    return True


def huge_name(case: FhirCase, data: st.DataObject) -> bool:
    resource = _mapped(case, data, "Patient")
    if resource is None:
        return False
    part = data.draw(st.sampled_from(["family", "given"]))
    long_name = "N" * data.draw(st.sampled_from([201, 5_000, 1_000_000]))
    resource["name"][0][part] = long_name if part == "family" else [long_name]
    case.expect("huge name", resource)
    return True


def truncated(case: FhirCase, data: st.DataObject) -> bool:
    case.truncate_at = data.draw(st.integers(0, 995))
    case.expect("truncated", None)
    return True


def deeply_nested(case: FhirCase, data: st.DataObject) -> bool:
    resource = data.draw(st.sampled_from(case.resources))
    resource["extension"] = "__DEEP__"
    case.deep = data.draw(st.sampled_from([100_000, 1_000_000]))
    case.expect("deeply nested", None)
    return True


def huge_number_literal(case: FhirCase, data: st.DataObject) -> bool:
    # More digits than Python turns into an int by default (4300): the JSON cannot be read.
    resource = data.draw(st.sampled_from(case.resources))
    resource["valueInteger"] = "__HUGE__"
    case.expect("huge number", None)
    return True


def wrong_encoding(case: FhirCase, data: st.DataObject) -> bool:
    case.encoding = data.draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252"]))
    if case.encoding in ("latin-1", "cp1252"):
        patient = _mapped(case, data, "Patient")
        if patient is None:
            return False
        patient["name"][0]["family"] = data.draw(st.sampled_from(["Müller", "Peña", "Ørsted"]))
    case.expect(f"encoded as {case.encoding}", None)
    return True


def nul_byte(case: FhirCase, data: st.DataObject) -> bool:
    case.nul_at = data.draw(st.integers(0, 1000))
    case.expect("NUL byte", None)
    return True


def wrong_root(case: FhirCase, data: st.DataObject) -> bool:
    case.ndjson = False  # a Bundle as a line of NDJSON is a resource we skip, which is fine
    case.root = data.draw(
        st.sampled_from(
            [
                [],
                "Bundle",
                5,  # (a JSON null root is not drawn: None here means "no root override")
                {},
                {"resourceType": 5},
                {"resourceType": "Bundle", "type": "document", "entry": []},
                {"resourceType": "Bundle", "type": "collection", "entry": "x"},
                {"resourceType": "Bundle", "type": "message", "entry": [{"resource": {"resourceType": "Patient"}}]},
            ]
        )
    )
    case.expect("wrong root", None)
    return True


def broken_entry(case: FhirCase, data: st.DataObject) -> bool:
    if case.ndjson or case.root is not None:
        return False
    raw = data.draw(st.sampled_from([5, "x", [], {"resource": 5}, {"resource": {"id": "no-type"}}, {"resource": []}]))
    position = data.draw(st.integers(0, len(case.resources)))
    case.raw_entries[position] = raw
    case.expect(f"broken entry at {position}", None)
    return True


BREAKERS = [
    wrong_birth_date,
    wrong_name,
    wrong_subject,
    dangling_patient,
    wrong_time,
    wrong_value,
    wrong_answer,
    conflicting_duplicate,
    conflict_with_database,
    self_reference,
    huge_identifier,
    huge_name,
    truncated,
    deeply_nested,
    huge_number_literal,
    wrong_encoding,
    nul_byte,
    wrong_root,
    broken_entry,
]
FILE_LEVEL = {truncated, deeply_nested, huge_number_literal, wrong_encoding, nul_byte, wrong_root}


# -- wild changes: must end cleanly, whether or not they break the run -----------------------------


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def wrong_type_anywhere(case: FhirCase, data: st.DataObject) -> None:
    resource = data.draw(st.sampled_from(case.resources))
    paths = [p for p in _paths(resource) if p[0] != "resourceType"]
    if not paths:
        return
    path = data.draw(st.sampled_from(paths))
    holder: Any = resource
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = data.draw(WRONG_SCALARS)
    case.wild = True
    case.changes.append("wrong type at " + ".".join(map(str, path)))


def cyclic_panel(case: FhirCase, data: st.DataObject) -> None:
    first = _total("cycle-a", "44249-1", "Patient/p1", "2026-10-20T09:00:00Z", 0)
    second = _total("cycle-b", "44249-1", "Patient/p1", "2026-10-21T09:00:00Z", 0)
    for panel in (first, second):
        del panel["valueQuantity"]
    first["hasMember"] = [{"reference": "Observation/cycle-b"}, {"reference": "Observation/cycle-a"}]
    second["hasMember"] = [{"reference": "Observation/cycle-a"}]
    case.resources += [first, second]
    case.wild = True
    case.changes.append("cyclic panels")


def dangling_member(case: FhirCase, data: st.DataObject) -> None:
    panel = _total("dangling-panel", "44249-1", "Patient/p1", "2026-10-22T09:00:00Z", 0)
    del panel["valueQuantity"]
    panel["hasMember"] = [{"reference": data.draw(st.sampled_from(["Observation/nowhere", "urn:uuid:x", "#c", ""]))}]
    case.resources.append(panel)
    case.wild = True
    case.changes.append("dangling panel member")


WILD = [wrong_type_anywhere, cyclic_panel, dangling_member]


def draw_case(data: st.DataObject) -> FhirCase:
    case = FhirCase(base_resources())
    for change in data.draw(st.lists(st.sampled_from(HARMLESS), max_size=4)):
        change(case, data)
    if data.draw(st.integers(0, 3)) == 0:  # one case in four: a wild change (committed runs are slow)
        data.draw(st.sampled_from(WILD))(case, data)
    breakers = data.draw(st.lists(st.sampled_from(BREAKERS), max_size=2, min_size=0 if case.wild else 1))
    for breaker in breakers:
        breaker(case, data)
    if not case.expected and not case.wild:
        truncated(case, data)
    return case


def _huge_digits(text_bytes: bytes) -> bytes:
    return text_bytes.replace(b'"__HUGE__"', b"9" * 5000)


def assert_clean_outcome(report: ImportReport, case: FhirCase, path: Path, before: Any, after: Any) -> str:
    """Refused with located problems and nothing changed — or (for wild changes only) committed."""
    if report.committed:
        assert case.wild, f"accepted a broken file: {case.changes}"
        assert not report.problems
        return "committed"
    assert after == before, describe_difference(before, after)
    assert report.problems, f"neither committed nor refused: {case.changes}"
    for problem in report.problems:
        assert problem.location.file == str(path), problem
        assert problem.reason.strip() and "Traceback" not in problem.reason, problem
    file_level = any(b in case.changes for b in ("truncated", "deeply nested", "huge number", "NUL byte", "wrong root"))
    file_level = file_level or any(c.startswith(("encoded as", "broken entry")) for c in case.changes)
    for change, resource in case.expected:
        if resource is None or file_level or case.root is not None or case.wild:
            continue  # the file as a whole is to blame (its problem names the file, maybe a line)
        if resource not in case.resources:
            continue
        # An identical copy of the resource is one record: its problem may name either copy.
        entries = {case.position_of(r) for r in case.resources if r == resource}
        located = [p for p in report.problems if p.location.entry in entries]
        assert located, f"{change} at entries {sorted(entries)} not reported: {[str(p) for p in report.problems]}"
    return "refused"


def _write(case: FhirCase, folder: Path) -> Path:
    path = folder / case.file_name
    path.write_bytes(_huge_digits(case.render()))
    return path


def _seed(engine: Engine, folder: Path) -> None:
    clinicians = folder / "clinicians.csv"
    clinicians.write_text(f"username,display_name,role,supervisor\n{THERAPIST},Thea Rapist,therapist,\n")
    bundle = _write(FhirCase(base_resources()), folder)
    report = import_paths(engine, [clinicians, bundle], therapist=THERAPIST, actor="fuzz-seed", now=NOW)
    assert report.committed, [str(p) for p in report.problems]
    assert report.counts["patients"].new == 2 and report.counts["assessments"].new >= 5


def test_broken_fhir_files_are_refused_with_locations_and_change_nothing(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    """Any broken FHIR file ends in problems naming file and entry, never an exception, and changes nothing."""
    _seed(engine, tmp_path)
    tried: Counter[str] = Counter()

    @settings(
        max_examples=EXAMPLES_OVERRIDE or EXAMPLES[engine.dialect.name],
        # CI replays the same cases every run; KAP_FUZZ_EXAMPLES=N explores new ones locally.
        derandomize=not EXAMPLES_OVERRIDE,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(data=st.data())
    def broken_file_is_refused(data: st.DataObject) -> None:
        case = draw_case(data)
        with tempfile.TemporaryDirectory() as tmp:
            path = _write(case, Path(tmp))
            before = logical_dump(engine)
            report = import_paths(engine, [path], therapist=THERAPIST, actor="fuzz", now=NOW)
            after = logical_dump(engine)
            tried[assert_clean_outcome(report, case, path, before, after)] += 1
        tried["cases"] += 1
        tried.update(c.split(" at ")[0] for c in case.changes)

    broken_file_is_refused()
    print(f"\nFHIR fuzz on {engine.dialect.name}: {tried['cases']} cases tried; outcomes and changes: {dict(tried)}")
    assert tried["refused"] >= tried["cases"] // 2


def test_command_line_refuses_broken_fhir_without_a_traceback(sqlite_url: str, tmp_path: Path) -> None:
    """`manage.py import` on a truncated bundle and a bad NDJSON line exits 2 with located messages."""
    from db.engine import make_engine

    engine = make_engine(sqlite_url)
    _seed(engine, tmp_path)
    before = logical_dump(engine)
    bundle = tmp_path / "broken" / "truncated.json"
    bundle.parent.mkdir()
    bundle.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": []})[:-7])
    lines = [json.dumps(r) for r in base_resources()]
    lines[3] = lines[3][: len(lines[3]) // 2]
    (bundle.parent / "lines.ndjson").write_text("\n".join(lines))
    result = subprocess.run(
        [sys.executable, "manage.py", "--db", sqlite_url, "import", str(bundle.parent), "--therapist", THERAPIST],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{bundle}: JSON: malformed JSON" in result.stderr
    assert f"{bundle.parent / 'lines.ndjson'}: entry 3: JSON:" in result.stderr
    assert logical_dump(engine) == before
    engine.dispose()
