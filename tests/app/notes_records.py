"""Notes on top of the page clinic (issue 9), shared by the notes, patient and caseload page tests.

- Ada (KAP-0001): a preparation note setting an intention (with "Denies SI, plan or intent."),
  and, 3 days ago, an integration note whose summary leaves out a burden sentence.
- Ben (KAP-0002): an integration note that only denies SI; a progress note 60 days ago.
- Dan (KAP-0004, therapist2): an integration note that says he wants to disappear.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from db.engine import UnitOfWork
from db.models import Note
from tests.app.pages_records import NOW

BURDEN = "She mentioned once that some nights she thinks everyone would be better off without her."
GARDEN_NOTE = (
    "Integration session after dose 2. Pt. described the experience as a long walk through her "
    "grandmother's garden. She spoke about grief for her grandmother and the garden they kept together. "
    "The grief feels softer now, she said, and the garden memory brought warmth. "
    f"{BURDEN} We talked about calling her sister and about visiting the garden again this spring. "
    "Plan: continue integration weekly, sister call before next dose."
)
PREPARATION_NOTE = "Preparation session. Her intention is to reconnect with her sister. Denies SI, plan or intent."
BEN_NOTE = "Pt reports sleeping better and says he killed it at work this week. Denies SI."
DAN_NOTE = "Integration after dose 1. Dan said he wants to disappear when the house is quiet."
OLD_NOTE = "Follow-up call about scheduling; mood steady."


def at_day(days: int, hour: int = 16) -> dt.datetime:
    return (NOW + dt.timedelta(days=days)).replace(hour=hour, minute=0)


def add_notes(engine: Engine) -> None:
    """Notes on top of the page clinic: Ada's preparation and risky integration, Ben's denial, Dan's risk."""
    rows = [
        ("KAP-0001", -25, "preparation", PREPARATION_NOTE),
        ("KAP-0001", -3, "integration", GARDEN_NOTE),
        ("KAP-0002", -5, "integration", BEN_NOTE),
        ("KAP-0002", -60, "progress", OLD_NOTE),
        ("KAP-0004", -2, "integration", DAN_NOTE),
    ]
    author = {"KAP-0004": "therapist2"}
    with UnitOfWork(engine) as uow:
        for patient_id, days, kind, text in rows:
            uow.session.add(
                Note(
                    patient_id=patient_id,
                    written_at=at_day(days),
                    kind=kind,
                    author=author.get(patient_id, "therapist"),
                    text=text,
                )
            )
        uow.commit()
