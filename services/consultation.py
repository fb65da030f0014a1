"""Case consultation (issue 10): the caseloads of a supervisor's therapists and the team's outcomes.

Access first (`services.access`: a supervisor sees their supervisees and their own patients,
an admin everyone), one audit row, then the records of the whole scope are loaded once and
scored once (`services.patient_records`, the caseload's loader) — never a query per patient.

De-identified, the view holds no name, patient id, birth date or calendar date at all: each
patient is keyed by a stable pseudonym (`clinical.deidentify`, keyed by KAP_PSEUDONYM_KEY),
ages replace birth dates and "day N of course" replaces dates. The only way back from a
pseudonym to a record is `drilldown_patient_id`, which stays on the server.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from clinical.deidentify import age_label, course_day_label, pseudonyms, relative_label
from clinical.flags import si_current
from clinical.lifecycle import FlagEpisode, Transition
from clinical.outcomes import compute_outcomes
from clinical.phase import caseload_phase
from clinical.rules import DEFAULT_RULES, DEFAULT_TEAM_RULES, Rules, TeamOutcomeRules
from clinical.scoring import score_assessments
from clinical.team_outcomes import (
    CoursePatient,
    OpenFlag,
    RaisedFlag,
    TeamSummary,
    summarise_team,
    waiting_since,
)
from db import audit, frames
from db.engine import read_session
from db.models import Clinician, Flag, FlagTransition
from db.settings import clinic_timezone
from services import clock
from services.access import AccessDenied, patients_in_scope
from services.auth import CurrentUser
from services.caseload import sort_key
from services.deidentified_view import pseudonym_key as key_for_pseudonyms
from services.flags import flags_current, moved_on, picture_cutoff
from services.flags import today as clinic_today
from services.patient_records import PatientRecords, SiStatus, load_patient_records, load_patients
from services.views import CaseloadRow, FlagSummary

CONSULTATION_ROLES = ("supervisor", "admin")
_LEVEL_RANK = {"high": 0, "moderate": 1, "low": 2}
_TREND_POINTS = 12
DENIED_MESSAGE = "Case consultation is for supervisors and admins."


@dataclass(frozen=True)
class ConsultationCase:
    """One patient in the drill-down case list, as text ready to show (same shape in both modes)."""

    key: str  # the patient id, or the pseudonym when de-identified
    patient: str  # "First Last (id)", or the pseudonym
    therapist: str
    age: str
    phase: str
    doses: str
    latest_phq9: str
    change: str
    outcome: str
    si: str
    open_flags: tuple[tuple[str, str, str], ...]  # (kind, level, status), most severe first
    last_session: str
    next_session: str


@dataclass(frozen=True)
class ConsultationView:
    """What the consultation page shows; keys are pseudonyms when `deidentified`."""

    as_of_label: str  # the day as a date, or "today" when de-identified
    deidentified: bool
    summary: TeamSummary  # patients named by `key`
    therapist_names: dict[str, str]  # username -> display name
    cases: tuple[ConsultationCase, ...]  # most urgent first
    rule_set: str
    # Pseudonym -> patient id, for opening a patient from the de-identified list. Never shown.
    _keys: dict[str, str] = field(default_factory=dict, repr=False)

    def label(self, key: str) -> str:
        return next((case.patient for case in self.cases if case.key == key), key)

    def cases_of(self, keys: tuple[str, ...] | list[str]) -> list[ConsultationCase]:
        wanted = set(keys)
        return [case for case in self.cases if case.key in wanted]


def consultation_view(
    engine: Engine,
    user: CurrentUser,
    *,
    as_of: dt.date | None = None,
    deidentified: bool = False,
    pseudonym_key: str | None = None,
    rules: Rules = DEFAULT_RULES,
    team_rules: TeamOutcomeRules = DEFAULT_TEAM_RULES,
) -> ConsultationView:
    """Per therapist and across the team, as of a day (default today); audited; de-identified on request.

    Raises AccessDenied (audited) for roles other than supervisor and admin.
    """
    key = key_for_pseudonyms(engine, pseudonym_key) if deidentified else None
    if user.role not in CONSULTATION_ROLES:
        _audit(engine, user, "denied", scope="consultation", deidentified=deidentified)
        raise AccessDenied(DENIED_MESSAGE)
    in_scope = patients_in_scope(engine, user)
    _audit(engine, user, "success", scope=f"{len(in_scope)} patients", deidentified=deidentified)
    records, open_flags_of = _load(engine, in_scope, as_of, rules)
    keys = pseudonyms(in_scope, key) if key is not None else {pid: pid for pid in in_scope}
    dose_days, dose_starts = _doses(records)
    rows = case_rows(records, dose_starts)
    names = _clinician_names(engine, set(records.patients["therapist"]) if not records.patients.empty else set())
    course = _course_patients(records, keys, dose_days, {row.patient_id: row.phase for row in rows})
    open_flags = [replace(flag, patient_id=keys[flag.patient_id]) for flag in open_flags_of]
    raised = _raised_flags(engine, records, keys, team_rules)
    summary = summarise_team(course, open_flags, raised, as_of=records.as_of, at=records.cutoff, rules=team_rules)
    births = dict(zip(records.patients["patient_id"], records.patients["birth_date"], strict=True))
    cases = tuple(
        _case(
            row,
            records.as_of,
            births[row.patient_id],
            keys[row.patient_id],
            names,
            dose_days.get(row.patient_id),
            deidentified,
        )
        # Ties break on the shown label: in de-identified mode the order must not follow real names.
        for row in sorted(rows, key=lambda r: (*sort_key(r), keys[r.patient_id] if key else r.name))
    )
    return ConsultationView(
        as_of_label="today" if deidentified else records.as_of.isoformat(),
        deidentified=deidentified,
        summary=summary,
        therapist_names=names,
        cases=cases,
        rule_set=rules.label(),
        _keys={label: pid for pid, label in keys.items()} if deidentified else {},
    )


def drilldown_patient_id(view: ConsultationView, key: str) -> str | None:
    """The patient behind a case-list key (a pseudonym when de-identified), for opening the patient page."""
    if not view.deidentified:
        return key if any(case.key == key for case in view.cases) else None
    return view._keys.get(key)


def _audit(engine: Engine, user: CurrentUser, outcome: str, *, scope: str, deidentified: bool) -> None:
    entry = audit.AuditEntry(
        actor=user.username,
        event="consultation.viewed",
        category="patient",
        outcome=outcome,
        scope=scope,
        detail={"deidentified": deidentified},
    )
    audit.write(engine, entry, clock.now())


def _load(
    engine: Engine, patient_ids: list[str], as_of: dt.date | None, rules: Rules
) -> tuple[PatientRecords, list[OpenFlag]]:
    """The scope's records, scored, with its open flags.

    Today (the usual case) the open flags are the stored ones — kept current by the evaluation
    after every import and the nightly `evaluate` — so ten caseloads load without replaying
    every flag. A past day, or a day whose stored flags are not known to be current
    (`services.flags.flags_current`, or a session has begun since they were evaluated:
    `moved_on`), replays the flags as of that day instead.
    """
    day = clinic_today()
    evaluated_up_to = flags_current(engine, day, rules=rules) if as_of in (None, day) else None
    if evaluated_up_to is None:
        return _replayed(engine, patient_ids, as_of, rules)
    cutoff = picture_cutoff(day)
    sessions = frames.load_sessions(engine, patient_ids)
    if moved_on(sessions, evaluated_up_to, cutoff):
        return _replayed(engine, patient_ids, as_of, rules)
    tz = clinic_timezone()
    patients = load_patients(engine, patient_ids)
    needed = ["PHQ-9", "C-SSRS", *rules.si_items]  # outcomes, the latest PHQ-9, and every SI answer
    assessments = frames.load_assessments(engine, patient_ids, up_to=cutoff, instruments=sorted(set(needed)))
    scored = score_assessments(assessments, rules)
    outcomes = compute_outcomes(scored, sessions[sessions["started_at"] < cutoff], as_of=day, tz=tz, rules=rules)
    stored, flags = _stored_open_flags(engine, patient_ids)
    records = PatientRecords(
        as_of=day,
        tz=tz,
        cutoff=cutoff,
        patients=patients,
        scored=scored,
        sessions=sessions,
        outcomes=outcomes,
        si=si_by_patient(scored, tz),
        open_flags=stored,
        rules=rules,
    )
    return records, flags


def _replayed(
    engine: Engine, patient_ids: list[str], as_of: dt.date | None, rules: Rules
) -> tuple[PatientRecords, list[OpenFlag]]:
    records = load_patient_records(engine, patient_ids, as_of=as_of, rules=rules, replay=True)
    flags = [_open_flag(episode) for episodes in records.open_flags.values() for episode in episodes]
    return records, flags


def _stored_open_flags(engine: Engine, patient_ids: list[str]) -> tuple[dict[str, list[Any]], list[OpenFlag]]:
    """Open flags of the scope and their transitions (two indexed queries), for the case list and the waits."""
    rows = frames.load_open_flags(engine, patient_ids)
    steps: dict[int, list[Transition]] = {}
    with read_session(engine) as session:
        for flag_ids in _chunks([row.id for row in rows if row.status == "new"]):
            history = select(
                FlagTransition.flag_id, FlagTransition.at, FlagTransition.actor, FlagTransition.action
            ).where(FlagTransition.flag_id.in_(flag_ids))
            for step in session.execute(history):
                steps.setdefault(step.flag_id, []).append(Transition(step.at, step.actor, step.action))
    by_patient: dict[str, list[Any]] = {}
    flags = []
    for row in rows:
        by_patient.setdefault(row.patient_id, []).append(row)
        since = waiting_since(steps.get(row.id, []), row.raised_at) if row.status == "new" else None
        flags.append(OpenFlag(row.patient_id, row.kind, row.level, row.status, since))
    return by_patient, flags


def si_by_patient(scored: Any, tz: Any) -> dict[str, SiStatus]:
    """The latest SI-bearing day per patient (patients without SI data are absent, never 'negative')."""
    if scored.empty:
        return {}
    current = si_current(scored, tz=tz)
    return {
        str(pid): SiStatus(str(row.si_status), row.si_level if isinstance(row.si_level, str) else None, row.si_date)
        for pid, row in zip(current.index, current.itertuples(index=False), strict=True)
    }


def _chunks(ids: list[Any], size: int = 5_000) -> list[list[Any]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _doses(records: PatientRecords) -> tuple[dict[str, tuple[dt.date, ...]], dict[str, list[dt.datetime]]]:
    """Completed doses per patient, oldest first: clinic-local days and UTC moments (one pass over the sessions)."""
    sessions = records.sessions
    done = sessions[(sessions["kind"] == "dosing") & (sessions["started_at"] < records.cutoff)]
    if done.empty:
        return {}, {}
    done = done.sort_values("started_at")
    moments = pd.to_datetime(done["started_at"], utc=True)
    days = moments.dt.tz_convert(records.tz).dt.date.to_numpy()
    starts = moments.dt.to_pydatetime()
    by_day: dict[str, list[dt.date]] = {}
    by_start: dict[str, list[dt.datetime]] = {}
    for pid, day, start in zip(done["patient_id"], days, starts, strict=True):
        by_day.setdefault(str(pid), []).append(day)
        by_start.setdefault(str(pid), []).append(start)
    return {pid: tuple(days) for pid, days in by_day.items()}, by_start


def case_rows(records: PatientRecords, dose_starts: dict[str, list[dt.datetime]]) -> list[CaseloadRow]:
    """The caseload rows (SPEC §7) of many patients in a few whole-table passes — no per-patient filtering."""
    scored = records.scored
    phq9 = scored[(scored["instrument"] == "PHQ-9") & scored["complete"].astype(bool)].sort_values("administered_at")
    trends: dict[str, list[int]] = {}
    for pid, score in zip(phq9["patient_id"], phq9["score"], strict=True):
        trends.setdefault(pid, []).append(int(score))
    latest = {
        pid: (int(score), band, at)
        for pid, score, band, at in phq9.drop_duplicates("patient_id", keep="last")[
            ["patient_id", "score", "band", "administered_at"]
        ].itertuples(index=False)
    }
    outcomes = records.outcomes[records.outcomes["instrument"] == "PHQ-9"] if not records.outcomes.empty else None
    outcome_of = {} if outcomes is None else {row["patient_id"]: row for row in outcomes.to_dict("records")}
    ordered = records.sessions.sort_values("started_at")
    done = ordered[ordered["started_at"] < records.cutoff]
    scheduled = ordered[ordered["started_at"] >= records.cutoff]
    last = {pid: (at, kind) for pid, at, kind in done.drop_duplicates("patient_id", keep="last")[
        ["patient_id", "started_at", "kind"]].itertuples(index=False)}  # fmt: skip
    upcoming = {pid: (at, kind) for pid, at, kind in scheduled.drop_duplicates("patient_id", keep="first")[
        ["patient_id", "started_at", "kind"]].itertuples(index=False)}  # fmt: skip
    latest_assessment = scored.groupby("patient_id")["administered_at"].max().to_dict() if not scored.empty else {}
    rows = []
    for patient in records.patients.itertuples(index=False):
        pid = str(patient.patient_id)
        planned = None if pd.isna(patient.planned_doses) else int(patient.planned_doses)
        starts = dose_starts.get(pid, [])
        phase = caseload_phase(str(patient.status), starts, planned, records.as_of, records.rules, tz=records.tz)
        score = latest.get(pid)
        score_day = records.local_day(score[2]) if score else None
        outcome = outcome_of.get(pid)
        si = records.si.get(pid)
        before, after = last.get(pid), upcoming.get(pid)
        moments = [
            pd.Timestamp(t) for t in (latest_assessment.get(pid), before[0] if before else None) if t is not None
        ]
        rows.append(
            CaseloadRow(
                patient_id=pid,
                name=f"{patient.first_name} {patient.last_name}",
                therapist=str(patient.therapist),
                status=str(patient.status),
                phase=phase,
                doses_completed=len(starts),
                planned_doses=planned,
                latest_phq9=score[0] if score else None,
                latest_phq9_band=score[1] if score else None,
                latest_phq9_date=score_day,
                latest_phq9_days_ago=(records.as_of - score_day).days if score_day else None,
                change=_number(outcome, "change", int),
                percent_change=_number(outcome, "percent_change", float),
                outcome_status=str(outcome["status"]) if outcome else None,
                si_status=si.status if si else "none",
                si_level=si.level if si else None,
                si_date=si.date if si else None,
                open_flags=tuple(
                    FlagSummary(f.kind, f.level, f.status)
                    for f in sorted(records.open_flags.get(pid, ()), key=lambda f: _LEVEL_RANK.get(f.level, 3))
                ),
                last_session=records.local_time(before[0]) if before else None,
                last_session_kind=before[1] if before else None,
                next_session=records.local_time(after[0]) if after else None,
                next_session_kind=after[1] if after else None,
                phq9_trend=tuple(trends.get(pid, [])[-_TREND_POINTS:]),
                latest_record_at=max(moments).to_pydatetime() if moments else None,
            )
        )
    return rows


def _number(outcome: dict[str, Any] | None, name: str, kind: type) -> Any:
    if outcome is None or outcome.get(name) is None or pd.isna(outcome[name]):
        return None
    return kind(outcome[name])


def _course_patients(
    records: PatientRecords,
    keys: dict[str, str],
    dose_days: dict[str, tuple[dt.date, ...]],
    phases: dict[str, str],
) -> list[CoursePatient]:
    phq9 = records.outcomes[records.outcomes["instrument"] == "PHQ-9"] if not records.outcomes.empty else None
    by_patient = {} if phq9 is None else {row["patient_id"]: row for row in phq9.to_dict("records")}
    course = []
    for patient in records.patients.itertuples(index=False):
        pid = str(patient.patient_id)
        outcome = by_patient.get(pid)
        baseline = None if outcome is None or pd.isna(outcome["baseline"]) else int(outcome["baseline"])
        course.append(
            CoursePatient(
                patient_id=keys[pid],
                therapist=str(patient.therapist),
                status=str(patient.status),
                phase=phases[pid],
                dose_days=dose_days.get(pid, ()),
                phq9_baseline=baseline,
                phq9_status=None if outcome is None else str(outcome["status"]),
                early_response=bool(outcome is not None and outcome.get("early_response")),
            )
        )
    return course


def _open_flag(episode: FlagEpisode) -> OpenFlag:
    since = waiting_since(episode.transitions, episode.raised_at) if episode.status == "new" else None
    return OpenFlag(episode.patient_id, episode.kind, episode.level, episode.status, since)


def _raised_flags(
    engine: Engine, records: PatientRecords, keys: dict[str, str], rules: TeamOutcomeRules
) -> list[RaisedFlag]:
    """Flags raised in the burden window, from the stored flags (one query, filtered to the scope)."""
    first_day = records.as_of - dt.timedelta(days=rules.flag_burden_days)  # a day early: zones differ
    start = dt.datetime.combine(first_day, dt.time(0), tzinfo=dt.UTC)
    rows: list[Any] = []
    with read_session(engine) as session:
        for chunk in _chunks(sorted(keys)):
            rows += session.execute(
                select(Flag.patient_id, Flag.kind, Flag.raised_at).where(
                    Flag.patient_id.in_(chunk), Flag.raised_at >= start, Flag.raised_at < records.cutoff
                )
            ).all()
    return [RaisedFlag(keys[row.patient_id], row.kind, records.local_day(row.raised_at)) for row in rows]


def _clinician_names(engine: Engine, usernames: set[str]) -> dict[str, str]:
    if not usernames:
        return {}
    with read_session(engine) as session:
        rows = session.execute(
            select(Clinician.username, Clinician.display_name).where(Clinician.username.in_(sorted(usernames)))
        ).all()
    return {row.username: row.display_name for row in rows}


def _case(
    row: CaseloadRow,
    as_of: dt.date,
    birth_date: dt.date,
    key: str,
    names: dict[str, str],
    dose_days: tuple[dt.date, ...] | None,
    deidentified: bool,
) -> ConsultationCase:
    first_dose = dose_days[0] if dose_days else None

    def when(day: dt.date | None) -> str:
        if day is None:
            return ""
        return f"{course_day_label(day, first_dose)}, {relative_label(day, as_of)}" if deidentified else str(day)

    def session(at: dt.datetime | None, kind: str | None, none: str) -> str:
        if at is None:
            return none
        label = when(at.date()) if deidentified else f"{at:%Y-%m-%d %H:%M}"
        return f"{(kind or '').replace('_', ' ')} · {label}"

    phq9 = "no PHQ-9 on record"
    if row.latest_phq9 is not None:
        phq9 = f"{row.latest_phq9} {row.latest_phq9_band or ''}".strip() + f" · {when(row.latest_phq9_date)}"
    si = "no SI data"
    if row.si_status != "none" and row.si_date is not None:
        level = f" ({row.si_level})" if row.si_status == "positive" and row.si_level not in (None, "positive") else ""
        si = f"{row.si_status}{level} · {when(row.si_date)}"
    change = "no change to show"
    if row.change is not None:
        sign = "+" if row.change > 0 else ""
        percent = f" ({sign}{row.percent_change:.0f} %)" if row.percent_change is not None else ""
        change = f"{sign}{row.change}{percent}"
    return ConsultationCase(
        key=key,
        patient=key if deidentified else f"{row.name} ({row.patient_id})",
        therapist=names.get(row.therapist, row.therapist),
        age=age_label(birth_date, as_of),
        phase=row.phase.replace("_", " "),
        doses=f"{row.doses_completed} of {row.planned_doses}" if row.planned_doses else str(row.doses_completed),
        latest_phq9=phq9,
        change=change,
        outcome=(row.outcome_status or "no outcome yet").replace("_", " "),
        si=si,
        open_flags=tuple((flag.kind, flag.level, flag.status) for flag in row.open_flags),
        last_session=session(row.last_session, row.last_session_kind, "none yet"),
        next_session=session(row.next_session, row.next_session_kind, "none scheduled"),
    )
