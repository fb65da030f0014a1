"""Notes for the screen (SPEC §7 "Integration notes", issue 9): the notes page, the patient
page's digest of the latest integration notes, and the caseload's risk-language marker.

Access is decided in `services.access` before anything is read; the notes page writes one
`notes.viewed` audit row per patient whose notes it returns, committed before it returns
them (all rows in one transaction: if the audit cannot be written, nothing is shown).
Risk language is found over every sentence of a note, independently of its summary, so a
filter on "risk language" or a caseload marker can never miss a sentence a summary left out.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from clinical.days import end_of_day, start_of_day
from clinical.notes import RiskSentence, analyse_note, intentions, patient_themes
from clinical.notes.risk import find_risk_sentences
from db import audit
from db.engine import UnitOfWork, read_session
from db.models import NOTE_KINDS, Note, Patient
from db.settings import clinic_timezone
from services import clock
from services.access import AccessDenied, AuditUnavailable, may_see_patient, patients_in_scope
from services.auth import CurrentUser
from services.flags import picture_cutoff
from services.flags import today as clinic_today
from services.views import IntentionLine, NotesDigest, NoteView

NOTES_VIEWED = "notes.viewed"
DEFAULT_DAYS = 30  # the page opens on the last month: a whole network's notes are never read at once
PAGE_LIMIT = 50  # notes per page, newest first
LATEST_INTEGRATION_NOTES = 3
THEME_WINDOW = 10  # recurring themes come from this many of the newest integration notes
_BATCH = 200  # notes read per round trip while filling a page
_CHUNK = 5_000  # ids per IN (…) list, well under SQLite's and PostgreSQL's parameter limits


@dataclass(frozen=True)
class NotesFilter:
    """What the notes page asks for; dates are clinic-local calendar days, both included."""

    patient_id: str | None = None
    kinds: tuple[str, ...] = ()  # empty = every kind
    # Only notes with risk language that is not a denial: nearly every note "denies SI", so a
    # filter that kept denials would keep almost everything.
    risk_only: bool = False
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class PatientNote:
    """One note on the notes page, with whose it is."""

    patient_id: str
    patient_name: str
    note: NoteView


@dataclass(frozen=True)
class NotesPage:
    """The notes the filter found (newest first, at most `limit`), and what the page tells about them."""

    notes: tuple[PatientNote, ...]
    more: bool  # more notes matched than are shown
    digest: NotesDigest | None  # the patient's themes and intentions when one patient is chosen
    date_from: dt.date
    date_to: dt.date


def note_kinds() -> tuple[str, ...]:
    """The kinds of note the clinic records (the page's kind filter)."""
    return tuple(NOTE_KINDS)


def default_days(as_of: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The date range the page opens on: the last month up to today (clinic time)."""
    today = as_of or clinic_today()
    return today - dt.timedelta(days=DEFAULT_DAYS), today


def patient_choices(engine: Engine, user: CurrentUser) -> dict[str, str]:
    """The patients in the user's scope, id → "First Last", for the page's patient filter."""
    ids = patients_in_scope(engine, user)
    names: dict[str, str] = {}
    with read_session(engine) as session:
        for chunk in _chunks(ids):
            query = select(Patient.patient_id, Patient.first_name, Patient.last_name).where(
                Patient.patient_id.in_(chunk)
            )
            names.update({row.patient_id: f"{row.first_name} {row.last_name}" for row in session.execute(query)})
    return {pid: names[pid] for pid in ids if pid in names}


def notes_page(
    engine: Engine, user: CurrentUser, wanted: NotesFilter, *, limit: int = PAGE_LIMIT, as_of: dt.date | None = None
) -> NotesPage:
    """The notes in the user's scope that match the filter, newest first; audited per patient shown.

    A patient filter naming someone out of scope is refused alike for unknown ids, audited as
    `denied`, and raises `AccessDenied`. A failed audit write raises `AuditUnavailable`.
    """
    tz = clinic_timezone()
    today = as_of or clinic_today()
    date_to = min(wanted.date_to or today, today)
    date_from = wanted.date_from or date_to - dt.timedelta(days=DEFAULT_DAYS)
    if wanted.patient_id is not None:
        _refuse_unless_in_scope(engine, user, wanted.patient_id)
        ids = [wanted.patient_id]
    else:
        ids = patients_in_scope(engine, user)
    upper = min(end_of_day(date_to, tz), picture_cutoff(today))
    shown: list[PatientNote] = []
    more = False
    with read_session(engine) as session:
        for row in _notes_newest_first(session, ids, wanted.kinds, start_of_day(date_from, tz), upper):
            note = note_view(row.written_at, row.kind, row.author, row.text, tz)
            if wanted.risk_only and not has_risk_language(note):
                continue
            if len(shown) == limit:
                more = True
                break
            shown.append(PatientNote(row.patient_id, f"{row.first_name} {row.last_name}", note))
    # A chosen patient is being viewed even when no note matches: their digest is shown.
    viewed = [wanted.patient_id] if wanted.patient_id is not None else []
    _audit_patients_viewed(engine, user, dict.fromkeys([*viewed, *(n.patient_id for n in shown)]))
    digest = None
    if wanted.patient_id is not None:
        digest = notes_digest(_all_notes_of(engine, wanted.patient_id, picture_cutoff(today), tz))
    return NotesPage(notes=tuple(shown), more=more, digest=digest, date_from=date_from, date_to=date_to)


def note_view(written_at: dt.datetime, kind: str, author: str, text: str, tz: ZoneInfo) -> NoteView:
    """A stored note with its analysis, its time on the clinic's wall clock."""
    analysis = analyse_note(text)
    return NoteView(
        written_at=written_at.astimezone(tz).replace(tzinfo=None),
        kind=kind,
        author=author,
        text=text,
        summary=tuple(sentence.text for sentence in analysis.summary),
        themes=tuple(analysis.themes),
        risk_sentences=tuple(risk_dict(r) for r in analysis.risk_sentences),
    )


def has_risk_language(note: NoteView) -> bool:
    """Whether the note holds a risk sentence that is not a denial."""
    return any(not risk.get("denial") for risk in note.risk_sentences)


def risk_dict(risk: RiskSentence) -> dict[str, Any]:
    """A risk sentence as the views carry it: text, denial, offsets and what it speaks of."""
    return {
        "text": risk.text,
        "denial": risk.denial,
        "start": risk.start,
        "end": risk.end,
        "categories": tuple(risk.categories),
    }


def notes_digest(notes: Iterable[NoteView], *, latest: int = LATEST_INTEGRATION_NOTES) -> NotesDigest:
    """The latest integration notes, the themes that keep coming back, and the preparation intentions.

    An intention is checked only against integration notes written after its preparation note:
    integration can speak to an intention only once it has been set.
    """
    ordered = sorted(notes, key=lambda note: note.written_at, reverse=True)
    integration = [note for note in ordered if note.kind == "integration"]
    preparation = [note for note in reversed(ordered) if note.kind == "preparation"]  # oldest first
    lines: list[IntentionLine] = []
    for prep in preparation:
        later = [note.text for note in reversed(integration) if note.written_at > prep.written_at]
        for found in intentions([prep.text], later):
            lines.append(
                IntentionLine(
                    text=found.text,
                    set_on=prep.written_at.date(),
                    addressed=found.addressed,
                    shared_themes=found.speaking_themes,
                    integration_notes_after=len(later),
                )
            )
    return NotesDigest(
        latest_integration=tuple(integration[:latest]),
        recurring_themes=tuple(patient_themes([note.text for note in integration[:THEME_WINDOW]])),
        intentions=tuple(lines),
    )


def latest_note_risk_days(engine: Engine, patient_ids: Sequence[str], cutoff: dt.datetime) -> dict[str, dt.date]:
    """Patients whose latest note (before `cutoff`) has risk language that is not a denial → its clinic-local day.

    Set-based: one query per chunk of ids reads only each patient's latest note (all of them
    when several share the latest moment), and only those are analysed — for risk language only
    (about 1.5 ms a note: the summary and themes would double that for nothing shown here).
    """
    tz = clinic_timezone()
    flagged: dict[str, dt.date] = {}
    with read_session(engine) as session:
        for chunk in _chunks(patient_ids):
            latest = (
                select(Note.patient_id, func.max(Note.written_at).label("latest_at"))
                .where(Note.patient_id.in_(chunk), Note.written_at < cutoff)
                .group_by(Note.patient_id)
                .subquery()
            )
            query = select(Note.patient_id, Note.written_at, Note.text).join(
                latest, (Note.patient_id == latest.c.patient_id) & (Note.written_at == latest.c.latest_at)
            )
            for row in session.execute(query):
                if any(not risk.denial for risk in find_risk_sentences(row.text)):
                    flagged[row.patient_id] = row.written_at.astimezone(tz).date()
    return flagged


def _refuse_unless_in_scope(engine: Engine, user: CurrentUser, patient_id: str) -> None:
    if may_see_patient(engine, user, patient_id):
        return
    entry = audit.AuditEntry(
        actor=user.username,
        event=NOTES_VIEWED,
        category="patient",
        outcome="denied",
        patient_id=str(patient_id)[:64] or None,
    )
    _write_audit(engine, [entry])
    raise AccessDenied("This patient is not on your caseload, or there is no such patient.")


def _audit_patients_viewed(engine: Engine, user: CurrentUser, patient_ids: Iterable[str]) -> None:
    entries = [
        audit.AuditEntry(actor=user.username, event=NOTES_VIEWED, category="patient", patient_id=pid)
        for pid in patient_ids
    ]
    if entries:
        _write_audit(engine, entries)


def _write_audit(engine: Engine, entries: Sequence[audit.AuditEntry]) -> None:
    try:
        with UnitOfWork(engine) as uow:
            for entry in entries:
                audit.append(uow.session, entry, clock.now())
            uow.commit()
    except Exception as exc:
        raise AuditUnavailable(
            "This view could not be recorded in the audit log, so the notes are not shown. Try again, "
            "and tell an admin if it keeps happening."
        ) from exc


def _notes_newest_first(
    session: Session, ids: Sequence[str], kinds: Sequence[str], start: dt.datetime, end: dt.datetime
) -> Iterator[Any]:
    """The matching notes with their patient's name, newest first, read lazily so a page stops early."""
    base = (
        select(
            Note.patient_id, Note.written_at, Note.kind, Note.author, Note.text, Patient.first_name, Patient.last_name
        )
        .join(Patient, Patient.patient_id == Note.patient_id)
        .where(Note.written_at >= start, Note.written_at < end)
        .order_by(Note.written_at.desc(), Note.patient_id, Note.kind, Note.author)
        .execution_options(yield_per=_BATCH)
    )
    if kinds:
        base = base.where(Note.kind.in_(list(kinds)))
    # More ids than one IN list takes (a large network's admin): merge the chunks' newest-first streams.
    streams = [session.execute(base.where(Note.patient_id.in_(chunk))) for chunk in _chunks(ids)]
    return heapq.merge(*streams, key=lambda row: row.written_at, reverse=True)


def _all_notes_of(engine: Engine, patient_id: str, cutoff: dt.datetime, tz: ZoneInfo) -> list[NoteView]:
    with read_session(engine) as session:
        rows = session.execute(
            select(Note.written_at, Note.kind, Note.author, Note.text).where(
                Note.patient_id == patient_id, Note.written_at < cutoff, Note.kind.in_(["preparation", "integration"])
            )
        ).all()
    return [note_view(row.written_at, row.kind, row.author, row.text, tz) for row in rows]


def _chunks(ids: Sequence[str]) -> Iterator[list[str]]:
    items = list(ids)
    for index in range(0, len(items), _CHUNK):
        yield items[index : index + _CHUNK]
