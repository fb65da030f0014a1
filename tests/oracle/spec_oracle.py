"""An independent, deliberately slow reading of SPEC §3–6 — the checker for the clinical engine.

Written straight from the SPEC text, per patient and calendar day by calendar day, in plain
Python (no pandas). It never imports the engine; only the thresholds come from
`clinical/rules.py` and the instrument definitions (item counts) from `clinical/instruments.py`,
since those are the one source of clinical numbers.

Scope: scoring, SI positivity and level, C-SSRS risk (§3); si_persistent, si_high and si_current
(§4); outcomes (§5); the open-flag picture as of a day with NO clinician actions (§4 lifecycle,
§6): sticky flags stay open once raised, state flags are open iff their condition holds on the
as-of day, `since` = the first day of the current unbroken stretch.

Where the SPEC leaves a choice open, the reading taken is named in a comment starting
`READING:`; the oracle report lists them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from clinical.instruments import INSTRUMENTS
from clinical.rules import DEFAULT_RULES, Rules

OUTCOME_INSTRUMENTS = ("PHQ-9", "GAD-7", "MADRS", "QIDS-SR16", "BDI-II")
CSSRS = "C-SSRS"
ONE_DAY = dt.timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# Records, as plain values
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Patient:
    """A patient as the flags need them: status, enrolment day, planned doses."""

    patient_id: str
    status: str = "active"
    enrolled_on: dt.date = dt.date(2026, 1, 1)
    planned_doses: int | None = None
    therapist: str = "t1"


@dataclass(frozen=True)
class Assessment:
    """One administered questionnaire: when (aware UTC), which, stated total, item answers."""

    patient_id: str
    at: dt.datetime
    instrument: str
    total: int | None = None
    items: dict[int, int | None] = field(default_factory=dict)

    def item(self, number: int) -> int | None:
        return self.items.get(number)


@dataclass(frozen=True)
class Session:
    """One session: when (aware UTC), which kind, and the dosing numbers (None = blank)."""

    patient_id: str
    at: dt.datetime
    kind: str
    vitals: dict[str, float | None] = field(default_factory=dict)

    def vital(self, name: str) -> float | None:
        return self.vitals.get(name)


# ---------------------------------------------------------------------------------------------
# Days
# ---------------------------------------------------------------------------------------------


def day_of(moment: dt.datetime, tz: ZoneInfo) -> dt.date:
    """The clinic's calendar day of an instant."""
    return moment.astimezone(tz).date()


def end_of_day(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """The first instant after `day` in the clinic's time zone (records before it count)."""
    return dt.datetime.combine(day + ONE_DAY, dt.time(0, 0), tzinfo=tz)


def up_to(records: Iterable, day: dt.date, tz: ZoneInfo) -> list:
    """Records dated up to the end of `day` (SPEC §8 `--as-of`)."""
    cut = end_of_day(day, tz)
    return [r for r in records if r.at < cut]


# ---------------------------------------------------------------------------------------------
# §3 Scoring
# ---------------------------------------------------------------------------------------------


def computed_total(a: Assessment) -> int | None:
    """The total from the items when every item is answered, else None."""
    instrument = INSTRUMENTS[a.instrument]
    if a.instrument == CSSRS:
        return None
    answers = [a.item(n) for n in range(1, instrument.items + 1)]
    if any(v is None for v in answers):
        return None
    values: list[int] = [v for v in answers if v is not None]
    if a.instrument == "QIDS-SR16":
        item = dict(zip(range(1, 17), values, strict=True))
        sleep = max(item[1], item[2], item[3], item[4])
        appetite = max(item[6], item[7], item[8], item[9])
        psychomotor = max(item[15], item[16])
        return sleep + appetite + psychomotor + item[5] + item[10] + item[11] + item[12] + item[13] + item[14]
    return sum(values)


def score(a: Assessment) -> int | None:
    """Stated total if given, else the computed total when complete (SPEC §3, §5 'complete')."""
    if a.instrument == CSSRS:
        return None
    if a.total is not None:
        return a.total
    return computed_total(a)


def is_complete(a: Assessment) -> bool:
    return score(a) is not None


def band(instrument: str, total: int | None, rules: Rules = DEFAULT_RULES) -> str | None:
    """The severity band of a total: the highest band whose lower bound the total reaches."""
    if total is None or instrument not in rules.bands:
        return None
    label = None
    for b in rules.bands[instrument]:
        if total >= b.lower:
            label = b.label
    return label


def si_answer(a: Assessment, rules: Rules = DEFAULT_RULES) -> int | None:
    """The raw answer of the SI item (not defined for the C-SSRS, which has several)."""
    if a.instrument in rules.si_items:
        return a.item(rules.si_items[a.instrument][0])
    return None


CSSRS_SI_ITEMS = (1, 2, 3, 4, 5, 7)  # Q1–Q5 and Q6-within-3-months; item_6 (lifetime) alone is not SI


def si_bearing(a: Assessment, rules: Rules = DEFAULT_RULES) -> bool:
    if a.instrument == CSSRS:
        return any(a.item(n) is not None for n in CSSRS_SI_ITEMS)
    return si_answer(a, rules) is not None


def si_positive(a: Assessment, rules: Rules = DEFAULT_RULES) -> bool:
    if a.instrument == CSSRS:
        return any(a.item(n) == 1 for n in CSSRS_SI_ITEMS)
    answer = si_answer(a, rules)
    return answer is not None and answer >= rules.si_items[a.instrument][1]


def si_high(a: Assessment, rules: Rules = DEFAULT_RULES) -> bool:
    if a.instrument == CSSRS:
        return a.item(4) == 1 or a.item(5) == 1 or a.item(7) == 1
    answer = si_answer(a, rules)
    return answer is not None and answer >= rules.si_items[a.instrument][2]


def cssrs_risk(a: Assessment) -> str | None:
    """high: Q4/Q5/item_7; moderate: Q3 or item_6 (not high); low: Q1 or Q2 only; else none."""
    if a.instrument != CSSRS:
        return None
    if a.item(4) == 1 or a.item(5) == 1 or a.item(7) == 1:
        return "high"
    if a.item(3) == 1 or a.item(6) == 1:
        return "moderate"
    if a.item(1) == 1 or a.item(2) == 1:
        return "low"
    # READING: a screener with every answer "no" carries no risk level (None), not "low".
    return None


# ---------------------------------------------------------------------------------------------
# §4 SI days and SI flags
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiDay:
    day: dt.date
    positive: bool
    high: bool  # any of the day's assessments at the high level


def si_days(assessments: Sequence[Assessment], tz: ZoneInfo, rules: Rules = DEFAULT_RULES) -> list[SiDay]:
    """SI-bearing assessments grouped by clinic calendar day, in date order."""
    by_day: dict[dt.date, list[Assessment]] = {}
    for a in assessments:
        if si_bearing(a, rules):
            by_day.setdefault(day_of(a.at, tz), []).append(a)
    days = []
    for d in sorted(by_day):
        group = by_day[d]
        days.append(
            SiDay(
                d,
                any(si_positive(a, rules) for a in group),
                any(si_positive(a, rules) and si_high(a, rules) for a in group),
            )
        )
    return days


def si_persistent_trigger(days: Sequence[SiDay], rules: Rules = DEFAULT_RULES) -> tuple[dt.date, dt.date] | None:
    """(day the condition first holds, since) or None: §4 (a) consecutive positives, (b) 3 in 30 days."""
    for i, today in enumerate(days):
        if not today.positive:
            continue
        candidates: list[dt.date] = []
        # (a) a run of consecutive positive SI-bearing days, long enough, ending today.
        run_start = i
        while run_start > 0 and days[run_start - 1].positive:
            run_start -= 1
        if i - run_start + 1 >= rules.si_consecutive_days:
            candidates.append(days[run_start].day)
        # (b) enough positive days, first and last at most (window - 1) days apart, ending today.
        earliest = today.day - dt.timedelta(days=rules.si_window_days - 1)
        in_window = [d.day for d in days[: i + 1] if d.positive and d.day >= earliest]
        if len(in_window) >= rules.si_window_positive_days:
            candidates.append(in_window[0])
        if candidates:
            return today.day, min(candidates)
    return None


def si_current(assessments: Sequence[Assessment], tz: ZoneInfo, rules: Rules = DEFAULT_RULES) -> dict:
    """The latest SI-bearing day: positive (with level) / negative / no SI data."""
    days = si_days(assessments, tz, rules)
    if not days:
        return {"status": "no SI data", "level": None, "date": None}
    last = days[-1]
    if last.positive:
        return {"status": "positive", "level": "high" if last.high else "positive", "date": last.day}
    return {"status": "negative", "level": None, "date": last.day}


# ---------------------------------------------------------------------------------------------
# §5 Outcomes
# ---------------------------------------------------------------------------------------------


def dosing_sessions(sessions: Sequence[Session]) -> list[Session]:
    return sorted((s for s in sessions if s.kind == "dosing"), key=lambda s: s.at)


def reduced_by(baseline: int, current: int, percent: float) -> bool:
    """current is at least `percent` % below baseline (exact arithmetic on integers)."""
    return (baseline - current) * 100 >= percent * baseline


def increased_by(baseline: int, current: int, percent: float) -> bool:
    return (current - baseline) * 100 >= percent * baseline


def status_of(instrument: str, baseline: int, current: int, rules: Rules = DEFAULT_RULES) -> str:
    """Steps 2–7 of the §5 status order (step 1 is decided by the caller)."""
    o = rules.outcomes[instrument]
    if baseline < o.mild_baseline_below:
        return "mild_baseline"
    if current <= o.remission_at_or_below:
        return "remission"
    if reduced_by(baseline, current, rules.response_reduction_pct):
        return "response"
    if reduced_by(baseline, current, rules.partial_response_reduction_pct):
        return "partial_response"
    if o.reliable_change is not None:
        if current - baseline >= o.reliable_change:
            return "deterioration"
    elif increased_by(baseline, current, rules.deterioration_increase_pct):
        return "deterioration"
    return "no_response"


@dataclass(frozen=True)
class Outcome:
    patient_id: str
    instrument: str
    baseline: int
    baseline_date: dt.date
    baseline_at: dt.datetime
    baseline_is_fallback: bool
    current: int
    current_date: dt.date
    current_at: dt.datetime
    change: int | None
    percent_change: float | None
    status: str
    reliable_change: str | None
    early_response: bool
    doses_completed: int
    complete_count: int


def outcome(
    patient_id: str,
    instrument: str,
    assessments: Sequence[Assessment],
    sessions: Sequence[Session],
    tz: ZoneInfo,
    rules: Rules = DEFAULT_RULES,
) -> Outcome | None:
    """§5 for one patient and instrument, over records already cut at the evaluation day."""
    complete = sorted((a for a in assessments if a.instrument == instrument and is_complete(a)), key=lambda a: a.at)
    if not complete:
        return None
    doses = dosing_sessions(sessions)
    base: Assessment | None = None
    if doses:
        before = [a for a in complete if a.at <= doses[0].at]
        base = before[-1] if before else None
    fallback = base is None
    if base is None:
        base = complete[0]
    cur = complete[-1]
    b, c = score(base), score(cur)
    assert b is not None and c is not None
    same = base is cur
    change = None if same or b == 0 else c - b
    percent = None if change is None else 100.0 * change / b
    status = "insufficient_data" if len(complete) < 2 or same else status_of(instrument, b, c, rules)
    threshold = rules.outcomes[instrument].reliable_change
    reliable: str | None
    if threshold is None:
        reliable = None
    elif same:
        # READING: with the baseline as current there is no change to judge: no data, shown as
        # null (never as "no reliable change", which would claim a measured stability).
        reliable = None
    elif c - b <= -threshold:
        reliable = "improved"
    elif c - b >= threshold:
        reliable = "deteriorated"
    else:
        reliable = "no_reliable_change"
    early = False
    if doses and b > 0:
        window_end = doses[2].at if len(doses) >= 3 else None
        for a in complete:
            if a.at > doses[0].at and (window_end is None or a.at < window_end):
                s = score(a)
                assert s is not None
                if reduced_by(b, s, rules.response_reduction_pct):
                    early = True
    return Outcome(
        patient_id,
        instrument,
        b,
        day_of(base.at, tz),
        base.at,
        fallback,
        c,
        day_of(cur.at, tz),
        cur.at,
        change,
        percent,
        status,
        reliable,
        early,
        len(doses),
        len(complete),
    )


def outcomes(
    patient_id: str,
    assessments: Sequence[Assessment],
    sessions: Sequence[Session],
    as_of: dt.date,
    tz: ZoneInfo,
    rules: Rules = DEFAULT_RULES,
) -> list[Outcome]:
    mine_a = up_to([a for a in assessments if a.patient_id == patient_id], as_of, tz)
    mine_s = up_to([s for s in sessions if s.patient_id == patient_id], as_of, tz)
    found = [outcome(patient_id, name, mine_a, mine_s, tz, rules) for name in OUTCOME_INSTRUMENTS]
    return [o for o in found if o is not None]


# ---------------------------------------------------------------------------------------------
# §6 state-flag conditions, each as of the end of one day
# ---------------------------------------------------------------------------------------------


def deterioration_holds(a: Sequence[Assessment], s: Sequence[Session], tz: ZoneInfo, rules: Rules) -> bool:
    for instrument in ("PHQ-9", "GAD-7"):
        o = outcome("", instrument, a, s, tz, rules)
        threshold = rules.outcomes[instrument].reliable_change
        if o is None or threshold is None or o.current_at == o.baseline_at:
            continue
        if o.current - o.baseline >= threshold:
            return True
    return False


def off_track_holds(a: Sequence[Assessment], s: Sequence[Session], tz: ZoneInfo, rules: Rules) -> bool:
    o = outcome("", "PHQ-9", a, s, tz, rules)
    doses = dosing_sessions(s)
    if o is None or o.baseline < rules.off_track_min_baseline or len(doses) < rules.off_track_min_doses:
        return False
    dose_n = doses[rules.off_track_min_doses - 1]
    after = sorted(
        (x for x in a if x.instrument == "PHQ-9" and is_complete(x) and x.at > dose_n.at), key=lambda x: x.at
    )
    if not after:
        return False
    latest = score(after[-1])
    assert latest is not None
    return not reduced_by(o.baseline, latest, rules.off_track_reduction_below_pct)


def loss_of_response_holds(a: Sequence[Assessment], s: Sequence[Session], tz: ZoneInfo, rules: Rules) -> bool:
    o = outcome("", "PHQ-9", a, s, tz, rules)
    if o is None or o.complete_count < 3:
        return False
    if o.status in ("response", "remission"):
        return False
    for x in a:
        if x.instrument == "PHQ-9" and is_complete(x) and o.baseline_at < x.at < o.current_at:
            x_score = score(x)
            assert x_score is not None
            if status_of("PHQ-9", o.baseline, x_score, rules) in ("response", "remission"):
                return True
    return False


def overdue_holds(
    patient: Patient, a: Sequence[Assessment], s: Sequence[Session], day: dt.date, tz: ZoneInfo, rules: Rules
) -> bool:
    if patient.status != "active":
        return False
    si_bearing_days = {day_of(x.at, tz) for x in a if si_bearing(x, rules)}
    enrolled_long_enough = (day - patient.enrolled_on).days >= rules.overdue_enrolled_days
    window = {day - dt.timedelta(days=k) for k in range(rules.overdue_si_window_days)}
    no_recent_si = not (si_bearing_days & window)
    doses = dosing_sessions(s)
    dose_unscreened = False
    if doses:
        dose_day = day_of(doses[-1].at, tz)
        dose_window = {dose_day - dt.timedelta(days=k) for k in range(rules.overdue_dose_si_window_days)}
        dose_unscreened = not (si_bearing_days & dose_window)
    # READING: the 14-day enrolment grace guards the first clause only; a dose given without an
    # SI screen in its week is overdue whenever it happens.
    return (enrolled_long_enough and no_recent_si) or dose_unscreened


# ---------------------------------------------------------------------------------------------
# §6 sticky session triggers
# ---------------------------------------------------------------------------------------------

BP_PAIRS = (("bp_pre_sys", "bp_pre_dia"), ("bp_peak_sys", "bp_peak_dia"), ("bp_post_sys", "bp_post_dia"))


def bp_severe(d: Session, rules: Rules) -> bool:
    for sys_name, dia_name in BP_PAIRS:
        systolic, diastolic = d.vital(sys_name), d.vital(dia_name)
        if systolic is not None and systolic >= rules.bp_any_sys_severe:
            return True
        if diastolic is not None and diastolic >= rules.bp_any_dia_severe:
            return True
    return False


def bp_raised(d: Session, rules: Rules) -> bool:
    pre_sys, pre_dia = d.vital("bp_pre_sys"), d.vital("bp_pre_dia")
    pre_high = (pre_sys is not None and pre_sys >= rules.bp_pre_sys_high) or (
        pre_dia is not None and pre_dia >= rules.bp_pre_dia_high
    )
    return pre_high or bp_severe(d, rules)


def vitals_missing(d: Session) -> bool:
    return any(d.vital(n) is None for n in ("bp_pre_sys", "bp_pre_dia", "bp_post_sys", "bp_post_dia"))


def integration_missing_since(
    doses: Sequence[Session], sessions: Sequence[Session], day: dt.date, tz: ZoneInfo, rules: Rules
) -> dt.date | None:
    """The day of the first dose whose 7 days have passed with no integration session after it."""
    integrations = [x for x in sessions if x.kind == "integration"]
    for d in doses:
        dose_day = day_of(d.at, tz)
        last_day = dose_day + dt.timedelta(days=rules.integration_within_days)
        if day <= last_day:
            continue  # those 7 days have not passed yet
        # READING: "within 7 days" in clinic calendar days: an integration on dose day + 7 counts.
        if not any(x.at > d.at and day_of(x.at, tz) <= last_day for x in integrations):
            return dose_day
    return None


# ---------------------------------------------------------------------------------------------
# The open-flag picture as of a day, without clinician actions
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenFlag:
    patient_id: str
    kind: str
    level: str
    since: dt.date


def _state_since(holds_on, first_day: dt.date, as_of: dt.date) -> dt.date | None:
    """The first day of the unbroken stretch of days ending at `as_of` on which `holds_on` is true."""
    if not holds_on(as_of):
        return None
    since = as_of
    while since > first_day and holds_on(since - ONE_DAY):
        since -= ONE_DAY
    return since


def open_flags(
    patient: Patient,
    assessments: Sequence[Assessment],
    sessions: Sequence[Session],
    as_of: dt.date,
    tz: ZoneInfo,
    rules: Rules = DEFAULT_RULES,
) -> list[OpenFlag]:
    """Every open flag of one patient as of the end of `as_of` (no clinician actions)."""
    pid = patient.patient_id
    mine_a = [a for a in assessments if a.patient_id == pid]
    mine_s = [s for s in sessions if s.patient_id == pid]
    a_now = up_to(mine_a, as_of, tz)
    s_now = up_to(mine_s, as_of, tz)
    found: list[OpenFlag] = []

    # si_persistent (sticky): raised on the first day the condition holds, open ever after.
    days = si_days(a_now, tz, rules)
    trigger = si_persistent_trigger(days, rules)
    if trigger is not None:
        _, since = trigger
        # READING: the flag's evidence starts at `since` (the run or window that triggered it)
        # and gathers every later positive day; its level reads those days only. An earlier,
        # isolated high day has its own si_high flag.
        level = "high" if any(d.positive and d.high and d.day >= since for d in days) else "moderate"
        found.append(OpenFlag(pid, "si_persistent", level, since))

    # si_high (sticky): any single SI-bearing assessment at the high level.
    high_days = sorted(day_of(a.at, tz) for a in a_now if si_bearing(a, rules) and si_high(a, rules))
    if high_days:
        found.append(OpenFlag(pid, "si_high", "high", high_days[0]))

    doses = dosing_sessions(s_now)
    raised_bp = [d for d in doses if bp_raised(d, rules)]
    if raised_bp:
        level = "high" if any(bp_severe(d, rules) for d in raised_bp) else "moderate"
        found.append(OpenFlag(pid, "bp_high", level, day_of(raised_bp[0].at, tz)))
    missing = [d for d in doses if vitals_missing(d)]
    if missing:
        found.append(OpenFlag(pid, "vitals_missing", "moderate", day_of(missing[0].at, tz)))
    integration_since = integration_missing_since(doses, s_now, as_of, tz, rules)
    if integration_since is not None:
        found.append(OpenFlag(pid, "integration_missing", "low", integration_since))

    # State flags: evaluate the condition on each day with the records up to that day.
    record_days = [day_of(x.at, tz) for x in a_now] + [day_of(x.at, tz) for x in s_now]
    first_day = min([*record_days, patient.enrolled_on, as_of])

    def cut(day: dt.date) -> tuple[list[Assessment], list[Session]]:
        return up_to(a_now, day, tz), up_to(s_now, day, tz)

    state_rules = {
        "deterioration": ("moderate", lambda d: deterioration_holds(*cut(d), tz, rules)),
        "off_track": ("moderate", lambda d: off_track_holds(*cut(d), tz, rules)),
        "loss_of_response": ("moderate", lambda d: loss_of_response_holds(*cut(d), tz, rules)),
        "assessment_overdue": ("low", lambda d: overdue_holds(patient, *cut(d), d, tz, rules)),
    }
    for kind, (level, holds_on) in state_rules.items():
        stretch_start = _state_since(holds_on, first_day, as_of)
        if stretch_start is not None:
            found.append(OpenFlag(pid, kind, level, stretch_start))
    return found


def open_flags_for_all(
    patients: Sequence[Patient],
    assessments: Sequence[Assessment],
    sessions: Sequence[Session],
    as_of: dt.date,
    tz: ZoneInfo,
    rules: Rules = DEFAULT_RULES,
) -> list[OpenFlag]:
    flags: list[OpenFlag] = []
    for p in patients:
        flags.extend(open_flags(p, assessments, sessions, as_of, tz, rules))
    return flags
