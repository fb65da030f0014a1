"""The guard at the top of every page: no authenticated session, no page.

The entry script registers only the pages a role may see; this is the second line of
defence. It also catches a page run on its own: until the entry script has called
`st.navigation` once, Streamlit treats `pages/` as its legacy page folder, so a first
request for `/patient` runs pages/patient.py without the login gate. Such a run is sent to
the entry script (which shows the login) and never gets past the guard.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection

import streamlit as st
from streamlit.errors import StreamlitAPIException

from components.resources import dashboard_engine
from components.session_state import ENTRY_RUN_KEY, USER_KEY
from services import access
from services.auth import CurrentUser

ENTRY_SCRIPT = "dashboard.py"


def require_entry_script() -> None:
    """Stop (after redirecting to the entry script) when this page runs without it.

    Only a session without a login can get here in production: the legacy mode ends for the
    whole process at the first run of the entry script, and only that run can log anyone in.
    """
    if st.session_state.get(ENTRY_RUN_KEY):
        return
    # switch_page raises Streamlit's rerun signal, so nothing below runs; it fails only where the
    # entry script is no known page (a test running one page file alone).
    with contextlib.suppress(StreamlitAPIException):
        st.switch_page(ENTRY_SCRIPT)
    st.warning("Please log in to see this page.")
    st.stop()


def require_login(roles: Collection[str] | None = None, *, page: str = "this page") -> CurrentUser:
    """The logged-in user, or a stop. With `roles`, other roles are refused (and audited)."""
    user = st.session_state.get(USER_KEY)
    if st.session_state.get("authentication_status") is not True or not isinstance(user, CurrentUser):
        require_entry_script()
        st.warning("Please log in to see this page.")
        st.stop()
    if roles is not None and user.role not in roles:
        access.audit_denied_page(dashboard_engine(), user, page)
        st.error("Your role does not give access to this page.")
        st.stop()
    return user
