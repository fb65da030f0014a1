"""The audit log page's filter form and table."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from services.audit_log import AuditChoices, AuditFilter

_ANY = "(any)"


def audit_filter_form(choices: AuditChoices) -> AuditFilter:
    """Filters by actor, event, patient, outcome and a range of clinic days."""
    with st.form("kap_audit_filters"):
        first, second, third = st.columns(3)
        actor = first.selectbox("Who", [_ANY, *choices.actors])
        event = second.selectbox("Event", [_ANY, *choices.events])
        outcome = third.selectbox("Outcome", [_ANY, *choices.outcomes])
        fourth, fifth, sixth = st.columns(3)
        patient_id = fourth.text_input("Patient ID", max_chars=64)
        first_day = fifth.date_input("From day", value=None, format="YYYY-MM-DD")
        last_day = sixth.date_input("To day (inclusive)", value=None, format="YYYY-MM-DD")
        st.form_submit_button("Show", icon=":material/filter_list:")
    return AuditFilter(
        actor=None if actor == _ANY else actor,
        event=None if event == _ANY else event,
        patient_id=patient_id.strip() or None,
        outcome=None if outcome == _ANY else outcome,
        first_day=first_day if isinstance(first_day, dt.date) else None,
        last_day=last_day if isinstance(last_day, dt.date) else None,
    )


def audit_table(rows: pd.DataFrame, limit: int) -> None:
    if rows.empty:
        st.info("No audit rows match these filters.")
        return
    shown = f"the newest {limit:,}" if len(rows) >= limit else f"{len(rows):,}"
    st.caption(f"Showing {shown} matching rows, newest first. Times in the clinic's time zone.")
    st.dataframe(rows, hide_index=True, width="stretch")
