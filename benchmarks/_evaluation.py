"""The network evaluation (every flag and outcome of every patient) and its floor, the raw scan.

`network_evaluation` is what `manage.py flags` and `manage.py outcomes` compute, through the
same services, without writing: a block of patients at a time, its records read once, the
flag picture replayed and matched to the stored flags, and every outcome. `raw_scan` is one
plain `SELECT` per table of exactly the columns that evaluation reads (whole tables, no
blocks), fetched through the same DBAPI driver into pandas.

Run as a script (`python -m benchmarks._evaluation URL DATE`) it evaluates once and exits,
so the parent can read the child's peak RSS without its own memory in the figure.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from db.models import DOSING_FIELDS, ITEM_COLUMNS  # noqa: E402
from services.flags import clinic_blocks, picture_cutoff, replay_flags  # noqa: E402
from services.outcomes import outcomes  # noqa: E402


def network_evaluation(engine: Engine, as_of: dt.date) -> tuple[int, int]:
    """Every flag episode and every outcome of the whole network as of a day; (episodes, outcome rows).

    As the services do for the whole clinic: a block of patients at a time (`clinic_blocks`),
    each block's records read once for both.
    """
    episodes = outcome_rows = 0
    for records in clinic_blocks(engine, as_of):
        episodes += len(replay_flags(engine, as_of, records=records))
        outcome_rows += len(outcomes(engine, as_of, records=records))
    return episodes, outcome_rows


def scan_queries(dialect: str) -> dict[str, tuple[str, bool]]:
    """Plain SQL for the columns the evaluation reads; True where the query is cut off at the picture's end."""
    items = ", ".join(ITEM_COLUMNS)
    dosing = ", ".join(DOSING_FIELDS)
    param = "?" if dialect == "sqlite" else "%s"
    return {
        "patients": ("SELECT patient_id, status, enrolled_on, planned_doses, therapist FROM patients", False),
        "assessments": (
            f"SELECT patient_id, administered_at, instrument, total, {items} FROM assessments "
            f"WHERE administered_at < {param}",
            True,
        ),
        "sessions": (
            f"SELECT patient_id, started_at, kind, clinician, {dosing} FROM sessions WHERE started_at < {param}",
            True,
        ),
        # The stored flags' identities (to pair episodes with them) and the clinicians' actions.
        "flags": ("SELECT id, patient_id, kind, raised_at, is_open FROM flags", False),
        "flag_actions": (
            "SELECT f.patient_id, f.kind, t.at, t.actor, t.action, t.acknowledgement, t.note, f.id "
            "FROM flag_transitions t JOIN flags f ON f.id = t.flag_id "
            f"WHERE t.actor <> 'system' AND t.action IN ('acknowledged', 'resolved') AND t.at < {param} "
            "ORDER BY t.at, t.id",
            True,
        ),
    }


def raw_scan(engine: Engine, as_of: dt.date) -> dict[str, int]:
    """The floor: each table's needed columns into a DataFrame, no scoring, no type work beyond the driver's."""
    cutoff = picture_cutoff(as_of)
    # SQLite keeps UTC times as text in SQLAlchemy's format; compare in the same format.
    bound: object = (
        cutoff.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f") if engine.dialect.name == "sqlite" else cutoff
    )
    sizes = {}
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for name, (sql, cut) in scan_queries(engine.dialect.name).items():
            cursor.execute(sql, (bound,) if cut else ())
            columns = [d[0] for d in cursor.description]
            sizes[name] = len(pd.DataFrame(cursor.fetchall(), columns=columns))
        cursor.close()
    finally:
        raw.close()
    return sizes


def _main(argv: list[str]) -> int:
    from db.engine import make_engine

    url, as_of = argv[0], dt.date.fromisoformat(argv[1])
    engine = make_engine(url)
    episodes, outcome_rows = network_evaluation(engine, as_of)
    engine.dispose()
    print(f"episodes={episodes} outcomes={outcome_rows}")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
