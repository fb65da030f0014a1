"""One patient's whole course: header, outcomes, timeline, flags, doses, notes.

Whatever asks for a patient — the picker, a `?patient=` link, a value left in session
state — goes through `services.patient_view`, which calls `services.access.open_patient`
to decide and audit before any record is read.
"""

from __future__ import annotations

import streamlit as st

from components.consultation_view import deidentified_toggle, render_deidentified_patient
from components.dosing_table import render_dosing_table
from components.downloads import export_buttons
from components.flag_cards import render_flag_cards
from components.guard import require_login
from components.note_summaries import render_notes_digest
from components.notes_list import render_notes
from components.outcome_summary import render_outcomes
from components.patient_header import render_header
from components.resources import dashboard_engine
from components.timeline import render_timeline
from services.access import AccessDenied, AuditUnavailable, patients_in_scope
from services.patient_view import patient_view
from services.safety import acknowledge, resolve

RESULT_KEY = "patient_action_result"

user = require_login(page="patient")
engine = dashboard_engine()
if deidentified_toggle("patient"):  # consultation mode (issue 10): pseudonym, age, days of the course
    render_deidentified_patient(engine, user)
    st.stop()
asked = st.query_params.get("patient") or st.session_state.get("selected_patient_id")
choices = patients_in_scope(engine, user)
options = [asked] + [p for p in choices if p != asked] if asked else choices
patient_id = st.selectbox("Patient", options, index=0 if options else None, placeholder="Choose a patient")
if not patient_id:
    st.info("No patient chosen.")
    st.stop()
try:
    with st.spinner("Loading the course…"):
        view = patient_view(engine, user, patient_id)
except (AccessDenied, AuditUnavailable) as refused:
    st.error(str(refused))
    st.stop()
st.session_state["selected_patient_id"] = view.header.patient_id

render_header(view.header, view.as_of)
if RESULT_KEY in st.session_state:
    done, message = st.session_state.pop(RESULT_KEY)
    (st.success if done else st.error)(message)
    st.toast(message)  # seen wherever the page is scrolled to when the action was taken

st.markdown("#### Open flags")
action = render_flag_cards(view.flags, key=f"patient_{view.header.patient_id}")
if action is not None:
    if action.action == "acknowledge":
        result = acknowledge(engine, user, action.flag, action.acknowledgement or "other", action.note)
    else:
        result = resolve(engine, user, action.flag, action.note)
    st.session_state[RESULT_KEY] = (result.done, result.message)
    st.rerun()

st.markdown("#### Outcomes")
render_outcomes(view.outcomes)
st.markdown("#### Timeline")
render_timeline(view.timeline, key=f"timeline_{view.header.patient_id}")
st.markdown("#### Doses")
render_dosing_table(view.dosing)
render_notes_digest(view.notes_digest)  # latest integration notes, themes, intentions (issue 9)
st.markdown("#### All notes (newest first)")
render_notes(view.notes)
st.markdown("#### Export")
export_buttons(engine, user, patient_id=view.header.patient_id, key="patient_export")
