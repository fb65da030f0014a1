"""Caseload: who needs attention today, and why (SPEC §7). Guard → service → components."""

from __future__ import annotations

import streamlit as st

from components.caseload_table import render_caseload_table
from components.downloads import export_buttons
from components.guard import require_login
from components.resources import dashboard_engine
from components.severity import FLAG_TITLES
from services.caseload import caseload, therapists_in_scope

PHASES = ["preparation", "dosing", "integration", "follow_up", "paused", "discharged"]

user = require_login(page="caseload")
engine = dashboard_engine()
st.subheader("Caseload" if user.role == "therapist" else "Caseloads in your scope", anchor=False)

columns = st.columns([2, 2, 2, 3])
flag_kind = columns[0].selectbox(
    "Open flag", list(FLAG_TITLES), index=None, format_func=FLAG_TITLES.get, placeholder="any or none"
)
phase = columns[1].selectbox(
    "Phase", PHASES, index=None, format_func=lambda p: p.replace("_", " "), placeholder="any phase"
)
therapist = None
if user.role != "therapist":
    therapists = therapists_in_scope(engine, user)
    therapist = columns[2].selectbox("Therapist", therapists, index=None, placeholder="all therapists")

view = caseload(engine, user, flag_kind=flag_kind, phase=phase, therapist=therapist)
columns[3].caption(
    f"As of {view.as_of:%a %d %b %Y} · {len(view.rows)} patients · most urgent first · rule set {view.rule_set}. "
    "Tick a row's box to open the patient. No open flag is not an all-clear."
)
if not view.rows:
    st.info("No patients match these filters.")
    st.stop()
selected = render_caseload_table(view.rows, view.as_of)
export_buttons(engine, user, key="caseload_export")  # the whole scope, not the filtered rows
if selected:
    st.session_state["selected_patient_id"] = selected
    st.switch_page("pages/patient.py")
