"""Flag lifecycle of SPEC §4: acknowledge, new evidence, resolve (and its refusal), sticky vs state."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from clinical.flags import resolve_refusal
from clinical.lifecycle import FlagAction
from clinical.scoring import score_assessments
from tests.factories import assessments_frame, episodes_of, evaluate, make_patient, make_phq9, make_si, moment


def act(kind: str, action: str, on: str, note: str = "seen") -> FlagAction:
    acknowledgement = "safety plan reviewed" if action == "acknowledge" else None
    return FlagAction("P1", kind, moment(on), "tess", action, acknowledgement, note)  # type: ignore[arg-type]


SI_RUN = [make_si(1, on="2026-03-01"), make_si(1, on="2026-03-02")]


def test_acknowledged_flag_stays_open_as_acknowledged() -> None:
    """Acknowledging keeps the flag open and visible as acknowledged, with who, action and note."""
    [flag] = episodes_of("si_persistent", evaluate(SI_RUN, actions=[act("si_persistent", "acknowledge", "2026-03-03")]))
    assert (flag.is_open, flag.status) == (True, "acknowledged")
    step = flag.transitions[-1]
    assert (step.actor, step.action, step.acknowledgement, step.note) == (
        "tess",
        "acknowledged",
        "safety plan reviewed",
        "seen",
    )


def test_new_evidence_after_acknowledgement_returns_the_flag_to_new() -> None:
    """A positive day after the acknowledgement returns the flag to new."""
    rows = [*SI_RUN, make_si(1, on="2026-03-05")]
    [flag] = episodes_of("si_persistent", evaluate(rows, actions=[act("si_persistent", "acknowledge", "2026-03-03")]))
    assert flag.status == "new"
    assert [t.action for t in flag.transitions] == ["raised", "acknowledged", "evidence_added"]


def test_evidence_dated_before_the_acknowledgement_keeps_it_acknowledged() -> None:
    """Evidence dated before the acknowledgement was there to see: the flag stays acknowledged."""
    rows = [*SI_RUN, make_si(1, on="2026-03-03T08:00")]
    actions = [act("si_persistent", "acknowledge", "2026-03-03T12:00")]
    [flag] = episodes_of("si_persistent", evaluate(rows, actions=actions))
    assert flag.status == "acknowledged"


def test_actions_after_as_of_are_ignored() -> None:
    """--as-of: clinician actions dated after that day do not count."""
    actions = [act("si_persistent", "acknowledge", "2026-03-05")]
    [flag] = episodes_of("si_persistent", evaluate(SI_RUN, actions=actions, as_of="2026-03-04"))
    assert flag.status == "new"


def test_resolve_is_refused_while_the_latest_si_day_is_positive() -> None:
    """Resolving an SI flag is refused with the reason when the latest SI-bearing day is positive."""
    scored = score_assessments(assessments_frame(SI_RUN))
    reason = resolve_refusal(scored, "si_persistent", moment("2026-03-03"), tz=ZoneInfo("UTC"))
    assert reason == "the latest SI-bearing day (2026-03-02) is positive"


def test_resolve_is_refused_with_a_positive_day_in_the_last_60_days() -> None:
    """Latest day negative but a positive day within the look-back: refused, naming that day."""
    scored = score_assessments(assessments_frame([*SI_RUN, make_si(0, on="2026-03-10")]))
    reason = resolve_refusal(scored, "si_persistent", moment("2026-04-30"), tz=ZoneInfo("UTC"))
    assert reason == "a positive SI day (2026-03-02) lies within the last 60 days"


def test_resolve_is_allowed_once_the_look_back_is_clear() -> None:
    """Latest SI-bearing day negative and no positive day in the last 60 days: allowed."""
    scored = score_assessments(assessments_frame([*SI_RUN, make_si(0, on="2026-03-10")]))
    assert resolve_refusal(scored, "si_persistent", moment("2026-05-01"), tz=ZoneInfo("UTC")) is None
    assert resolve_refusal(scored, "si_high", moment("2026-05-01"), tz=ZoneInfo("UTC"), lookback_days=90) is not None


def test_resolve_of_a_non_si_flag_is_never_refused() -> None:
    """The look-back rule is for SI flags only."""
    scored = score_assessments(assessments_frame(SI_RUN))
    assert resolve_refusal(scored, "bp_high", moment("2026-03-03"), tz=ZoneInfo("UTC")) is None


def test_resolved_sticky_flag_stays_closed_until_a_later_trigger() -> None:
    """After a resolution only a trigger dated after it raises a new flag."""
    rows = [*SI_RUN, make_si(0, on="2026-03-03"), make_si(1, on="2026-06-01"), make_si(1, on="2026-06-02")]
    actions = [act("si_persistent", "resolve", "2026-05-10")]
    first, second = episodes_of("si_persistent", evaluate(rows, actions=actions))
    assert (first.status, first.is_open, first.closed_at.date()) == ("resolved", False, dt.date(2026, 5, 10))
    assert (second.status, second.is_open, second.since) == ("new", True, dt.date(2026, 6, 1))


def test_sticky_flag_stays_open_without_a_resolution() -> None:
    """A sticky flag stays open however long the SI has been negative."""
    rows = [*SI_RUN, make_si(0, on="2026-03-03"), make_si(0, on="2026-05-03")]
    [flag] = episodes_of("si_persistent", evaluate(rows))
    assert flag.is_open


def test_a_single_positive_after_resolution_does_not_re_raise_persistent() -> None:
    """A positive day after resolution adds nothing until the condition holds again."""
    rows = [*SI_RUN, make_si(0, on="2026-03-03"), make_si(1, on="2026-06-01")]
    [flag] = episodes_of("si_persistent", evaluate(rows, actions=[act("si_persistent", "resolve", "2026-05-10")]))
    assert flag.status == "resolved"


STATE_ROWS = [make_si(0, on="2026-03-01")]
PATIENT = [make_patient(enrolled_on="2026-02-25")]


def test_state_flag_clears_with_a_recorded_transition() -> None:
    """A state flag closes when its condition stops, with `cleared: condition no longer holds`."""
    rows = [*STATE_ROWS, make_si(0, on="2026-03-20")]
    [flag] = episodes_of("assessment_overdue", evaluate(rows, patients=PATIENT, as_of="2026-03-25"))
    assert flag.status == "cleared" and flag.transitions[-1].action == "cleared"
    assert flag.transitions[-1].actor == "system"


def test_resolved_state_flag_stays_closed_while_the_condition_holds() -> None:
    """A state flag resolved while holding stays closed until the condition stops and starts again."""
    actions = [FlagAction("P1", "assessment_overdue", moment("2026-03-16"), "tess", "resolve", None, "called")]
    [flag] = episodes_of(
        "assessment_overdue", evaluate(STATE_ROWS, patients=PATIENT, actions=actions, as_of="2026-03-30")
    )
    assert (flag.status, flag.is_open) == ("resolved", False)


def test_resolved_state_flag_reopens_when_the_condition_starts_again() -> None:
    """After the condition stopped and started again, a new state flag is raised."""
    rows = [*STATE_ROWS, make_si(0, on="2026-03-20")]
    actions = [FlagAction("P1", "assessment_overdue", moment("2026-03-16"), "tess", "resolve", None, "called")]
    first, second = episodes_of(
        "assessment_overdue", evaluate(rows, patients=PATIENT, actions=actions, as_of="2026-04-10")
    )
    assert first.status == "resolved"
    assert (second.is_open, second.since) == (True, dt.date(2026, 4, 3))


def test_at_most_one_open_flag_per_kind() -> None:
    """However many triggers, a patient has at most one open flag of a kind."""
    rows = [make_si(3, on=f"2026-03-{d:02d}") for d in range(1, 20)]
    for kind in ("si_high", "si_persistent"):
        flags = episodes_of(kind, evaluate(rows))
        assert sum(f.is_open for f in flags) == 1


def test_state_flag_acknowledgement_returns_to_new_on_new_evidence() -> None:
    """A deteriorating PHQ-9 after the acknowledgement is new evidence: back to new."""
    rows = [make_phq9(10, on="2026-03-01"), make_phq9(17, on="2026-03-10"), make_phq9(18, on="2026-03-20")]
    actions = [FlagAction("P1", "deterioration", moment("2026-03-12"), "tess", "acknowledge", "other", "noted")]
    [flag] = episodes_of("deterioration", evaluate(rows, actions=actions))
    assert flag.status == "new" and [t.action for t in flag.transitions] == ["raised", "acknowledged", "evidence_added"]
