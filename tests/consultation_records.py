"""A small supervised team for the consultation tests, with outcomes worked out by hand.

`sup` supervises `ana` and `ben`; `cal` is supervised by nobody (outside `sup`'s scope);
`adm` is an admin. NOW is 2026-03-31 12:00 UTC; day offsets below are from NOW.
PHQ-9s are given at 08:00, doses at 10:00, integration sessions the day after each dose.

| patient | therapist | baseline | doses | current | PHQ-9 status | hand count |
| --- | --- | --- | --- | --- | --- | --- |
| A1 | ana | 20 (−60) | 4 (−58 … −48) | 8 (−47); 9 at −54 is early | response | response, early response |
| A2 | ana | 15 | 4 | 3 | remission | response, remission |
| A3 | ana | 12 | 4 | 11, SI + on −2 and −1 | no_response | in cohort; si_persistent waiting 1 d 4 h |
| A4 | ana | 18 | 1 (−40) | — | insufficient_data | dropout (40 days) |
| A5 | ana | 16 | 0 | — | insufficient_data | preparation |
| B1 | ben | 22 | 4 | — | insufficient_data | in cohort, no follow-up |
| B2 | ben | 10 | 5 | 6 | partial_response | in cohort (edge 10) |
| B3 | ben | 14 | 1 (−10) | — | insufficient_data | dropout not yet known |
| B4 | ben (discharged) | 17 | 1 (−35) | — | insufficient_data | dropout (discharged) |
| C1 | cal | 20 | 4 | 2 | remission | admin scope only |

Supervisor `sup`: response 2 of 5, remission 1 of 5, early response 1 of 6 (A4, B3 still
before dose 3), dropout 2 of 7 (B3 too early). Admin: response 3 of 6, remission 2 of 6.
Every name, id and birth date below is distinctive so a test can look for it on a page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, select

from db.engine import UnitOfWork
from db.models import Assessment, Clinician, Note, Patient, Session

NOW = dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.UTC)
AS_OF = NOW.date()
PSEUDONYM_KEY = "consultation-test-pseudonym-key-0123456789-abcdefghijklmnop"


@dataclass(frozen=True)
class Course:
    patient_id: str
    first_name: str
    last_name: str
    birth_date: dt.date
    therapist: str
    status: str
    planned: int | None
    phq9: tuple[tuple[int, int, int], ...]  # (day offset, total, item 9)
    doses: tuple[int, ...]  # day offsets


FOUR_DOSES = (-58, -55, -51, -48)
COURSES = (
    Course("MRN-738201", "Rosalind", "Quackenbush", dt.date(1971, 8, 23), "ana", "active", 4,
           ((-60, 20, 0), (-54, 9, 0), (-47, 8, 0)), FOUR_DOSES),
    Course("MRN-738202", "Octavia", "Brightwater", dt.date(1985, 2, 11), "ana", "active", 4,
           ((-60, 15, 0), (-47, 3, 0)), FOUR_DOSES),
    Course("MRN-738203", "Leopold", "Fairweather", dt.date(1990, 12, 2), "ana", "active", 6,
           ((-60, 12, 0), (-47, 11, 0), (-2, 11, 1), (-1, 11, 1)), FOUR_DOSES),
    Course("MRN-738204", "Philippa", "Ravensworth", dt.date(1966, 4, 30), "ana", "active", 6,
           ((-41, 18, 0),), (-40,)),
    Course("MRN-738205", "Barnaby", "Thistlewood", dt.date(2001, 7, 19), "ana", "active", 6,
           ((-5, 16, 0),), ()),
    Course("MRN-738206", "Winifred", "Applegarth", dt.date(1958, 10, 8), "ben", "active", 4,
           ((-60, 22, 0),), FOUR_DOSES),
    Course("MRN-738207", "Cornelius", "Pemberton", dt.date(1979, 1, 27), "ben", "active", 6,
           ((-60, 10, 0), (-40, 6, 0)), (*FOUR_DOSES, -44)),
    Course("MRN-738208", "Genevieve", "Holloway", dt.date(1995, 5, 14), "ben", "active", 6,
           ((-12, 14, 0),), (-10,)),
    Course("MRN-738209", "Mortimer", "Blackwood", dt.date(1948, 3, 9), "ben", "discharged", 6,
           ((-36, 17, 0),), (-35,)),
    Course("MRN-738210", "Esmeralda", "Cavendish", dt.date(1982, 9, 16), "cal", "active", 4,
           ((-60, 20, 0), (-47, 2, 0)), FOUR_DOSES),
)  # fmt: skip
NOTE_TEXT = (
    "Rosalind said her sister Marguerite drove her in on 2026-03-28. She described feeling lighter and "
    "wants to reconnect with her garden. She denies suicidal ideation."
)
ADVERSE_EVENT = "Nausea at 20 min; Rosalind asked for her husband Ferdinand."


def at(offset: int, hour: int, now: dt.datetime = NOW) -> dt.datetime:
    return (now + dt.timedelta(days=offset)).replace(hour=hour, minute=0, second=0, microsecond=0)


def phq9(patient_id: str, offset: int, total: int, item9: int, now: dt.datetime = NOW) -> Assessment:
    """A complete PHQ-9 with this total and item 9 (the other items filled up to 3 each)."""
    row = Assessment(patient_id=patient_id, administered_at=at(offset, 8, now), instrument="PHQ-9")
    rest = total - item9
    for n in range(1, 9):
        value = min(3, rest)
        setattr(row, f"item_{n}", value)
        rest -= value
    row.item_9 = item9
    return row


def dose(patient_id: str, offset: int, therapist: str, adverse: str | None, now: dt.datetime) -> Session:
    return Session(
        patient_id=patient_id,
        started_at=at(offset, 10, now),
        kind="dosing",
        clinician=therapist,
        route="im",
        dose_mg=50.0,
        weight_kg=72.0,
        bp_pre_sys=124,
        bp_pre_dia=78,
        bp_post_sys=128,
        bp_post_dia=80,
        bp_peak_sys=136,
        bp_peak_dia=84,
        heart_rate=76,
        spo2_min=97,
        cadss=14,
        observed_minutes=120,
        adverse_events=adverse,
    )


def seed_consultation_clinic(engine: Engine, now: dt.datetime = NOW, password_hash: str | None = None) -> None:
    """Write the team above in one unit of work (dated from `now`; logins with `password_hash` when given)."""
    with UnitOfWork(engine) as uow:
        s = uow.session
        s.add_all(
            [
                Clinician(username="sup", display_name="Sophia Supervisor", role="supervisor"),
                Clinician(username="adm", display_name="Adam Admin", role="admin"),
                Clinician(username="cal", display_name="Calvin Clinician", role="therapist"),
            ]
        )
        s.flush()
        s.add_all(
            [
                Clinician(username="ana", display_name="Ana Therapist", role="therapist", supervisor="sup"),
                Clinician(username="ben", display_name="Ben Therapist", role="therapist", supervisor="sup"),
            ]
        )
        s.flush()
        for course in COURSES:
            s.add(
                Patient(
                    patient_id=course.patient_id,
                    first_name=course.first_name,
                    last_name=course.last_name,
                    birth_date=course.birth_date,
                    therapist=course.therapist,
                    status=course.status,
                    enrolled_on=(now + dt.timedelta(days=-70)).date(),
                    planned_doses=course.planned,
                )
            )
        s.flush()
        for course in COURSES:
            s.add_all(phq9(course.patient_id, *given, now=now) for given in course.phq9)
            for number, offset in enumerate(course.doses, start=1):
                adverse = ADVERSE_EVENT if course.patient_id == "MRN-738201" and number == 1 else None
                s.add(dose(course.patient_id, offset, course.therapist, adverse, now))
                s.add(
                    Session(
                        patient_id=course.patient_id,
                        started_at=at(offset + 1, 15, now),
                        kind="integration",
                        clinician=course.therapist,
                    )
                )
        s.add(Session(patient_id="MRN-738201", started_at=at(2, 14, now), kind="follow_up", clinician="ana"))
        s.add(
            Note(
                patient_id="MRN-738201",
                written_at=at(-57, 16, now),
                kind="integration",
                author="ana",
                text=NOTE_TEXT,
                session_at=at(-57, 15, now),
            )
        )
        if password_hash is not None:
            for clinician in s.scalars(select(Clinician)):
                clinician.password_hash = password_hash
        uow.commit()


def identifying_strings() -> list[str]:
    """Every name, id and birth date of the fixture, in the forms a page might print them."""
    found: list[str] = []
    for course in COURSES:
        born = course.birth_date
        found += [course.first_name, course.last_name, course.patient_id, course.patient_id.split("-")[1]]
        found += [born.isoformat(), f"{born:%d/%m/%Y}", f"{born:%m/%d/%Y}", f"{born:%d %b %Y}", f"{born:%b %d, %Y}"]
    return found + ["Marguerite", "Ferdinand"]


def record_dates(now: dt.datetime = NOW) -> list[str]:
    """Every calendar day the fixture's records fall on (and the day it is seen on), as ISO dates."""
    days = {now.date()}
    for course in COURSES:
        days |= {at(offset, 8, now).date() for offset, _, _ in course.phq9}
        days |= {at(offset, 10, now).date() for offset in course.doses}
        days |= {at(offset + 1, 15, now).date() for offset in course.doses}
    days |= {at(2, 14, now).date(), at(-57, 16, now).date(), dt.date(2026, 3, 28)}
    return sorted(day.isoformat() for day in days)
