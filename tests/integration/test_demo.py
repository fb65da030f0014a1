"""The demo clinic (issue 4, SPEC §8 demo mode): deterministic, realistic, marked, and refusing."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import bcrypt
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session as OrmSession

from db import settings
from db.demo.generator import plan_courses
from db.engine import make_engine, read_session
from db.meta import is_demo_database
from db.models import Assessment, AuditEvent, Base, Clinician, Note, Patient, Session
from services.cli_errors import BadInput
from services.demo import ensure_embedded_demo, seed_demo

REPO_ROOT = Path(__file__).resolve().parents[2]
ANCHOR = dt.date(2026, 11, 20)
# Columns that differ between two identical seedings: surrogate keys, salted hashes, wall-clock stamps.
NOT_COMPARED = {"id", "flag_id", "password_hash", "raised_at", "closed_at", "at", "prev_hash", "row_hash"}


@pytest.fixture(scope="module")
def demo_engine(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One seeded demo clinic (SQLite) shared by the read-only tests of this module."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    seed_demo(engine, anchor=ANCHOR)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def who() -> dict[str, str]:
    """trajectory -> the first patient who follows it."""
    first: dict[str, str] = {}
    for patient_id, course in plan_courses(patients=36, seed=7, anchor=ANCHOR):
        first.setdefault(course.trajectory, patient_id)
    return first


@contextmanager
def reading(engine: Engine) -> Iterator[OrmSession]:
    """A read session whose loaded rows stay readable after it closes (they are detached, not expired)."""
    with read_session(engine) as session:
        yield session
        session.expunge_all()


def _fresh_sqlite(template: Path, path: Path) -> Engine:
    shutil.copy(template, path)
    return make_engine(f"sqlite:///{path}")


def _dump(engine: Engine) -> dict[str, list[str]]:
    """Every table except the audit log, as sorted rows without surrogate keys, hashes or wall-clock times."""
    dump: dict[str, list[str]] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name == "audit_log":
                continue
            columns = [c for c in table.columns if c.name not in NOT_COMPARED]
            dump[table.name] = sorted(repr(tuple(row)) for row in connection.execute(select(*columns)))
    return dump


# ------------------------------------------------------------------------------ records


class Records:
    """One patient's records as plain lists, read once."""

    def __init__(self, engine: Engine, patient_id: str) -> None:
        with reading(engine) as session:
            self.patient = session.get(Patient, patient_id)
            self.sessions = list(
                session.scalars(select(Session).where(Session.patient_id == patient_id).order_by(Session.started_at))
            )
            self.assessments = list(
                session.scalars(
                    select(Assessment).where(Assessment.patient_id == patient_id).order_by(Assessment.administered_at)
                )
            )
        self.anchor_start = dt.datetime.combine(ANCHOR, dt.time(), tzinfo=dt.UTC)

    def doses(self) -> list[Session]:
        return [s for s in self.sessions if s.kind == "dosing" and s.started_at < self.anchor_start]

    def scheduled(self) -> list[Session]:
        return [s for s in self.sessions if s.started_at >= self.anchor_start]

    def phq9(self) -> list[Assessment]:
        return [a for a in self.assessments if a.instrument == "PHQ-9"]

    def baseline(self) -> int:
        first_dose = self.doses()[0].started_at
        return [a.total for a in self.phq9() if a.administered_at <= first_dose][-1]

    def after_first_dose(self) -> list[int]:
        first_dose = self.doses()[0].started_at
        return [a.total for a in self.phq9() if a.administered_at > first_dose]

    def si_days(self) -> dict[dt.date, bool]:
        """Calendar day -> positive, from PHQ-9 item 9 and the C-SSRS screener (SPEC §4)."""
        days: dict[dt.date, bool] = defaultdict(bool)
        for a in self.assessments:
            if a.instrument == "PHQ-9":
                days[a.administered_at.date()] |= a.item_9 >= 1
            elif a.instrument == "C-SSRS":
                days[a.administered_at.date()] |= any(getattr(a, f"item_{n}") for n in (1, 2, 3, 4, 5, 7))
        return dict(sorted(days.items()))


def test_same_seed_and_anchor_give_identical_records(engine: Engine, sqlite_template: Path, tmp_path: Path) -> None:
    """Two seedings with the same seed and anchor hold identical records (here: on two databases)."""
    seed_demo(engine, anchor=ANCHOR)
    twin = _fresh_sqlite(sqlite_template, tmp_path / "twin.sqlite3")
    seed_demo(twin, anchor=ANCHOR)
    first, second = _dump(engine), _dump(twin)
    twin.dispose()
    assert len(first["patients"]) == 36
    assert first == second


def test_another_seed_gives_another_clinic(demo_engine: Engine, sqlite_template: Path, tmp_path: Path) -> None:
    """A different seed changes names and scores; a different anchor moves every date."""
    other = _fresh_sqlite(sqlite_template, tmp_path / "other.sqlite3")
    seed_demo(other, seed=8, anchor=ANCHOR)
    assert _dump(other)["patients"] != _dump(demo_engine)["patients"]
    assert _dump(other)["assessments"] != _dump(demo_engine)["assessments"]
    other.dispose()


def test_demo_database_is_marked_and_has_the_five_logins(demo_engine: Engine) -> None:
    """The seeded database is marked as a demo; five logins share the password kap-demo."""
    with reading(demo_engine) as session:
        assert is_demo_database(session)
        people = {c.username: c for c in session.scalars(select(Clinician))}
    assert set(people) == {"therapist", "therapist2", "therapist3", "supervisor", "admin"}
    assert {people[t].supervisor for t in ("therapist", "therapist2", "therapist3")} == {"supervisor"}
    assert people["admin"].role == "admin" and people["supervisor"].role == "supervisor"
    hashes = {person.password_hash for person in people.values()}
    assert len(hashes) == 1  # one bcrypt hash of the shared password (cost 12, as for real logins)
    (shared,) = hashes
    assert shared is not None and shared.startswith("$2b$12$")
    assert bcrypt.checkpw(b"kap-demo", shared.encode())


def test_patients_have_readable_ids_and_plausible_details(demo_engine: Engine) -> None:
    """KAP-0001…KAP-0036, adults, spread over the three therapists, most with planned doses."""
    with reading(demo_engine) as session:
        patients = list(session.scalars(select(Patient).order_by(Patient.patient_id)))
    assert [p.patient_id for p in patients] == [f"KAP-{n:04d}" for n in range(1, 37)]
    assert all(18 <= (ANCHOR - p.birth_date).days / 365.25 <= 80 for p in patients)
    assert all(p.enrolled_on < ANCHOR for p in patients)
    assert {p.therapist for p in patients} == {"therapist", "therapist2", "therapist3"}
    assert sum(p.planned_doses is not None for p in patients) >= 0.75 * len(patients)
    assert len({(p.first_name, p.last_name) for p in patients}) == len(patients)


def test_records_lie_before_the_anchor_and_scheduled_sessions_after(demo_engine: Engine) -> None:
    """Nothing is dated on or after the anchor day except scheduled sessions, which carry no details."""
    anchor_start = dt.datetime.combine(ANCHOR, dt.time(), tzinfo=dt.UTC)
    anchor_end = anchor_start + dt.timedelta(days=1)
    with reading(demo_engine) as session:
        assessments = list(session.scalars(select(Assessment.administered_at)))
        notes = list(session.scalars(select(Note)))
        sessions = list(session.scalars(select(Session)))
    assert max(assessments) < anchor_start
    assert max(n.written_at for n in notes) < anchor_start
    scheduled = [s for s in sessions if s.started_at >= anchor_start]
    assert scheduled and all(s.started_at >= anchor_end for s in scheduled)
    assert all(s.route is None and s.bp_pre_sys is None for s in scheduled)
    noted = {(n.patient_id, n.session_at) for n in notes}
    assert not any((s.patient_id, s.started_at) in noted for s in scheduled)


def test_dosing_sessions_cover_every_route_with_vitals_and_observation(demo_engine: Engine) -> None:
    """Past doses: every route, IV at 0.5 mg/kg to start, lozenges 100–400 mg, esketamine 56/84 mg."""
    anchor_start = dt.datetime.combine(ANCHOR, dt.time(), tzinfo=dt.UTC)
    with reading(demo_engine) as session:
        doses = list(session.scalars(select(Session).where(Session.kind == "dosing")))
    past = [d for d in doses if d.started_at < anchor_start]
    assert {d.route for d in past} == {"iv", "im", "sublingual", "oral", "intranasal"}
    assert all(d.dose_mg and d.cadss is not None and d.observed_minutes and d.spo2_min for d in past)
    assert all(d.bp_pre_sys and d.bp_peak_sys for d in past)
    assert {d.dose_mg for d in past if d.route == "intranasal"} == {56.0, 84.0}
    assert all(100 <= d.dose_mg <= 400 for d in past if d.route == "sublingual")
    assert any(d.dose_mg / d.weight_kg == pytest.approx(0.5, abs=0.01) for d in past if d.route == "iv")
    assert 4 <= max(sum(1 for d in past if d.patient_id == p) for p in {d.patient_id for d in past}) <= 8


def test_questionnaires_are_complete_and_si_answers_bring_a_cssrs(demo_engine: Engine) -> None:
    """Every PHQ-9 has all nine items and a matching total; a positive item 9 has a C-SSRS that day."""
    with reading(demo_engine) as session:
        rows = list(session.scalars(select(Assessment)))
    phq9 = [a for a in rows if a.instrument == "PHQ-9"]
    assert all(sum(getattr(a, f"item_{n}") for n in range(1, 10)) == a.total for a in phq9)
    assert all(a.item_10 is None for a in phq9)
    cssrs_days = {(a.patient_id, a.administered_at.date()) for a in rows if a.instrument == "C-SSRS"}
    positive = [(a.patient_id, a.administered_at.date()) for a in phq9 if a.item_9 >= 1]
    assert positive and all(day in cssrs_days for day in positive)
    assert {a.instrument for a in rows} == {"PHQ-9", "GAD-7", "C-SSRS", "MADRS"}
    assert all(a.total == sum(getattr(a, f"item_{n}") for n in range(1, 8)) for a in rows if a.instrument == "GAD-7")


# ----------------------------------------------------------------------- the trajectories


def _early_responder(r: Records) -> None:
    before_third = [a.total for a in r.phq9() if r.doses()[0].started_at < a.administered_at < r.doses()[2].started_at]
    assert any(total <= r.baseline() / 2 for total in before_third)


def _gradual_responder(r: Records) -> None:
    before_third = [a.total for a in r.phq9() if a.administered_at < r.doses()[2].started_at]
    assert all(total > r.baseline() / 2 for total in before_third)
    assert r.after_first_dose()[-1] <= 0.75 * r.baseline()


def _partial_responder(r: Records) -> None:
    assert all(total > r.baseline() / 2 for total in r.after_first_dose())
    assert r.baseline() / 2 < r.after_first_dose()[-1] <= 0.75 * r.baseline()


def _non_responder(r: Records) -> None:
    assert len(r.doses()) >= 4 and r.baseline() >= 10
    assert r.after_first_dose()[-1] > 0.75 * r.baseline()


def _relapse_after_course(r: Records) -> None:
    assert min(r.after_first_dose()) <= r.baseline() / 2 < r.after_first_dose()[-1]


def _si_resolving_after_first_dose(r: Records) -> None:
    days = r.si_days()
    positive = [day for day, is_positive in days.items() if is_positive]
    assert positive == [r.doses()[0].started_at.date()]
    after = [is_positive for day, is_positive in days.items() if day > positive[0]]
    assert after and not any(after)
    next_day = min(day for day in days if day > positive[0])
    assert (next_day - positive[0]).days <= 3  # the C-SSRS at the next integration session


def _persistent_si(r: Records) -> None:
    flags = list(r.si_days().values())
    assert any(a and b for a, b in zip(flags, flags[1:], strict=False))


def _single_high_risk_answer(r: Records) -> None:
    high = [a for a in r.phq9() if a.item_9 >= 2]
    assert len(high) == 1 and sum(r.si_days().values()) == 1


def _missed_assessments(r: Records) -> None:
    assert r.patient.status == "active"
    assert (ANCHOR - r.phq9()[-1].administered_at.date()).days > 14


def _blood_pressure_spike(r: Records) -> None:
    spikes = [d for d in r.doses() if d.bp_pre_sys >= 140 or d.bp_pre_dia >= 90]
    assert spikes and spikes[0].bp_peak_sys >= 180


def _missing_vitals(r: Records) -> None:
    assert [d for d in r.doses() if d.bp_post_sys is None or d.bp_post_dia is None]


def _missed_integration(r: Records) -> None:
    integrations = [s.started_at for s in r.sessions if s.kind == "integration"]
    uncovered = [
        d for d in r.doses() if not any(d.started_at < i <= d.started_at + dt.timedelta(days=7) for i in integrations)
    ]
    assert len(uncovered) == 1


def _dropout_after_first_dose(r: Records) -> None:
    assert len(r.doses()) == 1 and not r.scheduled() and r.patient.status == "paused"


def _discharged(r: Records) -> None:
    assert r.patient.status == "discharged" and not r.scheduled()
    assert (ANCHOR - r.assessments[-1].administered_at.date()).days > 28


def _in_preparation(r: Records) -> None:
    assert not r.doses()
    assert any(s.kind == "preparation" for s in r.sessions if s.started_at < r.anchor_start)
    assert any(s.kind == "dosing" for s in r.scheduled())


TRAJECTORY_CHECKS: dict[str, Any] = {
    "early_responder": _early_responder,
    "gradual_responder": _gradual_responder,
    "partial_responder": _partial_responder,
    "non_responder": _non_responder,
    "relapse_after_course": _relapse_after_course,
    "si_resolving_after_first_dose": _si_resolving_after_first_dose,
    "persistent_si": _persistent_si,
    "single_high_risk_answer": _single_high_risk_answer,
    "missed_assessments": _missed_assessments,
    "blood_pressure_spike": _blood_pressure_spike,
    "missing_vitals": _missing_vitals,
    "missed_integration": _missed_integration,
    "dropout_after_first_dose": _dropout_after_first_dose,
    "discharged": _discharged,
    "in_preparation": _in_preparation,
}


@pytest.mark.parametrize("trajectory", sorted(TRAJECTORY_CHECKS))
def test_every_trajectory_is_in_the_records(demo_engine: Engine, who: dict[str, str], trajectory: str) -> None:
    """Each trajectory of the issue is visible in its patient's sessions and assessments."""
    TRAJECTORY_CHECKS[trajectory](Records(demo_engine, who[trajectory]))


def test_a_small_clinic_still_has_every_trajectory() -> None:
    """`--patients 15` keeps one patient per trajectory; more patients add ordinary courses."""
    assert {c.trajectory for _, c in plan_courses(patients=15, seed=3, anchor=ANCHOR)} == set(TRAJECTORY_CHECKS)
    assert len(plan_courses(patients=50, seed=3, anchor=ANCHOR)) == 50


# ----------------------------------------------------------------------------- the notes


def test_notes_are_varied_clinical_prose_matching_each_course(demo_engine: Engine, who: dict[str, str]) -> None:
    """Hundreds of distinct notes of every kind; SI patients' notes carry risk language, others denials."""
    with reading(demo_engine) as session:
        notes = list(session.scalars(select(Note)))
    assert {n.kind for n in notes} == {"preparation", "dosing", "integration", "progress"}
    assert len({n.text for n in notes}) == len(notes) > 300
    paragraphs = {p for n in notes for p in n.text.split("\n\n")}
    assert len(paragraphs) > 500
    assert any("intention" in n.text.lower() for n in notes if n.kind == "preparation")

    def texts(trajectory: str) -> str:
        return " ".join(n.text for n in notes if n.patient_id == who[trajectory])

    assert "passive suicidal ideation" in texts("persistent_si") or "tired of living" in texts("persistent_si")
    assert "safety plan" in texts("persistent_si").lower()
    assert "item 9 scored 2" in texts("single_high_risk_answer")
    assert "denies" in texts("early_responder").lower()
    assert "passive suicidal ideation" not in texts("early_responder")


# ------------------------------------------------------------------- refusals and marker


def test_demo_refuses_a_database_with_real_records(engine: Engine) -> None:
    """A database holding real records (not marked demo) is refused with a clear message; nothing is written."""
    with reading(engine) as session:
        session.add(Clinician(username="dr_real", display_name="Dr Real", role="therapist"))
        session.flush()
        session.add(
            Patient(
                patient_id="MRN-1",
                first_name="Real",
                last_name="Person",
                birth_date=dt.date(1980, 1, 1),
                therapist="dr_real",
                status="active",
                enrolled_on=dt.date(2026, 1, 1),
            )
        )
        session.commit()
    with pytest.raises(BadInput, match="real records.*--db"):
        seed_demo(engine, anchor=ANCHOR)
    with reading(engine) as session:
        assert session.scalar(select(func.count()).select_from(Patient)) == 1
        assert not is_demo_database(session)


def test_demo_leaves_an_existing_demo_clinic_as_it_is(demo_engine: Engine) -> None:
    """Running demo again on a demo database changes nothing and says so."""
    before = _dump(demo_engine)
    summary = seed_demo(demo_engine, seed=99, anchor=ANCHOR + dt.timedelta(days=3))
    assert not summary.created and summary.seed == 7 and summary.anchor == ANCHOR
    assert _dump(demo_engine) == before


def test_import_refuses_to_write_real_records_into_a_demo_database(demo_engine: Engine, tmp_path: Path) -> None:
    """`import` into a demo database is refused, naming --db / DATABASE_URL."""
    from services.imports import ImportRefused, import_paths

    csv = tmp_path / "clinicians.csv"
    csv.write_text("username,display_name,role,supervisor\ndr_real,Dr Real,therapist,\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="DATABASE_URL"):
        import_paths(demo_engine, [csv], actor="test")
    with reading(demo_engine) as session:
        assert session.get(Clinician, "dr_real") is None


def test_demo_rejects_an_impossible_patient_count(sqlite_url: str) -> None:
    """`--patients 0` is bad input."""
    engine = make_engine(sqlite_url)
    with pytest.raises(BadInput, match="--patients"):
        seed_demo(engine, patients=0, anchor=ANCHOR)
    engine.dispose()


# -------------------------------------------------------------------------- first run


def test_first_dashboard_run_seeds_only_the_embedded_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No DATABASE_URL: the empty embedded database is migrated and seeded once; with it set, nothing is."""
    monkeypatch.setattr(settings, "EMBEDDED_DB_PATH", tmp_path / ".data" / "kap-demo.sqlite3")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    engine = make_engine(settings.embedded_database_url())
    assert ensure_embedded_demo(engine) is True
    assert ensure_embedded_demo(engine) is False
    with reading(engine) as session:
        assert is_demo_database(session)
        assert session.scalar(select(func.count()).select_from(Patient)) == 36
    engine.dispose()

    monkeypatch.setattr(settings, "EMBEDDED_DB_PATH", tmp_path / "other" / "kap-demo.sqlite3")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'configured.sqlite3'}")
    engine = make_engine(settings.embedded_database_url())
    assert ensure_embedded_demo(engine) is False
    engine.dispose()
    assert not (tmp_path / "configured.sqlite3").exists()


# ---------------------------------------------------------------------- command line


def _manage(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=180
    )


def test_manage_demo_fills_the_database_and_prints_the_logins(db_url: str) -> None:
    """`manage.py --db URL demo --anchor 2026-11-27` seeds, audits, and prints the logins; a rerun is a no-op."""
    done = _manage("--db", db_url, "demo", "--anchor", "2026-11-27")
    assert done.returncode == 0, done.stderr
    assert "kap-demo" in done.stdout and "therapist2" in done.stdout and "36" in done.stdout
    engine = make_engine(db_url)
    with reading(engine) as session:
        assert session.scalar(select(func.count()).select_from(Patient)) == 36
        assert is_demo_database(session)
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.event == "command.demo")))
    assert len(events) == 1 and events[0].outcome == "success" and "2026-11-27" in (events[0].scope or "")
    again = _manage("--db", db_url, "demo")
    assert again.returncode == 0 and "already holds the demo clinic" in again.stdout
    engine.dispose()


def test_manage_demo_refuses_real_records_with_exit_2(sqlite_url: str) -> None:
    """On a database with real records `demo` exits 2 with the reason on stderr."""
    engine = make_engine(sqlite_url)
    with reading(engine) as session:
        session.add(Clinician(username="dr_real", display_name="Dr Real", role="therapist"))
        session.commit()
    done = _manage("--db", sqlite_url, "demo", "--anchor", "2026-11-27")
    assert done.returncode == 2
    assert "real records" in done.stderr and done.stdout == ""
    with reading(engine) as session:
        assert session.scalar(select(func.count()).select_from(Patient)) == 0
    engine.dispose()
