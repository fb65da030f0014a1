"""The caseload page for each role: who is in scope, order by urgency, missing data as missing."""

from __future__ import annotations

from sqlalchemy import Engine

from tests.app.notes_records import add_notes
from tests.app.pages_harness import clinic, page_text, run_page

__all__ = ["clinic"]


def _patients(app) -> list[str]:  # type: ignore[no-untyped-def]
    return list(app.dataframe[0].value["Patient"])


def test_therapist_sees_own_patients_most_urgent_first(clinic: Engine) -> None:
    """A therapist sees only their own patients; the high SI flag comes first, then the moderate one."""
    app = run_page("caseload", "therapist")
    assert not app.exception
    assert _patients(app)[:2] == ["Ben Ortiz", "Ada Lane"]
    assert set(_patients(app)) == {"Ben Ortiz", "Ada Lane", "Cara Wu"}
    assert "Dan Moss" not in page_text(app)


def test_missing_phq9_and_si_read_as_missing(clinic: Engine) -> None:
    """A patient without assessments reads 'no PHQ-9 on record' and 'no SI data', never fine or safe."""
    app = run_page("caseload", "therapist")
    table = app.dataframe[0].value.set_index("Patient")
    assert table.loc["Cara Wu", "Latest PHQ-9"] == "no PHQ-9 on record"
    assert table.loc["Cara Wu", "SI (latest)"] == "no SI data"
    assert table.loc["Cara Wu", "Needs attention"] == "no open flags"
    assert "HIGH" in table.loc["Ben Ortiz", "Needs attention"]
    assert table.loc["Ada Lane", "SI (latest)"].startswith("POSITIVE")
    assert table.loc["Ada Lane", "Doses"] == "2 of 6"


def test_supervisor_sees_supervisees_and_can_filter_by_therapist(clinic: Engine) -> None:
    """A supervisor sees the supervised therapist's patients and gets a therapist filter."""
    app = run_page("caseload", "supervisor")
    assert set(_patients(app)) == {"Ben Ortiz", "Ada Lane", "Cara Wu"}
    therapist_filter = next(box for box in app.selectbox if box.label == "Therapist")
    assert therapist_filter.options == ["therapist"]


def test_admin_sees_everyone_and_filters_by_flag_kind(clinic: Engine) -> None:
    """An admin sees every patient; the flag filter narrows to patients with that open flag."""
    app = run_page("caseload", "admin")
    assert set(_patients(app)) == {"Ben Ortiz", "Ada Lane", "Cara Wu", "Dan Moss"}
    next(box for box in app.selectbox if box.label == "Open flag").set_value("si_persistent").run()
    assert _patients(app) == ["Ada Lane"]


def test_therapist_has_no_therapist_filter(clinic: Engine) -> None:
    """The therapist filter is for supervisors and admins only."""
    app = run_page("caseload", "therapist")
    assert "Therapist" not in [box.label for box in app.selectbox]


def test_latest_note_with_risk_language_is_marked(clinic: Engine) -> None:
    """Ada's latest note speaks of being a burden: marked, with its age; Ben's only denies SI: no marker."""
    add_notes(clinic)
    table = run_page("caseload", "therapist").dataframe[0].value.set_index("Patient")
    assert table.loc["Ada Lane", "Latest note"] == "⚠ risk language · 3 days ago"
    assert table.loc["Ben Ortiz", "Latest note"] == ""
    assert table.loc["Cara Wu", "Latest note"] == ""
