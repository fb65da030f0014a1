"""Views read the stored flags only while they are known to be current (issue 11), on both databases.

A whole-clinic evaluation records the day it evaluated for; an import forgets it in the
transaction that writes the records. In between, the caseload, the consultation view and
the patient page read the stored flags (one indexed query) instead of replaying every flag,
and what they show must be exactly what the replay shows. Outside that window they replay,
so a flag is never missing because an evaluation did not run or failed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from db.engine import UnitOfWork
from db.meta import forget_flags_evaluated
from db.models import Session
from services import clock, flags, imports
from services.auth import CurrentUser
from services.caseload import caseload
from services.consultation import consultation_view
from services.demo import seed_demo
from services.flags import evaluate_and_store, flags_current
from services.patient_view import patient_view
from tests.app.pages_harness import USERS, _ticking_from
from tests.app.pages_records import NOW, seed_page_clinic

DEMO_ANCHOR = dt.date(2026, 3, 30)
DEMO_THERAPISTS = ("therapist", "therapist2", "therapist3")


@pytest.fixture
def clinic(engine: Engine) -> Iterator[Engine]:
    clock.set_clock(_ticking_from(NOW))
    seed_page_clinic(engine)
    yield engine
    clock.set_clock(None)


def _forget(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        forget_flags_evaluated(uow.session)
        uow.commit()


def _open_flags(view: object) -> dict[str, set[tuple[str, str, str]]]:
    return {
        row.patient_id: {(f.kind, f.level, f.status) for f in row.open_flags}
        for row in view.rows  # type: ignore[attr-defined]
    }


def test_whole_clinic_evaluation_marks_its_day_and_nothing_else_does(clinic: Engine) -> None:
    today = NOW.date()
    assert not flags_current(clinic, today)  # records written, never evaluated
    evaluate_and_store(clinic, today, patient_ids=["KAP-0001"])
    assert not flags_current(clinic, today)  # one patient's evaluation says nothing of the others
    evaluate_and_store(clinic, today)
    assert flags_current(clinic, today)
    assert not flags_current(clinic, today - dt.timedelta(days=1))
    assert not flags_current(clinic, today + dt.timedelta(days=1))
    evaluate_and_store(clinic, today, patient_ids=["KAP-0001"])
    assert flags_current(clinic, today)  # a patient view's evaluation keeps them in step
    evaluate_and_store(clinic, today - dt.timedelta(days=3))
    assert not flags_current(clinic, today)  # the last whole picture is of another day


def test_caseload_never_misses_a_flag_when_the_evaluation_after_an_import_fails(
    clinic: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cara has no assessment; an imported high SI answer must show although no evaluation stored it."""
    evaluate_and_store(clinic, NOW.date())
    therapist = USERS["therapist"]
    assert _open_flags(caseload(clinic, therapist))["KAP-0003"] == set()

    csv = tmp_path / "assessments.csv"
    items = ",".join(f"item_{n}" for n in range(1, 10))
    answered = (NOW - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    csv.write_text(
        f"patient_id,administered_at,instrument,total,{items}\nKAP-0003,{answered},PHQ-9,,2,2,2,2,2,2,2,2,3\n"
    )

    def failing_evaluation(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the evaluation was interrupted")

    monkeypatch.setattr(flags, "evaluate_and_store", failing_evaluation)
    report = imports.import_paths(clinic, [csv], actor="admin")
    assert report.committed and report.flag_evaluation_error
    monkeypatch.undo()

    assert not flags_current(clinic, NOW.date())
    replayed = _open_flags(caseload(clinic, therapist))["KAP-0003"]
    assert ("si_high", "high", "new") in replayed

    evaluate_and_store(clinic, NOW.date())
    assert flags_current(clinic, NOW.date())
    assert _open_flags(caseload(clinic, therapist))["KAP-0003"] == replayed


def test_an_import_that_evaluates_leaves_the_stored_flags_current(clinic: Engine, tmp_path: Path) -> None:
    evaluate_and_store(clinic, NOW.date())
    csv = tmp_path / "assessments.csv"
    items = ",".join(f"item_{n}" for n in range(1, 10))
    answered = (NOW - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    csv.write_text(
        f"patient_id,administered_at,instrument,total,{items}\nKAP-0003,{answered},PHQ-9,,1,1,1,1,1,1,1,1,0\n"
    )
    report = imports.import_paths(clinic, [csv], actor="admin")
    assert report.committed and report.flag_evaluation_error is None
    assert flags_current(clinic, NOW.date())


def test_a_session_that_begins_after_the_evaluation_is_replayed(clinic: Engine) -> None:
    """A dose scheduled for this afternoon, still without blood pressure, counts once it has begun."""
    dose_at = NOW + dt.timedelta(hours=2)
    with UnitOfWork(clinic) as uow:
        uow.session.add(Session(patient_id="KAP-0003", started_at=dose_at, kind="dosing", clinician="therapist"))
        uow.commit()
    evaluate_and_store(clinic, NOW.date())
    therapist = USERS["therapist"]
    assert not any(kind == "vitals_missing" for kind, _, _ in _open_flags(caseload(clinic, therapist))["KAP-0003"])

    clock.set_clock(_ticking_from(dose_at + dt.timedelta(hours=1)))
    assert flags_current(clinic, NOW.date())  # nothing was written: the stored picture is of this day
    assert ("vitals_missing", "moderate", "new") in _open_flags(caseload(clinic, therapist))["KAP-0003"]
    assert ("vitals_missing", "moderate", "new") in _open_flags(caseload(clinic, USERS["supervisor"]))["KAP-0003"]
    team = consultation_view(clinic, USERS["supervisor"])
    assert ("vitals_missing", "moderate", "new") in next(c for c in team.cases if c.key == "KAP-0003").open_flags
    card = next(c for c in patient_view(clinic, therapist, "KAP-0003").flags if c.kind == "vitals_missing")
    assert card.flag_id is not None  # the patient page stored it, so it can be acknowledged


@pytest.fixture
def demo(engine: Engine) -> Iterator[Engine]:
    """The demo clinic (every flag kind), evaluated as of its anchor day, which is today."""
    clock.set_clock(_ticking_from(dt.datetime.combine(DEMO_ANCHOR, dt.time(12), tzinfo=dt.UTC)))
    seed_demo(engine, anchor=DEMO_ANCHOR)
    yield engine
    clock.set_clock(None)


def test_stored_flags_show_exactly_what_the_replay_shows(demo: Engine) -> None:
    """Caseload rows, consultation rows and patient pages: stored (current) and replayed alike."""
    assert flags_current(demo, DEMO_ANCHOR)
    users = [CurrentUser(name, name, "therapist") for name in DEMO_THERAPISTS]
    supervisor = CurrentUser("supervisor", "supervisor", "supervisor")
    stored = [caseload(demo, user) for user in users]
    stored_team = consultation_view(demo, supervisor)
    assert sum(len(row.open_flags) for view in stored for row in view.rows) >= 9

    _forget(demo)
    replayed = [caseload(demo, user) for user in users]
    assert [view.rows for view in stored] == [view.rows for view in replayed]
    replayed_team = consultation_view(demo, supervisor)
    assert stored_team.cases == replayed_team.cases

    flagged = next(row.patient_id for row in stored[0].rows if row.open_flags)
    replayed_page = patient_view(demo, users[0], flagged)  # evaluates and stores this patient
    evaluate_and_store(demo, DEMO_ANCHOR)
    stored_page = patient_view(demo, users[0], flagged)  # reads them
    assert [(c.kind, c.level, c.status, c.flag_id) for c in stored_page.flags] == [
        (c.kind, c.level, c.status, c.flag_id) for c in replayed_page.flags
    ]
