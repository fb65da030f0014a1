"""Helpers for running the whole dashboard under AppTest (fixtures: tests/app/conftest.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from db.engine import read_session
from db.models import AuditEvent
from tests.access_clinic import PASSWORD

# AppTest.from_file resolves a relative path against the test file: use an absolute one.
DASHBOARD = str(Path(__file__).resolve().parents[2] / "dashboard.py")
START = dt.datetime(2026, 3, 30, 8, 0, tzinfo=dt.UTC)


class MovableClock:
    """The services' clock, moved by hand (lockout and idle logoff without waiting)."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)


def start_app() -> AppTest:
    """A fresh browser session on the dashboard, after its first run."""
    app = AppTest.from_file(DASHBOARD, default_timeout=60)
    return app.run()


def log_in(app: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    """Fill in and submit the login form."""
    fields = {field.label: field for field in app.text_input}
    fields["Username"].input(username)
    fields["Password"].input(password)
    submit = [button for button in app.button if button.label == "Log in"]
    assert submit, "no login form on the page"
    return submit[0].click().run()


def shown_text(app: AppTest) -> str:
    """Everything the run wrote as text, in the main area and the sidebar."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "error", "warning", "info", "success"):
        parts += [str(element.value) for element in getattr(app, kind)]
    for table in app.dataframe:
        parts.append(table.value.to_string())
    for box in app.selectbox:
        parts += [str(option) for option in box.options]
    return "\n".join(parts)


def is_logged_in(app: AppTest) -> bool:
    return any(button.label == "Log out" for button in app.button)


def has_login_form(app: AppTest) -> bool:
    return any(button.label == "Log in" for button in app.button)


def audit_events(engine: Engine) -> list[tuple[str, str, str | None, str]]:
    with read_session(engine) as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        return [(row.actor, row.event, row.patient_id, row.outcome) for row in rows]
