"""Notes: the notes of the patients in scope, filtered, newest first (issue 9). Guard → service → cards.

`services.notes_view` decides who may be read and writes one audit row per patient whose
notes it returns, before returning them; this page only asks.
"""

from __future__ import annotations

import streamlit as st

from components.guard import require_login
from components.note_summaries import render_note_card, render_themes_and_intentions
from components.resources import dashboard_engine
from services.access import AccessDenied, AuditUnavailable
from services.notes_view import PAGE_LIMIT, NotesFilter, default_days, note_kinds, notes_page, patient_choices

user = require_login(page="notes")
engine = dashboard_engine()
st.subheader("Notes", anchor=False)

choices = patient_choices(engine, user)
columns = st.columns([3, 3, 3, 2], vertical_alignment="bottom")
patient_id = columns[0].selectbox(
    "Patient", list(choices), index=None, format_func=lambda p: f"{choices[p]} ({p})", placeholder="all patients"
)
kinds = columns[1].multiselect("Kind", note_kinds(), placeholder="every kind")
days = columns[2].date_input("Written between", value=default_days(), format="YYYY-MM-DD")
risk_only = columns[3].toggle("Risk language only", help="Notes with risk language; a denial alone does not count.")
if not isinstance(days, tuple) or len(days) != 2:
    st.info("Choose the first and the last day.")
    st.stop()

wanted = NotesFilter(patient_id=patient_id, kinds=tuple(kinds), risk_only=risk_only, date_from=days[0], date_to=days[1])
try:
    page = notes_page(engine, user, wanted)
except (AccessDenied, AuditUnavailable) as refused:
    st.error(str(refused))
    st.stop()

shown = (
    f"The newest {PAGE_LIMIT} notes (narrow the filters for older ones)" if page.more else f"{len(page.notes)} notes"
)
st.caption(
    f"{shown} · written {page.date_from:%Y-%m-%d} to {page.date_to:%Y-%m-%d} · newest first. "
    "Risk language is shown above every summary, denials marked as denials; none found is not an all-clear."
)
if page.digest is not None:
    render_themes_and_intentions(page.digest)
if not page.notes:
    st.info("No notes match these filters.")
for item in page.notes:
    render_note_card(item.note, patient=f"{item.patient_name} ({item.patient_id})")
