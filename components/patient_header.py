"""The patient header: who, where in the course, SI status and the next session — in words."""

from __future__ import annotations

import datetime as dt

from components.notes_list import escape_markdown
from services.views import PatientHeader


def header_lines(header: PatientHeader, as_of: dt.date) -> list[str]:
    doses = (
        f"{header.doses_completed} of {header.planned_doses} doses"
        if header.planned_doses
        else f"{header.doses_completed} doses (plan not set)"
    )
    if header.si_status == "none" or header.si_date is None:
        si = "SI: no SI data"
    else:
        days = (as_of - header.si_date).days
        level = f" ({header.si_level})" if header.si_status == "positive" and header.si_level else ""
        status = "POSITIVE" if header.si_status == "positive" else "negative"
        si = f"SI latest: {status}{level} on {header.si_date:%Y-%m-%d} ({days} days ago)"
    upcoming = (
        f"Next session: {header.next_session:%a %d %b %H:%M} ({(header.next_session_kind or '').replace('_', ' ')})"
        if header.next_session
        else "Next session: none scheduled"
    )
    return [
        f"{header.age} years · therapist: {header.therapist} · {header.status}"
        f" · phase {header.phase.replace('_', ' ')} · {doses}",
        f"{si} · {upcoming}",
    ]


def render_header(header: PatientHeader, as_of: dt.date) -> None:
    import streamlit as st

    st.subheader(escape_markdown(f"{header.name} ({header.patient_id})"), anchor=False)
    for line in header_lines(header, as_of):
        st.text(line)
