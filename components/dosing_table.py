"""The dosing sessions as a table: dose, route, mg, mg/kg, blood pressure, vitals, CADSS.

Blank values read "not recorded" — a missing blood pressure is a finding (the
`vitals_missing` flag), never a zero.
"""

from __future__ import annotations

import pandas as pd

NOT_RECORDED = "not recorded"


def _bp(sys: object, dia: object) -> str:
    if pd.isna(sys) or pd.isna(dia):  # type: ignore[call-overload]
        return NOT_RECORDED
    return f"{int(sys)}/{int(dia)}"  # type: ignore[call-overload]


def _value(value: object, unit: str = "", digits: int | None = None) -> str:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return NOT_RECORDED
    number = (
        f"{float(value):.{digits}f}" if digits is not None else f"{value:g}" if isinstance(value, float) else str(value)
    )  # type: ignore[arg-type]
    return f"{number}{unit}"


def dosing_frame(doses: pd.DataFrame) -> pd.DataFrame:
    """One row per dose, newest first, every cell text (so nothing blank reads as fine)."""
    columns = [
        "Dose",
        "When",
        "Route",
        "mg",
        "mg/kg",
        "BP pre",
        "BP peak",
        "BP post",
        "HR",
        "SpO2 min",
        "CADSS",
        "Observed",
        "Adverse events",
    ]
    if doses.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for dose in doses.sort_values("at", ascending=False).itertuples(index=False):
        rows.append(
            {
                "Dose": f"#{dose.dose_number}",
                "When": f"{pd.Timestamp(dose.at):%Y-%m-%d %H:%M}",
                "Route": str(dose.route).upper() if isinstance(dose.route, str) else NOT_RECORDED,
                "mg": _value(dose.dose_mg),
                "mg/kg": _value(dose.mg_per_kg, digits=2),
                "BP pre": _bp(dose.bp_pre_sys, dose.bp_pre_dia),
                "BP peak": _bp(dose.bp_peak_sys, dose.bp_peak_dia),
                "BP post": _bp(dose.bp_post_sys, dose.bp_post_dia),
                "HR": _value(dose.heart_rate),
                "SpO2 min": _value(dose.spo2_min, " %"),
                "CADSS": _value(dose.cadss),
                "Observed": _value(dose.observed_minutes, " min"),
                "Adverse events": dose.adverse_events
                if isinstance(dose.adverse_events, str) and dose.adverse_events
                else "none recorded",
            }
        )
    return pd.DataFrame(rows, columns=columns)


def render_dosing_table(doses: pd.DataFrame) -> None:
    import streamlit as st

    frame = dosing_frame(doses)
    if frame.empty:
        st.caption("No doses given yet.")
        return
    st.dataframe(frame, hide_index=True)
