"""Render a page under Streamlit's AppTest as a logged-in clinician, the way `tests/app/` does.

The guard reads the login from the session state (as after a real login), so the caseload
page and the title-only page run with the same session, in the same harness. The engine is
held in `st.cache_resource`; it is cleared before each run so no cache survives a repetition.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import streamlit as st
from streamlit import logger
from streamlit.testing.v1 import AppTest

from services.auth import CurrentUser

REPO_ROOT = Path(__file__).resolve().parent.parent
# AppTest.from_file resolves a relative path against the calling file: absolute paths only.
CASELOAD_PAGE = str(REPO_ROOT / "pages" / "caseload.py")
TITLE_PAGE = str(Path(__file__).resolve().parent / "_title_page.py")
logger.set_log_level("error")  # bare-mode warnings ("no runtime found") on every run are noise here


def render_ms(page: str, url: str, user: CurrentUser) -> float:
    """Milliseconds for one fresh run of `page` as `user` against the database at `url`."""
    os.environ["DATABASE_URL"] = url
    st.cache_resource.clear()
    app = AppTest.from_file(page, default_timeout=300)
    app.session_state["authentication_status"] = True
    app.session_state["kap_user"] = user
    started = time.perf_counter()
    app.run()
    elapsed = (time.perf_counter() - started) * 1000
    if app.exception:
        raise RuntimeError(f"{page} raised under AppTest: {app.exception[0].value}")
    st.cache_resource.clear()
    return elapsed
