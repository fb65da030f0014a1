"""The one versioned rule set (SPEC §3–6). Every clinical number lives here.

Code and tests import these values; they never retype them. A clinic that overrides a
threshold gets a derived version label (`2026.1+local.<hash>`), never the plain one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

BASE_RULE_SET = "2026.1"


@dataclass(frozen=True)
class Band:
    """A severity band: its label and the lowest total that falls in it."""

    label: str
    lower: int


@dataclass(frozen=True)
class OutcomeRules:
    """Outcome thresholds of one instrument (SPEC §5)."""

    mild_baseline_below: int  # baseline below this: response is not meaningful
    remission_at_or_below: int  # current at or below this is remission
    reliable_change: int | None  # points; None where the instrument has none


@dataclass(frozen=True)
class Rules:
    """Every threshold of SPEC §3–6, with the version label that produced results."""

    # §3: severity bands per instrument (lower bounds, ascending).
    bands: dict[str, tuple[Band, ...]] = field(
        default_factory=lambda: {
            "PHQ-9": (
                Band("minimal", 0),
                Band("mild", 5),
                Band("moderate", 10),
                Band("moderately severe", 15),
                Band("severe", 20),
            ),
            "PHQ-2": (Band("negative screen", 0), Band("positive screen", 3)),
            "GAD-7": (Band("minimal", 0), Band("mild", 5), Band("moderate", 10), Band("severe", 15)),
            "MADRS": (Band("normal", 0), Band("mild", 7), Band("moderate", 20), Band("severe", 35)),
            "QIDS-SR16": (
                Band("none", 0),
                Band("mild", 6),
                Band("moderate", 11),
                Band("severe", 16),
                Band("very severe", 21),
            ),
            "BDI-II": (Band("minimal", 0), Band("mild", 14), Band("moderate", 20), Band("severe", 29)),
        }
    )
    # §3: SI item and its positive / high thresholds (raw answer of that item).
    si_items: dict[str, tuple[int, int, int]] = field(
        default_factory=lambda: {
            # instrument: (item number, positive at >=, high at >=)
            "PHQ-9": (9, 1, 2),
            "MADRS": (10, 2, 4),
            "QIDS-SR16": (12, 1, 2),
            "BDI-II": (9, 1, 2),
        }
    )
    # §5: outcome thresholds.
    outcomes: dict[str, OutcomeRules] = field(
        default_factory=lambda: {
            "PHQ-9": OutcomeRules(mild_baseline_below=10, remission_at_or_below=4, reliable_change=6),
            "GAD-7": OutcomeRules(mild_baseline_below=10, remission_at_or_below=4, reliable_change=4),
            "MADRS": OutcomeRules(mild_baseline_below=20, remission_at_or_below=10, reliable_change=None),
            "QIDS-SR16": OutcomeRules(mild_baseline_below=11, remission_at_or_below=5, reliable_change=None),
            "BDI-II": OutcomeRules(mild_baseline_below=20, remission_at_or_below=13, reliable_change=None),
        }
    )
    response_reduction_pct: float = 50.0
    partial_response_reduction_pct: float = 25.0
    # Instruments without a reliable-change threshold: deterioration = increase >= this %.
    deterioration_increase_pct: float = 25.0

    # §4: SI flags.
    si_consecutive_days: int = 2
    si_window_positive_days: int = 3
    si_window_days: int = 30  # first and last positive day at most (window - 1) days apart
    si_resolve_lookback_days: int = 60

    # §6: other flags.
    off_track_min_baseline: int = 10
    off_track_min_doses: int = 4
    off_track_reduction_below_pct: float = 25.0
    overdue_enrolled_days: int = 14
    overdue_si_window_days: int = 14
    overdue_dose_si_window_days: int = 7
    bp_pre_sys_high: int = 140
    bp_pre_dia_high: int = 90
    bp_any_sys_severe: int = 180
    bp_any_dia_severe: int = 110
    integration_within_days: int = 7

    # Caseload phase (SPEC §7).
    phase_recent_dose_days: int = 14
    phase_integration_weeks: int = 8

    def label(self) -> str:
        """`2026.1` for the published rules; `2026.1+local.<hash>` once anything differs."""
        if self == Rules():
            return BASE_RULE_SET
        digest = hashlib.sha256(json.dumps(_plain(asdict(self)), sort_keys=True).encode()).hexdigest()
        return f"{BASE_RULE_SET}+local.{digest[:4]}"

    def with_overrides(self, **changes: Any) -> Rules:
        """A copy with some thresholds changed (its `label()` then says so)."""
        return replace(self, **changes)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


DEFAULT_RULES = Rules()


@dataclass(frozen=True)
class TeamOutcomeRules:
    """Cohorts and windows of the supervisor's team outcomes (consultation view, issue 10)."""

    cohort_min_phq9_baseline: int = 10  # response/remission: a baseline where response means something
    cohort_min_doses: int = 4  # … and a course long enough to judge
    dropout_gap_days: int = 28  # one dose and none in the following 28 days = dropout after dose 1
    flag_burden_days: int = 90  # flags raised per therapist in this many days up to the evaluation day


DEFAULT_TEAM_RULES = TeamOutcomeRules()
