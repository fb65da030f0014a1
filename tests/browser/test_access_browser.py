"""Login, logout and reload in a real Chromium against a real `streamlit run`; first requests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from db.engine import UnitOfWork, make_engine
from db.models import Clinician
from tests.access_clinic import PASSWORD
from tests.browser.conftest import dashboard_server, fresh_database, require_chromium, screenshot

pytestmark = pytest.mark.browser

PATIENT_WORDS = ("Alma", "Tarrant", "P-TARA", "Bert", "Theobald", "P-THEO")
CRISIS = "Decision support — not monitored in real time. In a crisis call 988 or your local emergency number."
# Registered URL paths that show patient data, and the legacy URLs Streamlit derives from the
# pages/ file names (on a fresh server these would run a page file without the entry script).
DIRECT_PATHS = [
    "/",
    "/my-caseload",
    "/patient-record?patient=P-TARA",
    "/audit-trail",
    "/caseload",
    "/patient?patient=P-TARA",
    "/safety",
    "/audit_log",
]


def wait_for_login_form(page: Any) -> None:
    page.get_by_role("textbox", name="Username").wait_for()
    page.get_by_role("button", name="Log in").wait_for()
    wait_until_idle(page)


def wait_until_idle(page: Any) -> None:
    """Until Streamlit has finished the current run: no running icon, no stale or placeholder element."""
    busy = ", ".join(
        [
            '[data-stale="true"]',
            '[data-testid="stStatusWidgetRunningIcon"]',
            '[data-testid="stStatusWidgetRunningManIcon"]',
            '[data-testid="stSkeleton"]',
        ]
    )
    page.wait_for_function(f"() => !document.querySelector({busy!r})")


def wait_for_user_box(page: Any, name: str) -> None:
    """Until the user is shown as logged in and the login form has left the page."""
    page.get_by_test_id("stSidebar").get_by_text(name).wait_for()
    page.get_by_role("button", name="Log out").wait_for()
    page.get_by_role("button", name="Log in").wait_for(state="detached")
    wait_until_idle(page)


def log_in(page: Any, username: str, password: str = PASSWORD) -> None:
    wait_for_login_form(page)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def page_text(page: Any) -> str:
    return str(page.locator("body").text_content() or "")


def test_login_logout_and_reload(access_server: str, page: Any) -> None:
    """Log in, reload (no login cookie: back to the login), log in again, log out, reload."""
    page.goto(access_server)
    wait_for_login_form(page)
    assert CRISIS in page_text(page)
    screenshot(page, "access-01-login")

    log_in(page, "tara", "not the password")
    page.get_by_text("Login failed").first.wait_for()
    screenshot(page, "access-02-login-refused")

    log_in(page, "tara")
    wait_for_user_box(page, "Tara Therapist")
    wait_until_idle(page)
    assert CRISIS in page_text(page)
    screenshot(page, "access-03-home")

    page.reload()
    wait_for_login_form(page)
    assert "Tara Therapist" not in page_text(page)

    log_in(page, "tara")
    wait_for_user_box(page, "Tara Therapist")
    page.get_by_role("link", name="Patient").click()
    page.get_by_text("Tarrant").first.wait_for()
    wait_until_idle(page)
    screenshot(page, "access-04-patient")

    page.get_by_role("button", name="Log out").click()
    wait_for_login_form(page)
    text = page_text(page)
    assert "Tara Therapist" not in text
    assert not any(word in text for word in PATIENT_WORDS)
    screenshot(page, "access-05-logged-out")

    page.reload()
    wait_for_login_form(page)
    assert "Tara Therapist" not in page_text(page)


def test_another_therapists_patient_link_shows_no_data(access_server: str, page: Any) -> None:
    """A shared link to theo's patient, opened by tara, shows the refusal and nothing of the patient."""
    page.goto(access_server)
    log_in(page, "tara")
    wait_for_user_box(page, "Tara Therapist")
    page.goto(f"{access_server}/patient-record?patient=P-THEO")
    wait_for_login_form(page)  # a new page load is a new session: log in again
    log_in(page, "tara")
    wait_for_user_box(page, "Tara Therapist")
    wait_until_idle(page)
    assert not any(word in page_text(page) for word in ("Bert", "Theobald"))


@pytest.mark.parametrize("path", DIRECT_PATHS)
def test_first_request_to_any_page_shows_the_login_and_no_patient_data(
    fresh_access_server: str, page: Any, path: str
) -> None:
    """On a freshly started server, a page's URL as the very first request shows only the login."""
    page.goto(fresh_access_server + path)
    wait_for_login_form(page)
    text = page_text(page)
    assert not any(word in text for word in PATIENT_WORDS)
    assert "Log out" not in text
    name = path.strip("/").split("?")[0].replace("/", "-") or "root"
    screenshot(page, f"access-first-request-{name}")


def test_login_cookie_is_refused_once_the_account_is_locked(access_template: Path, tmp_path: Path, page: Any) -> None:
    """With KAP_SESSION_COOKIE_DAYS=1 a reload keeps the login, until the account is locked."""
    require_chromium()
    url = fresh_database(access_template, tmp_path)
    with dashboard_server(url, KAP_SESSION_COOKIE_DAYS="1") as base:
        page.goto(base)
        log_in(page, "tara")
        wait_for_user_box(page, "Tara Therapist")
        page.reload()
        wait_for_user_box(page, "Tara Therapist")  # logged in again from the cookie
        engine = make_engine(url)
        with UnitOfWork(engine) as uow:
            tara = uow.session.get(Clinician, "tara")
            assert tara is not None
            tara.locked_until = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=15)
            uow.commit()
        engine.dispose()
        page.reload()
        wait_for_login_form(page)
        page.get_by_text("Login failed").first.wait_for()
        page.wait_for_timeout(2500)  # let the cookie component's rerun settle before the screenshot
        assert "Tara Therapist" not in page_text(page)
        screenshot(page, "access-06-cookie-refused-when-locked")
