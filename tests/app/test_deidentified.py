"""De-identified mode under AppTest: consultation, patient and brief pages hold no name, id, birth date or date.

Everything the pages send to the browser is searched — text, table cells, widget labels and
options, chart specs and the chart data (Arrow) — not only what happens to be visible.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from clinical.deidentify import find_date_like, pseudonym
from components.consultation_view import MODE_KEY, SELECTED_KEY
from db.engine import make_engine, read_session
from db.models import AuditEvent
from services import clock
from services.auth import CurrentUser
from services.flags import evaluate_and_store
from tests.consultation_records import (
    ADVERSE_EVENT,
    NOTE_TEXT,
    NOW,
    PSEUDONYM_KEY,
    identifying_strings,
    record_dates,
    seed_consultation_clinic,
)

REPO = Path(__file__).resolve().parents[2]
USERS = {
    "sup": CurrentUser("sup", "Sophia Supervisor", "supervisor"),
    "adm": CurrentUser("adm", "Adam Admin", "admin"),
    "ana": CurrentUser("ana", "Ana Therapist", "therapist"),
}
ROSALIND = "MRN-738201"


@pytest.fixture
def team(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The consultation team in a fresh SQLite file, flags evaluated, the clock at NOW."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("KAP_PSEUDONYM_KEY", PSEUDONYM_KEY)
    monkeypatch.delenv("KAP_TIMEZONE", raising=False)
    clock.set_clock(lambda: NOW)
    engine = make_engine(sqlite_url)
    seed_consultation_clinic(engine)
    evaluate_and_store(engine, NOW.date())
    yield engine
    clock.set_clock(None)
    engine.dispose()


def run_page(page: str, username: str, **state: Any) -> AppTest:
    app = AppTest.from_file(str(REPO / "pages" / f"{page}.py"), default_timeout=90)
    app.session_state["authentication_status"] = True
    app.session_state["kap_user"] = USERS[username]
    for key, value in state.items():
        app.session_state[key] = value
    return app.run()


def sent_to_browser(app: AppTest) -> str:
    """Every string of every element the page produced, with tables and chart data decoded."""
    parts: list[str] = []
    _walk(app._tree, parts)
    return "\n".join(parts)


def _walk(node: Any, parts: list[str]) -> None:
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "ListFields"):
        _strings(proto, parts)
    children = getattr(node, "children", None)
    for child in children.values() if isinstance(children, dict) else children or ():
        _walk(child, parts)


def _strings(message: Any, parts: list[str]) -> None:
    for field, value in message.ListFields():
        values = value if _repeated(field) else [value]
        for item in values:
            if isinstance(item, str):
                parts.append(item)
            elif isinstance(item, bytes):
                parts.append(_arrow_text(item))
            elif hasattr(item, "ListFields"):
                _strings(item, parts)


def _repeated(field: Any) -> bool:
    # protobuf 5+ dropped `label` from the upb descriptors; `is_repeated` replaced it.
    repeated = getattr(field, "is_repeated", None)
    return bool(repeated) if repeated is not None else field.label == field.LABEL_REPEATED


def _arrow_text(data: bytes) -> str:
    try:
        import pyarrow as pa

        table = pa.ipc.open_stream(io.BytesIO(data)).read_all()
    except Exception:  # noqa: BLE001 - not Arrow (an image, a file): nothing textual to search
        return ""
    frame: pd.DataFrame = table.to_pandas()
    return frame.to_string() + " " + " ".join(map(str, frame.columns))


def leaks(text: str) -> list[str]:
    """Names, ids and birth dates of the fixture, its record dates, and anything else that reads as a date."""
    found = [value for value in [*identifying_strings(), *record_dates()] if value in text]
    return found + find_date_like(text)


def test_identified_consultation_shows_names_so_the_check_below_means_something(team: Engine) -> None:
    """Without the toggle the supervisor sees names, ids and dates."""
    app = run_page("consultation", "sup")
    assert not app.exception
    text = sent_to_browser(app)
    assert "Rosalind Quackenbush" in text and ROSALIND in text
    assert leaks(text)


def test_consultation_has_a_toggle_labelled_de_identified(team: Engine) -> None:
    """The toggle is labelled exactly "De-identified" and starts off."""
    app = run_page("consultation", "sup")
    assert [toggle.label for toggle in app.toggle] == ["De-identified"]
    assert app.toggle[0].value is False


def test_de_identified_consultation_leaks_nothing(team: Engine) -> None:
    """Toggled on: pseudonyms and ages; no name, id, birth date or calendar date anywhere."""
    app = run_page("consultation", "sup")
    app.toggle[0].set_value(True).run()
    assert not app.exception
    text = sent_to_browser(app)
    assert leaks(text) == []
    assert pseudonym(ROSALIND, PSEUDONYM_KEY) in text
    assert "54 years" in text  # Rosalind's age instead of her birth date
    assert "2 of 5 (40 %)" in text  # the rates are the same in both modes


def test_de_identified_consultation_of_the_admin_leaks_nothing(team: Engine) -> None:
    """The admin's whole-clinic consultation, de-identified, is as clean."""
    app = run_page("consultation", "adm", **{MODE_KEY: True})
    assert not app.exception
    assert leaks(sent_to_browser(app)) == []
    assert "3 of 6 (50 %)" in sent_to_browser(app)


def test_therapist_cannot_open_consultation(team: Engine) -> None:
    """A therapist is refused the page, and sees no outcome of anyone."""
    app = run_page("consultation", "ana")
    assert [error.value for error in app.error] == ["Your role does not give access to this page."]
    assert "Rosalind" not in sent_to_browser(app)


def test_de_identified_patient_page_leaks_nothing_and_hides_free_text(team: Engine) -> None:
    """The patient page in consultation mode: pseudonym, ages, day N; notes and adverse events hidden."""
    app = run_page("patient", "sup", **{MODE_KEY: True, SELECTED_KEY: ROSALIND})
    assert not app.exception
    text = sent_to_browser(app)
    assert leaks(text) == []
    assert pseudonym(ROSALIND, PSEUDONYM_KEY) in text
    assert "day 0" in text and "hidden (de-identified)" in text
    assert "lighter" not in text and "Nausea" not in text
    assert any(toggle.label == "De-identified" and toggle.value for toggle in app.toggle)


def test_de_identified_patient_chart_counts_days_not_dates(team: Engine) -> None:
    """The timeline's spec and data use days of the course; its x axis says so."""
    app = run_page("patient", "sup", **{MODE_KEY: True, SELECTED_KEY: ROSALIND})
    charts = app.get("vega_lite_chart")
    assert charts, "the de-identified timeline is drawn"
    text = "\n".join(_chart_text(chart) for chart in charts)
    assert "day of course (day 0 = first dose)" in text
    assert leaks(text) == []


def _chart_text(chart: Any) -> str:
    parts: list[str] = []
    _strings(chart.proto, parts)
    return "\n".join(parts)


def test_revealing_free_text_is_audited_then_shown(team: Engine) -> None:
    """Reveal writes an audit row with the revealer and the patient, then shows the note and adverse event."""
    app = run_page("patient", "sup", **{MODE_KEY: True, SELECTED_KEY: ROSALIND})
    assert NOTE_TEXT[:30] not in sent_to_browser(app)
    next(button for button in app.button if button.label == "Reveal free text").click().run()
    assert not app.exception
    text = sent_to_browser(app)
    assert "She described feeling lighter" in text
    assert ADVERSE_EVENT in text
    with read_session(team) as session:
        rows = session.execute(
            select(AuditEvent.actor, AuditEvent.patient_id).where(AuditEvent.event == "patient.free_text_revealed")
        ).all()
    assert ("sup", ROSALIND) in rows


def test_patient_id_in_the_address_bar_is_dropped_in_de_identified_mode(team: Engine) -> None:
    """A `?patient=` link opened in consultation mode loses the id from the address."""
    app = AppTest.from_file(str(REPO / "pages" / "patient.py"), default_timeout=90)
    app.session_state["authentication_status"] = True
    app.session_state["kap_user"] = USERS["sup"]
    app.session_state[MODE_KEY] = True
    app.query_params["patient"] = ROSALIND
    app.run()
    assert "patient" not in app.query_params
    assert leaks(sent_to_browser(app)) == []


def test_de_identified_brief_leaks_nothing(team: Engine) -> None:
    """The brief, de-identified: every section, no identifier, the timeline on days of the course."""
    app = run_page("brief", "sup", **{MODE_KEY: True, SELECTED_KEY: ROSALIND})
    assert not app.exception
    text = sent_to_browser(app)
    assert leaks(text) == []
    for section in ("Suicidal ideation and open flags", "Current scores and change from baseline", "Dose history"):
        assert section in text
    assert app.get("vega_lite_chart"), "the brief's timeline is on the page"


def test_identified_brief_names_the_patient_and_audits_it(team: Engine) -> None:
    """The therapist's own brief names the patient, shows the note summary, and is audited."""
    app = run_page("brief", "ana", **{SELECTED_KEY: ROSALIND})
    assert not app.exception
    text = sent_to_browser(app)
    assert "Rosalind Quackenbush" in text
    assert "Summary:" in text
    with read_session(team) as session:
        events = list(session.scalars(select(AuditEvent.event).where(AuditEvent.patient_id == ROSALIND)))
    assert "brief.generated" in events and "patient.viewed" in events


def test_generated_moments_are_not_leaking_through_the_clock() -> None:
    """The fixture's fixed now is one of the dates searched for (so a 'today' shown as a date is caught)."""
    assert NOW.date().isoformat() in record_dates()
    assert dt.date(1971, 8, 23).isoformat() in identifying_strings()
