"""Download buttons for exports: a zip of CSV files and a FHIR Bundle (SPEC §7).

The export is built only when the button is clicked (Streamlit's deferred download), so
merely showing a page neither reads the records nor writes an export audit row; each click
is one export, decided and audited by `services.exports` with the user's own scope.
"""

from __future__ import annotations

import streamlit as st

from services.auth import CurrentUser
from services.engine import Engine
from services.exports import FHIR_MIME, ZIP_MIME, export_file_name, export_for_user

HELP_CSV = (
    "One CSV file per record type, in the import format, for a spreadsheet. Cells that a spreadsheet would run "
    "as a formula (starting with = + - @) are prefixed with ' so it shows them as text."
)
HELP_FHIR = "One FHIR R4 Bundle with every record: the complete copy for another system."


def export_buttons(engine: Engine, user: CurrentUser, *, patient_id: str | None = None, key: str) -> None:
    """Two buttons exporting what `user` may see: one patient, or (without `patient_id`) their whole scope."""

    def csv_zip() -> bytes:
        return export_for_user(engine, user, format="csv", patient_id=patient_id).download

    def fhir_json() -> bytes:
        return export_for_user(engine, user, format="fhir", patient_id=patient_id).download

    what = "this patient" if patient_id is not None else "caseload"
    left, right = st.columns(2)
    left.download_button(
        f"Export {what} (CSV, zip)",
        data=csv_zip,
        file_name=export_file_name("csv", patient_id),
        mime=ZIP_MIME,
        help=HELP_CSV,
        on_click="ignore",
        icon=":material/table_view:",
        key=f"{key}_csv",
    )
    right.download_button(
        f"Export {what} (FHIR)",
        data=fhir_json,
        file_name=export_file_name("fhir", patient_id),
        mime=FHIR_MIME,
        help=HELP_FHIR,
        on_click="ignore",
        icon=":material/data_object:",
        key=f"{key}_fhir",
    )
    st.caption("Every export is recorded in the audit log. It holds only the patients you may see.")
