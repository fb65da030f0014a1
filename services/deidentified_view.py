"""One patient as text, identified or de-identified (SPEC §7): the patient page's consultation mode and the brief.

`shown_patient` turns the patient view (`services.patient_view`, which decides access and
audits first) into plain text cells. De-identified, nothing in the result names the
patient: a pseudonym instead of name and id, an age instead of a birth date, "day N of
course" instead of every date (evidence sentences included), and the timeline's moments
moved onto a neutral anchor by whole days so its charts can count days without knowing the
calendar. Free text — notes, their summaries and themes, adverse events, acknowledgement
notes — is left out; `reveal_free_text` returns it after writing an audit row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from clinical.deidentify import OLDEST_SHOWN_AGE, course_day_label, pseudonym, redact_dates, relative_label
from clinical.notes.analysis import analyse_note
from db.engine import read_session
from db.models import Note, Patient, Session
from db.settings import clinic_timezone
from services.access import open_patient
from services.auth import CurrentUser
from services.flags import picture_cutoff
from services.patient_view import patient_view
from services.views import FlagCard, NoteView, OutcomeLine, PatientView, TimelineFrames

# De-identified timelines are drawn on this neutral day; it never reaches the page (the chart
# keeps only "days since dose 1"), and a date found in a chart spec means something leaked.
TIMELINE_ANCHOR = dt.datetime(2000, 1, 1)
HIDDEN = "hidden (de-identified)"
OUTCOME_COLUMNS = [
    "Instrument",
    "Baseline",
    "Current",
    "Change",
    "Status",
    "Reliable change",
    "Early response",
    "Doses",
]
DOSE_COLUMNS = ["Dose", "When", "Route", "mg", "mg/kg", "BP pre", "BP peak", "BP post", "HR", "SpO2 min", "CADSS"]
DOSE_COLUMNS += ["Observed", "Adverse events"]
_CHARTED_DOSE_COLUMNS = ["dose_number", "at", "route", "dose_mg", "weight_kg", "mg_per_kg", "cadss"]
_CHARTED_DOSE_COLUMNS += [f"bp_{timing}_{side}" for timing in ("pre", "peak", "post") for side in ("sys", "dia")]


@dataclass(frozen=True)
class ShownFlag:
    kind: str
    level: str
    status: str
    since: str
    evidence: tuple[str, ...]
    acknowledgement: str | None


@dataclass(frozen=True)
class ShownRisk:
    text: str | None  # None while free text is hidden
    denial: bool
    categories: tuple[str, ...]


@dataclass(frozen=True)
class ShownNote:
    when: str
    kind: str
    author: str
    summary: tuple[str, ...]  # empty while hidden
    themes: tuple[str, ...]  # empty while hidden
    risk: tuple[ShownRisk, ...]  # always listed; their text only when not hidden
    text: str | None  # None while hidden


@dataclass(frozen=True)
class ShownPatient:
    """Everything shown about one patient, as text; identical shape in both modes."""

    deidentified: bool
    title: str  # "First Last (id)" or the pseudonym
    facts: str  # age, therapist, status, phase, doses
    as_of: str  # the date, or "today"
    si: str
    next_session: str
    outcomes: pd.DataFrame  # OUTCOME_COLUMNS, text cells
    flags: tuple[ShownFlag, ...]
    doses: pd.DataFrame  # DOSE_COLUMNS, text cells, newest first
    timeline: TimelineFrames  # de-identified: moments moved onto TIMELINE_ANCHOR
    has_dose: bool
    notes: tuple[ShownNote, ...]  # newest first
    rule_set: str

    @property
    def free_text_hidden(self) -> bool:
        return self.deidentified


@dataclass(frozen=True)
class RevealedText:
    """The free text of a de-identified patient, returned only after its audit row was written."""

    notes: tuple[ShownNote, ...]  # newest first, headings still as days of the course
    adverse_events: dict[str, str]  # "#n" -> text


def pseudonym_key(engine: Engine, given: str | None = None) -> str:
    """The key for pseudonyms: the one given, else KAP_PSEUDONYM_KEY (generated and kept in demo mode)."""
    if given:
        return given
    from services.engine import PSEUDONYM_KEY, secret  # the dashboard's checked secret

    return secret(engine, PSEUDONYM_KEY)


def patient_choices(engine: Engine, user: CurrentUser, *, deidentified: bool) -> dict[str, str]:
    """The patients in the user's scope with the label a picker shows: name and id, or the pseudonym."""
    from clinical.deidentify import pseudonyms
    from services.access import patients_in_scope

    in_scope = patients_in_scope(engine, user)
    if deidentified:
        return pseudonyms(in_scope, pseudonym_key(engine))
    if not in_scope:
        return {}
    with read_session(engine) as session:
        rows = session.execute(
            select(Patient.patient_id, Patient.first_name, Patient.last_name).where(Patient.patient_id.in_(in_scope))
        ).all()
    return {row.patient_id: f"{row.first_name} {row.last_name} ({row.patient_id})" for row in rows}


def deidentified_patient(
    engine: Engine, user: CurrentUser, patient_id: str, *, as_of: dt.date | None = None, pseudonym_key: str
) -> ShownPatient:
    """The patient page's de-identified mode: access decided and audited by `patient_view` first."""
    return shown_patient(patient_view(engine, user, patient_id, as_of=as_of), deidentified=True, key=pseudonym_key)


def shown_patient(view: PatientView, *, deidentified: bool, key: str | None = None) -> ShownPatient:
    """The patient view as text cells; de-identified when asked (then `key` is the pseudonym key)."""
    header = view.header
    first_dose = _first_dose_day(view.timeline)
    when = _when_formatter(deidentified, first_dose, view.as_of)
    if deidentified:
        if not key:
            raise ValueError("de-identification needs the pseudonym key (KAP_PSEUDONYM_KEY)")
        title = pseudonym(header.patient_id, key)
        age = f"{OLDEST_SHOWN_AGE + 1}+ years" if header.age > OLDEST_SHOWN_AGE else f"{header.age} years"
    else:
        title, age = f"{header.name} ({header.patient_id})", f"{header.age} years"
    doses = (
        f"{header.doses_completed} of {header.planned_doses} doses"
        if header.planned_doses
        else f"{header.doses_completed} doses (plan not set)"
    )
    return ShownPatient(
        deidentified=deidentified,
        title=title,
        facts=f"{age} · therapist {header.therapist} · {header.status} · phase {header.phase.replace('_', ' ')}"
        f" · {doses}",
        as_of="today" if deidentified else view.as_of.isoformat(),
        si=_si_text(header.si_status, header.si_level, header.si_date, when),
        next_session=_next_session(header.next_session, header.next_session_kind, when, deidentified),
        outcomes=_outcomes(view.outcomes, when),
        flags=tuple(_flag(card, first_dose, when, deidentified) for card in view.flags),
        doses=_doses(view.dosing, when, deidentified),
        timeline=_shift(view.timeline, first_dose) if deidentified else view.timeline,
        has_dose=first_dose is not None,
        notes=tuple(_note(note, when, hidden=deidentified) for note in _newest_first(view.notes)),
        rule_set=view.rule_set,
    )


def reveal_free_text(
    engine: Engine, user: CurrentUser, patient_id: str, *, as_of: dt.date | None = None
) -> RevealedText:
    """Notes and adverse events of a de-identified patient, after the audit row says who revealed them."""
    card = open_patient(engine, user, patient_id, event="patient.free_text_revealed")
    from services.flags import today

    as_of = as_of or today()
    cutoff = picture_cutoff(as_of)
    tz = clinic_timezone()
    with read_session(engine) as session:
        doses = session.execute(
            select(Session.started_at, Session.adverse_events)
            .where(Session.patient_id == card.patient_id, Session.kind == "dosing", Session.started_at < cutoff)
            .order_by(Session.started_at)
        ).all()
        notes = session.execute(
            select(Note.written_at, Note.kind, Note.author, Note.text)
            .where(Note.patient_id == card.patient_id, Note.written_at < cutoff)
            .order_by(Note.written_at.desc())
        ).all()
    first_dose = doses[0].started_at.astimezone(tz).date() if doses else None
    when = _when_formatter(True, first_dose, as_of)
    shown = []
    for row in notes:
        written = row.written_at.astimezone(tz)
        view = NoteView(written_at=written.replace(tzinfo=None), kind=row.kind, author=row.author, text=row.text)
        shown.append(_note(view, when, hidden=False))
    adverse = {f"#{n}": row.adverse_events for n, row in enumerate(doses, start=1) if row.adverse_events}
    return RevealedText(notes=tuple(shown), adverse_events=adverse)


# --- text cells ----------------------------------------------------------------------------------


def _first_dose_day(timeline: TimelineFrames) -> dt.date | None:
    first = timeline.first_dose_at
    return None if first is None else pd.Timestamp(first).date()


def _when_formatter(deidentified: bool, first_dose: dt.date | None, as_of: dt.date) -> Any:
    def when(day: dt.date | None, *, with_distance: bool = False) -> str:
        if day is None:
            return "no date"
        if not deidentified:
            return day.isoformat()
        label = course_day_label(day, first_dose)
        return f"{label} ({relative_label(day, as_of)})" if with_distance or first_dose is None else label

    return when


def _si_text(status: str, level: str | None, day: dt.date | None, when: Any) -> str:
    if status == "none" or day is None:
        return "SI: no SI data (no answer on record is not an all-clear)"
    shown_level = f" ({level})" if status == "positive" and level and level != "positive" else ""
    word = "POSITIVE" if status == "positive" else "negative"
    return f"SI latest: {word}{shown_level}, {when(day, with_distance=True)}"


def _next_session(at: dt.datetime | None, kind: str | None, when: Any, deidentified: bool) -> str:
    if at is None:
        return "Next session: none scheduled"
    what = (kind or "").replace("_", " ")
    moment = when(at.date(), with_distance=True) if deidentified else f"{at:%Y-%m-%d %H:%M}"
    return f"Next session: {what}, {moment}"


def _outcomes(lines: tuple[OutcomeLine, ...], when: Any) -> pd.DataFrame:
    rows = []
    for line in lines:
        baseline = "no data" if line.baseline is None else f"{line.baseline} ({when(line.baseline_date)})"
        if line.baseline is not None and line.baseline_is_fallback:
            baseline += ", earliest; none before dose 1"
        current = "no data" if line.current is None else f"{line.current} ({when(line.current_date)})"
        change = "— (baseline is current)" if line.current is not None else "no data"
        if line.change is not None:
            sign = "+" if line.change > 0 else ""
            percent = f" ({sign}{line.percent_change:.1f} %)" if line.percent_change is not None else ""
            change = f"{sign}{line.change}{percent}"
        rows.append(
            [
                line.instrument,
                baseline,
                current,
                change,
                line.status.replace("_", " "),
                (line.reliable_change or "no threshold").replace("_", " "),
                "yes" if line.early_response else "no",
                str(line.doses_completed),
            ]
        )
    return pd.DataFrame(rows, columns=OUTCOME_COLUMNS)


def _flag(card: FlagCard, first_dose: dt.date | None, when: Any, deidentified: bool) -> ShownFlag:
    evidence = [str(item.get("detail", "")) for item in card.evidence]
    acknowledgement = card.last_acknowledgement
    if deidentified:
        evidence = [redact_dates(detail, first_dose, clinic_timezone()) for detail in evidence]
        # Who acknowledged and with which action is clinical; its note and moment are not shown.
        acknowledgement = "acknowledged" if card.status == "acknowledged" else None
    return ShownFlag(card.kind, card.level, card.status, when(card.since), tuple(evidence), acknowledgement)


def _cell(value: object, unit: str = "", digits: int | None = None) -> str:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return "not recorded"
    if digits is not None:
        return f"{float(value):.{digits}f}{unit}"  # type: ignore[arg-type]
    return f"{value:g}{unit}" if isinstance(value, float) else f"{value}{unit}"


def _bp(sys: object, dia: object) -> str:
    if pd.isna(sys) or pd.isna(dia):  # type: ignore[call-overload]
        return "not recorded"
    return f"{int(sys)}/{int(dia)}"  # type: ignore[call-overload]


def _doses(doses: pd.DataFrame, when: Any, deidentified: bool) -> pd.DataFrame:
    rows = []
    for dose in doses.sort_values("at", ascending=False).itertuples(index=False) if not doses.empty else ():
        at = pd.Timestamp(dose.at)
        adverse = dose.adverse_events if isinstance(dose.adverse_events, str) and dose.adverse_events else None
        rows.append(
            [
                f"#{dose.dose_number}",
                when(at.date()) if deidentified else f"{at:%Y-%m-%d %H:%M}",
                str(dose.route).upper() if isinstance(dose.route, str) else "not recorded",
                _cell(dose.dose_mg),
                _cell(dose.mg_per_kg, digits=2),
                _bp(dose.bp_pre_sys, dose.bp_pre_dia),
                _bp(dose.bp_peak_sys, dose.bp_peak_dia),
                _bp(dose.bp_post_sys, dose.bp_post_dia),
                _cell(dose.heart_rate),
                _cell(dose.spo2_min, " %"),
                _cell(dose.cadss),
                _cell(dose.observed_minutes, " min"),
                "none recorded" if adverse is None else (HIDDEN if deidentified else adverse),
            ]
        )
    return pd.DataFrame(rows, columns=DOSE_COLUMNS)


def _newest_first(notes: tuple[NoteView, ...]) -> list[NoteView]:
    return sorted(notes, key=lambda note: note.written_at, reverse=True)


def _note(note: NoteView, when: Any, *, hidden: bool) -> ShownNote:
    analysis = analyse_note(note.text)
    risk = tuple(
        ShownRisk(text=None if hidden else sentence.text, denial=sentence.denial, categories=sentence.categories)
        for sentence in analysis.risk_sentences
    )
    return ShownNote(
        when=when(note.written_at.date()) if hidden else f"{note.written_at:%Y-%m-%d %H:%M}",
        kind=note.kind,
        author=note.author,
        summary=() if hidden else tuple(sentence.text for sentence in analysis.summary),
        themes=() if hidden else tuple(analysis.themes),
        risk=risk,
        text=None if hidden else note.text,
    )


# --- the timeline on a neutral anchor ------------------------------------------------------------


def _shift(frames: TimelineFrames, first_dose: dt.date | None) -> TimelineFrames:
    """Every moment moved by whole days so the first dose's day (else the first record's) is the anchor day.

    Whole days keep each record's time of day and calendar-day grouping (positive SI days),
    so "days since dose 1" come out exactly as on the identified chart.
    """
    origin = first_dose or _first_record_day(frames)
    if origin is None:
        return frames
    offset = pd.Timestamp(dt.datetime.combine(origin, dt.time(0))) - pd.Timestamp(TIMELINE_ANCHOR)

    def moved(frame: pd.DataFrame) -> pd.DataFrame:
        if frame.empty or "at" not in frame.columns:
            return frame.copy()
        return frame.assign(at=pd.to_datetime(frame["at"]) - offset)

    # Only what the charts draw: the dose frame also carries the patient id, the raw UTC moment
    # and the adverse-event text, none of which may travel into a de-identified chart spec.
    doses = moved(frames.doses)
    doses = doses[[column for column in _CHARTED_DOSE_COLUMNS if column in doses.columns]]
    return replace(
        frames,
        scores=moved(frames.scores),
        doses=doses,
        integrations=moved(frames.integrations),
        si=moved(frames.si),
    )


def _first_record_day(frames: TimelineFrames) -> dt.date | None:
    moments = [pd.to_datetime(frame["at"]).min() for frame in (frames.scores, frames.si) if not frame.empty]
    present = [m for m in moments if not pd.isna(m)]
    return min(present).date() if present else None
