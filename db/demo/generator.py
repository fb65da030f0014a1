"""Lay out the demo clinic's records from a seed and an anchor day, and write them.

Deterministic by construction: every random choice comes from `random.Random` instances
seeded from `seed` (never the global generator), every date is an offset from the anchor
day, and clock times are clinic-local hours converted to UTC. Patient *i* draws from its
own generator, so a larger clinic begins with the same patients as a smaller one.
Nothing is dated on the anchor day: records lie before it, scheduled sessions after it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session as OrmSession

from db.demo import prose
from db.demo.clinic import THERAPISTS, clinician_rows
from db.demo.trajectories import Course, Visit, roster
from db.meta import mark_demo_database, set_value
from db.models import Assessment, Clinician, Note, Patient, Session

FEMALE_NAMES = (
    "Abigail Adaeze Alma Amara Annika Beatriz Bronwyn Carmen Celeste Dalia Delphine Eleni Elspeth Esme Farah "
    "Fiona Greta Hana Harriet Ines Iris Jolene Juniper Kalani Keiko Larissa Leona Lucia Mara Marisol Maya "
    "Nadia Noor Odette Paloma Petra Priyanka Rosalind Saoirse Selma Talia Thea Vera Wren Ximena Yara Zora"
).split()
MALE_NAMES = (
    "Aaron Adriano Alasdair Amir Anders Bastian Benedict Caleb Cormac Dario Desmond Elias Emeka Ezra Felix "
    "Gideon Hamish Ibrahim Isaac Joaquin Jonah Kofi Lars Leander Luca Malik Mateo Milo Nikolai Osman Otis "
    "Pascal Quentin Rafferty Rohan Silas Soren Tariq Teodor Tobias Umar Vikram Wendell Yusuf Zane"
).split()
LAST_NAMES = (
    "Abernathy Achterberg Alvarado Ambrose Ashdown Baptiste Beaumont Birchfield Blackwood Brannigan Calloway "
    "Castellano Chadwick Cordero Dalgleish Delacroix Dunmore Ellington Esposito Fairbanks Falkner Fenwick "
    "Galloway Garroway Halvorsen Harrowgate Hollister Iwasaki Jablonski Kavanagh Kestrel Lachance Lindqvist "
    "Lockridge Marchetti Merriweather Montague Nakashima Northcott Okonkwo Oyelaran Pemberton Quintero "
    "Ravensworth Rosenthal Salcedo Sandoval Thistlewood Trevelyan Underhill Valdivia Vasquez-Moreau Wakefield "
    "Whitlock Yarborough Zielinski"
).split()

# Weights for spreading a PHQ-9 total over items 1–8: low mood, anhedonia, sleep and
# fatigue carry most of a depressed person's score; psychomotor change the least.
PHQ9_WEIGHTS = (1.4, 1.4, 1.2, 1.4, 0.9, 1.1, 1.0, 0.6)
ADVERSE_EVENTS = (
    "Nausea at 30 minutes; ondansetron 4 mg ODT given, resolved.",
    "Transient anxiety at onset, settled with grounding and breathing.",
    "Mild headache after the session, resolved with rest and water.",
    "Dizziness on first standing; sat for a further 10 minutes, then steady.",
    "Vomited once during recovery; no aspiration concerns, felt better afterwards.",
    "Blurred vision during the peak, resolved by discharge.",
)
Reading = tuple[int, int]  # systolic, diastolic
SPIKE_EVENT = (
    "Hypertensive response at 20 minutes; infusion paused for 5 minutes and resumed at a slower rate; no "
    "medication needed; physician informed; asymptomatic throughout."
)


@dataclass
class DemoClinic:
    """Every record of the demo clinic as ORM rows, and which trajectory each patient follows."""

    clinicians: list[Clinician]
    patients: list[Patient] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    trajectories: dict[str, str] = field(default_factory=dict)  # patient_id -> trajectory

    def rows(self) -> list[object]:
        return [*self.clinicians, *self.patients, *self.sessions, *self.assessments, *self.notes]


def patient_id(index: int) -> str:
    return f"KAP-{index + 1:04d}"


def plan_courses(*, patients: int, seed: int, anchor: dt.date) -> list[tuple[str, Course]]:
    """Each patient's course, in order (tests use this to know which patient is which)."""
    return [
        (patient_id(index), trajectory(_patient_rng(seed, index, "course"), anchor))
        for index, trajectory in enumerate(roster(patients))
    ]


def _patient_rng(seed: int, index: int, purpose: str) -> random.Random:
    # A separate stream per patient and purpose: prose changes never shift the scores.
    return random.Random(f"{seed}:{index}:{purpose}")


def build_demo_clinic(
    *, patients: int, seed: int, anchor: dt.date, password_hash: str, timezone: ZoneInfo
) -> DemoClinic:
    """All records of the demo clinic for this seed and anchor day (nothing is written)."""
    clinic = DemoClinic(clinicians=clinician_rows(password_hash))
    names = _names(random.Random(seed), patients)
    for index, (pid, course) in enumerate(plan_courses(patients=patients, seed=seed, anchor=anchor)):
        writer = _PatientWriter(
            pid,
            course,
            names[index],
            THERAPISTS[index % len(THERAPISTS)].username,
            _patient_rng(seed, index, "records"),
            anchor,
            timezone,
        )
        writer.write(clinic)
        clinic.trajectories[pid] = course.trajectory
    return clinic


def write_demo_clinic(session: OrmSession, clinic: DemoClinic, *, seed: int, anchor: dt.date) -> None:
    """Add every row in the caller's unit of work and mark the database as the demo's."""
    session.add_all(clinic.clinicians)
    session.flush()  # therapists before the patients that name them
    session.add_all(clinic.patients)
    session.flush()
    session.add_all([*clinic.sessions, *clinic.assessments, *clinic.notes])
    mark_demo_database(session)
    set_value(session, "demo_seed", str(seed))
    set_value(session, "demo_anchor", anchor.isoformat())
    set_value(session, "demo_patients", str(len(clinic.patients)))


def _names(rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    """(first name, last name, pronoun) for each patient; no two alike until the lists run out."""
    pairs = [(first, "she") for first in FEMALE_NAMES] + [(first, "he") for first in MALE_NAMES]
    rng.shuffle(pairs)
    last_names = list(LAST_NAMES)
    rng.shuffle(last_names)
    return [
        (*pairs[i % len(pairs)][:1], last_names[i % len(last_names)], pairs[i % len(pairs)][1]) for i in range(count)
    ]


def _spread(rng: random.Random, total: int, weights: Sequence[float], item_max: int) -> list[int]:
    """Item answers that add up to `total`, heavier on the items that carry more weight."""
    items = [0] * len(weights)
    total = max(0, min(total, item_max * len(weights)))
    for _ in range(total):
        open_items = [i for i, value in enumerate(items) if value < item_max]
        chosen = rng.choices(open_items, weights=[weights[i] for i in open_items])[0]
        items[chosen] += 1
    return items


class _PatientWriter:
    """Turns one `Course` into ORM rows and notes."""

    def __init__(
        self,
        pid: str,
        course: Course,
        name: tuple[str, str, str],
        therapist: str,
        rng: random.Random,
        anchor: dt.date,
        timezone: ZoneInfo,
    ) -> None:
        self.pid, self.course, self.therapist = pid, course, therapist
        self.rng, self.anchor, self.tz = rng, anchor, timezone
        self.first_name, self.last_name, pronoun = name
        themes = prose.pick_themes(rng)
        self.person = prose.Person(self.first_name, pronoun)
        self.themes = themes
        self.intention = prose.pick_intention(rng, themes)
        self.weight = round(rng.uniform(52, 108), 1)
        self.gad_baseline = rng.randint(8, 16)
        self.dose_hour = rng.choice((9, 13))
        self.iv_factor = rng.choice((0.5, 0.5, 0.6, 0.75))
        self.phq_after_first_dose: list[int] = []
        self.si_seen: list[int] = []
        self.note_times: set[dt.datetime] = set()
        self.memory = prose.Memory()

    # -- time

    def _at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz).astimezone(dt.UTC)

    def _session_start(self, visit: Visit) -> dt.datetime:
        hours = {
            "intake": (11,),
            "preparation": (9, 11, 14, 16),
            "dosing": (self.dose_hour,),
            "integration": (10, 11, 14, 15, 16),
            "follow_up": (10, 15),
        }[visit.kind]
        return self._at(visit.day, self.rng.choice(hours), self.rng.choice((0, 0, 30)))

    # -- the whole patient

    def write(self, clinic: DemoClinic) -> None:
        course = self.course
        age_days = self.rng.randint(22 * 365, 74 * 365)
        clinic.patients.append(
            Patient(
                patient_id=self.pid,
                first_name=self.first_name,
                last_name=self.last_name,
                birth_date=self.anchor - dt.timedelta(days=age_days),
                therapist=self.therapist,
                status=course.status,
                enrolled_on=course.enrolled_on,
                planned_doses=course.planned_doses,
            )
        )
        for visit in course.visits:
            self._write_visit(clinic, visit)
        for day, reason in course.events:
            day = min(day, self.anchor - dt.timedelta(days=1))
            written = self._unique_note_time(self._at(day, self.rng.randint(12, 16), self.rng.randint(0, 59)))
            facts = self._facts(number=self._event_number(reason))
            clinic.notes.append(self._note(written, "progress", prose.event_note(self.rng, facts, reason), None))

    def _event_number(self, reason: str) -> int:
        return {"missed_integration": 3, "high_risk_review": 3}.get(reason, 0)

    def _write_visit(self, clinic: DemoClinic, visit: Visit) -> None:
        if visit.kind == "check_in":
            if visit.phq9 is not None:
                start = self._at(visit.day, self.rng.randint(18, 21), self.rng.randint(0, 59))
                self._assess(clinic, visit, start, before=False)
            return
        start = self._session_start(visit)
        row = Session(patient_id=self.pid, started_at=start, kind=visit.kind, clinician=self.therapist)
        clinic.sessions.append(row)
        if visit.scheduled:
            return
        if visit.phq9 is not None:
            self._assess(clinic, visit, start, before=True)
        if visit.cssrs_check:
            clinic.assessments.append(self._cssrs(start - dt.timedelta(minutes=10), 0))
            self.si_seen.append(0)
        dose = self._dose(row, visit) if visit.kind == "dosing" else None
        self._write_session_note(clinic, visit, start, dose)

    # -- assessments

    def _assess(self, clinic: DemoClinic, visit: Visit, start: dt.datetime, *, before: bool) -> None:
        """PHQ-9 and GAD-7 (before a session, or a remote check-in), C-SSRS when item 9 is positive."""
        assert visit.phq9 is not None
        step = dt.timedelta(minutes=-5 if before else 3)
        at = start - dt.timedelta(minutes=25) if before else start
        si = visit.si_answer
        total = min(max(visit.phq9, si), 24 + si)
        phq_items = [*_spread(self.rng, total - si, PHQ9_WEIGHTS, 3), si]
        clinic.assessments.append(self._assessment("PHQ-9", at, phq_items))
        clinic.assessments.append(self._assessment("GAD-7", at + step, self._gad7_items(visit)))
        if si >= 1:
            clinic.assessments.append(self._cssrs(at + 2 * step, si))
        if visit.madrs:
            clinic.assessments.append(self._assessment("MADRS", at + 3 * step, self._madrs_items(total, si)))
        if visit.slot is not None and visit.slot.doses_before >= 1:
            self.phq_after_first_dose.append(total)
        self.si_seen.append(si)

    def _assessment(self, instrument: str, at: dt.datetime, items: list[int]) -> Assessment:
        row = Assessment(
            patient_id=self.pid,
            administered_at=at,
            instrument=instrument,
            total=sum(items) if instrument != "C-SSRS" else None,
        )
        for number, value in enumerate(items, start=1):
            setattr(row, f"item_{number}", value)
        return row

    def _gad7_items(self, visit: Visit) -> list[int]:
        assert visit.phq9 is not None
        if visit.kind == "dosing" and visit.number == 1:
            total = self.gad_baseline
        else:
            # Anxiety follows the depressive course loosely and never worsens reliably (4 points).
            fraction = visit.phq9 / self.course.baseline
            total = round(self.gad_baseline * fraction) + self.rng.choice((-1, 0, 1))
            total = max(0, min(total, self.gad_baseline + 2, 21))
        return _spread(self.rng, total, (1.2, 1.1, 1.3, 1.0, 0.7, 1.0, 0.8), 3)

    def _madrs_items(self, phq9_total: int, si: int) -> list[int]:
        # MADRS item 10 (suicidal thoughts): 2 = fleeting, 4 = frequent; 0–1 when PHQ-9 item 9 is 0.
        item_10 = {0: self.rng.choice((0, 0, 1)), 1: 2}.get(si, 4)
        total = min(60, max(item_10, round(phq9_total * self.rng.uniform(1.45, 1.7))))
        return [*_spread(self.rng, total - item_10, (1.3, 1.2, 1.1, 1.0, 0.8, 1.0, 1.1, 1.0, 1.2), 6), item_10]

    def _cssrs(self, at: dt.datetime, si: int) -> Assessment:
        """C-SSRS screener: wish to be dead with PHQ-9 item 9; never Q4/Q5 or recent behaviour."""
        if si == 0:
            items = [0, 0, 0, 0, 0, 0, 0]
        else:
            active_thoughts = 1 if si >= 2 else self.rng.choice((0, 1))
            lifetime_behaviour = 1 if self.rng.random() < 0.2 else 0
            items = [1, active_thoughts, 0, 0, 0, lifetime_behaviour, 0]
        return self._assessment("C-SSRS", at, items)

    # -- dosing

    def _dose(self, row: Session, visit: Visit) -> prose.DoseFacts:
        route, number, rng = self.course.route, visit.number, self.rng
        weight = round(self.weight + rng.uniform(-0.5, 0.5), 1) if route in ("iv", "im") else None
        dose_mg = self._dose_mg(route, number, weight)
        bp_pre, bp_peak, bp_post, adverse = self._vitals(route, visit.vitals)
        if adverse is None and rng.random() < 0.2:
            adverse = rng.choice(ADVERSE_EVENTS)
        cadss_range = {"iv": (12, 40), "im": (15, 45), "intranasal": (8, 30), "sublingual": (4, 22), "oral": (2, 16)}
        observed_range = {
            "iv": (100, 130),
            "im": (90, 120),
            "intranasal": (120, 150),
            "sublingual": (110, 150),
            "oral": (130, 180),
        }
        facts = prose.DoseFacts(
            route=route,
            number=number,
            dose_mg=dose_mg,
            weight_kg=weight,
            bp_pre=bp_pre,
            bp_peak=bp_peak,
            bp_post=bp_post,
            heart_rate=rng.randint(62, 96),
            spo2_min=rng.randint(93, 98) if route in ("iv", "im") else rng.randint(94, 99),
            cadss=rng.randint(*cadss_range[route]),
            observed_minutes=5 * (rng.randint(*observed_range[route]) // 5),
            adverse_events=adverse,
        )
        row.route, row.dose_mg, row.weight_kg = route, dose_mg, weight
        row.bp_pre_sys, row.bp_pre_dia = bp_pre if bp_pre else (None, None)
        row.bp_peak_sys, row.bp_peak_dia = bp_peak if bp_peak else (None, None)
        row.bp_post_sys, row.bp_post_dia = bp_post if bp_post else (None, None)
        row.heart_rate, row.spo2_min, row.cadss = facts.heart_rate, facts.spo2_min, facts.cadss
        row.observed_minutes, row.adverse_events = facts.observed_minutes, adverse
        return facts

    def _dose_mg(self, route: str, number: int, weight: float | None) -> float:
        if route == "iv":
            assert weight is not None
            factor = 0.5 if number <= 2 else self.iv_factor  # 0.5 mg/kg over 40 min, titrated later
            return round(factor * weight * 2) / 2
        if route == "im":
            assert weight is not None
            return round(min(1.0, 0.5 + 0.25 * (number - 1)) * weight * 2) / 2
        if route == "intranasal":
            return 56.0 if number <= 2 else 84.0  # esketamine: 56 mg to start, then 84 mg
        if route == "sublingual":
            return float(min(400, 100 + 50 * (number - 1)))
        return float(min(300, 150 + 50 * (number - 1)))  # oral

    def _vitals(self, route: str, kind: str) -> tuple[Reading, Reading, Reading | None, str | None]:
        """Pre-dose, peak and 40-minute blood pressure (sys, dia) and any adverse event they caused."""
        rng = self.rng
        if kind == "spike":
            return (144, 92), (rng.randint(181, 188), rng.randint(103, 108)), (rng.randint(148, 156), 92), SPIKE_EVENT
        pre = (rng.randint(108, 134), rng.randint(64, 86))
        rise = (10, 26, 5, 14) if route in ("iv", "im", "intranasal") else (4, 15, 2, 9)
        peak = (min(168, pre[0] + rng.randint(rise[0], rise[1])), min(104, pre[1] + rng.randint(rise[2], rise[3])))
        post = (min(150, pre[0] + rng.randint(0, 12)), min(96, pre[1] + rng.randint(0, 7)))
        return pre, peak, None if kind == "post_missing" else post, None

    # -- notes

    def _facts(self, *, number: int = 0, dose: prose.DoseFacts | None = None) -> prose.NoteFacts:
        return prose.NoteFacts(
            self.person, self.themes, self.intention, number, self._mood(), self._si_state(), dose, self.memory
        )

    def _mood(self) -> str:
        """How the course is going, from the PHQ-9 totals since the first dose."""
        after_dose_1 = self.phq_after_first_dose
        if not after_dose_1:
            return "baseline"
        fraction = after_dose_1[-1] / self.course.baseline
        best = min(after_dose_1) / self.course.baseline
        if fraction <= 0.5:
            return "responding"
        if best <= 0.5:
            return "slipping"
        return "improving" if fraction <= 0.8 else "flat"

    def _si_state(self) -> str:
        if not self.si_seen:
            return "none"
        latest = self.si_seen[-1]
        if latest >= 2:
            return "high"
        if latest == 1:
            return "passive"
        return "resolved" if any(self.si_seen) else "none"

    def _write_session_note(
        self, clinic: DemoClinic, visit: Visit, start: dt.datetime, dose: prose.DoseFacts | None
    ) -> None:
        rng = self.rng
        if visit.kind == "intake":
            kind, text, minutes = "preparation", prose.intake_note(rng, self._facts()), 75
        elif visit.kind == "preparation":
            kind, text, minutes = "preparation", prose.preparation_note(rng, self._facts(number=visit.number)), 70
        elif visit.kind == "dosing":
            assert dose is not None
            facts = self._facts(number=visit.number, dose=dose)
            kind, text, minutes = "dosing", prose.dosing_note(rng, facts), dose.observed_minutes + 15
        elif visit.kind == "integration":
            kind, text, minutes = "integration", prose.integration_note(rng, self._facts(number=visit.number)), 65
        else:
            kind, text, minutes = "progress", prose.follow_up_note(rng, self._facts(number=visit.number)), 50
        written = self._unique_note_time(start + dt.timedelta(minutes=minutes))
        clinic.notes.append(self._note(written, kind, text, start))

    def _unique_note_time(self, at: dt.datetime) -> dt.datetime:
        while at in self.note_times:
            at += dt.timedelta(minutes=1)
        self.note_times.add(at)
        return at

    def _note(self, written: dt.datetime, kind: str, text: str, session_at: dt.datetime | None) -> Note:
        return Note(
            patient_id=self.pid, written_at=written, kind=kind, author=self.therapist, text=text, session_at=session_at
        )
