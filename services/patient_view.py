"""One patient's whole course (SPEC §7): header, outcomes, timeline, flags, doses, notes.

`services.access.open_patient` decides and writes the audit row before anything about
the patient is read; a refusal raises `AccessDenied` and nothing is loaded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from clinical.instruments import OUTCOME_INSTRUMENTS
from clinical.notes.analysis import analyse_note
from clinical.rules import DEFAULT_RULES, Rules
from db.engine import read_session
from db.models import Note
from services.access import open_patient
from services.auth import CurrentUser
from services.notes_view import notes_digest, risk_dict
from services.patient_records import PatientRecords, load_patient_records
from services.safety import flag_cards
from services.views import NoteView, OutcomeLine, PatientHeader, PatientView, TimelineFrames


def patient_view(
    engine: Engine,
    user: CurrentUser,
    patient_id: str,
    as_of: dt.date | None = None,
    rules: Rules = DEFAULT_RULES,
) -> PatientView:
    """Everything the patient page shows; raises `AccessDenied` (audited) when not allowed."""
    card = open_patient(engine, user, patient_id)
    records = load_patient_records(engine, [card.patient_id], as_of=as_of, rules=rules, store_flags=True)
    notes = tuple(patient_notes(engine, card.patient_id, records))
    return PatientView(
        header=_header(records, card.patient_id),
        outcomes=_outcomes(records, card.patient_id),
        timeline=timeline_frames(records, card.patient_id),
        flags=tuple(flag_cards(records, [card.patient_id])),
        dosing=dosing_frame(records, card.patient_id),
        notes=notes,
        as_of=records.as_of,
        rule_set=rules.label(),
        notes_digest=notes_digest(notes),
    )


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _header(records: PatientRecords, patient_id: str) -> PatientHeader:
    patient = records.patient(patient_id)
    _, upcoming = records.last_and_next_session(patient_id)
    si = records.si.get(patient_id)
    planned = patient["planned_doses"]
    return PatientHeader(
        patient_id=patient_id,
        name=f"{patient['first_name']} {patient['last_name']}",
        age=_age(patient["birth_date"], records.as_of),
        therapist=str(patient["therapist"]),
        status=str(patient["status"]),
        phase=records.phase(patient_id),
        doses_completed=records.doses_completed(patient_id),
        planned_doses=None if pd.isna(planned) else int(planned),
        next_session=upcoming[0] if upcoming else None,
        next_session_kind=upcoming[1] if upcoming else None,
        si_status=si.status if si else "none",
        si_level=si.level if si else None,
        si_date=si.date if si else None,
    )


def _outcomes(records: PatientRecords, patient_id: str) -> tuple[OutcomeLine, ...]:
    lines = []
    for instrument in OUTCOME_INSTRUMENTS:
        row = records.outcome(patient_id, instrument)
        if row is None:
            continue
        lines.append(
            OutcomeLine(
                instrument=instrument,
                baseline=_opt_int(row.get("baseline")),
                baseline_date=_opt_date(row.get("baseline_date")),
                baseline_is_fallback=bool(row.get("baseline_is_fallback", False)),
                current=_opt_int(row.get("current")),
                current_date=_opt_date(row.get("current_date")),
                change=_opt_int(row.get("change")),
                percent_change=None if _missing(row.get("percent_change")) else float(row["percent_change"]),
                status=str(row.get("status")),
                reliable_change=None if _missing(row.get("reliable_change")) else str(row["reliable_change"]),
                early_response=bool(row.get("early_response", False)),
                doses_completed=int(row.get("doses_completed", records.doses_completed(patient_id))),
                rule_set=str(row.get("rule_set", records.rules.label())),
            )
        )
    return tuple(lines)


def timeline_frames(records: PatientRecords, patient_id: str) -> TimelineFrames:
    """The patient's scores, doses, integration sessions and SI answers in clinic-local time."""
    scored = records.scored[records.scored["patient_id"] == patient_id]
    local = scored.assign(at=[records.local_time(t) for t in scored["administered_at"]])
    scores = local[local["instrument"].isin([*OUTCOME_INSTRUMENTS, "PHQ-2"])][
        ["instrument", "at", "score", "band", "complete"]
    ].reset_index(drop=True)
    si_rows = local[local["si_bearing"].astype(bool)]
    si = pd.DataFrame(
        {
            "at": si_rows["at"],
            "instrument": si_rows["instrument"],
            "item": [_si_item(row, records.rules) for row in si_rows.to_dict("records")],
            "answer": si_rows["si_answer"],
            "positive": si_rows["si_positive"].astype(bool),
            "high": si_rows["si_high"].astype(bool),
        }
    ).reset_index(drop=True)
    doses = _doses(records, patient_id)
    own = records.sessions_of(patient_id)
    integrations = own[(own["kind"] == "integration") & (own["started_at"] < records.cutoff)]
    baselines = {line.instrument: line.baseline for line in _outcomes(records, patient_id) if line.baseline is not None}
    return TimelineFrames(
        scores=scores,
        doses=doses,
        integrations=pd.DataFrame({"at": [records.local_time(t) for t in integrations["started_at"]]}),
        si=si,
        baselines=baselines,
    )


def _si_item(row: dict[str, Any], rules: Rules) -> str:
    if row["instrument"] == "C-SSRS":
        return "screen"
    item = rules.si_items.get(str(row["instrument"]))
    return str(item[0]) if item else "?"


def _doses(records: PatientRecords, patient_id: str) -> pd.DataFrame:
    doses = records.doses_of(patient_id).reset_index(drop=True).copy()
    doses["dose_number"] = range(1, len(doses) + 1)
    doses["at"] = [records.local_time(t) for t in doses["started_at"]]
    weight = pd.to_numeric(doses["weight_kg"], errors="coerce").astype("Float64")
    doses["mg_per_kg"] = (pd.to_numeric(doses["dose_mg"], errors="coerce").astype("Float64") / weight).round(3)
    return doses


def dosing_frame(records: PatientRecords, patient_id: str) -> pd.DataFrame:
    return _doses(records, patient_id)


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))  # type: ignore[call-overload]


def _opt_int(value: object) -> int | None:
    return None if _missing(value) else int(value)  # type: ignore[call-overload]


def _opt_date(value: object) -> dt.date | None:
    if _missing(value):
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    return pd.Timestamp(value).date()  # type: ignore[arg-type]


def patient_notes(engine: Engine, patient_id: str, records: PatientRecords) -> list[NoteView]:
    """The patient's notes, newest first, with risk sentences from note analysis when it is there."""
    with read_session(engine) as session:
        rows = session.execute(
            select(Note.written_at, Note.kind, Note.author, Note.text)
            .where(Note.patient_id == patient_id, Note.written_at < records.cutoff)
            .order_by(Note.written_at.desc())
        ).all()
    return [
        NoteView(
            written_at=records.local_time(row.written_at),
            kind=row.kind,
            author=row.author,
            text=row.text,
            **_analysis(row.text),
        )
        for row in rows
    ]


def _analysis(text: str) -> dict[str, Any]:
    result = analyse_note(text)
    return {
        "summary": tuple(sentence.text for sentence in result.summary),
        "themes": tuple(result.themes),
        "risk_sentences": tuple(risk_dict(r) for r in result.risk_sentences),  # with categories (issue 9)
    }
