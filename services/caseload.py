"""The caseload (SPEC §7): one row per patient in the user's scope, most urgent first.

Set-based throughout: the patients in scope are decided once (`services.access`), then
each table is read once for all of them and grouped in pandas — never a query per patient.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

import pandas as pd
from sqlalchemy import Engine, select

from clinical.rules import DEFAULT_RULES, Rules
from db import audit
from db.engine import read_session
from db.models import Patient
from services import clock
from services.access import patients_in_scope
from services.auth import CurrentUser
from services.notes_view import latest_note_risk_days
from services.patient_records import PatientRecords, load_patient_records
from services.views import CaseloadRow, CaseloadView, FlagSummary

_LEVEL_RANK = {"high": 0, "moderate": 1, "low": 2}
_TREND_POINTS = 12  # enough to see a course of 4–8 doses with weekly follow-up


def caseload(
    engine: Engine,
    user: CurrentUser,
    as_of: dt.date | None = None,
    *,
    flag_kind: str | None = None,
    phase: str | None = None,
    therapist: str | None = None,
    rules: Rules = DEFAULT_RULES,
) -> CaseloadView:
    """The caseload of `user` as of a day (default today), filtered and sorted (SPEC §7)."""
    in_scope = patients_in_scope(engine, user)
    audit.write(
        engine,
        audit.AuditEntry(
            actor=user.username, event="caseload.viewed", category="patient", scope=f"{len(in_scope)} patients"
        ),
        clock.now(),
    )
    records = load_patient_records(engine, in_scope, as_of=as_of, rules=rules)
    therapists = tuple(sorted(set(records.patients["therapist"]))) if not records.patients.empty else ()
    rows = [row for row in build_rows(records) if _keep(row, flag_kind, phase, therapist)]
    rows = with_note_risk(engine, rows, records.cutoff)
    return CaseloadView(as_of=records.as_of, rows=tuple(sort_rows(rows)), therapists=therapists, rule_set=rules.label())


def _keep(row: CaseloadRow, flag_kind: str | None, phase: str | None, therapist: str | None) -> bool:
    if flag_kind and all(flag.kind != flag_kind for flag in row.open_flags):
        return False
    if phase and row.phase != phase:
        return False
    return not (therapist and row.therapist != therapist)


def sort_key(row: CaseloadRow) -> tuple[int, int, float]:
    """Most severe open flag first (unacknowledged before acknowledged), then newest record."""
    worst = min(
        (_LEVEL_RANK.get(flag.level, 3) * 2 + (flag.status == "acknowledged") for flag in row.open_flags),
        default=99,
    )
    latest = -row.latest_record_at.timestamp() if row.latest_record_at else float("inf")
    return (worst, 0, latest)


def sort_rows(rows: Iterable[CaseloadRow]) -> list[CaseloadRow]:
    return sorted(rows, key=lambda row: (*sort_key(row), row.name))


def build_rows(records: PatientRecords) -> list[CaseloadRow]:
    """Turn the loaded, scored records of many patients into caseload rows."""
    phq9 = records.scored[(records.scored["instrument"] == "PHQ-9") & records.scored["complete"].astype(bool)]
    phq9 = phq9.sort_values("administered_at")
    trends = {pid: [int(v) for v in scores.tail(_TREND_POINTS)] for pid, scores in phq9.groupby("patient_id")["score"]}
    latest_phq9 = {row["patient_id"]: row for row in phq9.drop_duplicates("patient_id", keep="last").to_dict("records")}
    rows = []
    for patient in records.patients.itertuples(index=False):
        pid = patient.patient_id
        latest = latest_phq9.get(pid)
        latest_day = records.local_day(latest["administered_at"]) if latest is not None else None
        outcome = records.outcome(pid, "PHQ-9")
        si = records.si.get(pid)
        last, upcoming = records.last_and_next_session(pid)
        rows.append(
            CaseloadRow(
                patient_id=pid,
                name=f"{patient.first_name} {patient.last_name}",
                therapist=patient.therapist,
                status=patient.status,
                phase=records.phase(pid),
                doses_completed=records.doses_completed(pid),
                planned_doses=_int_or_none(patient.planned_doses),
                latest_phq9=int(latest["score"]) if latest is not None else None,
                latest_phq9_band=latest["band"] if latest is not None else None,
                latest_phq9_date=latest_day,
                latest_phq9_days_ago=(records.as_of - latest_day).days if latest_day else None,
                change=_int_or_none(outcome.get("change")) if outcome else None,
                percent_change=_float_or_none(outcome.get("percent_change")) if outcome else None,
                outcome_status=outcome.get("status") if outcome else None,
                si_status=si.status if si else "none",
                si_level=si.level if si else None,
                si_date=si.date if si else None,
                open_flags=tuple(
                    FlagSummary(f.kind, f.level, f.status)
                    for f in sorted(records.open_flags.get(pid, ()), key=lambda f: _LEVEL_RANK.get(f.level, 3))
                ),
                last_session=last[0] if last else None,
                last_session_kind=last[1] if last else None,
                next_session=upcoming[0] if upcoming else None,
                next_session_kind=upcoming[1] if upcoming else None,
                phq9_trend=tuple(trends.get(pid, ())),
                latest_record_at=records.latest_record_at(pid),
            )
        )
    return rows


def _int_or_none(value: object) -> int | None:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return None
    return int(value)  # type: ignore[call-overload]


def _float_or_none(value: object) -> float | None:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return None
    return float(value)  # type: ignore[arg-type]


def therapists_in_scope(engine: Engine, user: CurrentUser) -> list[str]:
    """The therapists whose patients the user sees (the supervisor's therapist filter)."""
    ids = patients_in_scope(engine, user)
    if not ids:
        return []
    with read_session(engine) as session:
        return sorted(set(session.scalars(select(Patient.therapist).where(Patient.patient_id.in_(ids)))))


def with_note_risk(engine: Engine, rows: list[CaseloadRow], cutoff: dt.datetime) -> list[CaseloadRow]:
    """Mark the rows whose latest note has risk language (issue 9): only those latest notes are analysed."""
    risky = latest_note_risk_days(engine, [row.patient_id for row in rows], cutoff)
    return [replace(row, latest_note_risk_on=risky[row.patient_id]) if row.patient_id in risky else row for row in rows]
