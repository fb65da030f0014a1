"""Engine, sessions and the unit of work.

A unit of work commits only when asked and rolls back otherwise, so an import or a flag
transition is all or nothing (ARCHITECTURE.md rule 6).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from db.settings import database_url


def make_engine(url: str | None = None) -> Engine:
    """An engine for the URL (`--db`, `DATABASE_URL` or the embedded default)."""
    url = database_url(url)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets the dashboard read while an import writes; foreign keys are off by default.
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see below)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin_immediate(connection) -> None:  # type: ignore[no-untyped-def]
    # pysqlite's implicit transactions start late and can't be upgraded safely; an explicit
    # BEGIN makes every unit of work a real transaction (SQLAlchemy's documented recipe).
    connection.exec_driver_sql("BEGIN")


class UnitOfWork:
    """`with UnitOfWork(engine) as uow: …; uow.commit()` — no commit, no change."""

    def __init__(self, engine: Engine) -> None:
        self._factory = sessionmaker(bind=engine, expire_on_commit=False)
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
    with UnitOfWork(engine) as uow:
        yield uow.session
