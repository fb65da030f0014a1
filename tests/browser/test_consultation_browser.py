"""Consultation, de-identified patient and brief in a real browser: nothing identifying on the page in
de-identified mode — text, tables, chart labels, the tab title, the address — with screenshots of each."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bcrypt
import pytest

from clinical.deidentify import find_date_like
from db.engine import make_engine
from services.flags import evaluate_and_store
from tests.browser.conftest import dashboard_server, require_chromium, screenshot
from tests.consultation_records import identifying_strings, record_dates, seed_consultation_clinic

pytestmark = pytest.mark.browser

PASSWORD = "consultation browser test"
# Dated from today, so the server (which reads the real clock) sees a current course.
NOW = dt.datetime.now(dt.UTC).replace(hour=12, minute=0, second=0, microsecond=0)


@pytest.fixture(scope="module")
def team_server(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run dashboard.py` on the consultation team, logins with PASSWORD."""
    require_chromium()
    path = tmp_path_factory.mktemp("consultation") / "team.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    seed_consultation_clinic(engine, NOW, bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode())
    evaluate_and_store(engine, NOW.date())
    engine.dispose()
    with dashboard_server(f"sqlite:///{path}", KAP_TIMEZONE="UTC") as base:
        yield base


def _idle(page: Any) -> None:
    page.wait_for_function(
        '() => !document.querySelector(\'[data-testid="stStatusWidget"], [data-testid="stSkeleton"]\')'
    )
    page.wait_for_timeout(800)


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(base)
    page.get_by_role("button", name="Log in").wait_for()
    _idle(page)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()


def _shown(page: Any) -> str:
    """What the page shows and holds: visible text, table cells (drawn on a canvas), chart text, title, address."""
    parts = [page.inner_text("body"), page.title(), page.url]
    for grid in page.get_by_test_id("stDataFrame").all():
        parts.append(grid.text_content() or "")
    for chart in page.locator('[data-testid="stVegaLiteChart"] svg, [data-testid="stVegaLiteChart"] canvas').all():
        parts.append(chart.get_attribute("aria-label") or "")
        parts.append(chart.text_content() or "")
    return "\n".join(parts)


def _leaks(text: str) -> list[str]:
    found = [value for value in [*identifying_strings(), *record_dates(NOW)] if value in text]
    return found + find_date_like(text)


def _switch_on_de_identified(page: Any) -> None:
    page.get_by_text("De-identified", exact=True).click()
    _idle(page)


def test_supervisor_consultation_in_both_modes_then_patient_and_brief(team_server: str, page: Any) -> None:
    """Identified consultation names patients; de-identified consultation, patient and brief name nobody."""
    from playwright.sync_api import expect

    _log_in(page, team_server, "sup")
    page.get_by_test_id("stSidebarNav").get_by_text("Consultation").click()
    expect(page.get_by_text("Team outcomes")).to_be_visible(timeout=30_000)
    _idle(page)
    assert "Rosalind" in _shown(page)
    screenshot(page, "consultation-01-identified")

    _switch_on_de_identified(page)
    expect(page.get_by_text(re.compile("De-identified: pseudonyms"))).to_be_visible(timeout=30_000)
    _idle(page)
    screenshot(page, "consultation-02-deidentified")
    text = _shown(page)
    assert "Patient " in text and "Team outcomes" in text
    assert _leaks(text) == []

    page.get_by_text("Case list", exact=True).scroll_into_view_if_needed()
    _idle(page)
    screenshot(page, "consultation-03-deidentified-case-list")
    grid = page.get_by_test_id("stDataFrame").last
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # the first (most urgent) row
    expect(page.get_by_text("Open flags", exact=True)).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_attached(timeout=30_000)
    _idle(page)
    screenshot(page, "consultation-04-deidentified-patient")
    page.get_by_text("Timeline", exact=True).scroll_into_view_if_needed()
    _idle(page)
    screenshot(page, "consultation-05-deidentified-timeline")
    text = _shown(page)
    assert "day of course" in text
    assert _leaks(text) == []
    assert "patient=" not in page.url

    page.get_by_test_id("stSidebarNav").get_by_text("Pre-session brief").click()
    expect(page.get_by_text("Suicidal ideation and open flags")).to_be_visible(timeout=60_000)
    _idle(page)
    screenshot(page, "brief-01-deidentified")
    assert _leaks(_shown(page)) == []


def test_therapist_brief_identified(team_server: str, page: Any) -> None:
    """The therapist's brief of her patient: name, scores, last integration note, a PDF download."""
    from playwright.sync_api import expect

    _log_in(page, team_server, "ana")
    page.get_by_test_id("stSidebarNav").get_by_text("Pre-session brief").click()
    page.get_by_text("Choose a patient to see their brief.").wait_for(timeout=30_000)
    page.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="MRN-738201").click()
    expect(page.get_by_text("Rosalind Quackenbush (MRN-738201)")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("button", name=re.compile("Download the brief as PDF"))).to_be_visible()
    _idle(page)
    screenshot(page, "brief-02-identified")
    page.screenshot(path=str(Path(__file__).parent / "screenshots" / "brief-03-identified-full.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Download the brief as PDF")).click()
    assert download.value.suggested_filename.endswith(".pdf")
