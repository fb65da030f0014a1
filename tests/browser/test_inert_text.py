"""Text is text (issue 12): hostile names, notes, adverse events and file names run nothing.

A patient whose every free-text field holds script tags, event handlers, `javascript:` links,
a Markdown image on another host, LaTeX, Streamlit colour directives and HTML entities is
shown on every page that shows it. In a real Chromium: the text reads back literally, no
dialog opens, no injected element reaches the DOM, and no request leaves the app's origin.
Under AppTest: every element carrying that text is plain text, a table cell, or escaped
Markdown that reads back as typed.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bcrypt
import pytest
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from components.plain import escape_markdown
from db.engine import UnitOfWork, make_engine
from db.models import Assessment, Clinician, Flag, Note, Patient, Session
from services.auth import CurrentUser
from services.flags import acknowledge_flag, evaluate_and_store
from tests.browser.conftest import dashboard_server, fresh_database, require_chromium

REPO = Path(__file__).resolve().parents[2]
EXTERNAL_HOST = "198.51.100.7"  # TEST-NET-2: never a real server
PASSWORD = "inert text battery"

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
JS_LINK = "[x](javascript:alert(3))"
REMOTE_IMAGE = f"![t](http://{EXTERNAL_HOST}/t.png)"
LATEX = "$\\href{javascript:alert(4)}{x}$"
COLOUR = ":red[x]"
ENTITIES = "&lt;b&gt;bold&lt;/b&gt; &amp; &#60;i&#62;"
MORE = [
    "<svg onload=alert(5)></svg>",
    f"<style>body{{background:url(http://{EXTERNAL_HOST}/c.png)}}</style>",
    "<iframe src=javascript:alert(6)></iframe>",
    ":material/warning: **bold** # heading",
    f"http://{EXTERNAL_HOST}/bare",
]
PAYLOADS = [SCRIPT, IMG, JS_LINK, REMOTE_IMAGE, LATEX, COLOUR, ENTITIES, *MORE]

FIRST_NAME = IMG
LAST_NAME = f"{REMOTE_IMAGE} {COLOUR} {LATEX} &amp;"
THERAPIST_NAME = f"{SCRIPT} {ENTITIES}"
ADVERSE_EVENTS = f"nausea {SCRIPT} {REMOTE_IMAGE} {JS_LINK}"
RISK_SENTENCE = f"She said she wants to kill herself {SCRIPT} {IMG}."
NOTE_TEXT = "\n".join([*PAYLOADS, RISK_SENTENCE])
ACK_NOTE = f"called her {IMG} {LATEX}"
PATIENT_ID = "P-INERT"
# A file name may not hold `/`; everything else may be in it.
FILE_NAME = "<img src=x onerror=alert(7)> [x](javascript:alert(8)) :red[x] &amp; $x$.csv"

# Anything that would mean user text became markup, a script, or a request elsewhere. (The
# login cookie's own component is an iframe Streamlit itself draws; any other is injected.)
_INJECTED_SELECTORS = ", ".join(
    [
        'img[src="x"]',
        f'img[src*="{EXTERNAL_HOST}"]',
        'iframe[src^="javascript:" i]',
        'iframe:not([data-testid="stCustomComponentV1"])',
        "svg[onload]",
        "[onerror]",
        "[onload]",
        'a[href^="javascript:" i]',
        f'a[href*="{EXTERNAL_HOST}"]',
        ".katex",
        ".katex-display",
    ]
)
INJECTED = f"""() => {{
  const hits = [];
  const add = (why, el) => hits.push(why + ': ' + (el.outerHTML || '').slice(0, 120));
  document.querySelectorAll('{_INJECTED_SELECTORS}').forEach(e => add('element', e));
  const holds = (e, s) => (e.textContent || '').includes(s);
  document.querySelectorAll('script').forEach(e => {{ if (holds(e, 'alert(')) add('script', e); }});
  document.querySelectorAll('style').forEach(e => {{ if (holds(e, '{EXTERNAL_HOST}')) add('style', e); }});
  document.querySelectorAll('.stMarkdownColoredText').forEach(e => {{ if (e.textContent === 'x') add('colour', e); }});
  return hits;
}}"""


def _day(days_ago: int, hour: int = 9) -> dt.datetime:
    today = dt.datetime.now(dt.UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    return today - dt.timedelta(days=days_ago)


def _phq9(days_ago: int, item9: int) -> Assessment:
    row = Assessment(patient_id=PATIENT_ID, administered_at=_day(days_ago, 8), instrument="PHQ-9")
    for n in range(1, 9):
        setattr(row, f"item_{n}", 2)
    row.item_9 = item9
    return row


def seed_hostile_patient(engine: Engine) -> None:
    """`mal` (a therapist whose own name is hostile) and one patient with hostile text everywhere."""
    password_hash = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
    with UnitOfWork(engine) as uow:
        s = uow.session
        s.add(Clinician(username="mal", display_name=THERAPIST_NAME, role="therapist", password_hash=password_hash))
        s.add(Clinician(username="root", display_name="Ruth Root", role="admin", password_hash=password_hash))
        s.flush()
        s.add(
            Patient(
                patient_id=PATIENT_ID,
                first_name=FIRST_NAME,
                last_name=LAST_NAME,
                birth_date=dt.date(1984, 2, 29),
                therapist="mal",
                status="active",
                enrolled_on=_day(40).date(),
                planned_doses=6,
            )
        )
        s.flush()
        s.add_all([_phq9(30, 3), _phq9(10, 1), _phq9(9, 1), _phq9(2, 1)])
        s.add(
            Session(
                patient_id=PATIENT_ID,
                started_at=_day(20),
                kind="dosing",
                clinician="mal",
                route="im",
                dose_mg=50.0,
                weight_kg=70.0,
                bp_pre_sys=128,
                bp_pre_dia=82,
                bp_post_sys=132,
                bp_post_dia=84,
                adverse_events=ADVERSE_EVENTS,
            )
        )
        s.add(Session(patient_id=PATIENT_ID, started_at=_day(19), kind="integration", clinician="mal"))
        s.add(Note(patient_id=PATIENT_ID, written_at=_day(19, 15), kind="integration", author="mal", text=NOTE_TEXT))
        uow.commit()
    evaluate_and_store(engine, dt.datetime.now(dt.UTC).date())
    with UnitOfWork(engine) as uow:
        flag_ids = list(uow.session.scalars(select(Flag.id).where(Flag.patient_id == PATIENT_ID).order_by(Flag.id)))
    assert flag_ids, "the hostile patient should carry an open flag"
    acknowledge_flag(engine, flag_ids[0], actor="mal", acknowledgement="other", note=ACK_NOTE)


@pytest.fixture(scope="module")
def hostile_template(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    path = tmp_path_factory.mktemp("inert") / "inert.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    seed_hostile_patient(engine)
    engine.dispose()
    return path


# --- in a real browser ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_server(hostile_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    with dashboard_server(fresh_database(hostile_template, tmp_path_factory.mktemp("inert-server"))) as base:
        yield base


class Watch:
    """Every dialog and every request a page makes, from the first navigation on."""

    def __init__(self, page: Any, origin: str) -> None:
        self.origin = origin
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        page.on("dialog", self._dialog)
        page.on("request", lambda request: self.requests.append(request.url))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def outside(self) -> list[str]:
        own = (self.origin + "/", "data:", "blob:", "about:")
        return [url for url in self.requests if not (url == self.origin or url.startswith(own))]


def _idle(page: Any) -> None:
    page.wait_for_function(
        '() => !document.querySelector(\'[data-testid="stStatusWidget"], [data-testid="stSkeleton"]\')'
    )
    page.wait_for_timeout(800)  # let images, charts and the data grid start whatever they would load


def _visible_text(page: Any) -> str:
    # Escaped Markdown keeps autolinks apart with invisible word joiners; a reader never sees them.
    return str(page.locator("body").inner_text()).replace("\u2060", "")


def _assert_inert(page: Any, watch: Watch, where: str) -> None:
    _idle(page)
    assert watch.dialogs == [], f"{where}: a dialog opened"
    assert page.evaluate(INJECTED) == [], f"{where}: user text became markup"
    assert watch.outside() == [], f"{where}: the page loaded something from another origin"


def _log_in(page: Any, username: str) -> None:
    page.get_by_role("button", name="Log in").wait_for()
    _idle(page)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()


def _open(page: Any, title: str) -> bool:
    """Follow the sidebar link with this title; False when the role has no such page."""
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile(rf"^{re.escape(title)}$"))
    if link.count() == 0:
        return False
    link.first.click()
    _idle(page)
    return True


def _nav_titles(page: Any) -> list[str]:
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    return [str(link.inner_text()).strip().splitlines()[-1] for link in links.all()]


@pytest.mark.browser
def test_therapist_pages_show_hostile_text_literally_and_run_nothing(hostile_server: str, page: Any) -> None:
    """Caseload, patient, safety and every other page of the therapist: literal text, no script, no outside request."""
    watch = Watch(page, hostile_server)
    page.goto(hostile_server)
    _log_in(page, "mal")
    _assert_inert(page, watch, "caseload")
    assert THERAPIST_NAME in _visible_text(page)  # the user box, as plain text

    assert _open(page, "Patient")
    _assert_inert(page, watch, "patient")
    page.get_by_text("Full note").first.wait_for()
    shown = _visible_text(page)
    for literal in (FIRST_NAME, LAST_NAME, *PAYLOADS, SCRIPT, "kill herself"):
        assert literal in shown, f"patient page does not show {literal!r} literally"

    assert _open(page, "Safety flags")
    _assert_inert(page, watch, "safety")
    assert f"{FIRST_NAME} {LAST_NAME}" in _visible_text(page)
    page.get_by_text("History of flag transitions").click()
    _assert_inert(page, watch, "safety history")

    for title in _nav_titles(page):
        if title not in {"Caseload", "Patient", "Safety flags"} and _open(page, title):
            _assert_inert(page, watch, title)


@pytest.mark.browser
def test_admin_pages_and_import_report_run_nothing(hostile_server: str, page: Any) -> None:
    """The admin's pages (audit log, import) and an upload whose file name is hostile: literal, inert."""
    watch = Watch(page, hostile_server)
    page.goto(hostile_server)
    _log_in(page, "root")
    _assert_inert(page, watch, "admin caseload")
    for title in _nav_titles(page):
        if _open(page, title):
            _assert_inert(page, watch, title)
    if not _open(page, "Import records"):
        pytest.skip("no Import page in the admin's navigation yet (its report is checked under AppTest below)")
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": FILE_NAME, "mimeType": "text/csv", "buffer": b"patient_id,nonsense\nP-1,2\n"}]
    )
    page.get_by_text("problem").first.wait_for()
    _assert_inert(page, watch, "import report")
    assert FILE_NAME in _visible_text(page)


# --- under AppTest: which elements carry user text -----------------------------------------------

MARKDOWN_KINDS = ("markdown", "caption", "error", "warning", "info", "success", "title", "header", "subheader", "toast")
USER_TEXT = [FIRST_NAME, LAST_NAME, THERAPIST_NAME, ADVERSE_EVENTS, ACK_NOTE, *PAYLOADS]
RAW_MARKERS = ["<script", "<img", "<svg", "<iframe", "<style", "](javascript", "](http", "$\\href", ":red[", "&lt;"]
# A marker counts only where Markdown would read it: not right after a backslash escape.
UNESCAPED = [re.compile(r"(?<!\\)" + re.escape(marker)) for marker in RAW_MARKERS]


@pytest.fixture
def hostile_clinic(hostile_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    import streamlit as st

    url = fresh_database(hostile_template, tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    yield engine
    engine.dispose()
    st.cache_resource.clear()


def _run_page(page: str, user: CurrentUser, **query: str) -> AppTest:
    app = AppTest.from_file(str(REPO / "pages" / f"{page}.py"), default_timeout=60)
    app.session_state["authentication_status"] = True
    app.session_state["kap_user"] = user
    app.query_params.update(query)
    return app.run()


def _markdown_sources(app: AppTest) -> list[str]:
    sources = [str(element.value) for kind in MARKDOWN_KINDS for element in getattr(app, kind, [])]
    sources += [str(getattr(box, "label", "")) for box in app.expander]
    for kind in ("selectbox", "text_input", "button", "checkbox", "radio", "multiselect"):
        for widget in getattr(app, kind, []):
            sources += [str(widget.label), str(getattr(widget, "help", "") or "")]
    return sources


def _plain_sources(app: AppTest) -> str:
    parts = [str(element.value) for element in app.text]
    parts += [str(element.value) for element in getattr(app, "code", [])]
    for table in app.dataframe:
        parts += [str(cell) for cell in table.value.astype(str).to_numpy().ravel()]
    return "\n".join(parts)


def _assert_user_text_is_plain(app: AppTest, expected: list[str]) -> None:
    assert not app.exception, [getattr(e, "stack_trace", e) for e in app.exception]
    markdown = _markdown_sources(app)
    for source in markdown:
        for marker in UNESCAPED:
            assert not marker.search(source), f"user text reached Markdown unescaped: {source[:160]!r}"
    plain = _plain_sources(app)
    escaped = "\n".join(markdown)
    for text in expected:
        assert text in plain or escape_markdown(text) in escaped, f"{text!r} is not shown as text"


MAL = CurrentUser("mal", THERAPIST_NAME, "therapist")
ROOT = CurrentUser("root", "Ruth Root", "admin")


def test_patient_page_carries_user_text_as_plain_text(hostile_clinic: Engine) -> None:
    """Name, note, adverse events and acknowledgement note are text elements, table cells or escaped Markdown."""
    app = _run_page("patient", MAL, patient=PATIENT_ID)
    _assert_user_text_is_plain(app, [FIRST_NAME, LAST_NAME, ADVERSE_EVENTS, *PAYLOADS])


def test_caseload_page_carries_names_in_table_cells(hostile_clinic: Engine) -> None:
    """The caseload shows the hostile name as a table cell, never as Markdown."""
    app = _run_page("caseload", MAL)
    _assert_user_text_is_plain(app, [f"{FIRST_NAME} {LAST_NAME}"])


def test_safety_page_carries_names_and_notes_as_plain_text(hostile_clinic: Engine) -> None:
    """Flag cards and their history show the name and the acknowledgement note as text."""
    app = _run_page("safety", MAL)
    _assert_user_text_is_plain(app, [f"{FIRST_NAME} {LAST_NAME}", ACK_NOTE])


def test_a_hostile_patient_link_is_refused_as_text(hostile_clinic: Engine) -> None:
    """`?patient=<img …>` (a link someone was sent) is refused or shown as text, never rendered."""
    app = _run_page("patient", MAL, patient=f"{IMG}{REMOTE_IMAGE}")
    _assert_user_text_is_plain(app, [])


def test_import_report_shows_a_hostile_file_name_as_text(hostile_clinic: Engine) -> None:
    """The import page's report names an uploaded file with a hostile name as text and table cells."""
    from services.import_uploads import Upload, preview_uploads

    upload = Upload(FILE_NAME, b"patient_id,nonsense\nP-1,2\n")
    report = preview_uploads(hostile_clinic, ROOT, [upload], therapist=None, update=False)

    def render(report):  # type: ignore[no-untyped-def]  # AppTest runs its source alone: no names to annotate with
        from components.import_report import render_import_report

        render_import_report(report, committed=False)

    app = AppTest.from_function(render, default_timeout=60, args=(report,)).run()
    _assert_user_text_is_plain(app, [FILE_NAME])


@pytest.mark.parametrize("text", [*PAYLOADS, FIRST_NAME, LAST_NAME, "a\\*b", "x@example.org www.example.org"])
def test_escaped_markdown_reads_back_as_typed(text: str) -> None:
    """What `escape_markdown` makes carries no raw markup, colon directive or link trigger."""
    escaped = escape_markdown(text)
    for marker in UNESCAPED:
        assert not marker.search(escaped)
    assert ":" not in escaped and "http://" not in escaped and "www." not in escaped
