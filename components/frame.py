"""What every page shows around its content: the crisis line and the user box with logout."""

from __future__ import annotations

import streamlit as st

from components.session_state import LoginGate, on_logout_button
from services.auth import CurrentUser

CRISIS_LINE = "Decision support — not monitored in real time. In a crisis call 988 or your local emergency number."
ROLE_LABELS = {"therapist": "Therapist", "supervisor": "Supervisor", "admin": "Admin"}


def crisis_line() -> None:
    """SPEC §1: the dashboard is not a crisis channel, and says so on every page."""
    st.info(CRISIS_LINE, icon=":material/emergency:")


def user_box(gate: LoginGate, user: CurrentUser) -> CurrentUser | None:
    """Who is logged in, and the logout button; None when it was pressed in this run.

    No `st.rerun()` after the library's logout: its cookie deletion must reach the browser.
    """
    box = st.sidebar.empty()
    with box.container():
        st.caption("Logged in as")
        st.text(f"{user.display_name}\n{ROLE_LABELS.get(user.role, user.role)} · {user.username}")
        # Never key="logout": the library keeps its own `logout` flag under that name.
        gate.authenticator.logout(
            button_name="Log out",
            location="main",  # "main" draws into the current container, this sidebar box
            key="kap_logout_button",
            callback=on_logout_button,
        )
        st.caption(f"Logged off automatically after {gate.config.idle_minutes} minutes without activity.")
    if st.session_state.get("authentication_status") is True:
        return user
    box.empty()  # logged out in this run: the name must not linger in the sidebar
    return None
