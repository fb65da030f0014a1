"""Scoring of SPEC §3: totals, bands, SI items, the C-SSRS screener, QIDS-SR16 domains."""

from __future__ import annotations

import pandas as pd
import pytest

from clinical.instruments import INSTRUMENTS
from clinical.rules import DEFAULT_RULES
from clinical.scoring import band_for, score_assessments
from tests.factories import assessments_frame, make_assessment, make_summed


def scored(*rows: dict) -> pd.DataFrame:
    return score_assessments(assessments_frame(rows))


BAND_EDGES = [
    (instrument, band.lower, band.label, previous.label)
    for instrument, bands in DEFAULT_RULES.bands.items()
    for previous, band in zip(bands, bands[1:], strict=False)
]


@pytest.mark.parametrize(("instrument", "lower", "label", "below"), BAND_EDGES)
def test_each_band_starts_at_its_lower_bound(instrument: str, lower: int, label: str, below: str) -> None:
    """A total at a band's lower bound is in that band; one point less is in the band below."""
    assert band_for(instrument, lower) == label
    assert band_for(instrument, lower - 1) == below
    row = scored(make_summed(instrument, lower), make_summed(instrument, lower - 1))
    assert list(row["band"]) == [label, below]


def test_phq9_total_is_the_item_sum_and_bands_from_it() -> None:
    """PHQ-9: nine items summed; 10 is moderate."""
    row = scored(make_assessment("PHQ-9", [1, 1, 1, 1, 1, 1, 1, 1, 2])).iloc[0]
    assert row["score"] == 10 and bool(row["complete"]) and row["band"] == "moderate"


def test_a_missing_item_leaves_no_total_and_is_incomplete() -> None:
    """An assessment missing any item has no total (never a partial sum) and is incomplete."""
    row = scored(make_assessment("PHQ-9", [3, 3, 3, 3, 3, 3, 3, None, 0])).iloc[0]
    assert row["score"] is pd.NA and not bool(row["complete"]) and row["band"] is None


def test_a_stated_total_without_items_counts_as_complete() -> None:
    """A total given directly (FHIR totals) makes the assessment complete."""
    row = scored(make_assessment("PHQ-9", total=17)).iloc[0]
    assert row["score"] == 17 and bool(row["complete"]) and row["band"] == "moderately severe"
    assert not bool(row["si_bearing"])


def test_incomplete_assessment_with_answered_si_item_is_si_bearing() -> None:
    """The SI item still counts when answered on an incomplete assessment."""
    row = scored(make_assessment("PHQ-9", {9: 2})).iloc[0]
    assert row["score"] is pd.NA
    assert bool(row["si_bearing"]) and bool(row["si_positive"]) and bool(row["si_high"])
    assert row["si_item"] == 9 and row["si_answer"] == 2


def test_qids_counts_the_worst_item_of_each_pooled_domain() -> None:
    """QIDS-SR16: sleep = max(1–4), appetite/weight = max(6–9), psychomotor = max(15–16), others as is."""
    answers = {n: 0 for n in range(1, 17)}
    answers.update({1: 1, 2: 3, 3: 2, 4: 0, 6: 2, 7: 1, 8: 3, 9: 0, 15: 1, 16: 2, 5: 1, 12: 1})
    row = scored(make_assessment("QIDS-SR16", answers)).iloc[0]
    assert row["score"] == 3 + 3 + 2 + 1 + 1  # sleep, appetite/weight, psychomotor, item 5, item 12
    assert row["score"] == INSTRUMENTS["QIDS-SR16"].compute_total(answers)


def test_qids_all_maxima_total_27() -> None:
    """QIDS-SR16 with every item at 3 totals 27, not 48."""
    row = scored(make_assessment("QIDS-SR16", [3] * 16)).iloc[0]
    assert row["score"] == 27 and row["band"] == "very severe"


@pytest.mark.parametrize(
    ("instrument", "item", "count", "answer", "positive", "high"),
    [
        ("PHQ-9", 9, 9, 0, False, False),
        ("PHQ-9", 9, 9, 1, True, False),
        ("PHQ-9", 9, 9, 2, True, True),
        ("MADRS", 10, 10, 1, False, False),
        ("MADRS", 10, 10, 2, True, False),
        ("MADRS", 10, 10, 3, True, False),
        ("MADRS", 10, 10, 4, True, True),
        ("QIDS-SR16", 12, 16, 1, True, False),
        ("QIDS-SR16", 12, 16, 2, True, True),
        ("BDI-II", 9, 21, 1, True, False),
        ("BDI-II", 9, 21, 2, True, True),
    ],
)
def test_si_item_thresholds(instrument: str, item: int, count: int, answer: int, positive: bool, high: bool) -> None:
    """Each instrument's SI item is positive and high at the table's thresholds."""
    answers = {n: 0 for n in range(1, count + 1)} | {item: answer}
    row = scored(make_assessment(instrument, answers)).iloc[0]
    assert bool(row["si_bearing"])
    assert (bool(row["si_positive"]), bool(row["si_high"])) == (positive, high)


def test_instruments_without_si_item_are_never_si_bearing() -> None:
    """GAD-7, PHQ-2 and CADSS carry no SI item."""
    rows = scored(make_summed("GAD-7", 21), make_summed("PHQ-2", 6), make_summed("CADSS", 40))
    assert not rows["si_bearing"].any()


@pytest.mark.parametrize(
    ("answers", "risk", "bearing", "positive", "high"),
    [
        ({1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0}, None, True, False, False),
        ({1: 1, 2: 0}, "low", True, True, False),
        ({1: 1, 2: 1, 3: 0, 4: 0, 5: 0}, "low", True, True, False),
        ({1: 1, 2: 1, 3: 1, 4: 0, 5: 0}, "moderate", True, True, False),
        ({1: 0, 2: 0, 6: 1}, "moderate", True, False, False),
        ({1: 1, 2: 1, 3: 1, 4: 1, 5: 0}, "high", True, True, True),
        ({1: 1, 2: 1, 3: 1, 4: 1, 5: 1}, "high", True, True, True),
        ({1: 0, 2: 0, 6: 1, 7: 1}, "high", True, True, True),
    ],
)
def test_cssrs_risk_levels(answers: dict, risk: str | None, bearing: bool, positive: bool, high: bool) -> None:
    """C-SSRS: high = Q4/Q5/item_7; moderate = Q3 or item_6; low = Q1/Q2 only."""
    row = scored(make_assessment("C-SSRS", answers)).iloc[0]
    assert row["cssrs_risk"] == risk
    assert (bool(row["si_bearing"]), bool(row["si_positive"]), bool(row["si_high"])) == (bearing, positive, high)
    assert row["score"] is pd.NA


def test_cssrs_item6_alone_is_not_si_bearing() -> None:
    """Lifetime behaviour (item_6) alone is not an SI-bearing answer."""
    row = scored(make_assessment("C-SSRS", {6: 1})).iloc[0]
    assert not bool(row["si_bearing"]) and row["cssrs_risk"] == "moderate"


def test_cssrs_evidence_names_the_gravest_yes_item() -> None:
    """The SI item of a positive C-SSRS is its gravest yes (recent behaviour, then Q5 … Q1)."""
    rows = scored(make_assessment("C-SSRS", {1: 1, 2: 1, 4: 1}), make_assessment("C-SSRS", {1: 1, 7: 1}))
    assert list(rows["si_item"]) == [4, 7]
    assert list(rows["si_answer"]) == [1, 1]


def test_scoring_keeps_input_rows_and_order() -> None:
    """Scoring adds columns; it never drops or reorders assessments."""
    frame = assessments_frame([make_summed("GAD-7", 3), make_assessment("PHQ-9", {9: 1}), make_summed("MADRS", 30)])
    result = score_assessments(frame)
    assert list(result["instrument"]) == ["GAD-7", "PHQ-9", "MADRS"]
    assert list(result["score"].astype("Float64").fillna(-1)) == [3, -1, 30]
