"""The patient timeline's chart spec: bands, lines, dose markers, gaps — never zeros for missing values."""

from __future__ import annotations

import json
from functools import cache

import pandas as pd

from clinical.rules import DEFAULT_RULES
from components.timeline import timeline_chart
from services.views import TimelineFrames

T0 = pd.Timestamp("2026-03-02 09:00")


def _frames(phq9: list[int | None], *, weight_known: bool = True) -> TimelineFrames:
    scores = pd.DataFrame(
        [
            {
                "instrument": "PHQ-9",
                "at": T0 + pd.Timedelta(days=4 * i, hours=-1),
                "score": value,
                "band": None,
                "complete": value is not None,
            }
            for i, value in enumerate(phq9)
        ]
    )
    scores["score"] = scores["score"].astype("Int64")
    doses = pd.DataFrame(
        [
            {
                "dose_number": i + 1,
                "at": T0 + pd.Timedelta(days=4 * i),
                "route": route,
                "dose_mg": mg,
                "mg_per_kg": mg / 70 if weight_known else None,
                "cadss": 20 if i else None,
                "bp_pre_sys": 128,
                "bp_pre_dia": 80,
                "bp_peak_sys": 150,
                "bp_peak_dia": 92,
                "bp_post_sys": None,
                "bp_post_dia": None,
            }
            for i, (route, mg) in enumerate([("iv", 35.0), ("sublingual", 200.0)])
        ]
    )
    si = pd.DataFrame(
        [
            {
                "at": T0 + pd.Timedelta(days=4 * i, hours=-1),
                "instrument": "PHQ-9",
                "item": 9,
                "answer": a,
                "positive": a >= 1,
                "high": a >= 2,
            }
            for i, a in enumerate([2, 0])
        ]
    )
    integrations = pd.DataFrame({"at": [T0 + pd.Timedelta(days=1)]})
    return TimelineFrames(scores=scores, doses=doses, integrations=integrations, si=si, baselines={"PHQ-9": 20})


@cache
def _spec(phq9: tuple[int | None, ...], weight_known: bool = True, mode: str = "date") -> dict:
    """One chart spec per case: building and validating a spec is the slow part of these tests."""
    return timeline_chart(_frames(list(phq9), weight_known=weight_known), mode=mode).to_dict()  # type: ignore[arg-type]


def _datasets(spec: dict) -> list[list[dict]]:
    return list(spec.get("datasets", {}).values())


def _rows_with(spec: dict, key: str) -> list[dict]:
    return [row for rows in _datasets(spec) for row in rows if key in row]


def test_incomplete_assessment_is_never_plotted_as_a_zero_total() -> None:
    """An incomplete PHQ-9 has no plotted score: no data row carries score 0 or null for it."""
    spec = _spec(
        (
            20,
            None,
            12,
        )
    )
    scores = [row["score"] for row in _rows_with(spec, "score")]
    assert sorted(set(scores)) == [12, 20]
    assert 0 not in scores and None not in scores


def test_line_breaks_at_an_incomplete_assessment() -> None:
    """Scores before and after an incomplete assessment are in different line segments (a gap)."""
    spec = _spec(
        (
            20,
            None,
            12,
        )
    )
    segments = {row["score"]: row["segment"] for row in _rows_with(spec, "segment")}
    assert segments[20] != segments[12]


def test_incomplete_assessment_is_marked_in_the_sessions_lane() -> None:
    """The incomplete assessment still shows — as 'items missing, no total', not as a value."""
    spec = _spec(
        (
            20,
            None,
            12,
        )
    )
    whats = [row["what"] for row in _rows_with(spec, "what")]
    assert any("items missing, no total" in what for what in whats)


def test_severity_bands_come_from_the_rules() -> None:
    """Every PHQ-9 band of the rule set is drawn with its label."""
    spec = _spec(
        (
            20,
            12,
        )
    )
    drawn = {row["band"] for row in _rows_with(spec, "band") if "lower" in row}
    assert drawn == {band.label for band in DEFAULT_RULES.bands["PHQ-9"]}


def test_response_and_remission_lines_are_drawn() -> None:
    """A response line at 50 % of baseline and a remission line at the rule's threshold."""
    spec = _spec(
        (
            20,
            12,
        )
    )
    lines = {row["label"]: row["y"] for row in _rows_with(spec, "label") if "y" in row}
    assert lines["response: 50 % of baseline 20"] == 10
    assert lines[f"remission ≤ {DEFAULT_RULES.outcomes['PHQ-9'].remission_at_or_below}"] == 4


def test_every_dose_is_marked_with_number_route_mg_and_mg_per_kg() -> None:
    """Each dose carries its number, route, mg and mg/kg as text on the sessions lane."""
    spec = _spec(
        (
            20,
            12,
        )
    )
    lane = [(row["lane"], row["text"]) for row in _rows_with(spec, "lane") if "what" in row]
    assert ("Dose", "#1") in lane and ("Dose", "#2") in lane
    assert ("Route", "IV") in lane and ("Route", "SUBLINGUAL") in lane
    assert ("mg", "35 mg") in lane and ("mg", "200 mg") in lane
    assert ("mg/kg", "0.50 mg/kg") in lane and ("mg/kg", "2.86 mg/kg") in lane
    assert ("Integration", "◆") in lane


def test_unknown_weight_shows_mg_per_kg_as_unknown_not_zero() -> None:
    """Without a weight, mg/kg reads 'mg/kg ?' rather than a number."""
    spec = _spec((20, 12), weight_known=False)
    texts = [row["text"] for row in _rows_with(spec, "lane") if row.get("lane") == "mg/kg"]
    assert texts == ["mg/kg ?", "mg/kg ?"]


def test_si_lane_marks_positive_days_and_keeps_negative_answers() -> None:
    """The SI lane shades the positive day and plots the negative answer as a real 0 answer."""
    spec = _spec(
        (
            20,
            12,
        )
    )
    statuses = {row["status"]: row["answer"] for row in _rows_with(spec, "status")}
    assert statuses == {"positive, high": 2, "negative": 0}
    shaded = [row["date"] for row in _rows_with(spec, "day_start_at")]
    assert shaded == ["2026-03-02"]


def test_missing_blood_pressure_and_cadss_are_not_plotted() -> None:
    """A blank post-dose BP and a blank CADSS produce no data point at all."""
    spec = _spec(
        (
            20,
            12,
        )
    )
    timings = [row["timing"] for row in _rows_with(spec, "timing")]
    assert sorted(timings) == ["peak", "peak", "pre", "pre"]
    cadss = [row["cadss"] for row in _rows_with(spec, "cadss")]
    assert cadss == [20]  # dose 1 has no CADSS: no bar, no zero


def test_days_since_dose_one_axis() -> None:
    """With x as days since dose 1, dose 1 sits at day 0 and the spec validates."""
    spec = _spec((20, 12), mode="days")
    assert "days since dose 1" in json.dumps(spec)
    dose_days = sorted({row["day"] for row in _rows_with(spec, "dose_number")})
    assert dose_days == [0.0, 4.0]


def test_no_dose_yet_falls_back_to_dates() -> None:
    """A patient still in preparation has no dose 1: the axis stays on dates."""
    frames = _frames([20])
    empty = TimelineFrames(frames.scores, frames.doses.iloc[0:0], frames.integrations.iloc[0:0], frames.si, {})
    spec = timeline_chart(empty, mode="days").to_dict()
    assert "days since dose 1" not in json.dumps(spec)
