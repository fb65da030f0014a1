"""Import throughput: records per second for CSV and for FHIR, through `services.imports`.

    python benchmarks/import_throughput.py [--patients 500] [--per-patient 12]

Writes synthetic files of the same clinic twice (CSV files; one FHIR Bundle + NDJSON) into a
temporary folder, imports each set into its own fresh SQLite file with `import_paths` (the
path `manage.py import` takes: validation, writing, audit, flag evaluation), and prints
`name: value` lines. When the shared Synthea bundles are present it also times the FHIR
reader alone on each of them. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from db.engine import make_engine  # noqa: E402
from db.importers.fhir_files import read_fhir_file  # noqa: E402
from db.schema import upgrade  # noqa: E402
from services.imports import import_paths  # noqa: E402

THERAPIST = "bench.therapist"
PHQ9_ITEMS = ("44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8")
SYNTHEA = REPO_ROOT.parent / "shared" / "data" / "fhir" / "synthea"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def synthetic_clinic(patients: int, per_patient: int, seed: int = 7) -> list[dict]:
    """Patients with weekly PHQ-9s (items) and a session before each, ending a day ago."""
    rng = random.Random(seed)
    clinic = []
    for number in range(patients):
        start = NOW - dt.timedelta(days=7 * per_patient + 1)
        visits = []
        for week in range(per_patient):
            at = start + dt.timedelta(days=7 * week, minutes=rng.randrange(600))
            visits.append((at, [rng.randint(0, 3) for _ in range(9)]))
        born = dt.date(1960 + number % 40, 1 + number % 12, 1)
        clinic.append({"patient_id": f"BENCH-{number:05d}", "born": born, "visits": visits})
    return clinic


def _table(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_csv(folder: Path, clinic: list[dict]) -> list[Path]:
    first_day = min(p["visits"][0][0] for p in clinic).date().isoformat()
    patients, sessions, assessments = [], [], []
    for p in clinic:
        patients.append(
            [p["patient_id"], "Synthetic", "Patient", p["born"].isoformat(), THERAPIST, "active", first_day]
        )
        for at, items in p["visits"]:
            sessions.append([p["patient_id"], (at - dt.timedelta(minutes=30)).isoformat(), "follow_up", THERAPIST])
            assessments.append([p["patient_id"], at.isoformat(), "PHQ-9", "", *items])
    patient_header = ["patient_id", "first_name", "last_name", "birth_date", "therapist", "status", "enrolled_on"]
    assessment_header = ["patient_id", "administered_at", "instrument", "total"] + [f"item_{n}" for n in range(1, 10)]
    return [
        _table(folder / "patients.csv", patient_header, patients),
        _table(folder / "sessions.csv", ["patient_id", "started_at", "kind", "clinician"], sessions),
        _table(folder / "assessments.csv", assessment_header, assessments),
    ]


def _loinc(code: str) -> dict:
    return {"coding": [{"system": "http://loinc.org", "code": code}]}


def _phq9_panel(subject: dict, at: dt.datetime, items: list[int]) -> dict:
    components = [
        {"code": _loinc(code), "valueInteger": answer} for code, answer in zip(PHQ9_ITEMS, items, strict=True)
    ]
    return {
        "resourceType": "Observation",
        "status": "final",
        "subject": subject,
        "code": _loinc("44249-1"),
        "effectiveDateTime": at.isoformat(),
        "valueInteger": sum(items),
        "component": components,
    }


def _fhir_resources(p: dict) -> list[dict]:
    subject = {"reference": f"Patient/{p['patient_id']}"}
    patient = {
        "resourceType": "Patient",
        "id": p["patient_id"],
        "identifier": [{"value": p["patient_id"]}],
        "name": [{"family": "Patient", "given": ["Synthetic"]}],
        "birthDate": p["born"].isoformat(),
    }
    resources: list[dict] = [patient]
    for at, items in p["visits"]:
        start = (at - dt.timedelta(minutes=30)).isoformat()
        resources.append(
            {"resourceType": "Encounter", "status": "finished", "subject": subject, "period": {"start": start}}
        )
        resources.append(_phq9_panel(subject, at, items))
        resources.append({"resourceType": "Claim", "status": "active"})  # skipped: costs reading, not writing
    return resources


def write_fhir(folder: Path, clinic: list[dict]) -> list[Path]:
    """Half the clinic as one transaction Bundle, half as NDJSON."""
    half = len(clinic) // 2
    entries = [{"resource": r} for p in clinic[:half] for r in _fhir_resources(p)]
    bundle_path = folder / "clinic.json"
    bundle_path.write_text(json.dumps({"resourceType": "Bundle", "type": "transaction", "entry": entries}))
    ndjson_path = folder / "clinic.ndjson"
    ndjson_path.write_text("".join(json.dumps(r) + "\n" for p in clinic[half:] for r in _fhir_resources(p)))
    return [bundle_path, ndjson_path]


def fresh_database(folder: Path, name: str):  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{folder / name}")
    upgrade(engine)
    clinicians = folder / f"{name}-clinicians.csv"
    clinicians.write_text(f"username,display_name,role,supervisor\n{THERAPIST},Bench Therapist,therapist,\n")
    import_paths(engine, [clinicians], actor="benchmark", now=NOW)
    return engine


def timed_import(engine, paths: list[Path], therapist: str | None) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    report = import_paths(engine, paths, therapist=therapist, actor="benchmark", now=NOW)
    elapsed = time.perf_counter() - started
    if report.problems:
        raise SystemExit(f"import refused: {report.problems[0]}")
    return sum(c.written for c in report.counts.values()), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=500)
    parser.add_argument("--per-patient", type=int, default=12, help="weekly visits (a session and a PHQ-9 each)")
    args = parser.parse_args()
    clinic = synthetic_clinic(args.patients, args.per_patient)
    with tempfile.TemporaryDirectory(prefix="kap-bench-") as tmp:
        folder = Path(tmp)
        csv_records, csv_seconds = timed_import(fresh_database(folder, "csv.sqlite3"), write_csv(folder, clinic), None)
        fhir_records, fhir_seconds = timed_import(
            fresh_database(folder, "fhir.sqlite3"), write_fhir(folder, clinic), THERAPIST
        )
    print(f"patients: {args.patients}")
    print(f"csv_records: {csv_records}")
    print(f"csv_seconds: {csv_seconds:.2f}")
    print(f"csv_records_per_second: {csv_records / csv_seconds:.0f}")
    print(f"fhir_records: {fhir_records}")
    print(f"fhir_seconds: {fhir_seconds:.2f}")
    print(f"fhir_records_per_second: {fhir_records / fhir_seconds:.0f}")
    for bundle in sorted(SYNTHEA.glob("*.json")):
        started = time.perf_counter()
        read_fhir_file(bundle, therapist=THERAPIST, tz=ZoneInfo("UTC"), now=NOW)
        print(f"fhir_read_seconds[{bundle.name.split('_')[0]}]: {time.perf_counter() - started:.3f}")


if __name__ == "__main__":
    main()
