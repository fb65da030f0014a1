"""The other flags of SPEC §6 at their boundaries: blood pressure, vitals, integration, overdue, course."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import (
    episodes_of,
    evaluate,
    make_dose,
    make_patient,
    make_phq9,
    make_session,
    make_si,
    make_summed,
    open_kinds,
)

# --- bp_high and vitals_missing -------------------------------------------------------------


@pytest.mark.parametrize(
    ("pre", "post", "peak", "level"),
    [
        ((139, 89), (130, 80), (130, 80), None),
        ((140, 80), (130, 80), (130, 80), "moderate"),
        ((130, 90), (130, 80), (130, 80), "moderate"),
        ((130, 80), (179, 109), (179, 109), None),
        ((130, 80), (130, 80), (180, 100), "high"),
        ((130, 80), (130, 110), (130, 80), "high"),
        ((180, 80), (130, 80), (130, 80), "high"),
    ],
)
def test_bp_high_edges(pre: tuple, post: tuple, peak: tuple, level: str | None) -> None:
    """Pre-dose ≥ 140/90 raises bp_high (moderate); any reading ≥ 180/110 raises it at high."""
    flags = episodes_of("bp_high", evaluate([], [make_dose(on="2026-03-02T10:00", pre=pre, post=post, peak=peak)]))
    assert [f.level for f in flags] == ([] if level is None else [level])
    if flags:
        assert flags[0].since == dt.date(2026, 3, 2)
        assert flags[0].evidence[0]["session_at"] == "2026-03-02T10:00:00+00:00"


def test_bp_high_level_rises_with_a_later_severe_reading() -> None:
    """Evidence of a later severe reading makes the open bp_high flag high."""
    doses = [make_dose(on="2026-03-02T10:00", pre=(145, 80)), make_dose(on="2026-03-05T10:00", peak=(185, 100))]
    [flag] = episodes_of("bp_high", evaluate([], doses))
    assert flag.level == "high" and len(flag.evidence) == 2 and flag.since == dt.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("pre", "post"), [((None, 80), (120, 80)), ((120, None), (120, 80)), ((120, 80), (None, None))]
)
def test_vitals_missing_when_a_pre_or_post_number_is_blank(pre: tuple, post: tuple) -> None:
    """A dosing session without pre-dose or post-dose blood pressure raises vitals_missing."""
    [flag] = episodes_of("vitals_missing", evaluate([], [make_dose(on="2026-03-02T10:00", pre=pre, post=post)]))
    assert (flag.level, flag.since, flag.family) == ("moderate", dt.date(2026, 3, 2), "sticky")


def test_vitals_complete_raise_nothing() -> None:
    """Complete pre and post readings (peak blank) raise no vitals flag."""
    assert episodes_of("vitals_missing", evaluate([], [make_dose(peak=(None, None))])) == []


def test_scheduled_dosing_session_after_as_of_raises_nothing() -> None:
    """A dosing session after the evaluation day is scheduled: blank vitals are not missing yet."""
    scheduled = make_session("dosing", on="2026-03-20T10:00")
    assert episodes_of("vitals_missing", evaluate([], [scheduled], as_of="2026-03-19")) == []


# --- integration_missing --------------------------------------------------------------------


def test_integration_on_day_7_is_in_time() -> None:
    """An integration session 7 days after the dose is within the window."""
    sessions = [make_dose(on="2026-03-02T10:00"), make_session("integration", on="2026-03-09T17:00")]
    assert episodes_of("integration_missing", evaluate([], sessions)) == []


def test_integration_on_day_8_is_late() -> None:
    """An integration session 8 days after the dose is late: flagged once day 7 has ended."""
    sessions = [make_dose(on="2026-03-02T10:00"), make_session("integration", on="2026-03-10T09:00")]
    assert episodes_of("integration_missing", evaluate([], sessions, as_of="2026-03-09")) == []
    [flag] = episodes_of("integration_missing", evaluate([], sessions, as_of="2026-03-10"))
    assert (flag.level, flag.since, flag.is_open) == ("low", dt.date(2026, 3, 2), True)


def test_integration_before_the_dose_does_not_count() -> None:
    """Only an integration session starting after the dose counts."""
    sessions = [make_session("integration", on="2026-03-02T08:00"), make_dose(on="2026-03-02T10:00")]
    assert len(episodes_of("integration_missing", evaluate([], sessions))) == 1


def test_integration_after_a_dose_on_the_same_day_counts() -> None:
    """An integration session later on the dose's own day is in time."""
    sessions = [make_dose(on="2026-03-02T10:00"), make_session("integration", on="2026-03-02T15:00")]
    assert episodes_of("integration_missing", evaluate([], sessions)) == []


# --- assessment_overdue ---------------------------------------------------------------------


def test_overdue_14_days_after_the_last_si_bearing_assessment() -> None:
    """No SI-bearing assessment in the 14 days up to the evaluation day: overdue (low)."""
    rows = [make_si(0, on="2026-03-01")]
    assert "assessment_overdue" not in open_kinds(evaluate(rows, as_of="2026-03-14"))
    [flag] = [f for f in evaluate(rows, as_of="2026-03-15") if f.kind == "assessment_overdue" and f.is_open]
    assert (flag.level, flag.since, flag.family) == ("low", dt.date(2026, 3, 15), "state")


def test_overdue_needs_14_days_since_enrolment() -> None:
    """A patient enrolled less than 14 days ago is not overdue."""
    patients = [make_patient(enrolled_on="2026-03-01")]
    assert "assessment_overdue" not in open_kinds(evaluate(patients=patients, as_of="2026-03-14"))
    assert "assessment_overdue" in open_kinds(evaluate(patients=patients, as_of="2026-03-15"))


def test_overdue_only_for_active_patients() -> None:
    """Paused and discharged patients are never overdue; their other flags still apply."""
    patients = [make_patient(status="paused")]
    episodes = evaluate([make_si(2, on="2026-01-02")], patients=patients, as_of="2026-03-15")
    assert open_kinds(episodes) == {"si_high"}


def test_overdue_clears_with_a_recorded_transition() -> None:
    """A new SI-bearing assessment ends the overdue stretch: cleared, visible in the history."""
    rows = [make_si(0, on="2026-03-01"), make_si(0, on="2026-03-20")]
    patients = [make_patient(enrolled_on="2026-02-25")]
    [flag] = episodes_of("assessment_overdue", evaluate(rows, patients=patients, as_of="2026-03-25"))
    assert (flag.since, flag.closed_at.date()) == (dt.date(2026, 3, 15), dt.date(2026, 3, 20))
    assert (flag.status, flag.is_open) == ("cleared", False)
    assert [t.action for t in flag.transitions] == ["raised", "cleared"]
    assert flag.transitions[-1].note == "condition no longer holds"


def test_overdue_when_the_latest_dose_had_no_si_screen_in_the_7_days_before() -> None:
    """The most recent dose without an SI-bearing assessment in the 7 days up to its day: overdue."""
    screened = [make_si(0, on="2026-03-03"), make_dose(on="2026-03-09T10:00")]
    unscreened = [make_si(0, on="2026-03-02"), make_dose(on="2026-03-09T10:00")]
    assert "assessment_overdue" not in open_kinds(evaluate(screened[:1], screened[1:], as_of="2026-03-10"))
    episodes = evaluate(unscreened[:1], unscreened[1:], as_of="2026-03-10")
    [flag] = [f for f in episodes if f.kind == "assessment_overdue" and f.is_open]
    assert flag.since == dt.date(2026, 3, 9) and "session_at" in flag.evidence[0]


# --- deterioration, off_track, loss_of_response -----------------------------------------------


@pytest.mark.parametrize(("current", "raised"), [(17, False), (18, True)])
def test_deterioration_at_the_phq9_reliable_change_threshold(current: int, raised: bool) -> None:
    """PHQ-9 current − baseline ≥ 6 raises deterioration (moderate)."""
    rows = [make_phq9(12, on="2026-03-01"), make_phq9(current, on="2026-03-20")]
    flags = [f for f in evaluate(rows, [make_dose(on="2026-03-02T10:00")]) if f.kind == "deterioration"]
    assert [(f.level, f.since) for f in flags] == ([("moderate", dt.date(2026, 3, 20))] if raised else [])


def test_deterioration_on_gad7() -> None:
    """GAD-7 current − baseline ≥ 4 raises deterioration."""
    rows = [make_summed("GAD-7", 8, on="2026-03-01"), make_summed("GAD-7", 12, on="2026-03-20")]
    [flag] = episodes_of("deterioration", evaluate(rows))
    assert flag.evidence[0]["instrument"] == "GAD-7"


def test_deterioration_clears_when_scores_come_back() -> None:
    """deterioration is a state flag: it closes (cleared) once current − baseline drops below 6."""
    rows = [make_phq9(12, on="2026-03-01"), make_phq9(19, on="2026-03-10"), make_phq9(13, on="2026-03-20")]
    [flag] = episodes_of("deterioration", evaluate(rows))
    assert (flag.status, flag.since, flag.closed_at.date()) == ("cleared", dt.date(2026, 3, 10), dt.date(2026, 3, 20))


def four_doses(last: str = "2026-03-12T10:00") -> list[dict]:
    return [make_dose(on=f"2026-03-{d:02d}T10:00") for d in (2, 5, 9)] + [make_dose(on=last)]


@pytest.mark.parametrize(("current", "raised"), [(15, False), (16, True)])
def test_off_track_after_dose_4_below_25_percent_reduction(current: int, raised: bool) -> None:
    """Baseline 20, 4 doses, latest PHQ-9 after dose 4 less than 25 % down: off_track."""
    rows = [make_phq9(20, on="2026-03-01"), make_phq9(current, on="2026-03-13")]
    assert ("off_track" in open_kinds(evaluate(rows, four_doses()))) is raised


def test_off_track_needs_a_phq9_after_the_start_of_dose_4() -> None:
    """No PHQ-9 after dose 4's start: off_track is not raised."""
    rows = [make_phq9(20, on="2026-03-01"), make_phq9(19, on="2026-03-12T09:00")]
    assert "off_track" not in open_kinds(evaluate(rows, four_doses()))


def test_off_track_needs_four_doses() -> None:
    """Three doses only: not off track yet."""
    rows = [make_phq9(20, on="2026-03-01"), make_phq9(19, on="2026-03-13")]
    assert "off_track" not in open_kinds(evaluate(rows, four_doses()[:3]))


@pytest.mark.parametrize(("baseline", "raised"), [(9, False), (10, True)])
def test_off_track_needs_a_baseline_of_at_least_10(baseline: int, raised: bool) -> None:
    """A PHQ-9 baseline under 10 is never off track."""
    rows = [make_phq9(baseline, on="2026-03-01"), make_phq9(baseline, on="2026-03-13")]
    assert ("off_track" in open_kinds(evaluate(rows, four_doses()))) is raised


def test_loss_of_response_when_a_response_is_not_held() -> None:
    """A PHQ-9 between baseline and current had response; the current has neither: loss_of_response."""
    rows = [make_phq9(20, on="2026-03-01"), make_phq9(9, on="2026-03-10"), make_phq9(12, on="2026-03-20")]
    [flag] = episodes_of("loss_of_response", evaluate(rows, [make_dose(on="2026-03-02T10:00")]))
    assert (flag.is_open, flag.since, flag.level) == (True, dt.date(2026, 3, 20), "moderate")


def test_no_loss_of_response_while_response_holds() -> None:
    """The current one still a response: no loss_of_response."""
    rows = [make_phq9(20, on="2026-03-01"), make_phq9(9, on="2026-03-10"), make_phq9(10, on="2026-03-20")]
    assert episodes_of("loss_of_response", evaluate(rows, [make_dose(on="2026-03-02T10:00")])) == []


def test_no_loss_of_response_from_a_mild_baseline() -> None:
    """A mild baseline has no response to lose (its status is mild_baseline)."""
    rows = [make_phq9(9, on="2026-03-01"), make_phq9(2, on="2026-03-10"), make_phq9(8, on="2026-03-20")]
    assert episodes_of("loss_of_response", evaluate(rows, [make_dose(on="2026-03-02T10:00")])) == []


def test_first_dose_moves_the_baseline_on_its_day() -> None:
    """Before dose 1 the earliest assessment is the baseline; from dose 1 the latest before it."""
    rows = [make_phq9(10, on="2026-03-01"), make_phq9(20, on="2026-03-08"), make_phq9(17, on="2026-03-20")]
    episodes = evaluate(rows, [make_dose(on="2026-03-09T10:00")])
    [flag] = episodes_of("deterioration", episodes)
    assert (flag.since, flag.status, flag.closed_at.date()) == (dt.date(2026, 3, 8), "cleared", dt.date(2026, 3, 9))
