"""Scoring of SPEC §3, vectorised over a whole assessment table.

A million assessments score in one pass per instrument: no per-row Python. A missing
item never becomes 0 — such an assessment has no total unless the source stated one, and
its SI item still counts when answered (an SI answer is never dropped).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.types import is_numeric_dtype

from clinical.instruments import INSTRUMENTS, MAX_ITEMS, scoring_domains
from clinical.rules import DEFAULT_RULES, Rules

CSSRS = "C-SSRS"
# C-SSRS screener columns: item_1…item_5 = Q1…Q5 (past month), item_6 = Q6 lifetime,
# item_7 = Q6 within the past 3 months (SPEC §3).
_CSSRS_SI_ITEMS = (1, 2, 3, 4, 5, 7)
_CSSRS_HIGH_ITEMS = (4, 5, 7)
# When several C-SSRS answers are yes, evidence names the gravest: recent behaviour, then
# ideation with plan/intent, intent, method, active ideation, wish to be dead.
_CSSRS_GRAVITY = (7, 5, 4, 3, 2, 1)

SCORED_COLUMNS = (
    "score",
    "complete",
    "band",
    "si_item",
    "si_answer",
    "si_bearing",
    "si_positive",
    "si_high",
    "cssrs_risk",
)


def band_for(instrument: str, total: int, rules: Rules = DEFAULT_RULES) -> str | None:
    """The severity band of a total (lower bounds inclusive), or None for an instrument without bands."""
    bands = rules.bands.get(instrument)
    if not bands:
        return None
    label = None
    for band in bands:
        if total >= band.lower:
            label = band.label
    return label


def _numbers(column: pd.Series) -> np.ndarray:
    """A column as floats, NaN where blank or not a number."""
    if not is_numeric_dtype(column.dtype):
        column = pd.to_numeric(column, errors="coerce")
    return column.to_numpy(dtype=float, na_value=np.nan)


def _item_matrix(assessments: pd.DataFrame) -> np.ndarray:
    """Items as a float matrix with NaN for unanswered (rows × item_1…item_23)."""
    # Column-major: it is filled one item column at a time.
    matrix = np.full((len(assessments), MAX_ITEMS), np.nan, order="F")
    for n in range(1, MAX_ITEMS + 1):
        column = f"item_{n}"
        if column in assessments.columns:
            matrix[:, n - 1] = _numbers(assessments[column])
    return matrix


def _instrument_rows(instruments: np.ndarray) -> dict[str, np.ndarray]:
    """A row mask per instrument present: one pass over the names, not one per rule (a blank name has none)."""
    codes, names = pd.factorize(instruments)
    return {str(name): codes == code for code, name in enumerate(names)}


def _computed_totals(rows_of: dict[str, np.ndarray], matrix: np.ndarray) -> np.ndarray:
    totals = np.full(len(matrix), np.nan)
    for name, instrument in INSTRUMENTS.items():
        mask = rows_of.get(name)
        if not instrument.has_total or mask is None:
            continue
        rows = matrix[mask]
        total = np.zeros(len(rows))
        for domain in scoring_domains(instrument):
            # max() propagates NaN, so one unanswered item leaves the whole total NaN.
            total = total + rows[:, [n - 1 for n in domain]].max(axis=1)
        totals[mask] = total
    return totals


def _bands(rows_of: dict[str, np.ndarray], scores: np.ndarray, rules: Rules) -> np.ndarray:
    bands = np.full(len(scores), None, dtype=object)
    for name, instrument_bands in rules.bands.items():
        if name not in rows_of:
            continue
        mask = rows_of[name] & ~np.isnan(scores)
        if not mask.any():
            continue
        lowers = np.array([band.lower for band in instrument_bands])
        labels = np.array([band.label for band in instrument_bands], dtype=object)
        index = np.searchsorted(lowers, scores[mask], side="right") - 1
        bands[mask] = np.where(index >= 0, labels[np.clip(index, 0, None)], None)
    return bands


def _si_columns(rows_of: dict[str, np.ndarray], matrix: np.ndarray, rules: Rules) -> dict[str, np.ndarray]:
    n = len(matrix)
    item = np.full(n, np.nan)
    answer = np.full(n, np.nan)
    positive = np.zeros(n, dtype=bool)
    high = np.zeros(n, dtype=bool)
    for name, (si_item, positive_at, high_at) in rules.si_items.items():
        if name not in rows_of:
            continue
        mask = rows_of[name]
        values = matrix[mask, si_item - 1]
        answered = ~np.isnan(values)
        item[mask] = np.where(answered, si_item, np.nan)
        answer[mask] = values
        positive[mask] = answered & (values >= positive_at)
        high[mask] = answered & (values >= high_at)

    risk = np.full(n, None, dtype=object)
    if CSSRS in rows_of:
        mask = rows_of[CSSRS]
        rows = matrix[mask]
        yes = {q: rows[:, q - 1] == 1 for q in range(1, 8)}
        answered = ~np.isnan(rows[:, [q - 1 for q in _CSSRS_SI_ITEMS]])
        bearing = answered.any(axis=1)
        is_positive = np.logical_or.reduce([yes[q] for q in _CSSRS_SI_ITEMS])
        is_high = np.logical_or.reduce([yes[q] for q in _CSSRS_HIGH_ITEMS])
        gravest = np.full(len(rows), np.nan)
        for q in reversed(_CSSRS_GRAVITY):  # the gravest yes is written last and wins
            gravest = np.where(yes[q], q, gravest)
        first_answered = np.full(len(rows), np.nan)
        for q in reversed(_CSSRS_SI_ITEMS):
            first_answered = np.where(~np.isnan(rows[:, q - 1]), q, first_answered)
        item[mask] = np.where(is_positive, gravest, np.where(bearing, first_answered, np.nan))
        answer[mask] = np.where(bearing, is_positive.astype(float), np.nan)
        positive[mask] = is_positive
        high[mask] = is_high
        moderate = (yes[3] | yes[6]) & ~is_high
        low = (yes[1] | yes[2]) & ~is_high & ~moderate
        levels = np.full(len(rows), None, dtype=object)
        levels[low], levels[moderate], levels[is_high] = "low", "moderate", "high"
        risk[mask] = levels
    return {"si_item": item, "si_answer": answer, "si_positive": positive, "si_high": high, "cssrs_risk": risk}


def _nullable_int(values: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.array(values, dtype="Float64").astype("Int64")


def score_assessments(assessments: pd.DataFrame, rules: Rules = DEFAULT_RULES) -> pd.DataFrame:
    """The assessments with their derived columns (see SCORED_COLUMNS).

    score: the stated total, else the computed total when every item is answered, else <NA>;
    complete: has a score; band: severity band of the score; si_item / si_answer: the SI
    item and its raw answer (C-SSRS: the gravest yes item, answer 1/0); si_bearing: that
    item answered (C-SSRS: any of Q1–Q5 or item_7; item_6 alone is not enough);
    si_positive / si_high: SI at the positive / high level; cssrs_risk: low/moderate/high.
    """
    # A shallow copy is enough: under pandas' copy-on-write the caller's frame never changes.
    scored = assessments.copy(deep=False)
    rows_of = _instrument_rows(scored["instrument"].to_numpy(dtype=object))
    matrix = _item_matrix(scored)
    computed = _computed_totals(rows_of, matrix)
    stated = _numbers(scored["total"])
    has_total = np.zeros(len(scored), dtype=bool)
    for name, mask in rows_of.items():
        if name in INSTRUMENTS and INSTRUMENTS[name].has_total:
            has_total |= mask
    score = np.where(has_total, np.where(np.isnan(stated), computed, stated), np.nan)

    scored["score"] = _nullable_int(score)
    scored["complete"] = ~np.isnan(score)
    # Object columns keep None (pandas 3 would otherwise infer `str` with NaN for "no band").
    scored["band"] = pd.Series(_bands(rows_of, score, rules), index=scored.index, dtype=object)
    si = _si_columns(rows_of, matrix, rules)
    scored["si_item"] = _nullable_int(si["si_item"])
    scored["si_answer"] = _nullable_int(si["si_answer"])
    scored["si_bearing"] = ~np.isnan(si["si_answer"])
    scored["si_positive"] = si["si_positive"]
    scored["si_high"] = si["si_high"]
    scored["cssrs_risk"] = pd.Series(si["cssrs_risk"], index=scored.index, dtype=object)
    return scored


def ensure_scored(assessments: pd.DataFrame, rules: Rules = DEFAULT_RULES) -> pd.DataFrame:
    """Score unless already scored (callers may pass either)."""
    if all(column in assessments.columns for column in SCORED_COLUMNS):
        return assessments
    return score_assessments(assessments, rules)
