"""Turn the oracle's plain records into the DataFrames the engine reads (the db/frames contract)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from clinical.instruments import MAX_ITEMS
from tests.oracle.spec_oracle import Assessment, Patient, Session

ITEM_COLUMNS = [f"item_{n}" for n in range(1, MAX_ITEMS + 1)]
NUMBER_FIELDS = (
    "dose_mg",
    "weight_kg",
    "bp_pre_sys",
    "bp_pre_dia",
    "bp_post_sys",
    "bp_post_dia",
    "bp_peak_sys",
    "bp_peak_dia",
    "heart_rate",
    "spo2_min",
    "cadss",
    "observed_minutes",
)


def _utc(moments: list) -> pd.Series:
    return pd.Series(pd.to_datetime(moments, utc=True), dtype="datetime64[ns, UTC]")


def patients_frame(patients: Sequence[Patient]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "patient_id": pd.Series([p.patient_id for p in patients], dtype=object),
            "status": pd.Series([p.status for p in patients], dtype=object),
            "enrolled_on": pd.Series([p.enrolled_on for p in patients], dtype=object),
            "planned_doses": pd.array([p.planned_doses for p in patients], dtype="Int64"),
            "therapist": pd.Series([p.therapist for p in patients], dtype=object),
        }
    )
    return frame


def assessments_frame(assessments: Sequence[Assessment]) -> pd.DataFrame:
    columns: dict[str, object] = {
        "patient_id": pd.Series([a.patient_id for a in assessments], dtype=object),
        "administered_at": _utc([a.at for a in assessments]),
        "instrument": pd.Series([a.instrument for a in assessments], dtype=object),
        "total": pd.array([a.total for a in assessments], dtype="Int64"),
    }
    for n, name in enumerate(ITEM_COLUMNS, start=1):
        columns[name] = pd.array([a.items.get(n) for a in assessments], dtype="Int64")
    return pd.DataFrame(columns)


def sessions_frame(sessions: Sequence[Session]) -> pd.DataFrame:
    columns: dict[str, object] = {
        "patient_id": pd.Series([s.patient_id for s in sessions], dtype=object),
        "started_at": _utc([s.at for s in sessions]),
        "kind": pd.Series([s.kind for s in sessions], dtype=object),
        "clinician": pd.Series(["t1" for _ in sessions], dtype=object),
        "route": pd.Series([("iv" if s.kind == "dosing" else None) for s in sessions], dtype=object),
        "adverse_events": pd.Series([None for _ in sessions], dtype=object),
    }
    for name in NUMBER_FIELDS:
        columns[name] = pd.array([s.vitals.get(name) for s in sessions], dtype="Float64")
    return pd.DataFrame(columns)
