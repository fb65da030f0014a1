"""`manage.py evaluate`, `flags` and `outcomes` (SPEC §8): JSON shapes, exit codes, audit rows."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select

import manage
from db.engine import UnitOfWork
from db.models import AuditEvent, Flag, FlagTransition
from services import clock
from tests.factories import make_dose, make_phq9, make_si, make_summed
from tests.integration.test_evaluate_service import NOW, add_records


@pytest.fixture
def clinic(engine: Engine) -> Iterator[Engine]:
    """P1 with persistent SI, a doubtful blood pressure and a PHQ-9/GAD-7 course."""
    clock.set_clock(lambda: NOW)
    add_records(
        engine,
        [
            make_phq9(20, item9=1, on="2026-03-01"),
            make_si(2, on="2026-03-03"),
            make_phq9(9, item9=0, on="2026-03-12"),
            make_summed("GAD-7", 12, on="2026-03-01"),
        ],
        [make_dose(on="2026-03-02T10:00", pre=(142, 85)), make_dose(on="2026-03-05T10:00")],
    )
    yield engine
    clock.set_clock(None)


def run(engine: Engine, *args: str) -> int:
    return manage.main(["--db", engine.url.render_as_string(hide_password=False), *args])


def audit_rows(engine: Engine) -> list[tuple[str, str]]:
    with UnitOfWork(engine) as uow:
        return [(e.event, e.outcome) for e in uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def stored(engine: Engine) -> tuple[int, int]:
    with UnitOfWork(engine) as uow:
        return (
            int(uow.session.scalar(select(func.count()).select_from(Flag)) or 0),
            int(uow.session.scalar(select(func.count()).select_from(FlagTransition)) or 0),
        )


def test_flags_json_lists_open_flags_with_the_spec_fields(clinic: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    """`flags --json`: JSON only; each flag has patient_id, kind, status, level, since, evidence, rule_set."""
    assert run(clinic, "flags", "--as-of", "2026-03-20", "--json") == 0
    flags = json.loads(capsys.readouterr().out)
    by_kind = {f["kind"]: f for f in flags}
    assert {"si_persistent", "si_high", "bp_high"} <= set(by_kind)
    persistent = by_kind["si_persistent"]
    assert {"patient_id", "kind", "status", "level", "since", "evidence", "rule_set"} <= set(persistent)
    assert (persistent["patient_id"], persistent["status"], persistent["level"]) == ("P1", "new", "high")
    assert (persistent["since"], persistent["rule_set"]) == ("2026-03-01", "2026.1")
    assert [(e["date"], e["instrument"], e["item"], e["answer"]) for e in persistent["evidence"]] == [
        ("2026-03-01", "PHQ-9", 9, 1),
        ("2026-03-03", "PHQ-9", 9, 2),
    ]
    assert all(isinstance(e["detail"], str) and e["detail"] for e in persistent["evidence"])
    assert by_kind["bp_high"]["evidence"][0]["session_at"].startswith("2026-03-02T10:00")


def test_flags_as_of_writes_nothing_but_its_audit_row(clinic: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    """`flags --as-of` stores no flag and no transition; it writes one audit row."""
    assert run(clinic, "flags", "--as-of", "2026-03-20", "--json") == 0
    assert stored(clinic) == (0, 0)
    assert audit_rows(clinic) == [("command.flags", "success")]


def test_flags_as_of_ignores_later_records(clinic: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    """Records after the end of the --as-of day do not count; records on it do."""
    run(clinic, "flags", "--as-of", "2026-03-02", "--json")
    assert {f["kind"] for f in json.loads(capsys.readouterr().out)} == {"bp_high"}
    run(clinic, "flags", "--as-of", "2026-03-03", "--json")
    assert {"si_persistent", "si_high"} <= {f["kind"] for f in json.loads(capsys.readouterr().out)}


def test_evaluate_stores_and_is_idempotent(clinic: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    """`evaluate` stores the flags once; a second run adds nothing; each run is audited."""
    assert run(clinic, "evaluate") == 0
    first = stored(clinic)
    assert first[0] >= 3
    assert run(clinic, "evaluate", "--as-of", "2026-04-01") == 0
    assert stored(clinic) == first
    assert audit_rows(clinic) == [("command.evaluate", "success")] * 2


def test_outcomes_json_has_exactly_the_spec_fields(clinic: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    """`outcomes --json`: one object per patient and instrument, SPEC §8 fields, ISO dates, rounded percent."""
    assert run(clinic, "outcomes", "--as-of", "2026-03-20", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["instrument"] for r in rows] == ["PHQ-9", "GAD-7"]
    phq9 = rows[0]
    assert list(phq9) == [
        "patient_id",
        "instrument",
        "baseline",
        "baseline_date",
        "current",
        "current_date",
        "change",
        "percent_change",
        "status",
        "reliable_change",
        "early_response",
        "doses_completed",
        "rule_set",
    ]
    assert phq9 == {
        "patient_id": "P1",
        "instrument": "PHQ-9",
        "baseline": 20,
        "baseline_date": "2026-03-01",
        "current": 9,
        "current_date": "2026-03-12",
        "change": -11,
        "percent_change": -55.0,
        "status": "response",
        "reliable_change": "improved",
        "early_response": True,  # halved after dose 1, no third dose yet
        "doses_completed": 2,
        "rule_set": "2026.1",
    }
    gad7 = rows[1]
    assert (gad7["status"], gad7["change"], gad7["percent_change"]) == ("insufficient_data", None, None)
    assert audit_rows(clinic) == [("command.outcomes", "success")]


def test_outcomes_filters_by_instrument_name(clinic: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    """`--instrument gad-7` (any case) returns only GAD-7 rows."""
    assert run(clinic, "outcomes", "--instrument", "gad-7", "--json") == 0
    assert [r["instrument"] for r in json.loads(capsys.readouterr().out)] == ["GAD-7"]


@pytest.mark.parametrize(
    "args",
    [
        ("flags", "--as-of", "2026-02-30"),
        ("outcomes", "--as-of", "yesterday"),
        ("evaluate", "--as-of", "03/04/2026"),
        ("outcomes", "--instrument", "PHQ-10"),
        ("outcomes", "--instrument", "CADSS"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    clinic: Engine, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    """A bad date or instrument: exit 2, message on stderr, nothing on stdout, nothing written."""
    assert run(clinic, *args) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error:")
    assert stored(clinic) == (0, 0) and audit_rows(clinic) == []
