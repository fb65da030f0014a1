"""The pre-session brief (issue 10): one patient on one page, to glance at or print before a session.

Current scores and change from baseline, SI status and open flags with their evidence, dose
history, the timeline, the last integration note's summary, themes and risk sentences, and
the next scheduled session. Access and the `patient.viewed` audit row come first (through
`services.patient_view`); generating the brief and downloading its PDF are audited too.
De-identified, it is built from the same de-identified text as the patient page and holds
no name, id, birth date, calendar date or free text (risk sentences are still counted and
named by category, so risk is never hidden by de-identification).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from db import audit
from services import clock
from services.auth import CurrentUser
from services.deidentified_view import ShownNote, ShownPatient, shown_patient
from services.deidentified_view import pseudonym_key as key_for_pseudonyms
from services.patient_view import patient_view

# In reading order: what is next, what is risky, how it goes, what came up; the picture last.
BRIEF_SECTIONS = (
    "Next session",
    "Suicidal ideation and open flags",
    "Current scores and change from baseline",
    "Last integration note",
    "Dose history",
    "Timeline",
)


@dataclass(frozen=True)
class Brief:
    """Everything the brief shows, as text; `shown` is de-identified when the brief is."""

    shown: ShownPatient
    last_integration: ShownNote | None  # the newest integration note (its text hidden when de-identified)

    @property
    def deidentified(self) -> bool:
        return self.shown.deidentified

    @property
    def file_name(self) -> str:
        # The file name travels with the download: no name, id or date in it when de-identified.
        if self.deidentified:
            return f"brief-{self.shown.title.split()[-1]}.pdf"
        return f"brief-{self.shown.title.split('(')[-1].rstrip(')')}-{self.shown.as_of}.pdf"


def patient_brief(
    engine: Engine,
    user: CurrentUser,
    patient_id: str,
    *,
    deidentified: bool = False,
    as_of: dt.date | None = None,
    pseudonym_key: str | None = None,
) -> Brief:
    """The brief of one patient; raises AccessDenied (audited) when the user may not see them."""
    view = patient_view(engine, user, patient_id, as_of=as_of)  # decides access and audits first
    key = key_for_pseudonyms(engine, pseudonym_key) if deidentified else None
    _audit(engine, user, "brief.generated", view.header.patient_id, deidentified)
    shown = shown_patient(view, deidentified=deidentified, key=key)
    integration = next((note for note in shown.notes if note.kind == "integration"), None)
    return Brief(shown=shown, last_integration=integration)


def record_brief_download(engine: Engine, user: CurrentUser, patient_id: str, *, deidentified: bool) -> None:
    """One audit row per PDF download (SPEC §7: every export is audited)."""
    _audit(engine, user, "brief.pdf_downloaded", patient_id, deidentified)


def _audit(engine: Engine, user: CurrentUser, event: str, patient_id: str, deidentified: bool) -> None:
    entry = audit.AuditEntry(
        actor=user.username,
        event=event,
        category="patient",
        patient_id=patient_id,
        detail={"deidentified": deidentified},
    )
    audit.write(engine, entry, clock.now())
