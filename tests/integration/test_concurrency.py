"""Concurrent users on one database (SQLite and PostgreSQL): nobody's work is lost or doubled.

Writers that plan from what they read — imports, flag evaluation, flag actions — take
their turn (`db.engine.lock_for_records`): SQLite's BEGIN IMMEDIATE, a PostgreSQL advisory
lock. A second writer waits instead of failing with "database is locked" or a duplicate
key. To make the overlap certain rather than lucky, the first import is held inside its
write transaction by the test-only `KAP_TEST_PAUSE_BEFORE_COMMIT` hook.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, func, select, text

from db import audit
from db.engine import make_engine, read_session
from db.models import Assessment, Flag, FlagTransition, Patient
from services.flags import acknowledge_flag, evaluate_and_store, open_flags
from services.imports import import_paths
from tests.integration.dumps import si_patients, write_clinic

REPO = Path(__file__).resolve().parents[2]
PAUSE = "KAP_TEST_PAUSE_BEFORE_COMMIT"
WAIT = 120  # seconds a step may take on a slow, busy CI machine before the test gives up


def _start_import(db_url: str, folder: Path, pause_marker: Path | None = None) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != PAUSE}
    if pause_marker is not None:
        env[PAUSE] = str(pause_marker)
    return subprocess.Popen(
        [sys.executable, "manage.py", "--db", db_url, "import", str(folder), "--json"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def _wait_for(condition: Callable[[], bool], what: str, process: subprocess.Popen[str] | None = None) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the import ended before {what}: {process.communicate()}")
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def _waiting_on_a_lock(engine: Engine) -> bool:
    """PostgreSQL: some other session of this database waits for a lock (our advisory lock)."""
    with engine.connect() as conn:
        waiting = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    return bool(waiting)


def _let_second_writer_queue(engine: Engine, process: subprocess.Popen[str]) -> None:
    """Give the second import time to reach the lock: on PostgreSQL we can see it wait."""
    if engine.dialect.name == "postgresql":
        _wait_for(lambda: _waiting_on_a_lock(engine), "the second import to wait for the first", process)
    else:
        # SQLite shows no waiters; give the process time to start and reach BEGIN IMMEDIATE.
        # Whether it got there or not, what is asserted afterwards must hold.
        time.sleep(3)


def _counts(engine: Engine) -> tuple[int, int]:
    # One statement, so one snapshot for both counts: under PostgreSQL's READ COMMITTED each
    # statement of a transaction takes its own, and an import committing between two of them
    # was counted as (0 patients, all assessments).
    both = select(
        select(func.count()).select_from(Patient).scalar_subquery(),
        select(func.count()).select_from(Assessment).scalar_subquery(),
    )
    with read_session(engine) as session:
        patients, assessments = session.execute(both).one()
    return int(patients or 0), int(assessments or 0)


def _finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=WAIT)
    return process.returncode, out, err


def _acknowledge_together(
    db_url: str, flag_id: int, actor: str, note: str, barrier: threading.Barrier, errors: list[str]
) -> None:
    """One clinician's acknowledgement from their own connection pool, as from another dashboard process."""
    own = make_engine(db_url)
    try:
        own.connect().close()  # connect before the barrier, so both start writing together
        barrier.wait(timeout=WAIT)
        acknowledge_flag(own, flag_id, actor=actor, acknowledgement="safety plan reviewed", note=note)
    except Exception as exc:  # noqa: BLE001 - collected and asserted on by the test
        errors.append(f"{actor}: {type(exc).__name__}: {exc}")
    finally:
        own.dispose()


def test_two_clinicians_acknowledging_one_flag_at_once_both_land(db_url: str, engine: Engine, tmp_path: Path) -> None:
    """Two acknowledgements of the same flag at the same moment are both in its history; one open flag stays."""
    import_paths(engine, [write_clinic(tmp_path / "clinic", patients=1, per_patient=3, si_every=1)], actor="test")
    with read_session(engine) as session:
        flag_id = session.scalar(select(Flag.id).where(Flag.is_open, Flag.kind == "si_high"))
    assert flag_id is not None
    rounds = 3
    errors: list[str] = []
    for round_number in range(rounds):
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(
                target=_acknowledge_together, args=(db_url, flag_id, actor, f"r{round_number}", barrier, errors)
            )
            for actor in ("alice", "bob")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=WAIT)
    assert errors == []
    with read_session(engine) as session:
        steps = session.execute(
            select(FlagTransition.actor, FlagTransition.note).where(
                FlagTransition.flag_id == flag_id, FlagTransition.action == "acknowledged"
            )
        ).all()
        open_rows = session.execute(select(Flag.id, Flag.status).where(Flag.is_open, Flag.kind == "si_high")).all()
        assert audit.verify(session) is None
    assert sorted(steps) == sorted((actor, f"r{n}") for n in range(rounds) for actor in ("alice", "bob"))
    assert open_rows == [(flag_id, "acknowledged")]
    # A re-evaluation keeps both clinicians' acknowledgements and the flag's state.
    evaluate_and_store(engine)
    assert [(e.kind, e.status) for e in open_flags(engine) if e.kind == "si_high"] == [("si_high", "acknowledged")]


def test_same_files_imported_twice_at_once_write_once(db_url: str, engine: Engine, tmp_path: Path) -> None:
    """Two `manage.py import` of the same files at once both exit 0; the records are there once."""
    folder = write_clinic(tmp_path / "clinic", patients=40, per_patient=4)
    marker = tmp_path / "first-import-paused"
    first = _start_import(db_url, folder, marker)
    second = None
    try:
        _wait_for(marker.exists, "the first import to write its records", first)
        second = _start_import(db_url, folder)
        _let_second_writer_queue(engine, second)
        assert _counts(engine) == (0, 0)  # nothing is visible before the first commits
        marker.unlink()
        results = [_finish(first), _finish(second)]
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
    for returncode, _, err in results:
        assert returncode == 0, err
        assert "Traceback" not in err
    reports = [json.loads(out) for _, out, _ in results]
    assert sorted(r["counts"]["patients"]["new"] for r in reports) == [0, 40]
    assert sorted(r["counts"]["assessments"]["unchanged"] for r in reports) == [0, 160]
    assert _counts(engine) == (40, 160)
    with read_session(engine) as session:
        assert audit.verify(session) is None


def test_reads_and_evaluation_during_an_import_see_all_of_it_or_none(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    """While an import writes, every count and every flag evaluation sees none of it or all of it."""
    patients, per_patient = 80, 4
    full = (patients, patients * per_patient)
    flagged = si_patients(patients)
    folder = write_clinic(tmp_path / "clinic", patients=patients, per_patient=per_patient)
    marker = tmp_path / "import-paused"
    # Counts come from one snapshot; a flag evaluation reads its own. Each must be none or all.
    observations: list[tuple[tuple[int, int], int]] = []
    evaluation: list[object] = []
    done = threading.Event()

    def observe() -> None:
        while not done.is_set():
            flags = {e.patient_id for e in open_flags(engine) if e.kind == "si_high"}
            observations.append((_counts(engine), len(flags)))

    def evaluate() -> None:
        try:
            evaluation.append(evaluate_and_store(engine))
        except Exception as exc:  # noqa: BLE001 - asserted on below
            evaluation.append(exc)

    importer = _start_import(db_url, folder, marker)
    observer = threading.Thread(target=observe)
    evaluator = threading.Thread(target=evaluate)
    try:
        _wait_for(marker.exists, "the import to write its records", importer)
        observer.start()
        evaluator.start()  # must wait for the import's commit, then see all of it
        _wait_for(lambda: len(observations) >= 3, "three observations during the import")
        marker.unlink()
        returncode, _, err = _finish(importer)
    finally:
        done.set()
        if importer.poll() is None:
            importer.kill()
        observer.join(timeout=WAIT)
        evaluator.join(timeout=WAIT)
    assert returncode == 0, err
    observations.append((_counts(engine), len({e.patient_id for e in open_flags(engine) if e.kind == "si_high"})))
    print(f"\n{engine.dialect.name}: {len(observations)} observations during the import")
    for counts, flags in observations:
        assert counts in ((0, 0), full), f"a partial import was counted: {counts}"
        assert flags in (0, flagged), f"an evaluation saw part of the import: {flags} of {flagged} flags"
    assert observations[0] == ((0, 0), 0) and observations[-1] == (full, flagged)
    [summary] = evaluation
    assert not isinstance(summary, Exception), summary
    assert summary.open_flags >= flagged  # type: ignore[attr-defined]
    with read_session(engine) as session:
        stored = session.scalar(select(func.count()).select_from(Flag).where(Flag.is_open, Flag.kind == "si_high"))
    assert stored == flagged
