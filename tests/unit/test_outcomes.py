"""Outcomes of SPEC §5: baseline choice, change, status edges, reliable change, early response."""

from __future__ import annotations

import pytest

from clinical.outcomes import OUTCOME_COLUMNS
from tests.factories import make_assessment, make_dose, make_phq9, make_summed, outcomes_of


def phq9_course(baseline: int, current: int) -> dict:
    """Outcome of a PHQ-9 baseline before dose 1 and a current one after it."""
    rows = [make_phq9(baseline, on="2026-03-01"), make_phq9(current, on="2026-03-20")]
    return outcomes_of(rows, [make_dose(on="2026-03-02T10:00")])["PHQ-9"]


def course(instrument: str, baseline: int, current: int) -> dict:
    rows = [make_summed(instrument, baseline, on="2026-03-01"), make_summed(instrument, current, on="2026-03-20")]
    return outcomes_of(rows, [make_dose(on="2026-03-02T10:00")])[instrument]


def test_outcome_rows_have_exactly_the_spec_fields() -> None:
    """One row per patient and instrument with SPEC §8's fields and the fallback marker."""
    row = phq9_course(20, 10)
    assert tuple(row) == OUTCOME_COLUMNS
    assert row["rule_set"] == "2026.1"


# --- baseline selection -------------------------------------------------------------------


def test_same_day_assessment_before_the_first_dose_is_the_baseline() -> None:
    """A complete assessment administered before the first dose's start (same day) is the baseline."""
    rows = [
        make_phq9(22, on="2026-03-01T09:00"),
        make_phq9(18, on="2026-03-10T08:00"),
        make_phq9(9, on="2026-03-20T09:00"),
    ]
    row = outcomes_of(rows, [make_dose(on="2026-03-10T10:00")])["PHQ-9"]
    assert (row["baseline"], str(row["baseline_date"]), row["baseline_is_fallback"]) == (18, "2026-03-10", False)


def test_same_day_assessment_after_the_first_dose_is_not_the_baseline() -> None:
    """An assessment after the first dose's start, even on its day, is not the baseline."""
    rows = [
        make_phq9(22, on="2026-03-01T09:00"),
        make_phq9(18, on="2026-03-10T11:00"),
        make_phq9(9, on="2026-03-20T09:00"),
    ]
    row = outcomes_of(rows, [make_dose(on="2026-03-10T10:00")])["PHQ-9"]
    assert (row["baseline"], str(row["baseline_date"])) == (22, "2026-03-01")


def test_date_only_assessment_at_midnight_precedes_a_dose_that_day() -> None:
    """A record with a date but no time means 00:00, so it comes before that day's dose."""
    rows = [make_phq9(16, on="2026-03-10T00:00"), make_phq9(7, on="2026-03-20")]
    row = outcomes_of(rows, [make_dose(on="2026-03-10T08:00")])["PHQ-9"]
    assert (row["baseline"], row["baseline_is_fallback"]) == (16, False)


def test_assessment_at_the_exact_dose_start_is_the_baseline() -> None:
    """ "At or before the start of the first dosing session" includes the very same moment."""
    rows = [make_phq9(16, on="2026-03-10T10:00"), make_phq9(7, on="2026-03-20")]
    row = outcomes_of(rows, [make_dose(on="2026-03-10T10:00")])["PHQ-9"]
    assert (row["baseline"], row["baseline_is_fallback"]) == (16, False)


def test_without_a_dose_the_earliest_complete_is_a_fallback_baseline() -> None:
    """No dosing session yet: the earliest complete assessment, marked as fallback."""
    rows = [make_phq9(14, on="2026-03-01"), make_phq9(12, on="2026-03-08")]
    row = outcomes_of(rows)["PHQ-9"]
    assert (row["baseline"], str(row["baseline_date"]), row["baseline_is_fallback"]) == (14, "2026-03-01", True)
    assert row["early_response"] is False and row["doses_completed"] == 0


def test_without_a_complete_assessment_before_the_dose_the_earliest_is_a_fallback() -> None:
    """Nothing complete before dose 1: the earliest complete assessment, marked as fallback."""
    rows = [
        make_assessment("PHQ-9", {9: 1}, on="2026-03-01"),
        make_phq9(15, on="2026-03-05"),
        make_phq9(12, on="2026-03-09"),
    ]
    row = outcomes_of(rows, [make_dose(on="2026-03-02T10:00")])["PHQ-9"]
    assert (row["baseline"], row["baseline_is_fallback"]) == (15, True)


def test_incomplete_assessments_are_never_baseline_or_current() -> None:
    """Only complete assessments count; an incomplete one is not plotted as 0."""
    rows = [make_phq9(15, on="2026-03-01"), make_assessment("PHQ-9", {1: 0, 9: 0}, on="2026-03-20")]
    row = outcomes_of(rows, [make_dose(on="2026-03-02T10:00")])["PHQ-9"]
    assert (row["current"], row["status"]) == (15, "insufficient_data")


def test_instrument_with_only_incomplete_assessments_has_no_row() -> None:
    """Rows exist only for instruments with at least one complete assessment."""
    assert outcomes_of([make_assessment("PHQ-9", {9: 2})]) == {}


# --- change and status --------------------------------------------------------------------


def test_single_assessment_is_insufficient_data_with_null_change() -> None:
    """Baseline is current: insufficient_data, change and percent_change null."""
    row = outcomes_of([make_phq9(18, on="2026-03-01")])["PHQ-9"]
    assert row["status"] == "insufficient_data"
    assert row["change"] is None and row["percent_change"] is None and row["reliable_change"] is None


def test_all_assessments_before_the_first_dose_leave_baseline_as_current() -> None:
    """Two complete assessments both before dose 1: the baseline is current, insufficient data."""
    rows = [make_phq9(18, on="2026-03-01"), make_phq9(16, on="2026-03-05")]
    row = outcomes_of(rows, [make_dose(on="2026-03-09T10:00")])["PHQ-9"]
    assert (row["baseline"], row["current"], row["status"], row["change"]) == (16, 16, "insufficient_data", None)


def test_change_and_percent_change() -> None:
    """change = current − baseline; percent_change = 100 × change / baseline, one decimal."""
    row = phq9_course(21, 14)
    assert (row["change"], row["percent_change"]) == (-7, -33.3)


def test_zero_baseline_has_no_percent_change() -> None:
    """change and percent_change are both null when the baseline is 0 (SPEC §5, oracle check)."""
    row = phq9_course(0, 3)
    assert (row["change"], row["percent_change"], row["status"]) == (None, None, "mild_baseline")


@pytest.mark.parametrize(
    ("current", "status"), [(10, "response"), (11, "partial_response"), (15, "partial_response"), (16, "no_response")]
)
def test_response_and_partial_response_edges(current: int, status: str) -> None:
    """PHQ-9 baseline 20: exactly 50 % reduction is response, exactly 25 % is partial response."""
    assert phq9_course(20, current)["status"] == status


@pytest.mark.parametrize(
    ("instrument", "baseline", "remission", "not_remission"),
    [
        ("PHQ-9", 20, 4, 5),
        ("GAD-7", 20, 4, 5),
        ("MADRS", 40, 10, 11),
        ("QIDS-SR16", 20, 5, 6),
        ("BDI-II", 40, 13, 14),
    ],
)
def test_remission_edges(instrument: str, baseline: int, remission: int, not_remission: int) -> None:
    """Remission: PHQ-9 < 5, GAD-7 < 5, MADRS ≤ 10, QIDS-SR16 ≤ 5, BDI-II ≤ 13."""
    assert course(instrument, baseline, remission)["status"] == "remission"
    assert course(instrument, baseline, not_remission)["status"] == "response"


@pytest.mark.parametrize(
    ("instrument", "mild", "moderate"),
    [("PHQ-9", 9, 10), ("GAD-7", 9, 10), ("MADRS", 19, 20), ("QIDS-SR16", 10, 11), ("BDI-II", 19, 20)],
)
def test_mild_baseline_edges(instrument: str, mild: int, moderate: int) -> None:
    """Below the moderate band response is not meaningful: mild_baseline, even for a remission."""
    assert course(instrument, mild, 0)["status"] == "mild_baseline"
    assert course(instrument, moderate, 0)["status"] == "remission"


@pytest.mark.parametrize(
    ("instrument", "baseline", "change", "reliable"),
    [
        ("PHQ-9", 12, 5, "no_reliable_change"),
        ("PHQ-9", 12, 6, "deteriorated"),
        ("PHQ-9", 12, -5, "no_reliable_change"),
        ("PHQ-9", 12, -6, "improved"),
        ("GAD-7", 12, 3, "no_reliable_change"),
        ("GAD-7", 12, 4, "deteriorated"),
        ("GAD-7", 12, -3, "no_reliable_change"),
        ("GAD-7", 12, -4, "improved"),
    ],
)
def test_reliable_change_edges(instrument: str, baseline: int, change: int, reliable: str) -> None:
    """Reliable change: PHQ-9 6 points, GAD-7 4 points, in either direction."""
    assert course(instrument, baseline, baseline + change)["reliable_change"] == reliable


@pytest.mark.parametrize(
    ("instrument", "current", "status"),
    [
        ("PHQ-9", 17, "no_response"),
        ("PHQ-9", 18, "deterioration"),
        ("GAD-7", 15, "no_response"),
        ("GAD-7", 16, "deterioration"),
    ],
)
def test_deterioration_status_at_the_reliable_change_threshold(instrument: str, current: int, status: str) -> None:
    """Status deterioration: an increase of at least the reliable-change threshold."""
    assert course(instrument, 12, current)["status"] == status


@pytest.mark.parametrize(("current", "status"), [(29, "no_response"), (30, "deterioration")])
def test_deterioration_without_threshold_is_a_25_percent_increase(current: int, status: str) -> None:
    """Instruments without a reliable-change threshold deteriorate at +25 % (MADRS 24 → 30)."""
    row = course("MADRS", 24, current)
    assert row["status"] == status and row["reliable_change"] is None


# --- early response and doses -------------------------------------------------------------


def test_early_response_between_dose_one_and_dose_three() -> None:
    """≥ 50 % reduction after dose 1 and before dose 3 is an early response."""
    doses = [make_dose(on=f"2026-03-{d:02d}T10:00") for d in (2, 5, 9)]
    rows = [make_phq9(20, on="2026-03-01"), make_phq9(10, on="2026-03-06"), make_phq9(14, on="2026-03-20")]
    row = outcomes_of(rows, doses)["PHQ-9"]
    assert row["early_response"] is True and row["status"] == "partial_response"


def test_no_early_response_when_the_halving_comes_after_dose_three() -> None:
    """A reduction at or after dose 3's start is not early."""
    doses = [make_dose(on=f"2026-03-{d:02d}T10:00") for d in (2, 5, 9)]
    rows = [make_phq9(20, on="2026-03-01"), make_phq9(11, on="2026-03-06"), make_phq9(9, on="2026-03-09T10:00")]
    assert outcomes_of(rows, doses)["PHQ-9"]["early_response"] is False


def test_early_response_up_to_the_evaluation_day_without_a_third_dose() -> None:
    """Without a third dose, assessments up to the evaluation day count."""
    rows = [make_phq9(20, on="2026-03-01"), make_phq9(10, on="2026-04-20")]
    doses = [make_dose(on="2026-03-02T10:00"), make_dose(on="2026-03-05T10:00")]
    assert outcomes_of(rows, doses)["PHQ-9"]["early_response"] is True


def test_doses_completed_counts_only_doses_up_to_the_evaluation_day() -> None:
    """Dosing sessions after the evaluation day are scheduled, not doses yet."""
    rows = [make_phq9(20, on="2026-03-01"), make_phq9(10, on="2026-03-06")]
    doses = [make_dose(on="2026-03-02T10:00"), make_dose(on="2026-03-05T10:00"), make_dose(on="2026-03-12T10:00")]
    assert outcomes_of(rows, doses, as_of="2026-03-10")["PHQ-9"]["doses_completed"] == 2


def test_records_after_the_evaluation_day_are_ignored() -> None:
    """--as-of: records after the end of that day do not count; records on it do."""
    rows = [make_phq9(20, on="2026-03-01"), make_phq9(10, on="2026-03-10T23:59"), make_phq9(2, on="2026-03-11T00:00")]
    row = outcomes_of(rows, [make_dose(on="2026-03-02T10:00")], as_of="2026-03-10")["PHQ-9"]
    assert (row["current"], str(row["current_date"])) == (10, "2026-03-10")


def test_dates_are_clinic_calendar_days() -> None:
    """A late-evening assessment in Chicago belongs to that evening's day, not the next UTC day."""
    rows = [make_phq9(20, on="2026-03-02T03:00")]
    row = outcomes_of(rows, tz="America/Chicago")["PHQ-9"]
    assert str(row["baseline_date"]) == "2026-03-01"
