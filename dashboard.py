"""KAP Caseload dashboard — the entry point: `streamlit run dashboard.py`.

Page config, settings, the login gate and the role's navigation; nothing else. Every page
is declared once here and registered only for the roles that may see it (Streamlit's
dynamic-navigation pattern). `st.navigation` runs on every run — also logged out, with the
login page alone — so the `pages/` folder never acts as Streamlit's legacy page folder.
URL paths differ from the file names on purpose: a legacy `/patient` URL then never
matches a registered page (see components/guard.py).
"""

from __future__ import annotations

import streamlit as st

from components import frame, login_form, resources, session_state

# An emoji icon is drawn in the browser; a `:material/…:` page icon is fetched from fonts.gstatic.com.
st.set_page_config(page_title="KAP Caseload", page_icon="🩺", layout="wide")

LOGIN = st.Page("pages/login.py", title="Log in", icon=":material/login:", url_path="sign-in")
CASELOAD = st.Page(
    "pages/caseload.py", title="Caseload", icon=":material/groups:", url_path="my-caseload", default=True
)
PATIENT = st.Page("pages/patient.py", title="Patient", icon=":material/person:", url_path="patient-record")
SAFETY = st.Page("pages/safety.py", title="Safety flags", icon=":material/flag:", url_path="safety-flags")
STATUS = st.Page("pages/status.py", title="Database status", icon=":material/database:", url_path="database")
AUDIT_LOG = st.Page("pages/audit_log.py", title="Audit log", icon=":material/policy:", url_path="audit-trail")
IMPORT = st.Page(
    "pages/import_records.py", title="Import records", icon=":material/upload_file:", url_path="import-records"
)
NOTES = st.Page("pages/notes.py", title="Notes", icon=":material/description:", url_path="clinical-notes")
BRIEF = st.Page("pages/brief.py", title="Pre-session brief", icon=":material/summarize:", url_path="session-brief")
CONSULTATION = st.Page(
    "pages/consultation.py", title="Consultation", icon=":material/diversity_3:", url_path="case-consultation"
)

ALL_PAGES = [CASELOAD, PATIENT, SAFETY, STATUS, AUDIT_LOG, IMPORT, BRIEF, CONSULTATION, NOTES]
PAGES_BY_ROLE = {
    "therapist": {"Clinic": [CASELOAD, PATIENT, NOTES, BRIEF, SAFETY, STATUS]},
    "supervisor": {"Clinic": [CASELOAD, CONSULTATION, PATIENT, NOTES, BRIEF, SAFETY, STATUS]},
    "admin": {"Clinic": [CASELOAD, CONSULTATION, PATIENT, NOTES, BRIEF, SAFETY], "Admin": [IMPORT, AUDIT_LOG, STATUS]},
}

with session_state.entry_script_run():
    frame.crisis_line()
    engine, config = resources.start_dashboard()
    gate = session_state.build_gate(engine, config)
    user = session_state.signed_in_user(gate)
    if user is not None:
        user = frame.user_box(gate, user)  # None once the logout button was pressed
    if user is None:
        navigation = st.navigation(login_form.logged_out_pages(LOGIN, ALL_PAGES), position="hidden")
    else:
        navigation = st.navigation(PAGES_BY_ROLE.get(user.role, {"Clinic": [STATUS]}))
        session_state.idle_watch()
    navigation.run()
