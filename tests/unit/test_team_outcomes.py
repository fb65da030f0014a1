"""Team outcomes (issue 10): every rate against counts worked out by hand on a small team."""

from __future__ import annotations

import datetime as dt

import pytest

from clinical.lifecycle import SYSTEM, Transition
from clinical.team_outcomes import (
    CoursePatient,
    OpenFlag,
    RaisedFlag,
    Rate,
    summarise_team,
    waited_text,
    waiting_since,
)

AS_OF = dt.date(2026, 3, 31)
END_OF_DAY = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)


def doses(*days: str) -> tuple[dt.date, ...]:
    return tuple(dt.date.fromisoformat(day) for day in days)


FIVE = doses("2026-01-05", "2026-01-08", "2026-01-12", "2026-01-15", "2026-01-19")
FOUR = FIVE[:4]
SIX = (*FIVE, dt.date(2026, 1, 22))


def patient(pid: str, therapist: str, baseline: int | None, dose_days: tuple[dt.date, ...], status: str | None,
            early: bool = False, state: str = "active", phase: str = "integration") -> CoursePatient:  # fmt: skip
    return CoursePatient(pid, therapist, state, phase, dose_days, baseline, status, early)


# The team, worked out by hand (see each line's comment).
TEAM = [
    patient("A1", "ana", 20, FIVE, "response", early=True),  # responder, early responder
    patient("A2", "ana", 15, FOUR, "remission"),  # remitter (edge: exactly 4 doses)
    patient("A3", "ana", 12, SIX, "no_response"),  # in the cohort, not responding
    patient("A4", "ana", 8, FIVE, "mild_baseline"),  # baseline below 10: outside the cohort
    patient("A5", "ana", 18, doses("2026-02-01"), "no_response", phase="dosing"),  # one dose 58 days ago: dropout
    patient("A6", "ana", 14, doses("2026-03-20"), "insufficient_data", phase="dosing"),  # dose 1 11 days ago
    patient("A7", "ana", 16, (), "insufficient_data", phase="preparation"),  # no dose yet
    patient("B1", "ben", 22, FOUR, "insufficient_data"),  # cohort, no PHQ-9 since baseline: not responding
    patient("B2", "ben", 10, FOUR, "partial_response"),  # edge: baseline exactly 10 is in the cohort
    patient("B3", "ben", 19, FIVE[:3], "response", early=True),  # 3 doses: outside the cohort; early responder
    patient("B4", "ben", None, doses("2026-03-03"), None, phase="dosing"),  # exactly 28 days since dose 1: dropout
    patient("B5", "ben", 9, doses("2026-03-04"), None, state="discharged", phase="discharged"),  # discharged after 1
    patient("B6", "ben", 11, doses("2026-03-04"), None, phase="dosing"),  # 27 days since dose 1: not yet known
]
OPEN = [
    OpenFlag("A1", "si_persistent", "high", "new", dt.datetime(2026, 3, 29, 12, tzinfo=dt.UTC)),
    OpenFlag("A3", "si_high", "high", "acknowledged", None),
    OpenFlag("B2", "si_high", "high", "new", dt.datetime(2026, 3, 31, 20, tzinfo=dt.UTC)),
    OpenFlag("A5", "assessment_overdue", "low", "new", dt.datetime(2026, 3, 20, tzinfo=dt.UTC)),
    OpenFlag("B6", "assessment_overdue", "low", "new", dt.datetime(2026, 3, 25, tzinfo=dt.UTC)),
    OpenFlag("B1", "bp_high", "moderate", "new", dt.datetime(2026, 1, 15, tzinfo=dt.UTC)),
]
RAISED = [
    RaisedFlag("A1", "si_persistent", dt.date(2026, 3, 29)),
    RaisedFlag("A3", "si_high", dt.date(2026, 1, 1)),  # 89 days before as-of: inside the 90 days
    RaisedFlag("A3", "si_high", dt.date(2025, 12, 31)),  # 90 days before: outside
    RaisedFlag("B2", "si_high", dt.date(2026, 3, 31)),
    RaisedFlag("B2", "bp_high", dt.date(2026, 4, 2)),  # after as-of: not counted
]


@pytest.fixture
def summary():
    return summarise_team(TEAM, OPEN, RAISED, as_of=AS_OF, at=END_OF_DAY)


def counts(rate: Rate) -> tuple[int, int]:
    return rate.numerator, rate.denominator


def test_response_rate_counts_response_and_remission_in_the_cohort(summary) -> None:
    """Response: A1 and A2 of A1, A2, A3, B1, B2 (baseline ≥ 10 and ≥ 4 doses) — 2 of 5."""
    rate = summary.team.outcomes.response
    assert counts(rate) == (2, 5)
    assert set(rate.numerator_ids) == {"A1", "A2"}
    assert set(rate.denominator_ids) == {"A1", "A2", "A3", "B1", "B2"}
    assert rate.text() == "2 of 5 (40 %)"
    assert rate.left_out == "1 without a PHQ-9 after baseline, counted as not responding"


def test_remission_rate_counts_remission_only(summary) -> None:
    """Remission: A2 alone, of the same five — 1 of 5."""
    assert counts(summary.team.outcomes.remission) == (1, 5)
    assert summary.team.outcomes.remission.text() == "1 of 5 (20 %)"


def test_rates_per_therapist_split_the_team(summary) -> None:
    """ana: response 2 of 3; ben: 0 of 2 — the team's 2 of 5 split by therapist."""
    ana, ben = summary.therapists
    assert (ana.therapist, ben.therapist) == ("ana", "ben")
    assert counts(ana.outcomes.response) == (2, 3)
    assert counts(ben.outcomes.response) == (0, 2)
    assert ben.outcomes.response.text() == "0 of 2 (0 %)"


def test_early_response_leaves_out_patients_still_before_dose_3(summary) -> None:
    """Early response: A1 and B3 of the six whose window is over; A5, A6, B6 are still before dose 3."""
    rate = summary.team.outcomes.early_response
    assert counts(rate) == (2, 6)
    assert set(rate.denominator_ids) == {"A1", "A2", "A3", "B1", "B2", "B3"}
    assert rate.left_out == "3 still before dose 3"


def test_dropout_after_dose_1(summary) -> None:
    """Dropout: A5 (58 days), B4 (exactly 28 days) and B5 (discharged) of 10 known; A6 and B6 too early."""
    rate = summary.team.outcomes.dropout_after_dose_1
    assert counts(rate) == (3, 10)
    assert set(rate.numerator_ids) == {"A5", "B4", "B5"}
    assert "A6" not in rate.denominator_ids and "B6" not in rate.denominator_ids
    assert rate.left_out == "2 had dose 1 under 28 days ago"
    assert rate.text() == "3 of 10 (30 %)"


def test_flag_burden_counts_flags_raised_in_the_last_90_days(summary) -> None:
    """ana 2 raised / 7 patients, ben 1 / 6, team 3 / 13: the 90-day window includes its first day."""
    ana, ben = summary.therapists
    assert (ana.outcomes.flag_burden.raised, ana.outcomes.flag_burden.patients) == (2, 7)
    assert (ben.outcomes.flag_burden.raised, ben.outcomes.flag_burden.patients) == (1, 6)
    team = summary.team.outcomes.flag_burden
    assert (team.raised, team.patients) == (3, 13)
    assert team.by_kind == {"si_persistent": 1, "si_high": 2}
    assert team.text() == "3 raised in 90 days / 13 patients (0.23 per patient)"


def test_unacknowledged_si_flags_with_their_wait_longest_first(summary) -> None:
    """A1 has waited 2 d 12 h, B2 4 h; A3's acknowledged flag is not waiting."""
    waiting = summary.team.unacknowledged_si
    assert [(w.patient_id, w.waited_text()) for w in waiting] == [("A1", "2 d 12 h"), ("B2", "4 h")]


def test_open_flags_by_kind_and_overdue_assessments(summary) -> None:
    """Each therapist's open flags are counted by kind; overdue assessments name the patients."""
    ana, ben = summary.therapists
    assert ana.open_flags_by_kind == {"si_persistent": 1, "si_high": 1, "assessment_overdue": 1}
    assert ben.open_flags_by_kind == {"si_high": 1, "bp_high": 1, "assessment_overdue": 1}
    assert ana.overdue_assessments == ("A5",)
    assert summary.team.overdue_assessments == ("A5", "B6")


def test_patients_by_phase(summary) -> None:
    """ana: 4 in integration, 2 dosing, 1 preparation, in the caseload's phase order."""
    ana, _ = summary.therapists
    assert ana.by_phase == {"preparation": 1, "dosing": 2, "integration": 4}
    assert sum(summary.team.by_phase.values()) == 13


def test_a_rate_with_nobody_in_it_says_so_not_zero_percent() -> None:
    """No patient in the cohort: `no patients yet`, never 0 %."""
    empty = summarise_team([], [], [], as_of=AS_OF, at=END_OF_DAY)
    assert empty.team.outcomes.response.percent is None
    assert empty.team.outcomes.response.text() == "no patients yet"


def test_waiting_since_restarts_when_new_evidence_follows_an_acknowledgement() -> None:
    """Raised, acknowledged, new evidence: it has waited since the new evidence."""
    raised = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    steps = [
        Transition(raised, SYSTEM, "raised"),
        Transition(raised + dt.timedelta(hours=3), "ana", "acknowledged", "safety plan reviewed"),
        Transition(raised + dt.timedelta(days=2), SYSTEM, "evidence_added"),
        Transition(raised + dt.timedelta(days=3), SYSTEM, "evidence_added"),
    ]
    assert waiting_since(steps, raised) == raised + dt.timedelta(days=2)
    assert waiting_since(steps[:2], raised) is None
    assert waiting_since(steps[:1], raised) == raised


def test_waited_text_reads_in_days_and_hours() -> None:
    """Waits read as `3 d 4 h`, `5 h` or `under 1 h`."""
    assert waited_text(dt.timedelta(days=3, hours=4, minutes=59)) == "3 d 4 h"
    assert waited_text(dt.timedelta(hours=5)) == "5 h"
    assert waited_text(dt.timedelta(minutes=20)) == "under 1 h"
