"""The login form: streamlit-authenticator's widget, then the database's verdict."""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from components.guard import require_entry_script
from components.resources import dashboard_engine
from components.session_state import admit_password_login, current_gate, current_notice, reset_failed_status
from services.auth import DemoLogin, demo_logins

_FIELDS = {"Form name": "Log in", "Username": "Username", "Password": "Password", "Login": "Log in"}


def login_form() -> None:
    """Draw the form; on a successful login rerun so the role's pages appear."""
    require_entry_script()
    gate = current_gate()
    if gate is None:
        st.stop()
    reset_failed_status()
    gate.authenticator.login(location="main", fields=_FIELDS, key="kap_login_form")
    if admit_password_login(gate) is not None:
        st.rerun()
    notice = current_notice()
    if notice is not None:
        (st.error if notice.refusal else st.warning)(notice.text)


def demo_logins_table(logins: list[DemoLogin]) -> None:
    """The demo clinic's published logins, and a reminder that its data is synthetic."""
    st.subheader("Demo logins")
    st.caption("This is the demo clinic: every patient, note and score here is synthetic. No real person's data.")
    rows = [
        {"Username": login.username, "Password": login.password, "Role": login.role, "Name": login.display_name}
        for login in logins
    ]
    st.dataframe(rows, hide_index=True, width="content")


def login_page() -> None:
    """The login page's whole content (also served at every other page's URL while logged out)."""
    st.title("KAP Caseload")
    st.caption("Measurement-based care for ketamine-assisted psychotherapy. Please log in.")
    login_form()
    logins = demo_logins(dashboard_engine())
    if logins:
        demo_logins_table(logins)


def logged_out_pages(login: st.Page, pages: Iterable[st.Page]) -> list[st.Page]:
    """The login, and the login again at every page's URL (hidden): a bookmarked or shared link
    then shows the login instead of "Page not found", and after login opens that page."""
    aliases = [
        st.Page(login_page, title="Log in", url_path=page.url_path, visibility="hidden")
        for page in pages
        if page.url_path and page.url_path != login.url_path
    ]
    return [login, *aliases]
