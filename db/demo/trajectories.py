"""The courses of the demo clinic: one small function per clinical trajectory.

Each function lays out a patient's course in calendar days around the anchor day — which
sessions, which assessments and what their PHQ-9 totals should be — and nothing else; the
generator turns a `Course` into records and prose. The PHQ-9 targets are kept inside
integer bounds derived from the rules of SPEC §5–6 (response = at most half the baseline,
partial = at most three quarters), so each trajectory raises exactly the flags it is meant
to raise and the clean ones raise none.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

# Weekday of each dose and the days until its integration session (Mon = 0). Twice-weekly
# IV ketamine and esketamine follow the common induction schedules; lozenges, IM and oral
# doses are weekly, as most KAP practices run them.
DOSE_PATTERNS: dict[str, tuple[tuple[int, int], ...]] = {
    "iv": ((0, 1), (3, 1)),
    "intranasal": ((1, 1), (4, 3)),
    "im": ((2, 2),),
    "sublingual": ((1, 2),),
    "oral": ((2, 2),),
}

# Bounds a PHQ-9 total must keep at a given point of a course (see `_bounds`).
RESPONSE = "response"  # at most half the baseline (response or remission)
PARTIAL = "partial"  # above half, at most three quarters: partial response
BELOW_RESPONSE = "below_response"  # anything short of response (never a premature response)
NO_RESPONSE = "no_response"  # less than a 25 % reduction, and no reliable deterioration
ANY = "any"


@dataclass(frozen=True)
class Target:
    """Where a PHQ-9 total should fall: a fraction range of baseline and a hard bound."""

    low: float
    high: float
    bound: str


@dataclass(frozen=True)
class Slot:
    """One PHQ-9 administration: when it falls in the course."""

    kind: str  # intake, preparation, pre_dose, post_dose, check_in
    doses_before: int  # doses started before it
    weeks_after: int | None = None  # weeks since the last dose, after the course


Curve = Callable[[Slot], Target]


@dataclass
class Visit:
    """A planned contact: a session (or a remote check-in) and what is measured at it."""

    day: dt.date
    kind: str  # intake, preparation, dosing, integration, follow_up, check_in (remote, no session)
    number: int = 0  # dose number for dosing/integration, session number for preparation
    scheduled: bool = False  # after the anchor: no details, no notes, no assessments
    slot: Slot | None = None  # a PHQ-9 + GAD-7 is given before it
    phq9: int | None = None  # the PHQ-9 total (filled by `_score`)
    si_answer: int = 0  # PHQ-9 item 9
    madrs: bool = False
    cssrs_check: bool = False  # a C-SSRS screener even though PHQ-9 item 9 was not positive
    vitals: str = "normal"  # normal, spike, post_missing


@dataclass
class Course:
    """Everything the generator needs to write one patient's records."""

    trajectory: str
    route: str
    status: str
    planned_doses: int | None
    baseline: int
    visits: list[Visit]
    events: list[tuple[dt.date, str]] = field(default_factory=list)  # extra progress notes

    @property
    def enrolled_on(self) -> dt.date:
        return self.visits[0].day

    @property
    def doses_done(self) -> int:
        return sum(1 for v in self.visits if v.kind == "dosing" and not v.scheduled)


@dataclass(frozen=True)
class Shape:
    """The outline of a course before it is laid out in days."""

    trajectory: str
    route: str
    planned_doses: int | None
    doses_done: int
    days_since_last_dose: int | None  # None: still dosing (last dose just before the anchor)
    curve: Curve
    baseline: int
    prep_sessions: int = 2
    status: str = "active"
    madrs: bool = False
    check_ins_until: dt.date | None = None  # last remote check-in allowed (None: up to the anchor)
    follow_up_sessions: bool = True  # a clinic follow-up every fourth week after the course
    schedule_next: bool = True
    si: Callable[[Visit], int] = lambda visit: 0
    vitals: Callable[[int], str] = lambda dose: "normal"
    skip_integration_after: tuple[int, ...] = ()
    cssrs_after_dose: tuple[int, ...] = ()  # doses whose integration session re-checks SI (C-SSRS)


# ---------------------------------------------------------------------------- the curves


def _early_curve(slot: Slot) -> Target:
    if slot.kind == "intake" or slot.doses_before == 0:
        return Target(0.95, 1.08, ANY)
    if slot.weeks_after is not None:
        return Target(0.12, 0.36, RESPONSE)
    return Target(*((0.30, 0.46) if slot.doses_before == 1 else (0.15, 0.40)), RESPONSE)


def _gradual_curve(slot: Slot) -> Target:
    if slot.kind == "intake" or slot.doses_before == 0:
        return Target(0.95, 1.08, ANY)
    if slot.weeks_after is not None and slot.doses_before >= 4:
        return Target(0.25, 0.45, RESPONSE)
    steps = {1: (0.80, 0.92), 2: (0.70, 0.82), 3: (0.58, 0.70)}
    if slot.doses_before in steps:
        return Target(*steps[slot.doses_before], BELOW_RESPONSE)
    if slot.doses_before == 4:
        return Target(0.52, 0.62, PARTIAL)
    return Target(0.30, 0.46, RESPONSE)


def _partial_curve(slot: Slot) -> Target:
    if slot.kind == "intake" or slot.doses_before == 0:
        return Target(0.95, 1.08, ANY)
    steps = {1: (0.85, 0.95), 2: (0.78, 0.88), 3: (0.70, 0.80)}
    if slot.doses_before in steps and slot.weeks_after is None:
        return Target(*steps[slot.doses_before], BELOW_RESPONSE)
    return Target(0.58, 0.72, PARTIAL)


def _flat_curve(slot: Slot) -> Target:
    if slot.kind == "intake" or slot.doses_before == 0:
        return Target(0.95, 1.08, ANY)
    return Target(0.86, 1.06, NO_RESPONSE)


def _relapse_curve(slot: Slot) -> Target:
    """Response during the course, then a slide back to partial response weeks after it."""
    if slot.kind == "intake" or slot.doses_before == 0:
        return Target(0.95, 1.08, ANY)
    if slot.weeks_after is None:
        return Target(0.55, 0.70, BELOW_RESPONSE) if slot.doses_before == 1 else Target(0.20, 0.42, RESPONSE)
    if slot.weeks_after <= 2:
        return Target(0.22, 0.40, RESPONSE)
    if slot.weeks_after == 3:
        return Target(0.45, 0.58, ANY)
    return Target(0.62, 0.72, PARTIAL)


def _bounds(baseline: int, bound: str) -> tuple[int, int]:
    """Integer PHQ-9 totals allowed by a bound, computed exactly as SPEC §5 compares them."""
    half = baseline // 2  # c <= b/2  <=>  a reduction of at least 50 %
    three_quarters = math.floor(0.75 * baseline)  # c <= 3b/4  <=>  at least 25 %
    no_deterioration = min(27, baseline + 3)  # stays below the reliable-change threshold (6)
    return {
        RESPONSE: (0, half),
        PARTIAL: (half + 1, three_quarters),
        BELOW_RESPONSE: (half + 1, no_deterioration),
        NO_RESPONSE: (three_quarters + 1, no_deterioration),
        ANY: (0, no_deterioration),
    }[bound]


def score(rng: random.Random, baseline: int, target: Target) -> int:
    """A PHQ-9 total for one administration: the curve's fraction, a point of noise, the bound."""
    wanted = round(baseline * rng.uniform(target.low, target.high)) + rng.choice((-1, 0, 0, 1))
    low, high = _bounds(baseline, target.bound)
    return max(low, min(high, wanted))


# ------------------------------------------------------------------------ laying out days


def _weekday_before(day: dt.date) -> dt.date:
    """The day itself, or the Friday before when it falls on a weekend."""
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _weekday_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _pattern_days(route: str, anchor: dt.date) -> list[tuple[dt.date, int]]:
    """Every dose day of the route's weekly pattern from a year before the anchor to a month after."""
    monday = anchor - dt.timedelta(days=anchor.weekday() + 7 * 60)
    days = []
    for week in range(66):
        for weekday, integration_gap in DOSE_PATTERNS[route]:
            days.append((monday + dt.timedelta(days=7 * week + weekday), integration_gap))
    return days


def lay_out(rng: random.Random, anchor: dt.date, shape: Shape) -> Course:
    """Days for every session and check-in of a course; no session falls on the anchor day."""
    pattern = _pattern_days(shape.route, anchor)
    latest = anchor - dt.timedelta(days=shape.days_since_last_dose or 1)
    past = [p for p in pattern if p[0] <= latest]
    doses = past[-shape.doses_done :]
    future = [p for p in pattern if p[0] > anchor]

    visits = _preparation_visits(rng, doses[0][0] if doses else future[1][0], shape)
    for number, (day, gap) in enumerate(doses, start=1):
        visits.append(Visit(day, "dosing", number, slot=Slot("pre_dose", number - 1), vitals=shape.vitals(number)))
        if number not in shape.skip_integration_after:
            integration_day = _not_today(day + dt.timedelta(days=gap), anchor)
            integration = Visit(integration_day, "integration", number, scheduled=integration_day > anchor)
            integration.cssrs_check = number in shape.cssrs_after_dose
            visits.append(integration)
    if doses and shape.madrs:
        visits[[v.kind for v in visits].index("dosing")].madrs = True
        last_integration = [v for v in visits if v.kind == "integration" and not v.scheduled]
        if last_integration and shape.days_since_last_dose is not None:
            last_integration[-1].madrs = True
            last_integration[-1].slot = last_integration[-1].slot or Slot("post_dose", shape.doses_done)

    still_dosing = shape.days_since_last_dose is None
    if still_dosing and shape.schedule_next and (shape.planned_doses or 99) > shape.doses_done:
        day, gap = future[0]
        visits.append(Visit(day, "dosing", shape.doses_done + 1, scheduled=True))
        visits.append(Visit(day + dt.timedelta(days=gap), "integration", shape.doses_done + 1, scheduled=True))
    if doses and not still_dosing:
        visits += _after_course(doses[-1][0], anchor, shape)
    visits.sort(key=lambda v: (v.day, _VISIT_ORDER[v.kind]))
    return Course(shape.trajectory, shape.route, shape.status, shape.planned_doses, shape.baseline, visits)


_VISIT_ORDER = {"intake": 0, "preparation": 1, "dosing": 2, "integration": 3, "follow_up": 4, "check_in": 5}


def _not_today(day: dt.date, anchor: dt.date) -> dt.date:
    # Nothing is dated on the anchor day itself: it is "today", and today has not happened yet.
    return anchor + dt.timedelta(days=1) if day == anchor else day


def _preparation_visits(rng: random.Random, first_dose: dt.date, shape: Shape) -> list[Visit]:
    days = [_weekday_before(first_dose - dt.timedelta(days=rng.randint(2, 4)))]
    for _ in range(shape.prep_sessions - 1):
        days.insert(0, _weekday_before(days[0] - dt.timedelta(days=rng.randint(3, 5))))
    intake = _weekday_before(days[0] - dt.timedelta(days=rng.randint(3, 8)))
    visits = [Visit(intake, "intake", slot=Slot("intake", 0))]
    # Measurement-based care from the first contact: a PHQ-9 and GAD-7 at every preparation session too.
    visits += [Visit(day, "preparation", n, slot=Slot("preparation", 0)) for n, day in enumerate(days, start=1)]
    return visits


def _after_course(last_dose: dt.date, anchor: dt.date, shape: Shape) -> list[Visit]:
    """Weekly remote PHQ-9/GAD-7 after the last dose; every fourth week a clinic follow-up."""
    visits = []
    until = min(shape.check_ins_until or anchor, anchor - dt.timedelta(days=1))
    week = 1
    while last_dose + dt.timedelta(weeks=week) <= until:
        day = last_dose + dt.timedelta(weeks=week)
        slot = Slot("check_in", shape.doses_done, week)
        if week % 4 == 0 and shape.follow_up_sessions:
            visits.append(Visit(_weekday_before(day), "follow_up", week, slot=slot))
        else:
            visits.append(Visit(day, "check_in", week, slot=slot))
        week += 1
    if shape.status == "active" and shape.schedule_next and shape.follow_up_sessions:
        weeks_to_next = 4 * math.ceil(week / 4)
        next_day = _weekday_after(last_dose + dt.timedelta(weeks=weeks_to_next))
        visits.append(Visit(max(next_day, _weekday_after(anchor + dt.timedelta(days=1))), "follow_up", scheduled=True))
    return visits


def finish(rng: random.Random, course: Course, shape: Shape) -> Course:
    """Give every planned PHQ-9 its total and PHQ-9 item 9 answer."""
    for visit in course.visits:
        if visit.slot is not None and not visit.scheduled:
            visit.phq9 = score(rng, course.baseline, shape.curve(visit.slot))
            visit.si_answer = shape.si(visit)
    first_dose = next((v for v in course.visits if v.kind == "dosing" and v.phq9 is not None), None)
    if first_dose is not None:
        first_dose.phq9 = course.baseline  # the baseline is the PHQ-9 just before dose 1
    return course


def _build(rng: random.Random, anchor: dt.date, shape: Shape) -> Course:
    return finish(rng, lay_out(rng, anchor, shape), shape)


def _route(rng: random.Random) -> str:
    return rng.choices(("iv", "sublingual", "intranasal", "im", "oral"), weights=(35, 25, 20, 15, 5))[0]


def _planned(rng: random.Random, route: str, *, always: bool = False) -> int | None:
    """Most courses have a plan: 6 IV/IM infusions, 8 esketamine sprays, 4–6 lozenges."""
    if not always and rng.random() < 0.15:
        return None
    return {"iv": 6, "im": 6, "intranasal": 8, "sublingual": rng.choice((4, 6)), "oral": 6}[route]


def _stage(rng: random.Random, planned: int | None, min_doses: int) -> tuple[int, int | None]:
    """Doses done and days since the last one (None: mid-course, next dose scheduled)."""
    total = planned or 6
    if rng.random() < 0.4 and total > min_doses:
        return rng.randint(min_doses, total - 1), None
    return total, rng.randint(4, 70)


# ----------------------------------------------------------------------- the trajectories


def early_responder(rng: random.Random, anchor: dt.date) -> Course:
    """Half the baseline PHQ-9 or less before dose 3, and it holds."""
    route = _route(rng)
    planned = _planned(rng, route)
    doses, since = _stage(rng, planned, 2)
    shape = Shape(
        "early_responder",
        route,
        planned,
        doses,
        since,
        _early_curve,
        rng.randint(14, 22),
        prep_sessions=rng.randint(1, 3),
        madrs=rng.random() < 0.3,
    )
    return _build(rng, anchor, shape)


def gradual_responder(rng: random.Random, anchor: dt.date) -> Course:
    """Steady improvement, reaching response only after the fourth dose."""
    route = _route(rng)
    planned = _planned(rng, route, always=True)
    planned = max(planned or 6, 6)
    doses, since = _stage(rng, planned, 3)
    shape = Shape(
        "gradual_responder",
        route,
        planned,
        doses,
        since,
        _gradual_curve,
        rng.randint(15, 23),
        prep_sessions=rng.randint(1, 3),
        madrs=rng.random() < 0.3,
    )
    return _build(rng, anchor, shape)


def partial_responder(rng: random.Random, anchor: dt.date) -> Course:
    """A 25–49 % reduction by the end of the course: better, not well."""
    route = _route(rng)
    planned = max(_planned(rng, route, always=True) or 6, 6)
    doses, since = (planned, rng.randint(5, 40)) if rng.random() < 0.6 else (rng.randint(5, planned - 1), None)
    shape = Shape(
        "partial_responder",
        route,
        planned,
        doses,
        since,
        _partial_curve,
        rng.randint(15, 23),
        prep_sessions=rng.randint(1, 3),
        madrs=rng.random() < 0.3,
    )
    return _build(rng, anchor, shape)


def non_responder(rng: random.Random, anchor: dt.date) -> Course:
    """Six doses and the PHQ-9 has barely moved: off track (SPEC §6)."""
    shape = Shape(
        "non_responder", "im", 6, 6, rng.randint(6, 12), _flat_curve, rng.randint(16, 22), prep_sessions=2, madrs=True
    )
    return _build(rng, anchor, shape)


def relapse_after_course(rng: random.Random, anchor: dt.date) -> Course:
    """Response during the course, lost in the weeks after it: loss of response."""
    shape = Shape(
        "relapse_after_course",
        "iv",
        6,
        6,
        rng.randint(38, 48),
        _relapse_curve,
        rng.randint(17, 22),
        prep_sessions=2,
        madrs=True,
    )
    course = _build(rng, anchor, shape)
    course.events.append((_last_check_in(course) + dt.timedelta(days=1), "relapse_call"))
    return course


def si_resolving_after_first_dose(rng: random.Random, anchor: dt.date) -> Course:
    """Passive SI on the morning of dose 1; the C-SSRS at the next day's integration is negative."""
    shape = Shape(
        "si_resolving_after_first_dose",
        "iv",
        6,
        rng.randint(3, 5),
        None,
        _early_curve,
        rng.randint(18, 23),
        prep_sessions=2,
        si=lambda v: 1 if v.kind == "dosing" and v.number == 1 else 0,
        cssrs_after_dose=(1,),
    )
    return _build(rng, anchor, shape)


def persistent_si(rng: random.Random, anchor: dt.date) -> Course:
    """Passive SI at intake and before every dose, mood only partly better: SI persistent."""
    shape = Shape(
        "persistent_si", "intranasal", 8, 5, None, _partial_curve, rng.randint(19, 23), prep_sessions=3, si=lambda v: 1
    )
    course = _build(rng, anchor, shape)
    doses = [v for v in course.visits if v.kind == "dosing" and not v.scheduled]
    course.events.append((doses[1].day, "safety_plan"))
    return course


def single_high_risk_answer(rng: random.Random, anchor: dt.date) -> Course:
    """One PHQ-9 with item 9 'more than half the days' before dose 3; negative before and after."""
    shape = Shape(
        "single_high_risk_answer",
        "sublingual",
        6,
        6,
        rng.randint(10, 20),
        _gradual_curve,
        rng.randint(16, 21),
        prep_sessions=2,
        si=lambda v: 2 if v.kind == "dosing" and v.number == 3 else 0,
    )
    course = _build(rng, anchor, shape)
    dose_3 = next(v for v in course.visits if v.kind == "dosing" and v.number == 3)
    course.events.append((dose_3.day, "high_risk_review"))
    return course


def missed_assessments(rng: random.Random, anchor: dt.date) -> Course:
    """A responder whose weekly check-ins stopped three weeks ago: assessment overdue."""
    shape = Shape(
        "missed_assessments",
        "im",
        6,
        6,
        rng.randint(44, 52),
        _early_curve,
        rng.randint(15, 20),
        prep_sessions=1,
        check_ins_until=anchor - dt.timedelta(days=rng.randint(19, 23)),
        follow_up_sessions=False,
    )
    course = _build(rng, anchor, shape)
    course.events.append((anchor - dt.timedelta(days=rng.randint(3, 6)), "overdue_reminder"))
    return course


def blood_pressure_spike(rng: random.Random, anchor: dt.date) -> Course:
    """Dose 3 started at 144/92 and peaked above 180 systolic: BP high."""
    shape = Shape(
        "blood_pressure_spike",
        "iv",
        6,
        6,
        rng.randint(6, 20),
        _gradual_curve,
        rng.randint(15, 21),
        prep_sessions=2,
        vitals=lambda dose: "spike" if dose == 3 else "normal",
    )
    course = _build(rng, anchor, shape)
    dose_3 = next(v for v in course.visits if v.kind == "dosing" and v.number == 3)
    course.events.append((dose_3.day + dt.timedelta(days=1), "bp_follow_up"))
    return course


def missing_vitals(rng: random.Random, anchor: dt.date) -> Course:
    """Dose 2 has no post-dose blood pressure on record: vitals missing."""
    shape = Shape(
        "missing_vitals",
        "intranasal",
        8,
        5,
        None,
        _early_curve,
        rng.randint(14, 20),
        prep_sessions=1,
        vitals=lambda dose: "post_missing" if dose == 2 else "normal",
    )
    return _build(rng, anchor, shape)


def missed_integration(rng: random.Random, anchor: dt.date) -> Course:
    """The integration session after dose 3 never happened: integration missing."""
    shape = Shape(
        "missed_integration",
        "sublingual",
        6,
        5,
        None,
        _gradual_curve,
        rng.randint(15, 21),
        prep_sessions=2,
        skip_integration_after=(3,),
    )
    course = _build(rng, anchor, shape)
    dose_3 = next(v for v in course.visits if v.kind == "dosing" and v.number == 3)
    course.events.append((dose_3.day + dt.timedelta(days=2), "missed_integration"))
    return course


def dropout_after_first_dose(rng: random.Random, anchor: dt.date) -> Course:
    """One dose, one integration session, then silence; the course is paused."""
    shape = Shape(
        "dropout_after_first_dose",
        "oral",
        6,
        1,
        rng.randint(24, 34),
        _early_curve,
        rng.randint(14, 19),
        prep_sessions=2,
        status="paused",
        check_ins_until=anchor - dt.timedelta(days=400),
        schedule_next=False,
    )
    course = _build(rng, anchor, shape)
    dose_1 = next(v for v in course.visits if v.kind == "dosing")
    course.events.append((dose_1.day + dt.timedelta(days=9), "dropout"))
    return course


def discharged(rng: random.Random, anchor: dt.date) -> Course:
    """A finished course, eight weeks of follow-up in remission or response, then discharge."""
    since = rng.randint(95, 130)
    last_check_in = anchor - dt.timedelta(days=since) + dt.timedelta(weeks=8)
    route = rng.choice(("im", "iv", "sublingual"))
    shape = Shape(
        "discharged",
        route,
        6,
        6,
        since,
        _early_curve,
        rng.randint(14, 20),
        prep_sessions=2,
        status="discharged",
        check_ins_until=last_check_in,
        schedule_next=False,
        madrs=True,
    )
    course = _build(rng, anchor, shape)
    course.events.append((_last_check_in(course) + dt.timedelta(days=2), "discharge"))
    return course


def in_preparation(rng: random.Random, anchor: dt.date) -> Course:
    """Intake last week, one preparation session done, the next one and dose 1 on the calendar."""
    intake = _weekday_before(anchor - dt.timedelta(days=rng.randint(6, 9)))
    prep = _weekday_before(anchor - dt.timedelta(days=rng.randint(1, 3)))
    next_prep = _weekday_after(anchor + dt.timedelta(days=rng.randint(1, 3)))
    first_dose = _weekday_after(next_prep + dt.timedelta(days=rng.randint(2, 4)))
    visits = [
        Visit(intake, "intake", slot=Slot("intake", 0)),
        Visit(prep, "preparation", 1),
        Visit(next_prep, "preparation", 2, scheduled=True),
        Visit(first_dose, "dosing", 1, scheduled=True),
    ]
    course = Course("in_preparation", "iv", "active", 6, rng.randint(14, 22), visits)
    visits[0].phq9 = course.baseline
    return course


def _last_check_in(course: Course) -> dt.date:
    return max(v.day for v in course.visits if v.phq9 is not None)


Trajectory = Callable[[random.Random, dt.date], Course]

# The fifteen courses SPEC §4–6 needs, in the order patients KAP-0001… receive them, then a
# realistic mix of ordinary courses (mostly clean: most caseload rows carry 0–1 flags).
SPECIAL: tuple[Trajectory, ...] = (
    early_responder,
    gradual_responder,
    partial_responder,
    non_responder,
    relapse_after_course,
    si_resolving_after_first_dose,
    persistent_si,
    single_high_risk_answer,
    missed_assessments,
    blood_pressure_spike,
    missing_vitals,
    missed_integration,
    dropout_after_first_dose,
    discharged,
    in_preparation,
)
ORDINARY: tuple[Trajectory, ...] = (
    gradual_responder,
    early_responder,
    partial_responder,
    gradual_responder,
    early_responder,
    discharged,
    gradual_responder,
    partial_responder,
    early_responder,
    in_preparation,
    gradual_responder,
    early_responder,
    non_responder,
    partial_responder,
    gradual_responder,
    early_responder,
    discharged,
    gradual_responder,
    early_responder,
    partial_responder,
    gradual_responder,
)


def roster(patients: int) -> list[Trajectory]:
    """The trajectory of each patient in turn: the special fifteen first, then ordinary ones."""
    chosen = list(SPECIAL[:patients])
    while len(chosen) < patients:
        chosen.append(ORDINARY[(len(chosen) - len(SPECIAL)) % len(ORDINARY)])
    return chosen
