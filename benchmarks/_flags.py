"""Store the network's flags as the nightly `evaluate` would have left them — in bulk.

A network that has been running holds its flags and their history: the caseload and the
evaluation read them back. `services.flags.evaluate_and_store` writes through the ORM one
flag at a time (right for a nightly delta, slow for a first fill of 10,000 patients), so
the generator replays the same episodes with the same engine (`replay_flags`) and writes
the same rows — a flag per episode, its `system` transitions — in bulk, and records the day
they were evaluated for, as the nightly run does (so views read them). A later
`manage.py evaluate` finds every one of them matched and nothing to do.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from clinical.lifecycle import SYSTEM
from clinical.rules import DEFAULT_RULES
from db.meta import mark_flags_evaluated
from db.models import Flag, FlagTransition
from services.flags import picture_cutoff, replay_flags

_FLAG_COLUMNS = (
    "id",
    "patient_id",
    "kind",
    "level",
    "status",
    "is_open",
    "since",
    "evidence",
    "rule_set",
    "raised_at",
    "closed_at",
)
_TRANSITION_COLUMNS = ("flag_id", "at", "actor", "action", "acknowledgement", "note")


def store_nightly_flags(engine: Engine, as_of: dt.date) -> int:
    """Replay every flag of the network as of the day and store them; returns how many flags."""
    cutoff = picture_cutoff(as_of)  # no later than the replay's own: a session begun since is replayed
    flags: list[tuple[Any, ...]] = []
    steps: list[tuple[Any, ...]] = []
    for flag_id, episode in enumerate(replay_flags(engine, as_of), start=1):
        flags.append(
            (
                flag_id,
                episode.patient_id,
                episode.kind,
                episode.level,
                episode.status,
                episode.is_open,
                episode.since,
                episode.evidence,
                episode.rule_set,
                episode.raised_at,
                episode.closed_at,
            )
        )
        steps += [
            (flag_id, t.at, t.actor, t.action, t.acknowledgement, t.note)
            for t in episode.transitions
            if t.actor == SYSTEM
        ]
    if engine.dialect.name == "postgresql":
        _copy(engine, flags, steps)
    else:
        with engine.begin() as connection:
            for table, columns, rows in ((Flag, _FLAG_COLUMNS, flags), (FlagTransition, _TRANSITION_COLUMNS, steps)):
                for start in range(0, len(rows), 50_000):
                    batch = rows[start : start + 50_000]
                    connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in batch])
    # As the nightly `evaluate` does: the stored flags are the picture as of this day.
    with Session(engine) as session:
        mark_flags_evaluated(session, as_of, DEFAULT_RULES.label(), cutoff)
        session.commit()
    return len(flags)


def _copy(engine: Engine, flags: list[tuple[Any, ...]], steps: list[tuple[Any, ...]]) -> None:
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:  # type: ignore[attr-defined]
            with cursor.copy(f"COPY flags ({', '.join(_FLAG_COLUMNS)}) FROM STDIN") as copy:
                for row in flags:
                    copy.write_row((*row[:7], json.dumps(row[7]), *row[8:]))
            with cursor.copy(f"COPY flag_transitions ({', '.join(_TRANSITION_COLUMNS)}) FROM STDIN") as copy:
                for row in steps:
                    copy.write_row(row)
            # Ids were given explicitly: move the serial past them for the next nightly run.
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('flags', 'id'), "
                "COALESCE((SELECT MAX(id) FROM flags), 0) + 1, false)"
            )
        raw.commit()
    finally:
        raw.close()
