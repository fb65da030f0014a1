"""The scale benchmark's scripts run end to end on a small network and report every metric.

No timing is asserted: the figures depend on the machine. This only keeps
`benchmarks/generate.py` and `benchmarks/run.py` working as the code under them changes.
SQLite only: the PostgreSQL leg ran far past the suite's ~30 s budget on the 2-core machine
(generation, a temporary database for the caseload alone, and AppTest runs); the full-scale
runs in benchmarks/README.md cover PostgreSQL.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from benchmarks.run import METRICS
from db.engine import make_engine
from db.meta import is_demo_database
from db.models import Assessment, Clinician, Flag, Note, Patient, Session
from tests.conftest import REPO_ROOT

SMOKE_PATIENTS = 30  # one therapist (one per 50 patients, rounded) and their supervisor: a small, fast run


def _script(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / name), *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                model.__tablename__: int(connection.scalar(select(func.count()).select_from(model)) or 0)
                for model in (Clinician, Patient, Session, Assessment, Note, Flag)
            }
    finally:
        engine.dispose()


def test_generator_fills_a_network_of_the_asked_size_and_run_prints_every_metric(
    sqlite_url: str, tmp_path: Path
) -> None:
    """generate.py writes a scaled, non-demo network with stored flags; run.py prints and saves every metric."""
    generated = _script("generate.py", "--db", sqlite_url, "--patients", str(SMOKE_PATIENTS))
    assert generated.returncode == 0, generated.stderr
    assert "load_s:" in generated.stdout and "generate_s:" in generated.stdout

    counts = _counts(sqlite_url)
    assert counts["patients"] == SMOKE_PATIENTS
    assert counts["clinicians"] >= 3  # a supervisor, an admin and at least one therapist
    assert 70 * SMOKE_PATIENTS <= counts["assessments"] <= 130 * SMOKE_PATIENTS
    assert 15 * SMOKE_PATIENTS <= counts["sessions"] <= 40 * SMOKE_PATIENTS
    assert counts["notes"] >= 5 * SMOKE_PATIENTS
    assert counts["flags"] > 0
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        from sqlalchemy.orm import Session as OrmSession

        assert not is_demo_database(OrmSession(bind=connection))
    engine.dispose()

    report = tmp_path / "bench.json"
    ran = _script("run.py", "--db", sqlite_url, "--repeat", "1", "--no-warmup", "--json", str(report))
    assert ran.returncode == 0, ran.stderr
    printed = dict(line.split(": ", 1) for line in ran.stdout.splitlines() if ": " in line)
    assert list(printed) == list(METRICS)
    saved = json.loads(report.read_text())
    for name in METRICS:
        assert float(printed[name]) == saved[name] and saved[name] > 0
    assert saved["context"]["caseload_patients"] == SMOKE_PATIENTS
