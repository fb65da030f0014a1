"""A small clinic for the page tests: four clinicians, four patients, a fixed 'now'.

- Ada Lane (therapist): PHQ-9 item 9 positive on consecutive SI days, the latest two days
  ago → `si_persistent` open, resolving refused.
- Ben Ortiz (therapist): one high SI answer 90 days ago, negative since → `si_high` open,
  resolving allowed.
- Cara Wu (therapist): in preparation, no assessment yet.
- Dan Moss (therapist2, not supervised by `supervisor`): never visible to `therapist`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from db.engine import UnitOfWork
from db.models import Assessment, Clinician, Note, Patient, Session

NOW = dt.datetime(2026, 3, 30, 12, 0, tzinfo=dt.UTC)


def _day(offset: int, hour: int = 9) -> dt.datetime:
    return (NOW + dt.timedelta(days=offset)).replace(hour=hour, minute=0)


def _phq9(patient_id: str, offset: int, item9: int, others: int = 2) -> Assessment:
    row = Assessment(patient_id=patient_id, administered_at=_day(offset, 8), instrument="PHQ-9")
    for n in range(1, 9):
        setattr(row, f"item_{n}", others)
    row.item_9 = item9
    return row


def _dose(patient_id: str, offset: int, number: int) -> Session:
    return Session(
        patient_id=patient_id,
        started_at=_day(offset),
        kind="dosing",
        clinician="therapist",
        route="iv",
        dose_mg=35.0,
        weight_kg=70.0,
        bp_pre_sys=126,
        bp_pre_dia=80,
        bp_post_sys=130,
        bp_post_dia=82,
        bp_peak_sys=138,
        bp_peak_dia=86,
        heart_rate=78,
        spo2_min=96,
        cadss=10 + number,
        observed_minutes=120,
    )


def seed_page_clinic(engine: Engine) -> None:
    """Write the clinic above (ORM rows, one unit of work)."""
    with UnitOfWork(engine) as uow:
        s = uow.session
        s.add_all(
            [
                Clinician(username="supervisor", display_name="Sam Super", role="supervisor"),
                Clinician(username="admin", display_name="Alex Admin", role="admin"),
            ]
        )
        s.flush()
        s.add_all(
            [
                Clinician(
                    username="therapist", display_name="Tess Therapist", role="therapist", supervisor="supervisor"
                ),
                Clinician(username="therapist2", display_name="Theo Other", role="therapist"),
            ]
        )
        s.flush()
        patients = [
            ("KAP-0001", "Ada", "Lane", "therapist", -30, 6),
            ("KAP-0002", "Ben", "Ortiz", "therapist", -120, 4),
            ("KAP-0003", "Cara", "Wu", "therapist", -3, None),
            ("KAP-0004", "Dan", "Moss", "therapist2", -30, 6),
        ]
        for pid, first, last, therapist, enrolled, planned in patients:
            s.add(
                Patient(
                    patient_id=pid,
                    first_name=first,
                    last_name=last,
                    birth_date=dt.date(1980, 5, 17),
                    therapist=therapist,
                    status="active",
                    enrolled_on=(NOW + dt.timedelta(days=enrolled)).date(),
                    planned_doses=planned,
                )
            )
        s.flush()
        # Ada: SI positive at baseline and on every SI day since; two doses; scheduled dose 3.
        s.add_all([_phq9("KAP-0001", -20, 1, 3), _phq9("KAP-0001", -12, 1, 2), _phq9("KAP-0001", -2, 1, 2)])
        s.add_all([_dose("KAP-0001", -19, 1), _dose("KAP-0001", -11, 2)])
        s.add(Session(patient_id="KAP-0001", started_at=_day(-10, 15), kind="integration", clinician="therapist"))
        s.add(Session(patient_id="KAP-0001", started_at=_day(2, 10), kind="dosing", clinician="therapist"))
        s.add(
            Note(
                patient_id="KAP-0001",
                written_at=_day(-10, 16),
                kind="integration",
                author="therapist",
                text="# Not a heading\nShe said she felt lighter. *Not bold* either.",
            )
        )
        # Ben: a high SI answer long ago, negative ever since.
        s.add_all(
            [
                _phq9("KAP-0002", -90, 3, 2),
                _phq9("KAP-0002", -80, 0, 1),
                _phq9("KAP-0002", -40, 0, 1),
                _phq9("KAP-0002", -5, 0, 1),
            ]
        )
        # Dan (therapist2): nothing remarkable.
        s.add_all([_phq9("KAP-0004", -6, 0, 1)])
        uow.commit()
