"""Evaluation against a real database (SQLite and PostgreSQL): storage, idempotence, clinician actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select

from db.engine import UnitOfWork
from db.models import Assessment, AuditEvent, Clinician, Flag, FlagTransition, Patient, Session
from services import clock
from services.flags import (
    FlagActionRefused,
    acknowledge_flag,
    evaluate_and_store,
    flag_history,
    open_flags,
    resolve_flag,
)
from tests.factories import make_dose, make_phq9, make_si

NOW = dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen_clock() -> Iterator[None]:
    clock.set_clock(lambda: NOW)
    yield
    clock.set_clock(None)


def add_records(engine: Engine, assessments: list[dict], sessions: list[dict] = ()) -> None:  # type: ignore[assignment]
    """Insert a therapist, patient P1 and the given records as ORM rows."""
    with UnitOfWork(engine) as uow:
        if uow.session.get(Clinician, "tess") is None:
            uow.session.add(Clinician(username="tess", display_name="Tess T", role="therapist"))
            uow.session.flush()
            uow.session.add(
                Patient(
                    patient_id="P1",
                    first_name="Ada",
                    last_name="Lovelace",
                    birth_date=dt.date(1980, 1, 1),
                    therapist="tess",
                    status="active",
                    enrolled_on=dt.date(2026, 3, 1),
                )
            )
            uow.session.flush()
        uow.session.add_all(Assessment(**row) for row in assessments)
        uow.session.add_all(Session(**row) for row in sessions)
        uow.commit()


def counts(engine: Engine) -> tuple[int, int]:
    with UnitOfWork(engine) as uow:
        flags = uow.session.scalar(select(func.count()).select_from(Flag))
        steps = uow.session.scalar(select(func.count()).select_from(FlagTransition))
    return int(flags or 0), int(steps or 0)


SI_RUN = [make_si(1, on="2026-03-10"), make_si(2, on="2026-03-11")]


def test_evaluate_stores_flags_with_system_transitions(engine: Engine, frozen_clock: None) -> None:
    """Evaluation inserts each flag with its `raised` transition by `system`."""
    add_records(engine, SI_RUN, [make_dose(on="2026-03-12T10:00", pre=(150, 95))])
    summary = evaluate_and_store(engine)
    assert summary.raised >= 3
    with UnitOfWork(engine) as uow:
        flags = {f.kind: f for f in uow.session.scalars(select(Flag))}
        assert {"si_persistent", "si_high", "bp_high"} <= set(flags)
        persistent = flags["si_persistent"]
        assert (persistent.is_open, persistent.status, persistent.level) == (True, "new", "high")
        assert persistent.since == dt.date(2026, 3, 10) and persistent.rule_set == "2026.1"
        steps = uow.session.scalars(select(FlagTransition).where(FlagTransition.flag_id == persistent.id)).all()
        assert [(s.actor, s.action) for s in steps] == [("system", "raised")]


def test_evaluate_twice_writes_nothing_new(engine: Engine, frozen_clock: None) -> None:
    """Evaluating again changes nothing: no duplicate flags, no duplicate transitions."""
    add_records(engine, SI_RUN, [make_dose(on="2026-03-12T10:00", pre=(None, None))])
    evaluate_and_store(engine)
    first = counts(engine)
    second_summary = evaluate_and_store(engine)
    assert counts(engine) == first
    assert (second_summary.raised, second_summary.evidence_added, second_summary.cleared) == (0, 0, 0)


def test_acknowledgement_survives_re_evaluation(engine: Engine, frozen_clock: None) -> None:
    """An acknowledgement is kept across evaluations until new evidence arrives."""
    add_records(engine, SI_RUN)
    evaluate_and_store(engine)
    [flag] = [f for f in open_flags(engine) if f.kind == "si_persistent"]
    acknowledge_flag(engine, flag.flag_id, actor="tess", acknowledgement="safety plan reviewed", note="called")
    evaluate_and_store(engine)
    evaluate_and_store(engine)
    [again] = [f for f in open_flags(engine) if f.kind == "si_persistent"]
    assert (again.flag_id, again.status) == (flag.flag_id, "acknowledged")
    [stored] = [f for f in flag_history(engine, ["P1"]) if f.kind == "si_persistent"]
    assert [(t.actor, t.action, t.acknowledgement) for t in stored.transitions] == [
        ("system", "raised", None),
        ("tess", "acknowledged", "safety plan reviewed"),
    ]


def test_new_evidence_after_acknowledgement_is_stored_and_returns_to_new(engine: Engine) -> None:
    """A positive day after the acknowledgement: `evidence_added` stored, the flag is new again."""
    clock.set_clock(lambda: NOW)
    try:
        add_records(engine, SI_RUN)
        evaluate_and_store(engine)
        [flag] = [f for f in open_flags(engine) if f.kind == "si_persistent"]
        acknowledge_flag(engine, flag.flag_id, actor="tess", acknowledgement="other", note="seen")
        later = NOW + dt.timedelta(days=2)
        clock.set_clock(lambda: later)
        add_records(engine, [make_si(1, on=NOW + dt.timedelta(days=1))])
        summary = evaluate_and_store(engine)
        assert summary.evidence_added >= 1
        with UnitOfWork(engine) as uow:
            row = uow.session.get(Flag, flag.flag_id)
            assert row is not None and row.status == "new" and len(row.evidence) == 3
    finally:
        clock.set_clock(None)


def test_resolve_refused_with_reason_then_allowed(engine: Engine) -> None:
    """Resolving is refused while SI is recent (reason given, audited); allowed after the look-back."""
    clock.set_clock(lambda: NOW)
    try:
        add_records(engine, [*SI_RUN, make_si(0, on="2026-03-20")])
        evaluate_and_store(engine)
        [flag] = [f for f in open_flags(engine) if f.kind == "si_high"]
        with pytest.raises(FlagActionRefused, match=r"positive SI day \(2026-03-11\) lies within the last 60 days"):
            resolve_flag(engine, flag.flag_id, actor="tess", note="better")
        later = dt.datetime(2026, 5, 15, 12, tzinfo=dt.UTC)
        clock.set_clock(lambda: later)
        resolve_flag(engine, flag.flag_id, actor="tess", note="stable two months")
        evaluate_and_store(engine)
        assert "si_high" not in {f.kind for f in open_flags(engine)}
        with UnitOfWork(engine) as uow:
            events = [(e.event, e.outcome) for e in uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        assert events == [("flag.resolve_refused", "denied"), ("flag.resolved", "success")]
    finally:
        clock.set_clock(None)


def test_acknowledge_requires_a_known_action(engine: Engine, frozen_clock: None) -> None:
    """Only the four acknowledgement actions are accepted."""
    add_records(engine, SI_RUN)
    evaluate_and_store(engine)
    flag = open_flags(engine)[0]
    with pytest.raises(FlagActionRefused, match="acknowledgement must be one of"):
        acknowledge_flag(engine, flag.flag_id, actor="tess", acknowledgement="looked at it")


def test_state_flag_clearing_is_stored_as_a_transition(engine: Engine) -> None:
    """When a state flag's condition stops, the stored flag closes with a `cleared` transition."""
    clock.set_clock(lambda: NOW)
    try:
        add_records(engine, [make_phq9(10, on="2026-03-02"), make_phq9(18, on="2026-03-10")])
        evaluate_and_store(engine)
        [flag] = [f for f in open_flags(engine) if f.kind == "deterioration"]
        add_records(engine, [make_phq9(11, on="2026-03-25")])
        assert evaluate_and_store(engine).cleared >= 1
        with UnitOfWork(engine) as uow:
            row = uow.session.get(Flag, flag.flag_id)
            assert row is not None and (row.is_open, row.status) == (False, "cleared")
            actions = [
                t.action for t in uow.session.scalars(select(FlagTransition).where(FlagTransition.flag_id == row.id))
            ]
        assert actions == ["raised", "cleared"]
    finally:
        clock.set_clock(None)


def test_open_flags_as_of_a_past_day_writes_nothing(engine: Engine, frozen_clock: None) -> None:
    """The picture as of a past day ignores later records and writes nothing."""
    add_records(engine, SI_RUN)
    assert [f.kind for f in open_flags(engine, dt.date(2026, 3, 10))] == []
    assert {f.kind for f in open_flags(engine, dt.date(2026, 3, 11))} == {"si_high", "si_persistent"}
    assert counts(engine) == (0, 0)


def test_evaluate_after_a_past_as_of_catches_up_without_duplicates(engine: Engine, frozen_clock: None) -> None:
    """Evaluating a past day, then today, stores each flag once."""
    add_records(engine, [*SI_RUN, make_si(3, on="2026-03-20")])
    evaluate_and_store(engine, dt.date(2026, 3, 11))
    evaluate_and_store(engine)
    evaluate_and_store(engine)
    with UnitOfWork(engine) as uow:
        kinds = [f.kind for f in uow.session.scalars(select(Flag).where(Flag.is_open))]
    assert sorted(kinds) == sorted(set(kinds))
