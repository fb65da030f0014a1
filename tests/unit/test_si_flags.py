"""Suicidal-ideation flags of SPEC §4: si_persistent (runs and 30-day windows), si_high, si_current."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from clinical.flags import si_current
from clinical.scoring import score_assessments
from tests.factories import (
    assessments_frame,
    episodes_of,
    evaluate,
    make_assessment,
    make_phq9,
    make_si,
    make_summed,
)


def persistent(*rows: dict, as_of: str = "2026-06-30", tz: str = "UTC") -> list:
    return episodes_of("si_persistent", evaluate(rows, as_of=as_of, tz=tz))


def test_two_consecutive_positive_days_raise_si_persistent() -> None:
    """Two consecutive SI-bearing days positive: raised on the second, since the first."""
    [flag] = persistent(make_si(1, on="2026-03-01"), make_si(1, on="2026-03-04"))
    assert flag.is_open and flag.status == "new" and flag.level == "moderate"
    assert flag.since == dt.date(2026, 3, 1)
    assert flag.transitions[0].action == "raised" and flag.transitions[0].at.date() == dt.date(2026, 3, 4)
    assert [e["date"] for e in flag.evidence] == ["2026-03-01", "2026-03-04"]
    assert flag.evidence[0] | {"detail": ""} == flag.evidence[0] | {
        "detail": "",
        "instrument": "PHQ-9",
        "item": 9,
        "answer": 1,
    }
    assert flag.rule_set == "2026.1"


def test_two_positives_on_one_day_are_one_day() -> None:
    """Two positive assessments on the same day make one positive day: no run yet."""
    assert persistent(make_si(1, on="2026-03-01T09:00"), make_si(1, on="2026-03-01T15:00")) == []


def test_a_negative_day_between_positives_breaks_the_run() -> None:
    """A negative SI-bearing day between two positive days: no run (a)."""
    rows = [make_si(1, on="2026-03-01"), make_si(0, on="2026-03-02"), make_si(1, on="2026-03-03")]
    assert persistent(*rows) == []


def test_a_day_with_a_positive_and_a_negative_is_positive() -> None:
    """A day is positive if any of its SI-bearing assessments is positive."""
    rows = [make_si(1, on="2026-03-01"), make_si(0, on="2026-03-02T08:00"), make_si(1, on="2026-03-02T17:00")]
    [flag] = persistent(*rows)
    assert flag.since == dt.date(2026, 3, 1)


def test_a_blank_si_item_neither_bears_nor_breaks_a_run() -> None:
    """An assessment with the SI item blank is not SI-bearing and does not break a run."""
    blank_item9 = make_assessment("PHQ-9", [0, 0, 0, 0, 0, 0, 0, 0, None], on="2026-03-02")
    [flag] = persistent(make_si(1, on="2026-03-01"), blank_item9, make_si(1, on="2026-03-03"))
    assert flag.since == dt.date(2026, 3, 1)


def test_days_without_si_data_do_not_break_a_run() -> None:
    """Consecutive means consecutive SI-bearing days, however far apart on the calendar."""
    [flag] = persistent(
        make_si(1, on="2026-01-05"), make_summed("GAD-7", 12, on="2026-02-01"), make_si(1, on="2026-04-01")
    )
    assert flag.since == dt.date(2026, 1, 5)


def test_an_incomplete_assessment_with_an_answered_si_item_counts() -> None:
    """An incomplete PHQ-9 with item 9 answered is SI-bearing."""
    rows = [make_assessment("PHQ-9", {1: 2, 9: 1}, on="2026-03-01"), make_phq9(14, item9=1, on="2026-03-02")]
    assert len(persistent(*rows)) == 1


def test_mixed_instruments_make_one_sequence_of_days() -> None:
    """PHQ-9, MADRS, QIDS-SR16, BDI-II and C-SSRS days are one sequence."""
    madrs = make_assessment("MADRS", {n: 0 for n in range(1, 11)} | {10: 2}, on="2026-03-02")
    cssrs = make_assessment("C-SSRS", {1: 1, 2: 0}, on="2026-03-03")
    [flag] = persistent(make_si(1, on="2026-03-01"), madrs, cssrs)
    assert [e["instrument"] for e in flag.evidence] == ["PHQ-9", "MADRS", "C-SSRS"]
    assert flag.evidence[1]["item"] == 10 and flag.evidence[1]["answer"] == 2


def test_a_madrs_answer_below_its_threshold_is_a_negative_day() -> None:
    """MADRS item 10 = 1 is SI-bearing but negative, so it breaks a run."""
    madrs = make_assessment("MADRS", {10: 1}, on="2026-03-02")
    assert persistent(make_si(1, on="2026-03-01"), madrs, make_si(1, on="2026-03-03")) == []


def test_three_positive_days_29_days_apart_raise_by_the_window() -> None:
    """Three positive days with the first and last 29 days apart: raised, whatever lies between."""
    rows = [
        make_si(1, on="2026-03-01"),
        make_si(0, on="2026-03-05"),
        make_si(1, on="2026-03-15"),
        make_si(0, on="2026-03-20"),
        make_si(1, on="2026-03-30"),
    ]
    [flag] = persistent(*rows)
    assert flag.since == dt.date(2026, 3, 1)
    assert flag.transitions[0].at.date() == dt.date(2026, 3, 30)
    assert [e["date"] for e in flag.evidence] == ["2026-03-01", "2026-03-15", "2026-03-30"]


def test_three_positive_days_spread_over_30_days_do_not_raise() -> None:
    """First and last 30 days apart (spread over 31 calendar days): no window."""
    rows = [make_si(1, on="2026-03-01"), make_si(0, on="2026-03-05"), make_si(1, on="2026-03-15")]
    rows += [make_si(0, on="2026-03-20"), make_si(1, on="2026-03-31")]
    assert persistent(*rows) == []


def test_three_positive_days_spread_over_35_days_do_not_raise() -> None:
    """Three positive days over 35 days, separated by negatives: not raised."""
    rows = [make_si(1, on="2026-03-01"), make_si(0, on="2026-03-10"), make_si(1, on="2026-03-18")]
    rows += [make_si(0, on="2026-03-25"), make_si(1, on="2026-04-04")]
    assert persistent(*rows) == []


def test_since_is_the_earlier_start_when_run_and_window_first_hold_together() -> None:
    """Both conditions first holding on the same day: since is the earlier of their first days."""
    rows = [
        make_si(1, on="2026-03-01"),
        make_si(0, on="2026-03-10"),
        make_si(1, on="2026-03-20"),
        make_si(1, on="2026-03-25"),
    ]
    [flag] = persistent(*rows)
    assert flag.since == dt.date(2026, 3, 1)


def test_level_is_high_when_any_positive_day_is_high() -> None:
    """si_persistent is high if any of its positive days is at the high level."""
    [flag] = persistent(make_si(1, on="2026-03-01"), make_si(2, on="2026-03-02"))
    assert flag.level == "high"


def test_records_after_as_of_are_ignored() -> None:
    """--as-of: a positive day after the end of that day does not count."""
    rows = [make_si(1, on="2026-03-01"), make_si(1, on="2026-03-11T00:30")]
    assert persistent(*rows, as_of="2026-03-10") == []
    assert len(persistent(*rows, as_of="2026-03-11")) == 1


def test_days_are_clinic_calendar_days() -> None:
    """Two assessments on one Chicago evening are one day there, though two UTC days."""
    rows = [make_si(1, on="2026-03-02T01:00"), make_si(1, on="2026-03-01T20:00")]
    assert persistent(*rows, tz="UTC") != []
    assert persistent(*rows, tz="America/Chicago") == []


def test_later_positive_days_add_evidence_to_the_open_flag() -> None:
    """A new positive day while the flag is open adds to its evidence."""
    rows = [
        make_si(1, on="2026-03-01"),
        make_si(1, on="2026-03-02"),
        make_si(0, on="2026-03-03"),
        make_si(1, on="2026-03-09"),
    ]
    [flag] = persistent(*rows)
    assert [e["date"] for e in flag.evidence] == ["2026-03-01", "2026-03-02", "2026-03-09"]
    assert [t.action for t in flag.transitions] == ["raised", "evidence_added"]


# --- si_high --------------------------------------------------------------------------------


def test_si_high_is_raised_by_one_high_answer() -> None:
    """A single SI-bearing assessment at the high level raises si_high (level high) on its day."""
    [flag] = episodes_of("si_high", evaluate([make_si(2, on="2026-03-04")]))
    assert (flag.level, flag.since, flag.is_open) == ("high", dt.date(2026, 3, 4), True)
    assert flag.evidence[0]["answer"] == 2


def test_si_positive_below_high_does_not_raise_si_high() -> None:
    """PHQ-9 item 9 = 1 is positive, not high."""
    assert episodes_of("si_high", evaluate([make_si(1)])) == []


def test_cssrs_recent_behaviour_raises_si_high() -> None:
    """C-SSRS item_7 (behaviour in the past 3 months) is high."""
    [flag] = episodes_of("si_high", evaluate([make_assessment("C-SSRS", {1: 0, 2: 0, 6: 1, 7: 1})]))
    assert flag.evidence[0]["instrument"] == "C-SSRS" and flag.evidence[0]["item"] == 7


def test_cssrs_item6_alone_raises_nothing() -> None:
    """C-SSRS lifetime behaviour alone is not SI-bearing: no SI flag."""
    episodes = evaluate(
        [make_assessment("C-SSRS", {6: 1}, on="2026-03-01"), make_assessment("C-SSRS", {6: 1}, on="2026-03-02")]
    )
    assert episodes_of("si_high", episodes) == [] and episodes_of("si_persistent", episodes) == []


# --- si_current -----------------------------------------------------------------------------


def test_si_current_is_the_latest_si_bearing_day() -> None:
    """si_current: the latest SI-bearing day's status, level and date; no SI data means absent."""
    rows = [
        make_si(2, on="2026-03-01", patient="A"),
        make_si(0, on="2026-03-05", patient="A"),
        make_si(1, on="2026-03-02", patient="B"),
        make_si(3, on="2026-03-02T18:00", patient="B"),
        make_summed("GAD-7", 5, patient="C"),
    ]
    current = si_current(score_assessments(assessments_frame(rows)), tz=ZoneInfo("UTC"))
    assert current.loc["A"].to_dict() == {"si_status": "negative", "si_level": None, "si_date": dt.date(2026, 3, 5)}
    assert current.loc["B"].to_dict() == {"si_status": "positive", "si_level": "high", "si_date": dt.date(2026, 3, 2)}
    assert "C" not in current.index
