"""Alembic environment: runs migrations on the connection `db.schema` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from db.models import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection: Connection | None = context.config.attributes.get("connection")
    if connection is None:
        from db.engine import make_engine

        with make_engine(context.config.get_main_option("sqlalchemy.url")).begin() as conn:
            _run(conn)
    else:
        _run(connection)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite can't ALTER most things
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
