"""A real `streamlit run dashboard.py` and a real Chromium (Playwright) for the browser tests.

Chromium is Debian's (`/usr/lib/chromium/chromium`); `playwright install` is never run.
Without it the tests skip, unless KAP_TEST_REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from db.engine import make_engine
from tests.access_clinic import COOKIE_KEY, PSEUDONYM_KEY, seed_access_clinic

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/lib/chromium/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1366, "height": 768}


def require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("KAP_TEST_REQUIRE_BROWSER") == "1":
        pytest.fail(f"KAP_TEST_REQUIRE_BROWSER=1 but there is no Chromium at {CHROMIUM}")
    pytest.skip(f"no Chromium at {CHROMIUM}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def dashboard_server(database_url: str, **settings: str) -> Iterator[str]:
    """Start `streamlit run dashboard.py` on a free port; yield its base URL; stop it."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "KAP_COOKIE_KEY": COOKIE_KEY,
        "KAP_PSEUDONYM_KEY": PSEUDONYM_KEY,
        "KAP_SESSION_COOKIE_DAYS": "0",
        "PYTHONPATH": str(REPO),
        **settings,
    }
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none"]
    server = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: {server.stderr.read().decode() if server.stderr else ''}")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def access_template(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """A migrated SQLite file with the access clinic, copied for every server."""
    path = tmp_path_factory.mktemp("access") / "access.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    seed_access_clinic(engine)
    engine.dispose()
    return path


def fresh_database(template: Path, folder: Path) -> str:
    path = folder / "kap.sqlite3"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def access_server(access_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server on the access clinic for a whole test module."""
    require_chromium()
    with dashboard_server(fresh_database(access_template, tmp_path_factory.mktemp("server"))) as base:
        yield base


@pytest.fixture
def fresh_access_server(access_template: Path, tmp_path: Path) -> Iterator[str]:
    """A server that has answered no request yet (for first-request tests)."""
    require_chromium()
    with dashboard_server(fresh_database(access_template, tmp_path)) as base:
        yield base


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
