"""Tiny factories for clinical records and the frames `db.frames` hands to `clinical/`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from clinical.instruments import INSTRUMENTS, MAX_ITEMS
from db.models import DOSING_FIELDS

ITEMS = [f"item_{n}" for n in range(1, MAX_ITEMS + 1)]
DEFAULT_TIME = dt.time(9, 0)


def moment(on: str | dt.date | dt.datetime) -> dt.datetime:
    """`2026-03-01` (09:00 UTC), `2026-03-01T15:30` (UTC) or an aware datetime, as aware UTC."""
    if isinstance(on, dt.datetime):
        return on if on.tzinfo else on.replace(tzinfo=dt.UTC)
    if isinstance(on, dt.date):
        return dt.datetime.combine(on, DEFAULT_TIME, tzinfo=dt.UTC)
    if "T" in on:
        parsed = dt.datetime.fromisoformat(on)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return dt.datetime.combine(dt.date.fromisoformat(on), DEFAULT_TIME, tzinfo=dt.UTC)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def make_assessment(
    instrument: str,
    items: Sequence[int | None] | dict[int, int | None] | None = None,
    *,
    on: str | dt.date | dt.datetime = "2026-03-01",
    patient: str = "P1",
    total: int | None = None,
) -> dict[str, Any]:
    """One assessment row; `items` as a list (item_1 first) or {item number: answer}."""
    answers = dict(enumerate(items, start=1)) if isinstance(items, (list, tuple)) else dict(items or {})
    row: dict[str, Any] = {
        "patient_id": patient,
        "administered_at": moment(on),
        "instrument": instrument,
        "total": total,
    }
    for n in range(1, MAX_ITEMS + 1):
        row[f"item_{n}"] = answers.get(n)
    return row


def phq9_items(total: int, item9: int = 0) -> list[int]:
    """PHQ-9 answers summing to `total` with item 9 as given (items filled 3, 3, … from item 1)."""
    rest = total - item9
    if not 0 <= rest <= 24 or not 0 <= item9 <= 3:
        raise ValueError(f"no PHQ-9 with total {total} and item 9 = {item9}")
    answers = []
    for _ in range(8):
        answers.append(min(3, rest))
        rest -= answers[-1]
    return [*answers, item9]


def make_phq9(
    total: int | None = None,
    *,
    items: Sequence[int | None] | None = None,
    item9: int = 0,
    on: str | dt.date | dt.datetime = "2026-03-01",
    patient: str = "P1",
    stated_total: int | None = None,
) -> dict[str, Any]:
    """A PHQ-9 by total (item 9 as given) or by its nine answers."""
    answers = list(items) if items is not None else phq9_items(total or 0, item9)
    return make_assessment("PHQ-9", answers, on=on, patient=patient, total=stated_total)


def make_summed(instrument: str, total: int, *, on: str | dt.datetime = "2026-03-01", patient: str = "P1") -> dict:
    """Any summed instrument with the given total (answers filled from item 1, SI item last-resort)."""
    spec = INSTRUMENTS[instrument]
    # QIDS-SR16 pools some items: fill one item per domain so the total is what was asked.
    order = [1, 6, 15, 5, 10, 11, 12, 13, 14] if instrument == "QIDS-SR16" else range(1, spec.items + 1)
    answers, rest = dict.fromkeys(range(1, spec.items + 1), 0), total
    for n in order:
        answers[n] = min(spec.item_max, rest)
        rest -= answers[n]
    if rest:
        raise ValueError(f"{instrument} cannot total {total}")
    return make_assessment(instrument, answers, on=on, patient=patient)


def make_si(answer: int, *, on: str | dt.datetime = "2026-03-01", patient: str = "P1") -> dict[str, Any]:
    """A PHQ-9 whose only answered item is item 9 (incomplete, still SI-bearing)."""
    return make_assessment("PHQ-9", {9: answer}, on=on, patient=patient)


def assessments_frame(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """Rows as the assessments frame of the `db.frames` contract."""
    frame = pd.DataFrame(list(rows), columns=["patient_id", "administered_at", "instrument", "total", *ITEMS])
    frame["patient_id"] = frame["patient_id"].astype(object)
    frame["administered_at"] = pd.to_datetime(frame["administered_at"], utc=True)
    frame["instrument"] = frame["instrument"].astype(object)
    for column in ["total", *ITEMS]:
        frame[column] = pd.array(list(frame[column]), dtype="Int64")
    return frame


def make_session(
    kind: str,
    *,
    on: str | dt.date | dt.datetime = "2026-03-01",
    patient: str = "P1",
    clinician: str = "tess",
    **dosing: Any,
) -> dict[str, Any]:
    row: dict[str, Any] = {"patient_id": patient, "started_at": moment(on), "kind": kind, "clinician": clinician}
    for name in DOSING_FIELDS:
        row[name] = dosing.get(name)
    return row


def make_dose(
    *,
    on: str | dt.date | dt.datetime = "2026-03-01T10:00",
    patient: str = "P1",
    pre: tuple[int | None, int | None] = (120, 80),
    post: tuple[int | None, int | None] = (125, 82),
    peak: tuple[int | None, int | None] = (130, 85),
    route: str = "iv",
    dose_mg: float = 35.0,
) -> dict[str, Any]:
    """A dosing session that took place, with its blood pressure readings."""
    return make_session(
        "dosing",
        on=on,
        patient=patient,
        route=route,
        dose_mg=dose_mg,
        weight_kg=70.0,
        bp_pre_sys=pre[0],
        bp_pre_dia=pre[1],
        bp_post_sys=post[0],
        bp_post_dia=post[1],
        bp_peak_sys=peak[0],
        bp_peak_dia=peak[1],
    )


def sessions_frame(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=["patient_id", "started_at", "kind", "clinician", *DOSING_FIELDS])
    frame["started_at"] = pd.to_datetime(frame["started_at"], utc=True)
    for column in ("patient_id", "kind", "clinician", "route", "adverse_events"):
        frame[column] = frame[column].astype(object)
    for column in ("dose_mg", "weight_kg"):
        frame[column] = pd.array(list(frame[column]), dtype="Float64")
    for column in DOSING_FIELDS:
        if column.startswith("bp_") or column in ("heart_rate", "spo2_min", "cadss", "observed_minutes"):
            frame[column] = pd.array(list(frame[column]), dtype="Int64")
    return frame


def make_patient(
    patient_id: str = "P1",
    *,
    status: str = "active",
    enrolled_on: str | dt.date = "2026-01-01",
    planned_doses: int | None = None,
    therapist: str = "tess",
) -> dict[str, Any]:
    enrolled = dt.date.fromisoformat(enrolled_on) if isinstance(enrolled_on, str) else enrolled_on
    return {
        "patient_id": patient_id,
        "status": status,
        "enrolled_on": enrolled,
        "planned_doses": planned_doses,
        "therapist": therapist,
    }


def patients_frame(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=["patient_id", "status", "enrolled_on", "planned_doses", "therapist"])
    frame["planned_doses"] = pd.array(list(frame["planned_doses"]), dtype="Int64")
    for column in ("patient_id", "status", "therapist"):
        frame[column] = frame[column].astype(object)
    return frame


def evaluate(
    assessments: Iterable[dict[str, Any]] = (),
    sessions: Iterable[dict[str, Any]] = (),
    *,
    patients: Iterable[dict[str, Any]] | None = None,
    actions: Sequence[Any] = (),
    as_of: str = "2026-06-30",
    tz: str = "UTC",
    rules: Any = None,
) -> list[Any]:
    """Every flag episode of these records (one active patient P1 enrolled 2026-01-01 unless given)."""
    from zoneinfo import ZoneInfo

    from clinical.flags import evaluate_flags
    from clinical.rules import DEFAULT_RULES

    return evaluate_flags(
        patients_frame(patients if patients is not None else [make_patient()]),
        assessments_frame(assessments),
        sessions_frame(sessions),
        list(actions),
        as_of=day(as_of),
        tz=ZoneInfo(tz),
        rules=rules or DEFAULT_RULES,
    )


def episodes_of(kind: str, episodes: Iterable[Any]) -> list[Any]:
    return [e for e in episodes if e.kind == kind]


def open_kinds(episodes: Iterable[Any]) -> set[str]:
    return {e.kind for e in episodes if e.is_open}


def outcomes_of(
    assessments: Iterable[dict[str, Any]],
    sessions: Iterable[dict[str, Any]] = (),
    *,
    as_of: str = "2026-06-30",
    tz: str = "UTC",
) -> dict[str, dict[str, Any]]:
    """compute_outcomes rows by instrument (one patient)."""
    from zoneinfo import ZoneInfo

    from clinical.outcomes import compute_outcomes

    frame = compute_outcomes(
        assessments_frame(assessments), sessions_frame(sessions), as_of=day(as_of), tz=ZoneInfo(tz)
    )
    return {row["instrument"]: row for row in frame.to_dict("records")}
