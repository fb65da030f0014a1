"""The records of a set of patients, loaded once and scored once, for the views.

The caseload, patient and safety views all need the same picture — scored assessments,
sessions split into done and scheduled, SI status, outcomes, open flags, phase — for many
patients at a time. Loading it here, set-based (one query per table for all patients),
keeps each view short and keeps the caseload at a fixed number of queries however many
patients it shows. Callers pass only patient ids that `services.access` allowed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Engine, select

from clinical.flags import evaluate_flags, si_current
from clinical.outcomes import compute_outcomes
from clinical.phase import caseload_phase
from clinical.rules import DEFAULT_RULES, Rules
from clinical.scoring import score_assessments
from db import frames
from db.engine import read_session
from db.models import Patient
from db.settings import clinic_timezone
from services.flags import evaluate_and_store, flags_current, moved_on, picture_cutoff
from services.flags import today as clinic_today


@dataclass(frozen=True)
class SiStatus:
    """The latest SI-bearing day of a patient: positive (with level) or negative, and when."""

    status: str  # positive, negative
    level: str | None
    date: dt.date | None


@dataclass
class PatientRecords:
    """Everything the views need about a set of patients, as of one day.

    The per-patient lookups below are indexed once, when first used (one pass over each
    table), so a caseload of many patients costs no more pandas filtering per patient.
    """

    as_of: dt.date
    tz: ZoneInfo
    cutoff: dt.datetime  # aware UTC: records before it count; sessions from it on are scheduled
    # patient_id, first_name, last_name, birth_date, therapist, status, enrolled_on, planned_doses
    patients: pd.DataFrame
    scored: pd.DataFrame  # clinical.scoring output, records up to the cutoff
    sessions: pd.DataFrame  # every session, including scheduled ones
    outcomes: pd.DataFrame  # clinical.outcomes output
    si: dict[str, SiStatus]
    open_flags: dict[str, list[Any]]  # FlagEpisode (read-only replay) or StoredFlag (with `id`)
    stored_flags: list[frames.StoredFlag] = field(default_factory=list)  # with store_flags: open and closed
    rules: Rules = DEFAULT_RULES
    _index: dict[str, Any] = field(default_factory=dict)

    def local_day(self, at: Any) -> dt.date:
        return pd.Timestamp(at).tz_convert(self.tz).date()

    def local_time(self, at: Any) -> dt.datetime:
        """Clinic wall-clock time without an offset (what the screen shows)."""
        return pd.Timestamp(at).tz_convert(self.tz).tz_localize(None).to_pydatetime()

    def _indexed(self) -> dict[str, Any]:
        if not self._index:
            ordered = self.sessions.sort_values("started_at")
            done = ordered[ordered["started_at"] < self.cutoff]
            scheduled = ordered[ordered["started_at"] >= self.cutoff]
            doses = done[done["kind"] == "dosing"]
            self._index.update(
                patients={row["patient_id"]: row for row in self.patients.to_dict("records")},
                doses={pid: list(frame["started_at"]) for pid, frame in doses.groupby("patient_id", sort=False)},
                last=_first_per_patient(done.iloc[::-1]),
                next=_first_per_patient(scheduled),
                latest_assessment=self.scored.groupby("patient_id")["administered_at"].max().to_dict(),
                outcomes={(row["patient_id"], row["instrument"]): row for row in self.outcomes.to_dict("records")},
                phase={},
            )
        return self._index

    def patient(self, patient_id: str) -> dict[str, Any]:
        return dict(self._indexed()["patients"][patient_id])

    def sessions_of(self, patient_id: str) -> pd.DataFrame:
        index = self._indexed()
        if "sessions" not in index:  # a frame per patient: only the pages that show sessions pay for it
            ordered = self.sessions.sort_values("started_at")
            index["sessions"] = {pid: frame for pid, frame in ordered.groupby("patient_id", sort=False)}
        return index["sessions"].get(patient_id, self.sessions.iloc[0:0])

    def doses_of(self, patient_id: str) -> pd.DataFrame:
        own = self.sessions_of(patient_id)
        return own[(own["kind"] == "dosing") & (own["started_at"] < self.cutoff)]

    def doses_completed(self, patient_id: str) -> int:
        return len(self._indexed()["doses"].get(patient_id, []))

    def phase(self, patient_id: str) -> str:
        phases = self._indexed()["phase"]
        if patient_id not in phases:
            patient = self.patient(patient_id)
            starts = [pd.Timestamp(t).to_pydatetime() for t in self._indexed()["doses"].get(patient_id, [])]
            planned = None if pd.isna(patient["planned_doses"]) else int(patient["planned_doses"])
            phases[patient_id] = caseload_phase(patient["status"], starts, planned, self.as_of, self.rules, tz=self.tz)
        return str(phases[patient_id])

    def last_and_next_session(
        self, patient_id: str
    ) -> tuple[tuple[dt.datetime, str] | None, tuple[dt.datetime, str] | None]:
        index = self._indexed()
        last, upcoming = index["last"].get(patient_id), index["next"].get(patient_id)
        return (
            (self.local_time(last[0]), last[1]) if last else None,
            (self.local_time(upcoming[0]), upcoming[1]) if upcoming else None,
        )

    def outcome(self, patient_id: str, instrument: str) -> dict[str, Any] | None:
        return self._indexed()["outcomes"].get((patient_id, instrument))

    def latest_record_at(self, patient_id: str) -> dt.datetime | None:
        index = self._indexed()
        last_session = index["last"].get(patient_id)
        times = [index["latest_assessment"].get(patient_id), last_session[0] if last_session else None]
        present = [pd.Timestamp(t) for t in times if t is not None and not pd.isna(t)]
        return max(present).to_pydatetime() if present else None


def _first_per_patient(sessions: pd.DataFrame) -> dict[str, tuple[Any, str]]:
    """Each patient's first row of an ordered session frame: (started_at, kind)."""
    first = sessions.drop_duplicates("patient_id", keep="first")
    return {
        pid: (at, kind) for pid, at, kind in zip(first["patient_id"], first["started_at"], first["kind"], strict=True)
    }


def load_patients(engine: Engine, patient_ids: Sequence[str]) -> pd.DataFrame:
    """Identity and course facts of the given patients (one query)."""
    columns = [
        Patient.patient_id,
        Patient.first_name,
        Patient.last_name,
        Patient.birth_date,
        Patient.therapist,
        Patient.status,
        Patient.enrolled_on,
        Patient.planned_doses,
    ]
    names = [column.key for column in columns]
    if not patient_ids:
        return pd.DataFrame(columns=names)
    with read_session(engine) as session:
        rows = session.execute(select(*columns).where(Patient.patient_id.in_(list(patient_ids)))).all()
    frame = pd.DataFrame(rows, columns=names)
    frame["planned_doses"] = frame["planned_doses"].astype("Int64")
    return frame


def load_patient_records(
    engine: Engine,
    patient_ids: Sequence[str],
    *,
    as_of: dt.date | None = None,
    rules: Rules = DEFAULT_RULES,
    store_flags: bool = False,
    replay: bool = False,
) -> PatientRecords:
    """Load and score the records of allowed patients, as of a day (default today, clinic time).

    With `store_flags`, the flags are evaluated and stored first (SPEC §6: "when a page needs
    them") unless the stored ones are current for the day, so every open flag has a stored id
    a clinician can act on. Without it, the open flags are the stored ones of the patients
    whose stored flags are current (`services.flags.flags_current`, `moved_on`) and a
    read-only replay for the others; with `replay`, a replay for all of them.
    """
    tz = clinic_timezone()
    as_of = as_of or clinic_today()
    cutoff = picture_cutoff(as_of)
    ids = list(patient_ids)
    patients = load_patients(engine, ids)
    assessments = frames.load_assessments(engine, patient_ids=ids, up_to=cutoff)
    sessions = frames.load_sessions(engine, patient_ids=ids)
    done_sessions = sessions[sessions["started_at"] < cutoff]
    scored = score_assessments(assessments, rules)
    outcomes = compute_outcomes(scored, done_sessions, as_of=as_of, tz=tz, rules=rules)
    # Whose stored flags are the picture as of the day (see `services.flags.flags_current`).
    evaluated_up_to = None if replay or not ids else flags_current(engine, as_of, rules=rules)
    stale = set(ids) if evaluated_up_to is None else moved_on(sessions, evaluated_up_to, cutoff)
    current = [pid for pid in ids if pid not in stale]
    stored: list[frames.StoredFlag] = []
    if not ids:
        flags: list[Any] = []
    elif store_flags:
        if stale:
            evaluate_and_store(engine, as_of, patient_ids=sorted(stale), rules=rules)
        stored = frames.load_stored_flags(engine, ids)
        flags = [flag for flag in stored if flag.is_open]
    else:
        # Current patients: the stored open flags (one indexed query). The others: a
        # read-only replay on the frames already loaded (no second read of the records).
        flags = frames.load_open_flags(engine, current) if current else []
        if stale:
            flags += _replayed_open_flags(patients, scored, done_sessions, stale, as_of, cutoff, engine, tz, rules)
    flags_by_patient: dict[str, list[Any]] = {}
    for flag in flags:
        flags_by_patient.setdefault(flag.patient_id, []).append(flag)
    return PatientRecords(
        as_of=as_of,
        tz=tz,
        cutoff=cutoff,
        patients=patients,
        scored=scored,
        sessions=sessions,
        outcomes=outcomes,
        si=_si_by_patient(scored, tz),
        open_flags=flags_by_patient,
        stored_flags=stored,
        rules=rules,
    )


def _replayed_open_flags(
    patients: pd.DataFrame,
    scored: pd.DataFrame,
    sessions: pd.DataFrame,
    patient_ids: set[str],
    as_of: dt.date,
    cutoff: dt.datetime,
    engine: Engine,
    tz: ZoneInfo,
    rules: Rules,
) -> list[Any]:
    """The open flags of these patients, replayed from the frames already loaded (writes nothing)."""
    mine = sorted(patient_ids)
    actions = frames.load_flag_actions(engine, mine, up_to=cutoff)
    episodes = evaluate_flags(
        patients[patients["patient_id"].isin(patient_ids)],
        scored[scored["patient_id"].isin(patient_ids)],
        sessions[sessions["patient_id"].isin(patient_ids)],
        actions,
        as_of=as_of,
        tz=tz,
        rules=rules,
    )
    return [episode for episode in episodes if episode.is_open]


def _si_by_patient(scored: pd.DataFrame, tz: ZoneInfo) -> dict[str, SiStatus]:
    """The latest SI-bearing day per patient; patients without SI data are absent (never 'negative')."""
    if scored.empty:
        return {}
    current = si_current(scored, tz=tz)
    return {
        str(patient_id): SiStatus(
            status=str(row.si_status),
            level=row.si_level if isinstance(row.si_level, str) else None,
            date=row.si_date,
        )
        for patient_id, row in zip(current.index, current.itertuples(index=False), strict=True)
    }
