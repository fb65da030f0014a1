"""The demo in a real browser: log in as the demo therapist, caseload, a flagged patient,
the timeline, acknowledge a flag, log out — with a screenshot of each page at 1366×768."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import dashboard_server, require_chromium, screenshot

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run dashboard.py` on a fresh database filled by `manage.py demo`."""
    require_chromium()
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite3'}"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run(
        [sys.executable, "manage.py", "--db", url, "demo"], cwd=REPO, env=env, check=True, capture_output=True
    )
    with dashboard_server(url) as base:
        yield base


def _idle(page: Any) -> None:
    """Until Streamlit has finished the current run, and Vega / the data grid have drawn."""
    page.wait_for_function(
        '() => !document.querySelector(\'[data-testid="stStatusWidget"], [data-testid="stSkeleton"]\')'
    )
    page.wait_for_timeout(600)


def _shot(page: Any, name: str) -> None:
    _idle(page)
    screenshot(page, f"pages-{name}")


def test_therapist_walks_through_caseload_patient_and_flag(demo_server: str, page: Any) -> None:
    """Log in, see the caseload, open the most urgent patient, see the timeline, acknowledge, log out."""
    from playwright.sync_api import expect

    page.goto(demo_server)
    page.get_by_role("button", name="Log in").wait_for()
    _idle(page)
    page.get_by_role("textbox", name="Username").fill("therapist")
    page.get_by_role("textbox", name="Password").fill("kap-demo")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()

    sidebar = page.get_by_test_id("stSidebarNav")
    sidebar.get_by_text("Caseload").click()
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    expect(grid).to_contain_text(re.compile("HIGH|MODERATE"))
    _shot(page, "01-caseload")

    # One click on the first (most urgent) row's selector opens the patient.
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)
    expect(page.get_by_text("Open flags", exact=True)).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_attached(timeout=30_000)
    _shot(page, "02-patient")
    page.get_by_text("Timeline", exact=True).scroll_into_view_if_needed()
    _shot(page, "03-patient-timeline")

    # The whole page at once (Streamlit scrolls inside its own container, so: a tall window).
    page.set_viewport_size({"width": 1366, "height": 4200})
    _shot(page, "03b-patient-whole-page")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_text("Acknowledge or resolve").first.click()
    page.get_by_role("button", name="Acknowledge").first.click()
    expect(page.get_by_text(re.compile("Acknowledged: ")).first).to_be_visible(timeout=30_000)
    _shot(page, "04-patient-acknowledged")

    sidebar.get_by_text("Safety flags").click()
    expect(page.get_by_text("Safety flags", exact=True).last).to_be_visible()
    expect(page.get_by_text("History of flag transitions")).to_be_visible(timeout=30_000)
    _shot(page, "05-safety")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("textbox", name="Username")).to_be_visible()
    _shot(page, "06-logged-out")
