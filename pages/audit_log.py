"""Admin: list and filter the audit log (who, what, which patient, outcome, when)."""

from __future__ import annotations

import streamlit as st

from components.audit_filters import audit_filter_form, audit_table
from components.guard import require_login
from components.resources import dashboard_engine
from services.audit_log import audit_choices, search_audit_log

user = require_login(roles=["admin"], page="audit log")
engine = dashboard_engine()
st.title("Audit log")
wanted = audit_filter_form(audit_choices(engine, user))
audit_table(search_audit_log(engine, user, wanted), wanted.limit)
