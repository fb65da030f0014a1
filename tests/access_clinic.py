"""A small clinic for the access tests: two therapists, one supervisor, one admin, two patients.

- `tara` (therapist, supervised by `sue`) treats P-TARA (Alma Tarrant).
- `theo` (therapist, no supervisor) treats P-THEO (Bert Theobald).
- `sue` (supervisor) sees P-TARA through tara, never P-THEO.
- `ada` (admin) sees both.
- `dora` (therapist) is disabled; `nell` (therapist) has no password yet.
All logins with a password share PASSWORD (hashed at a low bcrypt cost: these are tests).
"""

from __future__ import annotations

import datetime as dt

import bcrypt
from sqlalchemy import Engine

from db.engine import UnitOfWork
from db.models import Clinician, Patient

PASSWORD = "correct horse battery"
COOKIE_KEY = "test-cookie-key-4f1c9a7e2b6d8f0a3c5e7b9d1f2a4c6e"
PSEUDONYM_KEY = "test-pseudonym-key-8b2d4f6a0c1e3a5c7e9b1d3f5a7c9e0b"
PATIENT_NAMES = {"P-TARA": ("Alma", "Tarrant"), "P-THEO": ("Bert", "Theobald")}


def seed_access_clinic(engine: Engine) -> None:
    """Write the clinic above as ORM rows in one unit of work."""
    password_hash = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()

    def clinician(username: str, name: str, role: str, **extra: object) -> Clinician:
        fields: dict[str, object] = {"password_hash": password_hash, "disabled": False, "failed_logins": 0}
        fields.update(extra)
        return Clinician(username=username, display_name=name, role=role, **fields)

    with UnitOfWork(engine) as uow:
        uow.session.add(clinician("sue", "Sue Supervisor", "supervisor"))
        uow.session.flush()
        uow.session.add_all(
            [
                clinician("tara", "Tara Therapist", "therapist", supervisor="sue"),
                clinician("theo", "Theo Therapist", "therapist"),
                clinician("ada", "Ada Admin", "admin"),
                clinician("dora", "Dora Disabled", "therapist", disabled=True),
                clinician("nell", "Nell New", "therapist", password_hash=None),
            ]
        )
        uow.session.flush()
        for patient_id, therapist in (("P-TARA", "tara"), ("P-THEO", "theo")):
            first, last = PATIENT_NAMES[patient_id]
            uow.session.add(
                Patient(
                    patient_id=patient_id,
                    first_name=first,
                    last_name=last,
                    birth_date=dt.date(1981, 4, 9) if therapist == "tara" else dt.date(1975, 11, 30),
                    therapist=therapist,
                    status="active",
                    enrolled_on=dt.date(2026, 1, 5),
                    planned_doses=6,
                )
            )
        uow.commit()
