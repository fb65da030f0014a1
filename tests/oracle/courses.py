"""Random KAP courses for the oracle comparison: plain records, dense around every rule's edges.

Hypothesis draws the shape (how many patients, assessments, doses, the as-of day) and a seed;
the seed drives a `random.Random` for the many small details (item answers, vitals), which
keeps each example cheap to build.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from clinical.instruments import INSTRUMENTS
from tests.oracle.spec_oracle import Assessment, Patient, Session

UTC = dt.UTC
BASE_DAY = dt.date(2026, 1, 5)

INSTRUMENT_WEIGHTS = {
    "PHQ-9": 45,
    "GAD-7": 10,
    "C-SSRS": 10,
    "MADRS": 7,
    "QIDS-SR16": 7,
    "BDI-II": 7,
    "PHQ-2": 7,
    "CADSS": 7,
}
SI_ITEMS = {"PHQ-9": 9, "MADRS": 10, "QIDS-SR16": 12, "BDI-II": 9}
SYSTOLIC = (None, 110, 125, 139, 140, 150, 179, 180, 195)
DIASTOLIC = (None, 70, 80, 89, 90, 100, 109, 110, 115)


@dataclass(frozen=True)
class Clinic:
    patients: list[Patient]
    assessments: list[Assessment]
    sessions: list[Session]


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _hour(rng: random.Random) -> int:
    # Early UTC hours fall on the previous calendar day in America/Chicago.
    return rng.choice((0, 2, 4, 5, 6, 9, 14, 16, 18, 21, 23))


def _items(rng: random.Random, instrument: str, severity: float) -> dict[int, int | None]:
    inst = INSTRUMENTS[instrument]
    items: dict[int, int | None] = {}
    for n in range(1, inst.items + 1):
        if rng.random() < 0.06:
            items[n] = None
            continue
        value = round(severity * inst.item_max + rng.choice((-1, 0, 0, 0, 1)))
        items[n] = max(inst.item_min, min(inst.item_max, value))
    if instrument in SI_ITEMS:
        n = SI_ITEMS[instrument]
        roll = rng.random()
        if roll < 0.08:
            items[n] = None  # a blank SI item: not SI-bearing
        elif roll < 0.55:
            items[n] = 0
        else:
            # Positive answers lean to the lowest positive ones: moderate persistent SI is common.
            weights = [max(1, inst.item_max + 1 - v) ** 2 for v in range(1, inst.item_max + 1)]
            items[n] = rng.choices(range(1, inst.item_max + 1), weights=weights)[0]
    return items


def _cssrs_items(rng: random.Random) -> dict[int, int | None]:
    items: dict[int, int | None] = {}
    for n in range(1, 8):
        roll = rng.random()
        items[n] = None if roll < 0.15 else (1 if roll < 0.3 else 0)
    return items


def _stated_total(rng: random.Random, instrument: str, items: dict[int, int | None]) -> int | None:
    inst = INSTRUMENTS[instrument]
    if not inst.has_total:
        return None
    computed = inst.compute_total(items)
    if computed is None:
        if rng.random() < 0.3:
            return rng.randint(inst.total_min or 0, inst.total_max or 0)
        return None
    # A stated total must equal the computed one when every item is present (SPEC §2.1).
    return computed if rng.random() < 0.15 else None


def _assessment(rng: random.Random, pid: str, when: dt.datetime, severity: float) -> Assessment:
    instrument = rng.choices(list(INSTRUMENT_WEIGHTS), weights=list(INSTRUMENT_WEIGHTS.values()))[0]
    items = _cssrs_items(rng) if instrument == "C-SSRS" else _items(rng, instrument, severity)
    if rng.random() < 0.05 and instrument != "C-SSRS":
        # A total-only record (FHIR 44261-6): no items, but complete.
        inst = INSTRUMENTS[instrument]
        return Assessment(pid, when, instrument, round(severity * (inst.total_max or 0)), {})
    return Assessment(pid, when, instrument, _stated_total(rng, instrument, items), items)


def _vitals(rng: random.Random) -> dict[str, float | None]:
    def pick(values: tuple[int | None, ...]) -> float | None:
        # Most readings ordinary, the rest around the thresholds, a few blank.
        roll = rng.random()
        chosen = None if roll < 0.05 else values[2] if roll < 0.8 else rng.choice(values[1:])
        return None if chosen is None else float(chosen)

    vitals: dict[str, float | None] = {"dose_mg": 35.0, "weight_kg": rng.choice((None, 70.0))}
    for prefix in ("pre", "post", "peak"):
        vitals[f"bp_{prefix}_sys"] = pick(SYSTOLIC)
        vitals[f"bp_{prefix}_dia"] = pick(DIASTOLIC)
    if rng.random() < 0.4:
        vitals["bp_peak_sys"] = vitals["bp_peak_dia"] = None
    return vitals


def patient_course(rng: random.Random, pid: str, n_assessments: int, n_doses: int) -> Clinic:
    """One patient's records: doses with vitals, integration sessions, a noisy symptom course."""
    enrolled = BASE_DAY + dt.timedelta(days=rng.randint(-5, 10))
    status = rng.choices(("active", "paused", "discharged"), weights=(75, 12, 13))[0]
    planned = rng.choice((None, None, 4, 6, 8))
    patient = Patient(pid, status, enrolled, planned)
    start = enrolled + dt.timedelta(days=rng.randint(0, 6))

    sessions: list[Session] = []
    day = start + dt.timedelta(days=rng.randint(0, 12))
    doses: list[Session] = []
    for _ in range(n_doses):
        dose = Session(pid, at(day, _hour(rng), rng.choice((0, 30))), "dosing", _vitals(rng))
        doses.append(dose)
        if rng.random() < 0.75:
            gap = rng.choice((0, 1, 2, 6, 7, 7, 8, 9))
            when = dose.at + dt.timedelta(days=gap, hours=rng.choice((-3, 1, 2, 5)))
            sessions.append(Session(pid, when, "integration"))
        day += dt.timedelta(days=rng.choice((1, 2, 3, 3, 4, 7, 10, 16)))
    sessions.extend(doses)
    if rng.random() < 0.5:
        sessions.append(Session(pid, at(start, _hour(rng)), "preparation"))

    # Symptom course: high at first, falling with doses, sometimes relapsing.
    first = doses[0].at if doses else at(start + dt.timedelta(days=10), 12)
    relapse = rng.random() < 0.3
    assessments: list[Assessment] = []
    span = 70
    for _ in range(n_assessments):
        offset = rng.randint(-8, span)
        when = at(start + dt.timedelta(days=offset), _hour(rng), rng.choice((0, 15, 45)))
        progress = max(0.0, (when - first).total_seconds() / 86400.0)
        severity = max(0.0, min(1.0, rng.uniform(0.45, 0.95) - 0.04 * progress + rng.uniform(-0.15, 0.15)))
        if relapse and progress > 25:
            severity = min(1.0, severity + 0.5)
        assessments.append(_assessment(rng, pid, when, severity))
    if doses and rng.random() < 0.35:
        # Exactly at the start of the first dose (baseline: "at or before"), or just after it.
        nudge = rng.choice((dt.timedelta(0), dt.timedelta(minutes=30), dt.timedelta(hours=-2)))
        assessments.append(_assessment(rng, pid, doses[0].at + nudge, 0.8))
    if assessments and rng.random() < 0.3:
        # A same-day duplicate.
        other = rng.choice(assessments)
        assessments.append(_assessment(rng, pid, other.at + dt.timedelta(hours=1), rng.random()))
    if rng.random() < 0.2:
        # A date-only record: 00:00.
        when = at(start + dt.timedelta(days=rng.randint(0, 30)), 0)
        assessments.append(_assessment(rng, pid, when, rng.random()))
    return Clinic(
        [patient], _unique(assessments, lambda a: (a.at, a.instrument)), _unique(sessions, lambda s: (s.at, s.kind))
    )


def _unique(records: list, key) -> list:
    """Keep the first record per natural key (the database would refuse the second)."""
    seen: set = set()
    kept = []
    for r in records:
        if key(r) not in seen:
            seen.add(key(r))
            kept.append(r)
    return kept


SiSeries = list[tuple[int, int]]  # (days after the previous one, PHQ-9 item 9 answer)
SI_GAPS = (0, 1, 1, 2, 5, 13, 14, 15, 16, 28, 29, 30)  # same day, consecutive, and the 30-day window edges


def with_si_series(course: Clinic, series: SiSeries, rng: random.Random) -> Clinic:
    """Add item-9-only PHQ-9s (incomplete, still SI-bearing) spaced by the given gaps."""
    patient = course.patients[0]
    day = patient.enrolled_on + dt.timedelta(days=rng.randint(0, 20))
    extra = []
    for gap, answer in series:
        day += dt.timedelta(days=gap)
        extra.append(Assessment(patient.patient_id, at(day, _hour(rng)), "PHQ-9", None, {9: answer}))
    assessments = _unique(course.assessments + extra, lambda a: (a.at, a.instrument))
    return Clinic(course.patients, assessments, course.sessions)


def clinic(seed: int, shapes: list[tuple[int, int]], si_series: list[SiSeries] | None = None) -> Clinic:
    """A clinic of len(shapes) patients, each (assessments, doses), optionally with SI series."""
    rng = random.Random(seed)
    patients, assessments, sessions = [], [], []
    for index, (n_assessments, n_doses) in enumerate(shapes):
        course = patient_course(rng, f"P{index + 1}", n_assessments, n_doses)
        if si_series and index < len(si_series):
            course = with_si_series(course, si_series[index], rng)
        patients += course.patients
        assessments += course.assessments
        sessions += course.sessions
    return Clinic(patients, assessments, sessions)


def describe(c: Clinic) -> str:
    """The records as readable lines, for a failure message."""
    lines = [f"patient {p}" for p in c.patients]
    for a in sorted(c.assessments, key=lambda a: (a.patient_id, a.at)):
        answered = {n: v for n, v in a.items.items() if v is not None}
        lines.append(f"  {a.patient_id} {a.at.isoformat()} {a.instrument} total={a.total} items={answered}")
    for s in sorted(c.sessions, key=lambda s: (s.patient_id, s.at)):
        bp = {k: v for k, v in s.vitals.items() if k.startswith("bp_")}
        lines.append(f"  {s.patient_id} {s.at.isoformat()} {s.kind} {bp}")
    return "\n".join(lines)
