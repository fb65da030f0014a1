"""The database status panel of the Home page."""

from __future__ import annotations

import streamlit as st

from services.engine import DatabaseStatus

BACKEND_LABELS = {"sqlite": "SQLite (embedded file)", "postgresql": "PostgreSQL"}


def database_status_view(status: DatabaseStatus) -> None:
    """Counts of records, the schema revision and whether this is the demo clinic."""
    st.subheader("Database")
    if status.demo:
        st.warning("Demo clinic: every record in this database is synthetic.", icon=":material/science:")
    st.success(f"Connected to {BACKEND_LABELS.get(status.backend, status.backend)}.", icon=":material/check_circle:")
    columns = st.columns(len(status.record_counts))
    for column, (label, count) in zip(columns, status.record_counts.items(), strict=True):
        column.metric(label.capitalize(), f"{count:,}")
    revision = status.schema_revision or "none"
    state = "up to date" if status.schema_current else "out of date — run `python manage.py init-db`"
    st.caption(f"Schema revision {revision} ({state}).")
