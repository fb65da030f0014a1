"""The caseload table (SPEC §7): who needs attention, and why, in words.

Missing data reads as missing ("no PHQ-9 in 23 days", "no SI data"), never as fine or safe:
the absence of a flag is not evidence of safety (SPEC §1).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from clinical.rules import DEFAULT_RULES
from components.severity import flag_title, level_text
from services.views import CaseloadRow

# A PHQ-9 older than the overdue window is shown as missing first, the old value second.
_STALE_AFTER_DAYS = DEFAULT_RULES.overdue_si_window_days

# What decides "who first" stands left, readable without scrolling sideways at 1366 px;
# the course details follow.
COLUMNS = [
    "Patient",
    "Needs attention",
    "SI (latest)",
    "Latest note",
    "Latest PHQ-9",
    "PHQ-9 trend",
    "Change",
    "Outcome",
    "Phase",
    "Doses",
    "Last session",
    "Next session",
]


def _days(days: int) -> str:
    return "today" if days == 0 else ("1 day ago" if days == 1 else f"{days} days ago")


def attention_text(row: CaseloadRow) -> str:
    """Every open flag as `▲▲ HIGH Persistent suicidal ideation (new)`; no flag is not 'safe'."""
    if not row.open_flags:
        return "no open flags"
    return "; ".join(
        f"{level_text(flag.level)} {flag_title(flag.kind)}"
        + (" (acknowledged)" if flag.status == "acknowledged" else " (new)")
        for flag in row.open_flags
    )


def phq9_text(row: CaseloadRow) -> str:
    if row.latest_phq9 is None or row.latest_phq9_days_ago is None:
        return "no PHQ-9 on record"
    value = f"{row.latest_phq9} {row.latest_phq9_band or ''}".strip()
    if row.latest_phq9_days_ago > _STALE_AFTER_DAYS:
        return f"no PHQ-9 in {row.latest_phq9_days_ago} days (last: {value})"
    return f"{value} · {_days(row.latest_phq9_days_ago)}"


def change_text(row: CaseloadRow) -> str:
    if row.change is None:
        return "no change to show" if row.latest_phq9 is not None else "no data"
    sign = "+" if row.change > 0 else ""
    percent = f" ({sign}{row.percent_change:.0f} %)" if row.percent_change is not None else ""
    return f"{sign}{row.change}{percent}"


def si_text(row: CaseloadRow, as_of: dt.date) -> str:
    if row.si_status == "none" or row.si_date is None:
        return "no SI data"
    ago = _days((as_of - row.si_date).days)
    if row.si_status == "positive":
        level = f", {row.si_level}" if row.si_level and row.si_level != "positive" else ""
        return f"POSITIVE{level} · {ago}"
    return f"negative · {ago}"


def doses_text(row: CaseloadRow) -> str:
    return (
        f"{row.doses_completed} of {row.planned_doses}"
        if row.planned_doses
        else f"{row.doses_completed} (plan not set)"
    )


def _session_text(at: dt.datetime | None, kind: str | None, none: str) -> str:
    if at is None:
        return none
    return f"{at:%a %d %b %H:%M} {(kind or '').replace('_', ' ')}".strip()


def outcome_text(status: str | None) -> str:
    return (status or "no outcome yet").replace("_", " ")


def caseload_frame(rows: tuple[CaseloadRow, ...] | list[CaseloadRow], as_of: dt.date) -> pd.DataFrame:
    """The rows as the table shows them: text cells (no colour-only meaning) and the trend list."""
    records = [
        {
            "patient_id": row.patient_id,
            "Needs attention": attention_text(row),
            "Patient": row.name,
            "Phase": row.phase.replace("_", " "),
            "Doses": doses_text(row),
            "Latest PHQ-9": phq9_text(row),
            "Change": change_text(row),
            "Outcome": outcome_text(row.outcome_status),
            "SI (latest)": si_text(row, as_of),
            "Latest note": note_risk_text(row, as_of),
            "Last session": _session_text(row.last_session, row.last_session_kind, "none yet"),
            "Next session": _session_text(row.next_session, row.next_session_kind, "none scheduled"),
            "PHQ-9 trend": list(row.phq9_trend),
        }
        for row in rows
    ]
    return pd.DataFrame(records, columns=["patient_id", *COLUMNS])


def render_caseload_table(rows: tuple[CaseloadRow, ...], as_of: dt.date, key: str = "caseload") -> str | None:
    """Draw the table; return the patient id of the row the user selected (one click), if any."""
    import streamlit as st

    frame = caseload_frame(rows, as_of)
    event = st.dataframe(
        frame,
        hide_index=True,
        column_order=COLUMNS,
        on_select="rerun",
        selection_mode="single-row",
        key=key,
        # Pixel widths: the four columns that say who needs attention fit 1366 px without scrolling.
        column_config={
            "Patient": st.column_config.TextColumn(width=150, pinned=True),
            "Needs attention": st.column_config.TextColumn(width=310),
            "SI (latest)": st.column_config.TextColumn(width=150),
            "Latest note": st.column_config.TextColumn(width=170),
            "Latest PHQ-9": st.column_config.TextColumn(width=210),
            "PHQ-9 trend": st.column_config.LineChartColumn(y_min=0, y_max=27, width=80),
        },
    )
    selected = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    if selected and selected[0] < len(frame):
        return str(frame.iloc[selected[0]]["patient_id"])
    return None


def note_risk_text(row: CaseloadRow, as_of: dt.date) -> str:
    """`⚠ risk language · 2 days ago` when the latest note has risk language (issue 9); blank otherwise.

    Blank, not "none": note analysis finding nothing is no statement that the patient is safe.
    """
    if row.latest_note_risk_on is None:
        return ""
    return f"⚠ risk language · {_days((as_of - row.latest_note_risk_on).days)}"
