"""The FHIR R4 reader on real files (Synthea, MII, LHC-Forms) and hand-written ones (SPEC §2.2)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from db.importers.fhir_files import read_fhir_file
from db.records import AssessmentRecord, ImportBatch
from tests.conftest import SHARED_DATA

SYNTHEA = SHARED_DATA / "fhir" / "synthea"
QUESTIONNAIRES = SHARED_DATA / "fhir" / "questionnaires"
OWN_DATA = Path(__file__).resolve().parent.parent / "data" / "fhir"
UTC = ZoneInfo("UTC")
NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
MR = {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]}}


def read(path: Path, *, therapist: str | None = "thera", tz: ZoneInfo = UTC, now: dt.datetime = NOW) -> ImportBatch:
    return read_fhir_file(path, therapist=therapist, tz=tz, now=now)


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def of(batch: ImportBatch, instrument: str) -> list[AssessmentRecord]:
    return sorted((a for a in batch.assessments if a.instrument == instrument), key=lambda a: a.administered_at)


def write_bundle(folder: Path, *resources: dict[str, Any], name: str = "bundle.json") -> Path:
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}
    path = folder / name
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def patient(resource_id: str = "p1", clinic_id: str = "KAP-1") -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": resource_id,
        "identifier": [{**MR, "value": clinic_id}],
        "name": [{"family": "Test", "given": ["Tess"]}],
        "birthDate": "1980-01-01",
    }


def observation(code: str, when: str, resource_id: str = "o1", subject: str = "Patient/p1", **value: Any) -> dict:
    return {
        "resourceType": "Observation",
        "id": resource_id,
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        "subject": {"reference": subject},
        "effectiveDateTime": when,
        **value,
    }


# -- Synthea bundles ------------------------------------------------------------------------

SYNTHEA_EXPECTED = {
    # prefix: (MR id, first, last, born, PHQ-9 [(time, total)], PHQ-2 count, latest PHQ-2, GAD-7 count, latest GAD-7)
    "Candelaria844": (
        "4b66ed71-3922-62ba-b7fd-c2ca18c7cb60", "Candelaria844", "Crona259", dt.date(1950, 9, 2),
        [("2025-01-18T22:02:16-06:00", 20)], 8, ("2026-01-24T21:30:09-06:00", 0), 6, ("2026-01-24T20:24:55-06:00", 3),
    ),
    "Denisse335": (
        "6f074aec-6f4d-2d96-b35a-ccd71bd5867e", "Denisse335 Jule420", "Walsh511", dt.date(1973, 4, 13),
        [("2026-05-01T17:35:49-05:00", 4)], 6, ("2026-05-01T17:05:51-05:00", 5), 1, ("2024-04-19T16:39:43-05:00", 11),
    ),
    "Jackie93": (
        "676e7b68-5bbb-f0c1-c28d-b60545ef6799", "Jackie93", "Lueilwitz711", dt.date(2003, 9, 10),
        [("2025-11-12T12:22:15-06:00", 10)], 3, ("2025-11-12T11:57:07-06:00", 5), 6, ("2025-11-12T11:15:06-06:00", 3),
    ),
    "Paul232": (
        "3109a4d1-b5ec-f001-b896-bef09b249ebe", "Paul232", "Schiller186", dt.date(1952, 3, 18),
        [("2017-06-13T13:03:05-05:00", 25)], 8, ("2025-07-29T13:12:32-05:00", 2), 3, ("2025-07-29T12:33:07-05:00", 2),
    ),
}  # fmt: skip


def synthea_file(prefix: str) -> Path:
    return next(SYNTHEA.glob(f"{prefix}_*.json"))


@pytest.mark.parametrize("prefix", sorted(SYNTHEA_EXPECTED))
def test_synthea_bundle_yields_its_patient_and_survey_scores(prefix: str) -> None:
    """Each Synthea bundle gives its patient (MR id, name, birth date) and its PHQ-9/PHQ-2/GAD-7 totals in UTC."""
    mr, first, last, born, phq9, phq2_count, phq2_latest, gad7_count, gad7_latest = SYNTHEA_EXPECTED[prefix]
    batch = read(synthea_file(prefix))

    assert batch.problems == []
    [record] = batch.patients
    assert (record.patient_id, record.first_name, record.last_name, record.birth_date) == (mr, first, last, born)
    assert (record.therapist, record.status, record.enrolled_on) == ("thera", "active", None)
    assert [(a.administered_at, a.total) for a in of(batch, "PHQ-9")] == [(utc(t), total) for t, total in phq9]
    assert len(of(batch, "PHQ-2")) == phq2_count
    assert (of(batch, "PHQ-2")[-1].administered_at, of(batch, "PHQ-2")[-1].total) == (
        utc(phq2_latest[0]),
        phq2_latest[1],
    )
    assert len(of(batch, "GAD-7")) == gad7_count
    assert (of(batch, "GAD-7")[-1].administered_at, of(batch, "GAD-7")[-1].total) == (
        utc(gad7_latest[0]),
        gad7_latest[1],
    )
    assert all(a.items == {} and a.patient_id == mr for a in batch.assessments)  # Synthea writes totals only


def test_synthea_late_evening_score_lands_on_the_next_utc_day() -> None:
    """A PHQ-9 written 22:02 at -06:00 is stored at 04:02 UTC the next day."""
    [phq9] = of(read(synthea_file("Candelaria844")), "PHQ-9")
    assert phq9.administered_at == dt.datetime(2025, 1, 19, 4, 2, 16, tzinfo=dt.UTC)


def test_synthea_resources_not_imported_are_skipped_and_counted() -> None:
    """Claims, DiagnosticReports and unknown Observation codes (the teen PHQ-9 too) are counted, not errors."""
    candelaria = read(synthea_file("Candelaria844"))
    assert candelaria.skipped["Claim: resource type not imported"] == 91
    assert candelaria.skipped["DiagnosticReport: resource type not imported"] == 116
    assert candelaria.skipped["Observation 8302-2: code not imported"] == 10
    assert read(synthea_file("Jackie93")).skipped["Observation 89204-2: code not imported"] == 4


def test_synthea_encounters_become_follow_up_sessions_of_the_importing_therapist() -> None:
    """Every Encounter is a follow_up session at period.start, led by the therapist given."""
    batch = read(synthea_file("Candelaria844"))
    assert len(batch.sessions) == 51
    assert {(s.kind, s.clinician) for s in batch.sessions} == {("follow_up", "thera")}
    assert all(s.dosing == {} for s in batch.sessions)
    assert all(s.started_at.tzinfo is not None and s.started_at.utcoffset() == dt.timedelta(0) for s in batch.sessions)


# -- questionnaire examples from outside ----------------------------------------------------


def test_mii_example_wrapped_with_a_patient_imports_with_its_quirks(tmp_path: Path) -> None:
    """MII: mismatched linkIds, bare answer codes and a total under the panel code make one PHQ-9 of 3s, total 27."""
    resources = [
        patient("example", "KAP-MII-1"),
        *(
            json.loads((QUESTIONNAIRES / name).read_text(encoding="utf-8"))
            for name in (
                "mii-proms__Questionnaire-mii-qst-pro-phq-9.json",
                "mii-proms__QuestionnaireResponse-mii-exa-pro-phq-9-response.json",
                "mii-proms__Observation-mii-exa-pro-phq-9-observation.json",
            )
        ),
    ]
    batch = read(write_bundle(tmp_path, *resources))

    assert batch.problems == []
    [phq9] = batch.assessments
    assert phq9.patient_id == "KAP-MII-1"
    assert phq9.instrument == "PHQ-9"
    assert phq9.items == {n: 3 for n in range(1, 10)}
    assert phq9.items[9] == 3
    assert phq9.total == 27
    assert phq9.administered_at == dt.datetime(2023, 10, 1, 12, 0, tzinfo=dt.UTC)
    assert batch.skipped["Questionnaire: resource type not imported"] == 1


def _answer_lforms(questionnaire: dict[str, Any], scores: list[int]) -> dict[str, Any]:
    """A response to the LHC-Forms PHQ-9, choosing for each question the option worth the given score."""
    questions = [i for i in questionnaire["item"] if i.get("type") == "choice" and i["code"][0]["code"] != "69722-7"]
    items = []
    for question, score in zip(questions, scores, strict=True):
        option = question["answerOption"][score]["valueCoding"]
        items.append({"linkId": question["linkId"], "answer": [{"valueCoding": option}]})
    return {
        "resourceType": "QuestionnaireResponse",
        "id": "lforms-response",
        "status": "completed",
        "subject": {"reference": "Patient/p1"},
        "authored": "2026-01-20T10:15:00+01:00",
        "item": items,
    }


def test_lforms_questionnaire_answers_score_by_their_loinc_answer_codes(tmp_path: Path) -> None:
    """A response to the LHC-Forms PHQ-9 maps LA6568-5…LA6571-9 to 0–3 in the PHQ-9's item order."""
    questionnaire = json.loads((QUESTIONNAIRES / "lforms__R4_phq9_Questionnaire.json").read_text(encoding="utf-8"))
    scores = [0, 1, 2, 3, 0, 1, 2, 3, 1]
    batch = read(write_bundle(tmp_path, patient(), questionnaire, _answer_lforms(questionnaire, scores)))

    assert batch.problems == []
    [phq9] = batch.assessments
    assert phq9.instrument == "PHQ-9"
    assert phq9.items == dict(enumerate(scores, start=1))
    assert phq9.administered_at == dt.datetime(2026, 1, 20, 9, 15, tzinfo=dt.UTC)


# -- hand-written responses and panels ------------------------------------------------------


def test_response_with_loinc_answer_codes_yields_items_total_and_si() -> None:
    """LOINC linkIds and answer codes give every item; item 9 "More than half the days" is SI answer 2."""
    batch = read(OWN_DATA / "phq9_response_loinc_answers.json")

    assert batch.problems == []
    [record] = batch.patients
    assert (record.patient_id, record.first_name, record.last_name) == ("KAP-QR-1", "Ana Luz", "Rivera")
    [phq9] = batch.assessments
    assert phq9.patient_id == "KAP-QR-1"
    assert phq9.items == {1: 1, 2: 2, 3: 0, 4: 1, 5: 0, 6: 1, 7: 0, 8: 0, 9: 2}
    assert phq9.total == 7
    assert phq9.administered_at == dt.datetime(2026, 3, 5, 3, 30, tzinfo=dt.UTC)


def test_sdc_style_response_whose_total_disagrees_with_its_items_is_a_problem() -> None:
    """HL7 SDC example: stated total 13, items add up to 10 → a problem naming file, entry and resource id."""
    path = OWN_DATA / "sdc_phq9_total_mismatch.json"
    batch = read(path)

    assert batch.assessments == []
    [problem] = batch.problems
    assert (problem.location.file, problem.location.entry) == (str(path), 1)
    assert problem.location.resource_id == "questionnaireresponse-sdc-profile-example-PHQ9"
    assert problem.column == "total"
    assert "13" in problem.reason and "10" in problem.reason


def test_sdc_style_response_with_a_true_total_reads_local_answer_codes_by_their_words(tmp_path: Path) -> None:
    """The SDC form's local codes ("Several-days") score by their words; item 9 = 1."""
    bundle = json.loads((OWN_DATA / "sdc_phq9_total_mismatch.json").read_text(encoding="utf-8"))
    total_item = bundle["entry"][1]["resource"]["item"][0]["item"][-1]
    total_item["answer"][0]["valueQuantity"]["value"] = 10
    path = tmp_path / "sdc.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")

    batch = read(path)
    assert batch.problems == []
    [phq9] = batch.assessments
    assert phq9.items == {1: 0, 2: 0, 3: 0, 4: 1, 5: 2, 6: 1, 7: 3, 8: 2, 9: 1}
    assert (phq9.total, phq9.patient_id) == (10, "KAP-SDC-1")


def test_panel_members_are_read_once_at_the_panel_time_and_reports_are_counted() -> None:
    """A 44249-1 panel's hasMember items make one PHQ-9 at the panel's time; its DiagnosticReport is skipped."""
    batch = read(OWN_DATA / "panel_members_and_cssrs.json")

    assert batch.problems == []
    [phq9] = of(batch, "PHQ-9")
    assert phq9.items == {1: 2, 2: 1, 3: 1, 4: 3, 5: 0, 6: 2, 7: 1, 8: 0, 9: 1}
    assert phq9.administered_at == dt.datetime(2026, 2, 2, 14, 0, tzinfo=dt.UTC)
    assert dict(batch.skipped) == {"DiagnosticReport: resource type not imported": 1}


def test_cssrs_screener_response_maps_yes_no_codes_to_items() -> None:
    """C-SSRS screener: LA33-6 yes = 1, LA32-8 no = 0; Q6 lifetime is item 6, within 3 months item 7."""
    [cssrs] = of(read(OWN_DATA / "panel_members_and_cssrs.json"), "C-SSRS")
    assert cssrs.items == {1: 1, 2: 1, 3: 0, 4: 0, 5: 0, 6: 1, 7: 0}
    assert cssrs.total is None


# -- NDJSON ---------------------------------------------------------------------------------


def test_ndjson_reads_one_resource_per_line_and_merges_item_9_into_its_phq9() -> None:
    """NDJSON: a total and an item-9 answer at the same moment are one PHQ-9; item 9 alone is kept."""
    batch = read(OWN_DATA / "observations.ndjson", tz=ZoneInfo("America/Chicago"))

    assert batch.problems == []
    assert [p.patient_id for p in batch.patients] == ["KAP-ND-1"]
    phq9s = of(batch, "PHQ-9")
    assert [(a.administered_at, a.total, a.items) for a in phq9s] == [
        (dt.datetime(2026, 2, 10, 9, 0, tzinfo=dt.UTC), 20, {9: 2}),
        (dt.datetime(2026, 2, 17, 9, 0, tzinfo=dt.UTC), None, {9: 1}),
    ]
    [madrs] = of(batch, "MADRS")
    assert (madrs.total, madrs.items[10]) == (27, 2)
    [gad7] = of(batch, "GAD-7")
    assert (gad7.total, gad7.items, gad7.administered_at) == (
        6,
        {1: 1, 2: 2, 3: 1, 4: 0, 5: 0, 6: 1, 7: 1},
        dt.datetime(2026, 2, 12, 10, 0, tzinfo=dt.UTC),
    )
    assert [(s.kind, s.started_at) for s in batch.sessions] == [
        ("follow_up", dt.datetime(2026, 2, 10, 8, 30, tzinfo=dt.UTC))
    ]
    assert batch.skipped == {
        "Claim: resource type not imported": 1,
        "Observation 8302-2: code not imported": 1,
        "Observation: status entered-in-error": 1,
    }


def test_date_only_time_is_midnight_in_the_clinic_time_zone() -> None:
    """A bare date means 00:00 in KAP_TIMEZONE (America/Chicago: 06:00 UTC in February)."""
    [phq2] = of(read(OWN_DATA / "observations.ndjson", tz=ZoneInfo("America/Chicago")), "PHQ-2")
    assert phq2.administered_at == dt.datetime(2026, 2, 3, 6, 0, tzinfo=dt.UTC)


def test_ndjson_bad_line_is_a_problem_naming_that_line(tmp_path: Path) -> None:
    """A line that is not JSON is a problem with its line as entry; the good lines are still read."""
    lines = (OWN_DATA / "observations.ndjson").read_text(encoding="utf-8").splitlines()
    lines.insert(3, '{"resourceType": "Observation", "id": "cut')
    path = tmp_path / "bad.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    batch = read(path)
    [problem] = batch.problems
    assert (problem.location.file, problem.location.entry, problem.column) == (str(path), 3, "JSON")
    assert "line 4" in problem.reason
    assert len(of(batch, "PHQ-9")) == 2


# -- malformed input and references --------------------------------------------------------


def test_malformed_json_is_a_problem_naming_the_file_and_place() -> None:
    """Malformed JSON is one problem with the file, line and column, not a traceback."""
    batch = read(OWN_DATA / "malformed.json")
    [problem] = batch.problems
    assert problem.location.file == str(OWN_DATA / "malformed.json")
    assert problem.column == "JSON"
    assert "line 9" in problem.reason
    assert (batch.patients, batch.assessments) == ([], [])


def test_truncated_file_is_a_problem_that_says_so(tmp_path: Path) -> None:
    """A Synthea bundle cut in half is refused as truncated."""
    data = synthea_file("Jackie93").read_bytes()
    path = tmp_path / "cut.json"
    path.write_bytes(data[: len(data) // 2])

    batch = read(path)
    [problem] = batch.problems
    assert "truncated" in problem.reason
    assert (batch.patients, batch.sessions, batch.assessments) == ([], [], [])


def test_urn_uuid_reference_to_nothing_in_the_file_is_a_problem() -> None:
    """A subject `urn:uuid:` that names no entry of the file is a problem with entry and resource id."""
    batch = read(OWN_DATA / "dangling_urn_reference.json")
    [problem] = batch.problems
    assert (problem.location.entry, problem.location.resource_id, problem.column) == (0, "phq9-total-nobody", "subject")
    assert "urn:uuid:00000000-0000-0000-0000-000000000000" in problem.reason
    assert batch.assessments == []


def test_patient_reference_outside_the_file_keeps_its_id_for_the_writer(tmp_path: Path) -> None:
    """`Patient/KAP-9` with no Patient in the file is read as patient_id KAP-9 (the writer checks it exists)."""
    path = write_bundle(
        tmp_path, observation("44261-6", "2026-01-05T10:00:00Z", subject="Patient/KAP-9", valueInteger=9)
    )
    [phq9] = read(path).assessments
    assert (phq9.patient_id, phq9.total) == ("KAP-9", 9)


def test_patient_without_a_therapist_is_a_problem_asking_for_one(tmp_path: Path) -> None:
    """A file holding a Patient needs --therapist; without it the reader says so."""
    batch = read(write_bundle(tmp_path, patient()), therapist=None)
    [problem] = batch.problems
    assert problem.column == "therapist"
    assert "--therapist" in problem.reason
    assert batch.patients == []


def test_patient_id_prefers_mr_then_first_identifier_then_resource_id(tmp_path: Path) -> None:
    """patient_id = the MR identifier, else the first identifier, else the resource id."""
    first_only = {**patient("p2"), "identifier": [{"value": "FIRST"}, {"value": "SECOND"}]}
    no_identifier = {key: value for key, value in patient("p3").items() if key != "identifier"}
    batch = read(write_bundle(tmp_path, patient("p1", "MR-1"), first_only, no_identifier))
    assert [p.patient_id for p in batch.patients] == ["MR-1", "FIRST", "p3"]


def test_future_dated_assessment_is_a_problem(tmp_path: Path) -> None:
    """An assessment dated after the import time is refused, as in CSV."""
    path = write_bundle(tmp_path, patient(), observation("44261-6", "2026-12-01T10:00:00Z", valueInteger=5))
    [problem] = read(path).problems
    assert problem.column == "administered_at"
    assert "after the import time" in problem.reason


def test_decimal_score_is_read_when_whole_and_refused_when_not(tmp_path: Path) -> None:
    """valueQuantity 12.0 is 12; 12.5 is a problem on that resource."""
    good = observation("44261-6", "2026-01-05T10:00:00Z", "whole", valueQuantity={"value": 12.0})
    bad = observation("70274-6", "2026-01-05T10:00:00Z", "half", valueQuantity={"value": 12.5})
    batch = read(write_bundle(tmp_path, patient(), good, bad))
    assert [(a.instrument, a.total) for a in batch.assessments] == [("PHQ-9", 12)]
    [problem] = batch.problems
    assert (problem.location.resource_id, problem.column) == ("half", "value.valueQuantity.value")


def test_disagreeing_answers_for_the_same_phq9_are_a_problem(tmp_path: Path) -> None:
    """Two item-9 Observations at the same moment with different answers are refused, not picked from."""
    first = observation("44260-8", "2026-01-05T10:00:00Z", "a", valueInteger=0)
    second = observation("44260-8", "2026-01-05T10:00:00Z", "b", valueInteger=2)
    batch = read(write_bundle(tmp_path, patient(), first, second))
    [problem] = batch.problems
    assert (problem.location.resource_id, problem.column) == ("b", "item_9")
    assert batch.assessments == []


def test_item_observations_beside_a_phq2_total_are_that_phq2s_items(tmp_path: Path) -> None:
    """44250-9 and 44255-8 beside a 55758-7 total at the same moment make one complete PHQ-2."""
    when = "2026-01-05T10:00:00Z"
    batch = read(
        write_bundle(
            tmp_path,
            patient(),
            observation("55758-7", when, "total", valueInteger=3),
            observation("44250-9", when, "q1", valueInteger=1),
            observation("44255-8", when, "q2", valueInteger=2),
        )
    )
    assert batch.problems == []
    [phq2] = batch.assessments
    assert (phq2.instrument, phq2.items, phq2.total) == ("PHQ-2", {1: 1, 2: 2}, 3)


def test_own_code_system_with_an_unknown_instrument_is_a_problem(tmp_path: Path) -> None:
    """`urn:kap-caseload:instrument` codes must name an instrument of SPEC §3."""
    resource = observation("x", "2026-01-05T10:00:00Z", valueInteger=3)
    resource["code"] = {"coding": [{"system": "urn:kap-caseload:instrument", "code": "HAM-D"}]}
    [problem] = read(write_bundle(tmp_path, patient(), resource)).problems
    assert problem.column == "code"
    assert "HAM-D" in problem.reason


def test_resource_of_the_wrong_shape_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    """A resource whose elements have the wrong JSON types becomes a problem on that entry."""
    odd = observation("44249-1", "2026-01-05T10:00:00Z", "odd", component=[{"code": 5, "valueInteger": 1}, 7])
    batch = read(write_bundle(tmp_path, patient(), odd))
    [problem] = batch.problems
    assert (problem.location.entry, problem.location.resource_id) == (1, "odd")


def test_unsupported_bundle_type_is_a_problem(tmp_path: Path) -> None:
    """Only collection, transaction, batch and searchset Bundles are read."""
    path = tmp_path / "history.json"
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "history", "entry": []}), encoding="utf-8")
    [problem] = read(path).problems
    assert problem.column == "Bundle.type"
