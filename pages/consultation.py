"""Case consultation (supervisor, admin): the team's outcomes with their counts, each therapist's caseload,
the case list — identified, or de-identified for a consultation group. Guard → one service call → components.
"""

from __future__ import annotations

import streamlit as st

from components.consultation_view import SELECTED_KEY, deidentified_toggle, render_consultation
from components.guard import require_login
from components.resources import dashboard_engine
from services.access import AccessDenied
from services.consultation import consultation_view, drilldown_patient_id

user = require_login(roles=("supervisor", "admin"), page="consultation")
engine = dashboard_engine()
st.subheader("Case consultation", anchor=False)
deidentified = deidentified_toggle("consultation")
try:
    view = consultation_view(engine, user, deidentified=deidentified)
except AccessDenied as refused:
    st.error(str(refused))
    st.stop()
selected = render_consultation(view)
if selected:
    st.session_state[SELECTED_KEY] = drilldown_patient_id(view, selected)
    st.switch_page("pages/patient.py")
