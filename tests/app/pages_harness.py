"""Running one page under AppTest as a logged-in user, against the small page clinic."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from db.engine import make_engine
from services import clock
from services.auth import CurrentUser
from services.flags import evaluate_and_store
from tests.app.pages_records import NOW, seed_page_clinic

REPO = Path(__file__).resolve().parents[2]
USERS = {
    "therapist": CurrentUser("therapist", "Tess Therapist", "therapist"),
    "therapist2": CurrentUser("therapist2", "Theo Other", "therapist"),
    "supervisor": CurrentUser("supervisor", "Sam Super", "supervisor"),
    "admin": CurrentUser("admin", "Alex Admin", "admin"),
}


@pytest.fixture
def clinic(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The page clinic in a fresh SQLite file, flags evaluated, the clock fixed at NOW."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.delenv("KAP_TIMEZONE", raising=False)
    clock.set_clock(_ticking_from(NOW))
    engine = make_engine(sqlite_url)
    seed_page_clinic(engine)
    evaluate_and_store(engine, NOW.date())
    yield engine
    clock.set_clock(None)
    engine.dispose()


def _ticking_from(start: dt.datetime) -> Callable[[], dt.datetime]:
    """A clock that starts at `start` and moves a second per reading, as time does between clicks."""
    ticks = itertools.count()
    return lambda: start + dt.timedelta(seconds=next(ticks))


def run_page(page: str, role: str, **state: object) -> AppTest:
    """Run `pages/<page>.py` as the named user (the guard reads the session, as after login)."""
    app = AppTest.from_file(str(REPO / "pages" / f"{page}.py"), default_timeout=60)
    app.session_state["authentication_status"] = True
    app.session_state["kap_user"] = USERS[role]
    for key, value in state.items():
        app.session_state[key] = value
    return app.run()


def page_text(app: AppTest) -> str:
    """Everything the page wrote as text, markdown, captions, alerts and table cells."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "error", "warning", "info", "success"):
        parts += [str(element.value) for element in getattr(app, kind)]
    for table in app.dataframe:
        parts.append(table.value.to_string())
    return "\n".join(parts)
