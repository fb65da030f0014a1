"""The Import page's report: files, counts, skipped resources and every problem — as plain text.

File names and problem messages come from outside (a file's name, a cell's value), so they
are shown with `st.text` / `st.dataframe`, which never interpret Markdown or HTML.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services.import_uploads import UploadReport

RECORD_TYPES = ("clinicians", "patients", "sessions", "assessments", "notes")


def render_import_report(result: UploadReport, *, committed: bool) -> None:
    """What the import found (before writing) or did (after), told in the uploaded files' names."""
    if result.refused is not None:
        st.error("The import was refused; nothing was written.")
        st.text(result.refused)
        return
    report = result.report
    if result.files:
        files = pd.DataFrame(result.files, columns=["File", "Format", "sha256", "Records read"])
        st.dataframe(files, hide_index=True, width="stretch")
    counts = pd.DataFrame(
        [
            {
                "Record type": record_type,
                "New": report.counts[record_type].new,
                "Updated": report.counts[record_type].updated,
                "Unchanged": report.counts[record_type].unchanged,
            }
            for record_type in RECORD_TYPES
            if record_type in report.counts
        ]
    )
    if result.problems:
        st.error(f"{len(result.problems)} problem(s) found. Nothing will be written until every one is fixed.")
        st.text("\n".join(result.problems))
        return
    if committed:
        written = sum(c.written for c in report.counts.values())
        st.success(f"Imported: {written} record(s) written. The import is in the audit log; flags were evaluated.")
    else:
        st.info("No problems found. Nothing has been written yet: check the counts, then import.")
    st.dataframe(counts, hide_index=True, width="content")
    if report.skipped:
        st.caption(f"Skipped {sum(report.skipped.values())} resource(s) that are not imported:")
        st.text("\n".join(f"{count:>6}  {reason}" for reason, count in sorted(report.skipped.items())))
    if report.flag_evaluation_error:
        st.warning("The records were imported, but evaluating flags failed; run `python manage.py evaluate`.")
        st.text(report.flag_evaluation_error)
