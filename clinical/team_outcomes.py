"""Team outcomes for case consultation: per therapist and across the team, counts behind every rate.

A rate without its counts misleads a consultation group ("80 %" of five patients is four
people), so every rate here carries its numerator and denominator, the patients behind both
(for the drill-down), and a note on who was left out and why. Cohorts and windows come from
`clinical.rules.TeamOutcomeRules`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from clinical.lifecycle import ASSESSMENT_OVERDUE, FLAG_KINDS, SI_KINDS, SYSTEM, Transition
from clinical.phase import PHASES
from clinical.rules import DEFAULT_RULES, DEFAULT_TEAM_RULES, TeamOutcomeRules

GOOD_STATUSES = ("response", "remission")
NO_FOLLOW_UP = "insufficient_data"


@dataclass(frozen=True)
class CoursePatient:
    """What the team outcomes need of one patient, as of the evaluation day."""

    patient_id: str
    therapist: str
    status: str  # active, paused, discharged
    phase: str
    dose_days: tuple[dt.date, ...]  # completed doses, clinic-local days, oldest first
    phq9_baseline: int | None = None
    phq9_status: str | None = None  # SPEC §5 status of PHQ-9
    early_response: bool = False


@dataclass(frozen=True)
class OpenFlag:
    """An open flag: which patient, kind and level, and since when it has waited unacknowledged."""

    patient_id: str
    kind: str
    level: str
    status: str  # new, acknowledged
    waiting_since: dt.datetime | None  # when it last became `new`; None while acknowledged


@dataclass(frozen=True)
class RaisedFlag:
    """A flag episode that was raised (from the stored flags), for the flag burden."""

    patient_id: str
    kind: str
    raised_on: dt.date


@dataclass(frozen=True)
class Rate:
    """A rate with the counts behind it — never a bare percentage."""

    name: str
    numerator: int
    denominator: int
    definition: str
    numerator_ids: tuple[str, ...] = ()
    denominator_ids: tuple[str, ...] = ()
    left_out: str = ""  # who is not in the denominator, and why

    @property
    def percent(self) -> float | None:
        return None if self.denominator == 0 else 100.0 * self.numerator / self.denominator

    def text(self) -> str:
        """`7 of 12 (58 %)`, or `no patients yet` when nobody qualifies (never 0 %)."""
        if self.denominator == 0:
            return "no patients yet"
        return f"{self.numerator} of {self.denominator} ({self.percent:.0f} %)"


@dataclass(frozen=True)
class FlagBurden:
    """Flags raised in a window, beside the caseload they were raised on."""

    raised: int
    patients: int
    days: int
    by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def per_patient(self) -> float | None:
        return None if self.patients == 0 else self.raised / self.patients

    def text(self) -> str:
        if self.patients == 0:
            return "no patients"
        rate = f"{self.per_patient:.2f} per patient"
        return f"{self.raised} raised in {self.days} days / {self.patients} patients ({rate})"


@dataclass(frozen=True)
class WaitingFlag:
    """An unacknowledged SI flag and how long it has waited for a clinician."""

    patient_id: str
    kind: str
    level: str
    waited: dt.timedelta  # no moment is kept: a de-identified view must hold no calendar time

    def waited_text(self) -> str:
        return waited_text(self.waited)


@dataclass(frozen=True)
class Outcomes:
    """The outcome rates and flag burden of a group of patients."""

    response: Rate
    remission: Rate
    early_response: Rate
    dropout_after_dose_1: Rate
    flag_burden: FlagBurden

    def rates(self) -> tuple[Rate, ...]:
        return (self.response, self.remission, self.early_response, self.dropout_after_dose_1)


@dataclass(frozen=True)
class CaseloadSummary:
    """One therapist's caseload at a glance (or the whole team's, with `therapist` None)."""

    therapist: str | None
    patient_ids: tuple[str, ...]
    by_phase: dict[str, int]
    open_flags_by_kind: dict[str, int]
    unacknowledged_si: tuple[WaitingFlag, ...]  # longest waiting first
    overdue_assessments: tuple[str, ...]  # patients with an open assessment_overdue flag
    outcomes: Outcomes


@dataclass(frozen=True)
class TeamSummary:
    therapists: tuple[CaseloadSummary, ...]
    team: CaseloadSummary


def waiting_since(transitions: Sequence[Transition], raised_at: dt.datetime) -> dt.datetime | None:
    """When an open flag last became `new`: its raise, or the first new evidence after an acknowledgement.

    None while it is acknowledged (nobody is waiting on it).
    """
    since: dt.datetime | None = raised_at
    for step in sorted(transitions, key=lambda t: t.at):
        if step.actor != SYSTEM and step.action == "acknowledged":
            since = None
        elif step.actor == SYSTEM and step.action in ("evidence_added", "reopened", "raised") and since is None:
            since = step.at
    return since


def waited_text(waited: dt.timedelta) -> str:
    """`3 d 4 h`, `5 h`, `under 1 h`."""
    hours = int(waited.total_seconds() // 3600)
    if hours < 1:
        return "under 1 h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if days else f"{hours} h"


def summarise_team(
    patients: Iterable[CoursePatient],
    open_flags: Iterable[OpenFlag],
    raised_flags: Iterable[RaisedFlag],
    *,
    as_of: dt.date,
    at: dt.datetime,
    rules: TeamOutcomeRules = DEFAULT_TEAM_RULES,
) -> TeamSummary:
    """Per therapist and for the whole team: phases, open flags, waiting SI flags, overdue, outcomes.

    `at` is the moment waiting times are measured to (the end of `as_of`, or now).
    """
    everyone = sorted(patients, key=lambda p: p.patient_id)
    flags_of: dict[str, list[OpenFlag]] = {}
    for flag in open_flags:
        flags_of.setdefault(flag.patient_id, []).append(flag)
    first_day = as_of - dt.timedelta(days=rules.flag_burden_days - 1)
    raised_of: dict[str, list[RaisedFlag]] = {}
    for raised in raised_flags:
        if first_day <= raised.raised_on <= as_of:
            raised_of.setdefault(raised.patient_id, []).append(raised)
    groups: dict[str, list[CoursePatient]] = {}
    for patient in everyone:
        groups.setdefault(patient.therapist, []).append(patient)

    def summary(therapist: str | None, group: list[CoursePatient]) -> CaseloadSummary:
        return _caseload_summary(therapist, group, flags_of, raised_of, as_of=as_of, at=at, rules=rules)

    return TeamSummary(
        therapists=tuple(summary(name, groups[name]) for name in sorted(groups)),
        team=summary(None, everyone),
    )


def _caseload_summary(
    therapist: str | None,
    group: list[CoursePatient],
    flags_of: dict[str, list[OpenFlag]],
    raised_of: dict[str, list[RaisedFlag]],
    *,
    as_of: dt.date,
    at: dt.datetime,
    rules: TeamOutcomeRules,
) -> CaseloadSummary:
    phases = Counter(p.phase for p in group)
    flags = [flag for p in group for flag in flags_of.get(p.patient_id, ())]
    kinds = Counter(flag.kind for flag in flags)
    waiting = [
        WaitingFlag(f.patient_id, f.kind, f.level, max(at - f.waiting_since, dt.timedelta(0)))
        for f in flags
        if f.kind in SI_KINDS and f.status == "new" and f.waiting_since is not None
    ]
    raised = [r for p in group for r in raised_of.get(p.patient_id, ())]
    burden = FlagBurden(
        raised=len(raised),
        patients=len(group),
        days=rules.flag_burden_days,
        by_kind=_ordered(Counter(r.kind for r in raised), FLAG_KINDS),
    )
    return CaseloadSummary(
        therapist=therapist,
        patient_ids=tuple(p.patient_id for p in group),
        by_phase=_ordered(phases, PHASES),
        open_flags_by_kind=_ordered(kinds, FLAG_KINDS),
        unacknowledged_si=tuple(sorted(waiting, key=lambda w: (-w.waited, w.patient_id))),
        overdue_assessments=tuple(sorted({f.patient_id for f in flags if f.kind == ASSESSMENT_OVERDUE})),
        outcomes=Outcomes(
            response=response_rate(group, rules),
            remission=remission_rate(group, rules),
            early_response=early_response_rate(group, rules),
            dropout_after_dose_1=dropout_rate(group, as_of, rules),
            flag_burden=burden,
        ),
    )


def _ordered(counts: Counter[str], order: Sequence[str]) -> dict[str, int]:
    known = {name: counts[name] for name in order if counts.get(name)}
    return known | {name: n for name, n in sorted(counts.items()) if name not in known and n}


def _course_cohort(group: Iterable[CoursePatient], rules: TeamOutcomeRules) -> list[CoursePatient]:
    return [
        p
        for p in group
        if p.phq9_baseline is not None
        and p.phq9_baseline >= rules.cohort_min_phq9_baseline
        and len(p.dose_days) >= rules.cohort_min_doses
    ]


def _no_follow_up_note(cohort: list[CoursePatient]) -> str:
    missing = sum(1 for p in cohort if p.phq9_status in (None, NO_FOLLOW_UP))
    return f"{missing} without a PHQ-9 after baseline, counted as not responding" if missing else ""


def _cohort_text(rules: TeamOutcomeRules) -> str:
    return f"patients with a PHQ-9 baseline ≥ {rules.cohort_min_phq9_baseline} and ≥ {rules.cohort_min_doses} doses"


def response_rate(group: Iterable[CoursePatient], rules: TeamOutcomeRules = DEFAULT_TEAM_RULES) -> Rate:
    """Response or remission on PHQ-9, among patients with a baseline ≥ 10 and ≥ 4 doses."""
    cohort = _course_cohort(group, rules)
    hits = [p for p in cohort if p.phq9_status in GOOD_STATUSES]
    return Rate(
        name="Response (incl. remission)",
        numerator=len(hits),
        denominator=len(cohort),
        definition=f"PHQ-9 outcome status response or remission (SPEC §5), among {_cohort_text(rules)}",
        numerator_ids=_ids(hits),
        denominator_ids=_ids(cohort),
        left_out=_no_follow_up_note(cohort),
    )


def remission_rate(group: Iterable[CoursePatient], rules: TeamOutcomeRules = DEFAULT_TEAM_RULES) -> Rate:
    """Remission on PHQ-9, among patients with a baseline ≥ 10 and ≥ 4 doses."""
    cohort = _course_cohort(group, rules)
    hits = [p for p in cohort if p.phq9_status == "remission"]
    return Rate(
        name="Remission",
        numerator=len(hits),
        denominator=len(cohort),
        definition=f"PHQ-9 outcome status remission (SPEC §5), among {_cohort_text(rules)}",
        numerator_ids=_ids(hits),
        denominator_ids=_ids(cohort),
        left_out=_no_follow_up_note(cohort),
    )


def early_response_rate(group: Iterable[CoursePatient], rules: TeamOutcomeRules = DEFAULT_TEAM_RULES) -> Rate:
    """Early response (≥ 50 % PHQ-9 reduction before dose 3), among patients whose early window is over.

    The window is over at dose 3 or at discharge; a patient who already responded early counts
    at once (that answer cannot change). Patients still inside the window are left out and named.
    """
    eligible = [
        p
        for p in group
        if p.phq9_baseline is not None and p.phq9_baseline >= rules.cohort_min_phq9_baseline and p.dose_days
    ]
    decided = [p for p in eligible if p.early_response or len(p.dose_days) >= 3 or p.status == "discharged"]
    waiting = len(eligible) - len(decided)
    hits = [p for p in decided if p.early_response]
    return Rate(
        name="Early response",
        numerator=len(hits),
        denominator=len(decided),
        definition=(
            f"PHQ-9 ≥ {DEFAULT_RULES.response_reduction_pct:g} % below baseline after dose 1 and before dose 3, "
            f"among patients with a PHQ-9 baseline "
            f"≥ {rules.cohort_min_phq9_baseline} who reached dose 3, were discharged, or already responded"
        ),
        numerator_ids=_ids(hits),
        denominator_ids=_ids(decided),
        left_out=f"{waiting} still before dose 3" if waiting else "",
    )


def dropout_rate(group: Iterable[CoursePatient], as_of: dt.date, rules: TeamOutcomeRules = DEFAULT_TEAM_RULES) -> Rate:
    """Dropout after dose 1: exactly one dose and none in the following 28 days, or discharged after one.

    Among patients who had dose 1 and whose answer is known: a second dose, a discharge, or
    28 days passed since dose 1. Those with one dose less than 28 days ago are left out and named.
    """
    started = [p for p in group if p.dose_days]
    gap = dt.timedelta(days=rules.dropout_gap_days)
    dropped = [
        p for p in started if len(p.dose_days) == 1 and (p.status == "discharged" or as_of >= p.dose_days[0] + gap)
    ]
    dropped_ids = {p.patient_id for p in dropped}
    decided = [p for p in started if len(p.dose_days) >= 2 or p.patient_id in dropped_ids]
    waiting = len(started) - len(decided)
    return Rate(
        name="Dropout after dose 1",
        numerator=len(dropped),
        denominator=len(decided),
        definition=(
            f"exactly one dose and none in the following {rules.dropout_gap_days} days, or discharged after one, "
            f"among patients who had dose 1 and whose second dose, discharge or {rules.dropout_gap_days} days are past"
        ),
        numerator_ids=_ids(dropped),
        denominator_ids=_ids(decided),
        left_out=f"{waiting} had dose 1 under {rules.dropout_gap_days} days ago" if waiting else "",
    )


def _ids(patients: Iterable[CoursePatient]) -> tuple[str, ...]:
    return tuple(p.patient_id for p in patients)
