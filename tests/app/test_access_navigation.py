"""Each role's navigation, the crisis line, and the guard on every page (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from tests.app.access_harness import (
    audit_events,
    has_login_form,
    is_logged_in,
    log_in,
    shown_text,
    start_app,
)

PAGES = Path(__file__).resolve().parents[2] / "pages"
CRISIS = "Decision support — not monitored in real time. In a crisis call 988 or your local emergency number."
# Every page file but the login; pages are added by several engineers, so the matrix below
# pins what access depends on: who gets the admin pages, and that every clinician gets the
# clinic's core pages.
ALL_PAGES = sorted(f"pages/{path.name}" for path in PAGES.glob("*.py") if path.name != "login.py")
ADMIN_ONLY = {"pages/audit_log.py", "pages/import_records.py"}
CORE_CLINIC = {"pages/caseload.py", "pages/patient.py", "pages/safety.py", "pages/status.py"}


def can_open(app: AppTest, page: str) -> bool:
    """Whether the page is registered in this session's navigation (AppTest refuses others)."""
    try:
        app.switch_page(page)
    except ValueError:
        return False
    return True


def test_logged_out_session_sees_only_the_login(access_clinic: Engine) -> None:
    """Logged out: the login form and the crisis line; no other page is registered."""
    app = start_app()
    assert not app.exception
    assert has_login_form(app) and not is_logged_in(app)
    assert CRISIS in [info.value for info in app.info]
    assert [page for page in ALL_PAGES if can_open(app, page)] == []


@pytest.mark.parametrize("username", ["tara", "sue", "ada"])
def test_each_role_gets_its_own_pages(access_clinic: Engine, moving_clock: object, username: str) -> None:
    """Every clinician gets the clinic's pages; only the admin gets the admin pages."""
    app = log_in(start_app(), username)
    assert not app.exception
    assert is_logged_in(app)
    reachable = {page for page in ALL_PAGES if can_open(app, page)}
    assert reachable >= CORE_CLINIC
    if username == "ada":
        assert "pages/audit_log.py" in reachable
    else:
        assert not reachable & ADMIN_ONLY
    for page in sorted(reachable):
        app.switch_page(page).run()
        assert not app.exception, page
        assert CRISIS in [info.value for info in app.info], page
        assert is_logged_in(app)


def test_status_page_proves_the_database_answers(access_clinic: Engine, moving_clock: object) -> None:
    """The status page shows the record counts, the schema revision and that this is not the demo."""
    app = log_in(start_app(), "tara")
    app.switch_page("pages/status.py").run()
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Patients"] == "2"
    assert metrics["Clinicians"] == "6"
    assert "Schema revision" in shown_text(app)
    assert "Demo clinic" not in shown_text(app)


def test_a_therapist_cannot_open_the_audit_log_by_a_forged_page_request(
    access_clinic: Engine, moving_clock: object
) -> None:
    """A request naming the audit log's page from a therapist's session runs the default page."""
    app = log_in(start_app(), "tara")
    admin = log_in(start_app(), "ada")
    admin.switch_page("pages/audit_log.py")
    app._page_hash = admin._page_hash  # what a crafted browser message would ask for
    app.run()
    assert not app.exception
    assert "Audit log" not in [title.value for title in app.title]
    assert not [box for box in app.selectbox if box.label == "Outcome"]
    assert not [table for table in app.dataframe if "outcome" in table.value.columns]


@pytest.mark.parametrize("page", ALL_PAGES)
def test_a_page_run_on_its_own_stops_at_the_guard(access_clinic: Engine, page: str) -> None:
    """Run without the entry script and without a login, a page shows no data, only the guard."""
    app = AppTest.from_file(str(PAGES.parent / page), default_timeout=60).run()
    assert not app.exception
    assert [warning.value for warning in app.warning] == ["Please log in to see this page."]
    text = shown_text(app)
    assert "Alma" not in text and "Tarrant" not in text and "P-TARA" not in text
    assert not app.dataframe and not app.metric
    assert audit_events(access_clinic) == []
