"""Properties of the engine that must hold for any records (hypothesis)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinical.instruments import INSTRUMENTS
from clinical.scoring import score_assessments
from tests.factories import assessments_frame, evaluate, make_assessment, make_dose, make_phq9, make_si, outcomes_of

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
START = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)

moments = st.builds(
    lambda days, minutes: START + dt.timedelta(days=days, minutes=minutes),
    st.integers(0, 90),
    st.integers(0, 14 * 60),
)
si_rows = st.lists(st.tuples(moments, st.integers(0, 3)), min_size=1, max_size=12, unique_by=lambda r: r[0])
phq9_rows = st.lists(st.tuples(moments, st.integers(0, 24)), min_size=1, max_size=8, unique_by=lambda r: r[0])
dose_times = st.lists(moments, max_size=6, unique=True)


def picture(episodes: list) -> list[tuple]:
    """What a flag looks like from outside, independent of any internal ordering."""
    return sorted(
        (e.patient_id, e.kind, e.status, e.level, e.since, e.is_open, str(e.evidence), len(e.transitions))
        for e in episodes
    )


@FAST
@given(si=si_rows, phq9=phq9_rows, doses=dose_times, seed=st.randoms(use_true_random=False))
def test_results_do_not_depend_on_input_row_order(si: list, phq9: list, doses: list, seed) -> None:  # type: ignore[no-untyped-def]
    """Shuffling assessments and sessions changes neither flags nor outcomes."""
    assessments = [make_si(answer, on=at) for at, answer in si]
    assessments += [make_phq9(total, on=at + dt.timedelta(seconds=1)) for at, total in phq9]
    sessions = [make_dose(on=at + dt.timedelta(seconds=2), pre=(150, 80)) for at in doses]
    shuffled_a, shuffled_s = list(assessments), list(sessions)
    seed.shuffle(shuffled_a)
    seed.shuffle(shuffled_s)
    assert picture(evaluate(assessments, sessions)) == picture(evaluate(shuffled_a, shuffled_s))
    assert outcomes_of(assessments, sessions) == outcomes_of(shuffled_a, shuffled_s)


@FAST
@given(si=si_rows, extra_day=st.integers(0, 100))
def test_adding_a_negative_si_day_never_raises_an_si_flag(si: list, extra_day: int) -> None:
    """A negative SI day on a day without SI data adds no SI flag and opens none."""
    rows = [make_si(answer, on=at) for at, answer in si]
    day = (START + dt.timedelta(days=extra_day)).date()
    if any(at.date() == day for at, _ in si):
        return
    negative = make_si(0, on=dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC))
    before = [e for e in evaluate(rows) if e.kind.startswith("si_")]
    after = [e for e in evaluate([*rows, negative]) if e.kind.startswith("si_")]
    for kind in ("si_persistent", "si_high"):
        assert sum(e.kind == kind for e in after) <= sum(e.kind == kind for e in before)
    assert {e.kind for e in after if e.is_open} <= {e.kind for e in before if e.is_open}


summed = [name for name, inst in INSTRUMENTS.items() if inst.has_total]


@st.composite
def answered(draw: st.DrawFn, *, complete: bool) -> tuple[str, dict[int, int | None]]:
    name = draw(st.sampled_from(summed))
    spec = INSTRUMENTS[name]
    answers: dict[int, int | None] = {
        n: draw(st.integers(spec.item_min, spec.item_max)) for n in range(1, spec.items + 1)
    }
    if not complete:
        missing = draw(st.lists(st.integers(1, spec.items), min_size=1, max_size=spec.items, unique=True))
        for n in missing:
            answers[n] = None
    return name, answers


@FAST
@given(answered(complete=True))
def test_totals_equal_item_sums_for_complete_assessments(case: tuple) -> None:
    """A complete assessment's total is its item sum (QIDS-SR16: the sum of its domain scores)."""
    name, answers = case
    row = score_assessments(assessments_frame([make_assessment(name, answers)])).iloc[0]
    expected = INSTRUMENTS[name].compute_total(answers)
    if name != "QIDS-SR16":
        assert expected == sum(v for v in answers.values() if v is not None)
    assert row["score"] == expected and bool(row["complete"])


@FAST
@given(answered(complete=False))
def test_an_incomplete_assessment_never_yields_a_total(case: tuple) -> None:
    """Any unanswered item (and no stated total): no total, incomplete, no band."""
    name, answers = case
    row = score_assessments(assessments_frame([make_assessment(name, answers)])).iloc[0]
    assert row["score"] is pd.NA and not bool(row["complete"]) and row["band"] is None
