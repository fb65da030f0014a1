"""Admin: import CSV or FHIR files — every problem shown before anything is written, then commit.

The same service as `manage.py import` does the work (`services.import_uploads` stages the
uploads and calls `services.imports`): all or nothing, audited, flags evaluated after.
"""

from __future__ import annotations

import streamlit as st

from components.guard import require_login
from components.import_report import render_import_report
from components.resources import dashboard_engine
from services.import_uploads import ACCEPTED_SUFFIXES, Upload, commit_uploads, preview_uploads, therapist_choices

RESULT_KEY = "import_result"
UPLOADER_ROUND_KEY = "import_uploader_round"  # a new key empties the uploader after an import

user = require_login(roles=["admin"], page="import")
engine = dashboard_engine()
st.title("Import records")
st.caption(
    "CSV files in the import format (clinicians, patients, sessions, assessments, notes) or FHIR R4 "
    "Bundles / NDJSON. Every file is checked first; nothing is written unless every row of every file is sound."
)

if RESULT_KEY in st.session_state:
    render_import_report(st.session_state.pop(RESULT_KEY), committed=True)
    st.divider()

limit_mb = st.get_option("server.maxUploadSize")
round_number = st.session_state.setdefault(UPLOADER_ROUND_KEY, 0)
files = st.file_uploader(
    "CSV or FHIR files",
    type=list(ACCEPTED_SUFFIXES),
    accept_multiple_files=True,
    help=f"Up to {limit_mb} MB per file (server.maxUploadSize).",
    key=f"import_files_{round_number}",
)
left, right = st.columns(2)
therapist = left.selectbox(
    "Therapist for patients from FHIR files",
    therapist_choices(engine, user),
    index=None,
    placeholder="none — CSV files name their own therapist",
)
update = right.checkbox(
    "Overwrite records that exist with different values", help="As `manage.py import --update`: off by default."
)
if not files:
    st.info("Choose one or more files to check them.")
    st.stop()

uploads = [Upload(file.name, file.getvalue()) for file in files]
checked = preview_uploads(engine, user, uploads, therapist=therapist, update=update)
st.subheader("Check", anchor=False)
render_import_report(checked, committed=False)
if not checked.ok:
    st.stop()
if st.button("Import these records", type="primary", key="import_commit", icon=":material/upload:"):
    done = commit_uploads(engine, user, uploads, therapist=therapist, update=update, previewed=checked.fingerprints)
    st.session_state[RESULT_KEY] = done
    if done.ok:
        st.session_state[UPLOADER_ROUND_KEY] = round_number + 1
    st.rerun()
