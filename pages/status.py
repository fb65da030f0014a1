"""Database status: proof that the database answers (record counts, schema, demo or not)."""

from __future__ import annotations

import streamlit as st

from components.guard import require_login
from components.resources import dashboard_engine
from components.status_view import database_status_view
from services.engine import database_status

require_login(page="database status")
st.title("Database status")
database_status_view(database_status(dashboard_engine()))
