"""`manage.py users add|password|list|disable` (SPEC §8): logins with bcrypt, passwords typed twice."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

import manage
from db.engine import read_session
from db.models import AuditEvent, Clinician
from services.imports import import_paths
from services.passwords import BCRYPT_COST, verify_password

REPO = Path(__file__).resolve().parents[2]
CLINIC = REPO / "tests" / "data" / "csv" / "clinic"
GOOD = "Violet-harbour-42"


def _manage(db_url: str, *args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "--db", db_url, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        input=stdin,
    )


def _run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db_url: str, *args: str, stdin: str = ""
) -> tuple[int, str, str]:
    """`manage.py` in this process, its standard input a pipe (not a terminal)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    status = manage.main(["--db", db_url, *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _clinician(engine: Engine, username: str) -> Clinician | None:
    with read_session(engine) as s:
        row = s.get(Clinician, username)
        if row is not None:
            s.expunge(row)
        return row


def _events(engine: Engine) -> list[str]:
    with read_session(engine) as s:
        return list(s.scalars(select(AuditEvent.event).order_by(AuditEvent.id)))


def test_users_add_reads_the_password_twice_from_stdin(db_url: str, engine: Engine) -> None:
    """The real command: two different lines exit 2 and change nothing; two matching lines create a bcrypt login."""
    mismatch = _manage(db_url, "users", "add", "ana", "--role", "therapist", stdin=f"{GOOD}\n{GOOD}x\n")
    assert mismatch.returncode == 2
    assert "do not match" in mismatch.stderr
    assert _clinician(engine, "ana") is None
    assert _events(engine) == []

    result = _manage(
        db_url, "users", "add", "ana", "--role", "therapist", "--name", "Ana Pérez", stdin=f"{GOOD}\n{GOOD}\n"
    )
    assert result.returncode == 0, result.stderr
    assert GOOD not in result.stdout + result.stderr
    ana = _clinician(engine, "ana")
    assert ana is not None
    assert (ana.role, ana.display_name, ana.disabled) == ("therapist", "Ana Pérez", False)
    assert ana.password_hash is not None and ana.password_hash.startswith(f"$2b${BCRYPT_COST}$")
    assert verify_password(GOOD, ana.password_hash)
    assert _events(engine) == ["command.users.add"]


def test_a_password_given_once_is_refused(
    db_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One line on stdin is not enough: the password must be confirmed."""
    status, _, err = _run(monkeypatch, capsys, db_url, "users", "add", "ana", "--role", "admin", stdin=f"{GOOD}\n")
    assert status == 2 and "twice" in err
    assert _clinician(engine, "ana") is None


def test_a_weak_password_is_refused_with_the_reason(
    db_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The password policy applies: a common password exits 2 and says why."""
    status, _, err = _run(
        monkeypatch, capsys, db_url, "users", "add", "ana", "--role", "admin", stdin="password1\npassword1\n"
    )
    assert status == 2 and "most common passwords" in err
    assert _clinician(engine, "ana") is None


def test_users_add_gives_an_imported_clinician_their_password(
    db_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A clinician from clinicians.csv has no password; `users add` with the same role sets it and keeps the rest."""
    assert import_paths(engine, [CLINIC], actor="test").ok
    assert _clinician(engine, "mreyes").password_hash is None  # type: ignore[union-attr]
    status, out, err = _run(
        monkeypatch, capsys, db_url, "users", "add", "mreyes", "--role", "therapist", stdin=f"{GOOD}\n{GOOD}\n"
    )
    assert status == 0, err
    assert "Set the password of 'mreyes'" in out
    mreyes = _clinician(engine, "mreyes")
    assert mreyes is not None and verify_password(GOOD, mreyes.password_hash)
    assert (mreyes.display_name, mreyes.supervisor) == ("Dr. Maria Reyes", "jortiz")

    again, _, err = _run(
        monkeypatch, capsys, db_url, "users", "add", "mreyes", "--role", "therapist", stdin=f"{GOOD}\n{GOOD}\n"
    )
    assert again == 2 and "already has a login; use `users password mreyes`" in err


def test_users_add_refuses_a_role_that_differs_from_the_imported_one(
    db_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Adding `tchen` as an admin when clinicians.csv says therapist is refused, not silently changed."""
    assert import_paths(engine, [CLINIC], actor="test").ok
    status, _, err = _run(
        monkeypatch, capsys, db_url, "users", "add", "tchen", "--role", "admin", stdin=f"{GOOD}\n{GOOD}\n"
    )
    assert status == 2 and "already exists with role 'therapist'" in err
    tchen = _clinician(engine, "tchen")
    assert tchen is not None and (tchen.role, tchen.password_hash) == ("therapist", None)


def test_users_add_refuses_an_unknown_supervisor(
    db_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--supervisor` must name an existing clinician."""
    status, _, err = _run(
        monkeypatch,
        capsys,
        db_url,
        *("users", "add", "ana", "--role", "therapist", "--supervisor", "ghost"),
        stdin=f"{GOOD}\n{GOOD}\n",
    )
    assert status == 2 and "unknown supervisor 'ghost'" in err
    assert _clinician(engine, "ana") is None


def test_users_password_sets_a_new_password_and_lifts_a_lockout(
    db_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`users password` replaces the hash and clears failed-login counts; an unknown username exits 2."""
    _run(monkeypatch, capsys, db_url, "users", "add", "ana", "--role", "admin", stdin=f"{GOOD}\n{GOOD}\n")
    with engine.begin() as conn:
        conn.execute(Clinician.__table__.update().values(failed_logins=5))
    new = "Quiet-meadow-1987"
    status, _, err = _run(monkeypatch, capsys, db_url, "users", "password", "ana", stdin=f"{new}\n{new}\n")
    assert status == 0, err
    ana = _clinician(engine, "ana")
    assert ana is not None and verify_password(new, ana.password_hash) and not verify_password(GOOD, ana.password_hash)
    assert ana.failed_logins == 0
    status, _, err = _run(monkeypatch, capsys, db_url, "users", "password", "nobody", stdin=f"{new}\n{new}\n")
    assert status == 2 and "no clinician with username 'nobody'" in err


def test_users_disable_and_list(
    db_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`users list` shows every login's role and state, never a hash; `users disable` marks a login disabled."""
    assert import_paths(engine, [CLINIC], actor="test").ok
    _run(monkeypatch, capsys, db_url, "users", "add", "ana", "--role", "admin", stdin=f"{GOOD}\n{GOOD}\n")
    status, out, _ = _run(monkeypatch, capsys, db_url, "users", "disable", "ana")
    assert status == 0 and "Disabled 'ana'" in out
    assert _clinician(engine, "ana").disabled  # type: ignore[union-attr]

    status, out, _ = _run(monkeypatch, capsys, db_url, "users", "list")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split() == ["USERNAME", "NAME", "ROLE", "SUPERVISOR", "LOGIN"]
    by_user = {line.split()[0]: line for line in lines[1:]}
    assert set(by_user) == {"admin1", "ana", "jortiz", "mreyes", "tchen"}
    assert by_user["ana"].endswith("disabled")
    assert by_user["mreyes"].endswith("no password (cannot log in)")
    assert "jortiz" in by_user["mreyes"]
    assert "$2b$" not in out and GOOD not in out
    assert _events(engine)[-3:] == ["command.users.add", "command.users.disable", "command.users.list"]
