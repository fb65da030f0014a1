"""Pre-session brief: one patient on one page, to read or print before a session (PDF download too).

Guard → one service call → components. The "De-identified" toggle gives the same brief for a
consultation group: pseudonym, age, days of the course, no free text.
"""

from __future__ import annotations

import streamlit as st

from components.brief import brief_pdf, render_brief, timeline_png, warm_up_renderer
from components.consultation_view import choose_patient, deidentified_toggle
from components.guard import require_login
from components.resources import dashboard_engine
from services.access import AccessDenied, AuditUnavailable
from services.brief import patient_brief, record_brief_download

user = require_login(page="brief")
engine = dashboard_engine()
warm_up_renderer()
st.subheader("Pre-session brief", anchor=False)
left, right = st.columns([3, 1])
with right:
    deidentified = deidentified_toggle("brief")
with left:
    patient_id = choose_patient(engine, user, deidentified=deidentified, key="brief")
if not patient_id:
    st.info("Choose a patient to see their brief.")
    st.stop()
try:
    brief = patient_brief(engine, user, patient_id, deidentified=deidentified)
except (AccessDenied, AuditUnavailable) as refused:
    st.error(str(refused))
    st.stop()


def pdf_download() -> bytes:
    # Built only when clicked: the timeline image is rendered for the PDF, the page draws it in the browser.
    record_brief_download(engine, user, patient_id, deidentified=deidentified)
    return brief_pdf(brief, timeline_png(brief.shown))


st.download_button(
    "Download the brief as PDF",
    pdf_download,
    file_name=brief.file_name,
    mime="application/pdf",
    icon=":material/download:",
)
st.caption("To print this page, use the browser's print (Ctrl+P); the PDF prints on one A4 page where it fits.")
render_brief(brief, key="brief")
