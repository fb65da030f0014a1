"""Engine, sessions and the unit of work.

A unit of work commits only when asked and rolls back otherwise, so an import or a flag
transition is all or nothing (ARCHITECTURE.md rule 6).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from db.settings import database_url


class _NoRowValues(logging.Filter):
    """Drop SQLAlchemy's DEBUG `Row %r` records: a fetched row holds names, notes, birth dates."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg != "Row %r"


# No PHI in logs (ARCHITECTURE rule 7), even when someone turns SQLAlchemy's logger up to DEBUG:
# bound parameters are hidden by `hide_parameters` (also in exception messages), rows by this filter.
_ENGINE_LOGGER = logging.getLogger("sqlalchemy.engine.Engine")
if not any(isinstance(existing, _NoRowValues) for existing in _ENGINE_LOGGER.filters):
    _ENGINE_LOGGER.addFilter(_NoRowValues())


def make_engine(url: str | None = None) -> Engine:
    """An engine for the URL (`--db`, `DATABASE_URL` or the embedded default)."""
    url = database_url(url)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
    event.listen(engine, "handle_error", _hide_row_values)
    return engine


def _hide_row_values(context) -> None:  # type: ignore[no-untyped-def]
    # PostgreSQL quotes the offending row or key in a DETAIL line ("Failing row contains (…, name,
    # birth date, …)"); an error message ends up in tracebacks and logs, so it keeps only the rest.
    for error in (context.original_exception, context.sqlalchemy_exception):
        if error is not None and error.args and isinstance(error.args[0], str) and "DETAIL:" in error.args[0]:
            kept = [line for line in error.args[0].splitlines() if not line.lstrip().startswith("DETAIL:")]
            error.args = ("\n".join(kept), *error.args[1:])


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets the dashboard read while an import writes; foreign keys are off by default.
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see below)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# Execution option marking a unit of work's connection: it may write.
_WRITER = "kap_writer"
# PostgreSQL advisory lock held while records or flags are written (imports, evaluation, flag actions).
_PG_RECORDS_LOCK = 7_355_609


def _sqlite_begin(connection) -> None:  # type: ignore[no-untyped-def]
    # pysqlite's implicit transactions start late and can't be upgraded safely; an explicit
    # BEGIN makes every unit of work a real transaction (SQLAlchemy's documented recipe).
    # A writer BEGINs IMMEDIATE: it takes the write lock first and waits (busy timeout) for
    # another writer to finish. A deferred BEGIN would read first and then fail with
    # "database is locked" when it tries to write after another writer committed (WAL
    # never lets a stale read snapshot become a writer). Readers stay deferred: WAL never
    # blocks them, and they see one consistent snapshot.
    mode = " IMMEDIATE" if connection.get_execution_options().get(_WRITER) else ""
    connection.exec_driver_sql("BEGIN" + mode)


def lock_for_records(session: Session) -> None:
    """Wait until no other import, flag evaluation or flag action is writing, then hold that turn until commit.

    Their writes are planned from what they read (is this record new? is this flag open?),
    so two at once would both insert the same record or overwrite each other's flag state.
    SQLite's writer transaction (BEGIN IMMEDIATE) already serialises them; on PostgreSQL a
    transaction-scoped advisory lock does, and every statement after it sees what the
    previous holder committed (READ COMMITTED).
    """
    connection = session.connection()  # starts the transaction (BEGIN IMMEDIATE on SQLite)
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_RECORDS_LOCK})


class UnitOfWork:
    """`with UnitOfWork(engine) as uow: …; uow.commit()` — no commit, no change.

    A unit of work is a writer unless `writer=False` (see `_sqlite_begin`).
    """

    def __init__(self, engine: Engine, *, writer: bool = True) -> None:
        bind = engine.execution_options(**{_WRITER: True}) if writer else engine
        self._factory = sessionmaker(bind=bind, expire_on_commit=False)
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reading; nothing it does is committed."""
    with UnitOfWork(engine, writer=False) as uow:
        yield uow.session
