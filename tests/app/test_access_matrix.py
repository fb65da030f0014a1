"""The access matrix through the dashboard: nothing the app offers opens another's patient."""

from __future__ import annotations

from sqlalchemy import Engine, text
from streamlit.testing.v1 import AppTest

from tests.app.access_harness import (
    audit_events,
    log_in,
    shown_text,
    start_app,
)

THEOS_PATIENT_WORDS = ("Bert", "Theobald", "1975-11-30", "1975")


def open_patient_page(app: AppTest, **query: str) -> AppTest:
    app.switch_page("pages/patient.py")
    app.query_params.update(query)
    return app.run()


def shows_patient(app: AppTest, first_name: str, last_name: str) -> bool:
    """The patient's name is on the page (the page body may change; the name stays)."""
    shown = shown_text(app)
    return first_name in shown and last_name in shown


def denied_views(engine: Engine) -> list[tuple[str, str | None]]:
    return [
        (actor, patient)
        for actor, event, patient, outcome in audit_events(engine)
        if event == "patient.viewed" and outcome == "denied"
    ]


def assert_shows_nothing_of_theos_patient(app: AppTest) -> None:
    assert not app.exception
    shown = shown_text(app)
    for word in THEOS_PATIENT_WORDS:
        assert word not in shown


def test_therapist_sees_own_patient_and_the_view_is_audited(access_clinic: Engine, moving_clock: object) -> None:
    """The own patient shows name and birth date; one `patient.viewed` success row precedes it."""
    app = open_patient_page(log_in(start_app(), "tara"))
    assert not app.exception
    assert shows_patient(app, "Alma", "Tarrant")
    assert ("tara", "patient.viewed", "P-TARA", "success") in audit_events(access_clinic)


def test_patient_picker_offers_only_the_patients_in_scope(access_clinic: Engine, moving_clock: object) -> None:
    """The picker lists the therapist's own patients, never another therapist's."""
    app = open_patient_page(log_in(start_app(), "tara"))
    assert app.selectbox[0].options == ["P-TARA"]


def test_query_parameter_for_another_therapists_patient_is_denied_and_audited(
    access_clinic: Engine, moving_clock: object
) -> None:
    """`?patient=` naming theo's patient shows a refusal, no data, and writes a denied row."""
    app = open_patient_page(log_in(start_app(), "tara"), patient="P-THEO")
    assert_shows_nothing_of_theos_patient(app)
    assert any("not on your caseload" in error.value for error in app.error)
    assert denied_views(access_clinic) == [("tara", "P-THEO")]


def test_session_state_naming_another_therapists_patient_is_denied_and_audited(
    access_clinic: Engine, moving_clock: object
) -> None:
    """A patient id left in session state goes through the same check."""
    app = log_in(start_app(), "tara")
    app.session_state["selected_patient_id"] = "P-THEO"
    app = open_patient_page(app)
    assert_shows_nothing_of_theos_patient(app)
    assert denied_views(access_clinic) == [("tara", "P-THEO")]


def test_unknown_patient_id_reads_like_a_denial(access_clinic: Engine, moving_clock: object) -> None:
    """An id that does not exist gets the same message, so ids cannot be probed."""
    denied = open_patient_page(log_in(start_app(), "tara"), patient="P-THEO")
    unknown = open_patient_page(log_in(start_app(), "tara"), patient="P-NOBODY")
    assert [e.value for e in denied.error] == [e.value for e in unknown.error]
    assert denied_views(access_clinic) == [("tara", "P-THEO"), ("tara", "P-NOBODY")]


def test_supervisor_reaches_supervisees_patient_but_not_others(access_clinic: Engine, moving_clock: object) -> None:
    """Sue sees tara's patient; theo (not her supervisee) stays closed, and the refusal is audited."""
    allowed = open_patient_page(log_in(start_app(), "sue"), patient="P-TARA")
    assert shows_patient(allowed, "Alma", "Tarrant")
    refused = open_patient_page(log_in(start_app(), "sue"), patient="P-THEO")
    assert_shows_nothing_of_theos_patient(refused)
    assert denied_views(access_clinic) == [("sue", "P-THEO")]


def test_admin_reaches_every_patient(access_clinic: Engine, moving_clock: object) -> None:
    """The admin's picker holds every patient."""
    app = open_patient_page(log_in(start_app(), "ada"), patient="P-THEO")
    assert shows_patient(app, "Bert", "Theobald")
    assert app.selectbox[0].options == ["P-THEO", "P-TARA"]


def test_failing_audit_write_shows_no_patient_data(access_clinic: Engine, moving_clock: object) -> None:
    """When the database refuses the audit row, the page shows an error and nothing of the patient."""
    app = log_in(start_app(), "tara")
    with access_clinic.begin() as connection:
        connection.execute(
            text(
                "CREATE TRIGGER audit_refuses_patient_views BEFORE INSERT ON audit_log "
                "WHEN NEW.event = 'patient.viewed' BEGIN SELECT RAISE(ABORT, 'audit storage full'); END"
            )
        )
    app = open_patient_page(app, patient="P-TARA")
    assert not app.exception
    assert not shows_patient(app, "Alma", "Tarrant")
    assert "1981-04-09" not in shown_text(app)
    assert any("could not be recorded in the audit log" in error.value for error in app.error)
    assert not [row for row in audit_events(access_clinic) if row[1] == "patient.viewed"]


def test_admin_filters_the_audit_log_by_outcome(access_clinic: Engine, moving_clock: object) -> None:
    """The audit log page lists the denied view of a therapist when filtered by outcome."""
    open_patient_page(log_in(start_app(), "tara"), patient="P-THEO")
    app = log_in(start_app(), "ada")
    app.switch_page("pages/audit_log.py").run()
    assert not app.exception
    outcome = next(box for box in app.selectbox if box.label == "Outcome")
    outcome.select("denied")
    submit = next(button for button in app.button if button.label == "Show")
    app = submit.click().run()
    table = app.dataframe[0].value
    assert table[["actor", "event", "patient_id", "outcome"]].values.tolist() == [
        ["tara", "patient.viewed", "P-THEO", "denied"]
    ]
