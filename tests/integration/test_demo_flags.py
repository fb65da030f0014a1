"""Each demo trajectory raises the flags it is meant to raise (SPEC §4–6), and only those."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from db.demo.generator import plan_courses
from db.engine import make_engine
from services.demo import seed_demo
from services.flags import open_flags
from services.outcomes import outcomes

ANCHOR = dt.date(2026, 11, 20)

# trajectory -> the open flags (kind: level) it must show as of the anchor day; every
# other trajectory is a clean course and must show none.
EXPECTED: dict[str, dict[str, str]] = {
    "persistent_si": {"si_persistent": "moderate"},
    "single_high_risk_answer": {"si_high": "high"},
    "non_responder": {"off_track": "moderate"},
    "relapse_after_course": {"loss_of_response": "moderate"},
    "missed_assessments": {"assessment_overdue": "low"},
    "blood_pressure_spike": {"bp_high": "high"},
    "missing_vitals": {"vitals_missing": "moderate"},
    "missed_integration": {"integration_missing": "low"},
}
CLEAN = (
    "early_responder",
    "gradual_responder",
    "partial_responder",
    "si_resolving_after_first_dose",
    "dropout_after_first_dose",
    "discharged",
    "in_preparation",
)


@pytest.fixture(scope="module")
def trajectories() -> dict[str, str]:
    """patient_id -> trajectory, as the generator lays the clinic out."""
    return {pid: course.trajectory for pid, course in plan_courses(patients=36, seed=7, anchor=ANCHOR)}


@pytest.fixture(scope="module")
def demo_engine(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("demo_flags") / "demo.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    seed_demo(engine, anchor=ANCHOR)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def flags_by_patient(demo_engine: Engine) -> dict[str, dict[str, str]]:
    """patient_id -> {kind: level} of the open flags as of the anchor day."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for flag in open_flags(demo_engine, ANCHOR):
        found[flag.patient_id][flag.kind] = flag.level
    return found


def _first(trajectories: dict[str, str], trajectory: str) -> str:
    return next(pid for pid, name in trajectories.items() if name == trajectory)


@pytest.mark.parametrize("trajectory", sorted(EXPECTED))
def test_trajectory_raises_its_flag(
    trajectories: dict[str, str], flags_by_patient: dict[str, dict[str, str]], trajectory: str
) -> None:
    """The patient of each flagged trajectory shows exactly that flag, at its level."""
    assert flags_by_patient[_first(trajectories, trajectory)] == EXPECTED[trajectory]


@pytest.mark.parametrize("trajectory", CLEAN)
def test_clean_trajectories_raise_no_flag(
    trajectories: dict[str, str], flags_by_patient: dict[str, dict[str, str]], trajectory: str
) -> None:
    """Every patient on a clean course shows no open flag (no stray flags in the demo)."""
    patients = [pid for pid, name in trajectories.items() if name == trajectory]
    assert {pid: flags_by_patient.get(pid, {}) for pid in patients} == {pid: {} for pid in patients}


def test_most_patients_have_at_most_one_flag(
    trajectories: dict[str, str], flags_by_patient: dict[str, dict[str, str]]
) -> None:
    """A realistic caseload: no patient has more than one open flag, and most have none."""
    counts = [len(flags_by_patient.get(pid, {})) for pid in trajectories]
    assert max(counts) == 1
    assert counts.count(0) >= 0.6 * len(counts)


def test_si_resolving_after_dose_1_is_positive_once_and_raises_no_si_flag(
    demo_engine: Engine, trajectories: dict[str, str], flags_by_patient: dict[str, dict[str, str]]
) -> None:
    """SI on the morning of dose 1 only: one positive day, si_current negative, no si_persistent."""
    from clinical.flags import si_current
    from clinical.scoring import ensure_scored
    from db.frames import load_assessments
    from db.settings import clinic_timezone

    patient = _first(trajectories, "si_resolving_after_first_dose")
    scored = ensure_scored(load_assessments(demo_engine, [patient]))
    bearing = scored[scored["si_bearing"].astype(bool)]
    positive_days = {at.date() for at in bearing[bearing["si_positive"].astype(bool)]["administered_at"]}
    assert len(positive_days) == 1
    current = si_current(scored, tz=clinic_timezone())
    assert current.loc[patient, "si_status"] == "negative"
    assert "si_persistent" not in flags_by_patient.get(patient, {})


def test_early_responder_outcome(demo_engine: Engine, trajectories: dict[str, str]) -> None:
    """The early responder has early_response true and a response or remission status."""
    patient = _first(trajectories, "early_responder")
    row = outcomes(demo_engine, ANCHOR, "PHQ-9", [patient]).iloc[0]
    assert bool(row["early_response"]) is True
    assert row["status"] in ("response", "remission")


def test_partial_and_gradual_responders_outcomes(demo_engine: Engine, trajectories: dict[str, str]) -> None:
    """The partial responder ends in partial_response; the gradual responder had no early response."""
    partial = outcomes(demo_engine, ANCHOR, "PHQ-9", [_first(trajectories, "partial_responder")]).iloc[0]
    assert partial["status"] == "partial_response"
    gradual = outcomes(demo_engine, ANCHOR, "PHQ-9", [_first(trajectories, "gradual_responder")]).iloc[0]
    assert bool(gradual["early_response"]) is False
    non = outcomes(demo_engine, ANCHOR, "PHQ-9", [_first(trajectories, "non_responder")]).iloc[0]
    assert non["status"] == "no_response" and int(non["doses_completed"]) >= 4


def test_seeding_stores_the_flags_on_both_databases(engine: Engine, trajectories: dict[str, str]) -> None:
    """After `seed_demo` the evaluated flags are stored: the same picture on SQLite and PostgreSQL."""
    seed_demo(engine, anchor=ANCHOR)
    stored = {(f.patient_id, f.kind) for f in open_flags(engine, ANCHOR) if f.flag_id is not None}
    expected = {(pid, kind) for pid, name in trajectories.items() for kind in EXPECTED.get(name, {})}
    assert stored == expected
