"""The plain view objects the caseload, patient and safety services hand to components.

Components render these and nothing else, so a page never sees a database row and a
component can be developed and tested against objects built by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class FlagSummary:
    """An open flag as the caseload shows it: which, how severe, seen or not."""

    kind: str
    level: str
    status: str  # new, acknowledged


@dataclass(frozen=True)
class CaseloadRow:
    """One patient on the caseload (SPEC §7)."""

    patient_id: str
    name: str
    therapist: str
    status: str
    phase: str
    doses_completed: int
    planned_doses: int | None
    latest_phq9: int | None
    latest_phq9_band: str | None
    latest_phq9_date: dt.date | None
    latest_phq9_days_ago: int | None
    change: int | None
    percent_change: float | None
    outcome_status: str | None
    si_status: str  # positive, negative, none
    si_level: str | None  # for positive days: positive / high (C-SSRS: low/moderate/high)
    si_date: dt.date | None
    open_flags: tuple[FlagSummary, ...]
    last_session: dt.datetime | None  # clinic-local
    last_session_kind: str | None
    next_session: dt.datetime | None  # clinic-local
    next_session_kind: str | None
    phq9_trend: tuple[int, ...]
    latest_record_at: dt.datetime | None
    latest_note_risk_on: dt.date | None = None  # the latest note's day, when it has risk language (issue 9)


@dataclass(frozen=True)
class CaseloadView:
    as_of: dt.date
    rows: tuple[CaseloadRow, ...]
    therapists: tuple[str, ...]  # therapists whose patients are in scope (the supervisor filter)
    rule_set: str


@dataclass(frozen=True)
class FlagCard:
    """An open (or closed) flag with everything needed to explain and act on it."""

    flag_id: int | None
    patient_id: str
    patient_name: str
    kind: str
    level: str
    status: str  # new, acknowledged, resolved, cleared
    since: dt.date
    evidence: tuple[dict[str, Any], ...]
    rule_set: str
    resolve_refusal: str | None  # why resolving is not allowed now; None = allowed
    last_acknowledgement: str | None = None  # "safety plan reviewed by therapist on …"


@dataclass(frozen=True)
class FlagTransitionRow:
    flag_id: int | None
    patient_id: str
    patient_name: str
    kind: str
    at: dt.datetime
    actor: str
    action: str
    acknowledgement: str | None
    note: str | None


@dataclass(frozen=True)
class OutcomeLine:
    """One instrument's outcome for the patient header (SPEC §5)."""

    instrument: str
    baseline: int | None
    baseline_date: dt.date | None
    baseline_is_fallback: bool
    current: int | None
    current_date: dt.date | None
    change: int | None
    percent_change: float | None
    status: str
    reliable_change: str | None
    early_response: bool
    doses_completed: int
    rule_set: str


@dataclass(frozen=True)
class NoteView:
    written_at: dt.datetime  # clinic-local
    kind: str
    author: str
    text: str
    summary: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    risk_sentences: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class TimelineFrames:
    """What the timeline draws, in clinic-local naive datetimes (`at`).

    scores: instrument, at, score (Int64, <NA> when incomplete), band, complete
    doses: dose_number, at, route, dose_mg, mg_per_kg, cadss, bp_{pre,peak,post}_{sys,dia}
    integrations: at
    si: at, instrument, item, answer, positive, high
    baselines: instrument -> baseline score (for the response line)
    """

    scores: pd.DataFrame
    doses: pd.DataFrame
    integrations: pd.DataFrame
    si: pd.DataFrame
    baselines: dict[str, int] = field(default_factory=dict)

    @property
    def first_dose_at(self) -> pd.Timestamp | None:
        if self.doses.empty:
            return None
        return pd.Timestamp(self.doses["at"].min())


@dataclass(frozen=True)
class PatientHeader:
    patient_id: str
    name: str
    age: int
    therapist: str
    status: str
    phase: str
    doses_completed: int
    planned_doses: int | None
    next_session: dt.datetime | None
    next_session_kind: str | None
    si_status: str
    si_level: str | None
    si_date: dt.date | None


@dataclass(frozen=True)
class PatientView:
    header: PatientHeader
    outcomes: tuple[OutcomeLine, ...]
    timeline: TimelineFrames
    flags: tuple[FlagCard, ...]
    dosing: pd.DataFrame
    notes: tuple[NoteView, ...]
    as_of: dt.date
    rule_set: str
    notes_digest: NotesDigest | None = None  # latest integration notes, themes, intentions (issue 9)


@dataclass(frozen=True)
class SafetyView:
    as_of: dt.date
    open_flags: tuple[FlagCard, ...]
    history: tuple[FlagTransitionRow, ...]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IntentionLine:
    """An intention set in a preparation note, and whether later integration notes speak to it."""

    text: str
    set_on: dt.date  # the preparation note's day (clinic-local)
    addressed: bool
    shared_themes: tuple[str, ...]  # the integration themes that share its words: why "addressed"
    integration_notes_after: int  # how many integration notes could have spoken to it


@dataclass(frozen=True)
class NotesDigest:
    """What the patient page shows of the notes before the full list (issue 9)."""

    latest_integration: tuple[NoteView, ...]  # newest first
    recurring_themes: tuple[str, ...]
    intentions: tuple[IntentionLine, ...]  # in the order they were set
