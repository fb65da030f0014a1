"""Regressions found by the independent SPEC oracle (tests/oracle), pinned at their boundary."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd

from clinical.outcomes import compute_outcomes
from tests.oracle.engine_frames import assessments_frame, sessions_frame
from tests.oracle.spec_oracle import Assessment, Session

UTC = ZoneInfo("UTC")


def _phq9_totals(*totals_by_day: tuple[int, int]) -> list[Assessment]:
    return [
        Assessment("P1", dt.datetime(2026, 3, day, 9, tzinfo=dt.UTC), "PHQ-9", total, {})
        for day, total in totals_by_day
    ]


def _phq9_outcome(assessments: list[Assessment], sessions: list[Session] | None = None) -> dict:
    frame = compute_outcomes(
        assessments_frame(assessments), sessions_frame(sessions or []), as_of=dt.date(2026, 3, 31), tz=UTC
    )
    rows = frame[frame["instrument"] == "PHQ-9"].to_dict("records")
    assert len(rows) == 1
    return rows[0]


def test_zero_baseline_leaves_change_and_percent_change_null() -> None:
    """With a baseline of 0, change and percent_change are both null (SPEC §5: "both null when … the baseline is 0")."""
    row = _phq9_outcome(_phq9_totals((1, 0), (20, 8)))
    assert pd.isna(row["change"]) and pd.isna(row["percent_change"])
    assert row["status"] == "mild_baseline"


def test_zero_baseline_still_shows_a_reliable_rise() -> None:
    """A PHQ-9 rising from 0 to 6 is a reliable deterioration even though change is null."""
    assert _phq9_outcome(_phq9_totals((1, 0), (20, 6)))["reliable_change"] == "deteriorated"
    assert _phq9_outcome(_phq9_totals((1, 0), (20, 5)))["reliable_change"] == "no_reliable_change"


def test_one_point_above_zero_baseline_has_a_change() -> None:
    """A baseline of 1 is not 0: change and percent_change are given."""
    row = _phq9_outcome(_phq9_totals((1, 1), (20, 4)))
    assert (int(row["change"]), float(row["percent_change"])) == (3, 300.0)


def test_single_assessment_has_no_reliable_change_verdict() -> None:
    """With the baseline as current there is no change to judge: reliable_change is null, not 'no change'."""
    row = _phq9_outcome(_phq9_totals((1, 14)))
    assert row["status"] == "insufficient_data"
    assert pd.isna(row["reliable_change"])
