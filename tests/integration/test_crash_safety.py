"""An import killed with SIGKILL midway leaves the database as it was, and usable (SQLite and PostgreSQL).

The import is killed while it demonstrably holds its written, uncommitted records (the
test-only `KAP_TEST_PAUSE_BEFORE_COMMIT` hook makes it wait there), and at arbitrary
moments of a run without the hook: before, during or after its commit the database holds
either none of the run or all of it — never a part — and a following import and
`audit verify` succeed.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, text

from db import audit
from db.engine import read_session
from services.imports import import_paths
from tests.integration.dumps import describe_difference, logical_dump, row_counts, write_clinic

REPO = Path(__file__).resolve().parents[2]
PAUSE = "KAP_TEST_PAUSE_BEFORE_COMMIT"
WAIT = 120
RECORDS_LOCK = 7_355_609  # db.engine's advisory lock key for writers of records and flags


def _manage(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != PAUSE}
    return subprocess.run(
        [sys.executable, "manage.py", "--db", db_url, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=WAIT * 2,
        stdin=subprocess.DEVNULL,
    )


def _start_import(db_url: str, folder: Path, pause_marker: Path | None = None) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != PAUSE}
    if pause_marker is not None:
        env[PAUSE] = str(pause_marker)
    return subprocess.Popen(
        [sys.executable, "manage.py", "--db", db_url, "import", str(folder)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=WAIT)


def _open_transactions(engine: Engine) -> int:
    """PostgreSQL: other sessions of this database inside a transaction (what a killed import leaves behind)."""
    with engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
        )


def _wait_until_server_noticed(engine: Engine) -> None:
    # The server ends a dead client's transaction (rolling it back) once it notices the closed socket.
    if engine.dialect.name != "postgresql":
        return
    deadline = time.monotonic() + WAIT
    while _open_transactions(engine):
        assert time.monotonic() < deadline, "the killed import's transaction is still open"
        time.sleep(0.1)


def _assert_usable(engine: Engine, folder: Path) -> None:
    """A following import writes everything, and the audit chain is whole (in-process: faster than two commands)."""
    report = import_paths(engine, [folder], actor="test")
    assert report.committed and report.flag_evaluation_error is None, [str(p) for p in report.problems]
    with read_session(engine) as session:
        assert audit.verify(session) is None


def test_import_killed_inside_its_write_transaction_changes_nothing(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    """SIGKILL while the import holds its written, uncommitted records: every table is as before."""
    seed = write_clinic(tmp_path / "seed", patients=5, per_patient=2, prefix="OLD")
    assert import_paths(engine, [seed], actor="test").committed
    before = logical_dump(engine)
    folder = write_clinic(tmp_path / "clinic", patients=100, per_patient=4)
    marker = tmp_path / "paused"
    importer = _start_import(db_url, folder, marker)
    try:
        deadline = time.monotonic() + WAIT
        while not marker.exists():
            assert importer.poll() is None, "the import ended before it wrote anything"
            assert time.monotonic() < deadline, "gave up waiting for the import to write"
            time.sleep(0.05)
        assert _someone_writes(engine)  # it is inside its write transaction
    finally:
        _kill(importer)
    assert importer.returncode == -signal.SIGKILL
    _wait_until_server_noticed(engine)
    after = logical_dump(engine)
    assert after == before, describe_difference(before, after)
    _assert_usable(engine, folder)
    assert row_counts(logical_dump(engine))["patients"] == 105
    verified = _manage(db_url, "audit", "verify")  # and the command says so too
    assert verified.returncode == 0, verified.stderr


def test_import_killed_while_seen_writing_leaves_none_or_all_of_it(db_url: str, engine: Engine, tmp_path: Path) -> None:
    """SIGKILL the moment a real import (no hook) is seen holding the write lock: none of the run or all of it."""
    folder = write_clinic(tmp_path / "clinic", patients=120, per_patient=4)
    before = logical_dump(engine)
    importer = _start_import(db_url, folder)
    try:
        deadline = time.monotonic() + WAIT
        while not _someone_writes(engine):
            assert importer.poll() is None, "the import ended before it was seen writing"
            assert time.monotonic() < deadline, "gave up waiting for the import to write"
            time.sleep(0.02)
    finally:
        _kill(importer)
    _wait_until_server_noticed(engine)
    after = logical_dump(engine)
    if after != before:  # it committed in the instant before the kill: then all of it is there
        counts = row_counts(after)
        assert (counts["clinicians"], counts["patients"], counts["assessments"]) == (1, 120, 480), counts
    print(f"\n{engine.dialect.name}: killed import left {'all' if after != before else 'none'} of its records")
    _assert_usable(engine, folder)
    counts = row_counts(logical_dump(engine))
    assert (counts["clinicians"], counts["patients"], counts["assessments"]) == (1, 120, 480)


def _someone_writes(engine: Engine) -> bool:
    """Another process holds the records' write turn (`db.engine.lock_for_records`)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            holders = conn.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND objid = :key AND pid <> pg_backend_pid()"
                ),
                {"key": RECORDS_LOCK},
            ).scalar_one()
        return bool(holders)
    return _sqlite_write_locked(str(engine.url.database))


def _sqlite_write_locked(path: str) -> bool:
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:  # "database is locked": a writer is inside its transaction
        return True
    finally:
        probe.close()
