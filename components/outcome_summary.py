"""Outcomes per instrument (SPEC §5): baseline with its date, current, change, status.

Doses completed stand beside every outcome, and a baseline that is only the earliest
assessment (no assessment before dose 1) says so.
"""

from __future__ import annotations

import pandas as pd

from services.views import OutcomeLine


def outcome_frame(outcomes: tuple[OutcomeLine, ...] | list[OutcomeLine]) -> pd.DataFrame:
    rows = []
    for line in outcomes:
        baseline = "no data" if line.baseline is None else f"{line.baseline} on {line.baseline_date:%Y-%m-%d}"
        if line.baseline is not None and line.baseline_is_fallback:
            baseline += " (earliest; none before dose 1)"
        current = "no data" if line.current is None else f"{line.current} on {line.current_date:%Y-%m-%d}"
        if line.change is None:
            change = "—  (baseline is current)" if line.current is not None else "no data"
        else:
            sign = "+" if line.change > 0 else ""
            percent = f" ({sign}{line.percent_change:.1f} %)" if line.percent_change is not None else ""
            change = f"{sign}{line.change}{percent}"
        rows.append(
            {
                "Instrument": line.instrument,
                "Baseline": baseline,
                "Current": current,
                "Change": change,
                "Status": line.status.replace("_", " "),
                "Reliable change": (line.reliable_change or "no threshold").replace("_", " "),
                "Early response": "yes" if line.early_response else "no",
                "Doses": str(line.doses_completed),
            }
        )
    return pd.DataFrame(
        rows,
        columns=["Instrument", "Baseline", "Current", "Change", "Status", "Reliable change", "Early response", "Doses"],
    )


def render_outcomes(outcomes: tuple[OutcomeLine, ...]) -> None:
    import streamlit as st

    if not outcomes:
        st.caption("No complete assessment yet — no outcome to show.")
        return
    st.dataframe(outcome_frame(outcomes), hide_index=True)
    st.caption(f"Rule set {outcomes[0].rule_set}")
