"""A synthetic clinic network for the scale benchmark (issue 11), written fast.

    python benchmarks/generate.py --db URL [--patients 10000] [--seed 11] [--anchor YYYY-MM-DD]

Defaults: 10,000 patients, 200 therapists (about 50 patients each), 20 supervisors (about
10 therapists each), ~1,000,000 assessments, ~300,000 sessions, ~150,000 notes; every count
scales with `--patients`. Same seed and anchor give the same records. Records lie before the
anchor day (default today); active patients have one scheduled session after it.

Bulk loads only: SQLAlchemy Core `insert()` executemany in large batches inside one
transaction on SQLite (journal and sync pragmas relaxed for this connection only), `COPY`
through psycopg 3 on PostgreSQL. Afterwards the nightly evaluation stores the flags, as a
network that has been running would have them (`--no-evaluate` skips it). The database is
not marked as a demo one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import Engine, insert, text  # noqa: E402

from benchmarks._flags import store_nightly_flags  # noqa: E402
from benchmarks._network import NetworkShape, clinician_rows, patient_batches  # noqa: E402
from db.engine import make_engine  # noqa: E402
from db.exporters.csv_files import (  # noqa: E402  (the import format: one definition of its columns)
    ASSESSMENT_COLUMNS,
    CLINICIAN_COLUMNS,
    NOTE_COLUMNS,
    PATIENT_COLUMNS,
    SESSION_COLUMNS,
)
from db.models import Assessment, Clinician, Note, Patient, Session  # noqa: E402
from db.schema import upgrade  # noqa: E402

_TABLES = {
    "clinicians": (Clinician, CLINICIAN_COLUMNS),
    "patients": (Patient, PATIENT_COLUMNS),
    "sessions": (Session, SESSION_COLUMNS),
    "assessments": (Assessment, ASSESSMENT_COLUMNS),
    "notes": (Note, NOTE_COLUMNS),
}
_BATCH_PATIENTS = 500  # patients generated per batch: ~50,000 assessments held at once


def generate(url: str, shape: NetworkShape, *, evaluate: bool = True, quiet: bool = False) -> dict[str, float]:
    """Migrate, bulk-load the network and (optionally) store its flags; returns counts and times."""
    engine = make_engine(url)
    say = (lambda line: None) if quiet else (lambda line: print(line, flush=True))
    try:
        upgrade(engine)
        _refuse_filled(engine)
        started = time.perf_counter()
        counts = _load(engine, shape)
        result: dict[str, float] = {k: float(v) for k, v in counts.items()}
        result["load_s"] = round(time.perf_counter() - started, 1)
        say(" ".join(f"{k}={v}" for k, v in counts.items()))
        say(f"load_s: {result['load_s']}")
        _analyze(engine)
        if evaluate:
            result.update(store_flags(engine, shape.anchor, say))
        return result
    finally:
        engine.dispose()


def store_flags(engine: Engine, as_of: dt.date, say: Callable[[str], None]) -> dict[str, float]:
    """The nightly evaluation's flags, stored in bulk (see benchmarks/_flags.py)."""
    started = time.perf_counter()
    stored = store_nightly_flags(engine, as_of)
    elapsed = round(time.perf_counter() - started, 1)
    _analyze(engine)
    say(f"flags={stored}")
    say(f"evaluate_s: {elapsed}")
    return {"flags": float(stored), "evaluate_s": elapsed}


def _refuse_filled(engine: Engine) -> None:
    with engine.connect() as connection:
        if connection.execute(text("SELECT 1 FROM patients LIMIT 1")).first() is not None:
            raise SystemExit("refusing: this database already holds patients (give an empty one)")


def _load(engine: Engine, shape: NetworkShape) -> dict[str, int]:
    batches = _all_batches(shape)
    if engine.dialect.name == "postgresql":
        return _copy_postgresql(engine, batches)
    return _insert_sqlite(engine, batches)


def _all_batches(shape: NetworkShape) -> Iterator[dict[str, list[tuple[object, ...]]]]:
    yield {"clinicians": clinician_rows(shape)}
    yield from patient_batches(shape, _BATCH_PATIENTS)


def _insert_sqlite(engine: Engine, batches: Iterator[dict[str, list[tuple[object, ...]]]]) -> dict[str, int]:
    counts = dict.fromkeys(_TABLES, 0)
    with engine.connect() as connection:
        # For the load only (this connection, before its transaction begins): no fsync, no FK
        # checks, a big page cache — a failed load leaves a file to delete, fine for a benchmark.
        driver = connection.connection.dbapi_connection
        for pragma in ("synchronous=OFF", "foreign_keys=OFF", "cache_size=-200000"):
            driver.execute(f"PRAGMA {pragma}")  # type: ignore[union-attr]
        with connection.begin():
            for batch in batches:
                for name, rows in batch.items():
                    table, columns = _TABLES[name]
                    if rows:
                        connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
                        counts[name] += len(rows)
        for pragma in ("synchronous=NORMAL", "foreign_keys=ON"):
            driver.execute(f"PRAGMA {pragma}")  # type: ignore[union-attr]
    return counts


def _copy_postgresql(engine: Engine, batches: Iterator[dict[str, list[tuple[object, ...]]]]) -> dict[str, int]:
    counts = dict.fromkeys(_TABLES, 0)
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:  # type: ignore[attr-defined]
            for batch in batches:
                for name, rows in batch.items():
                    if not rows:
                        continue
                    columns = ", ".join(_TABLES[name][1])
                    with cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                    counts[name] += len(rows)
        raw.commit()
    finally:
        raw.close()
    return counts


def _analyze(engine: Engine) -> None:
    # Fresh statistics so the planners see a network, not the empty tables they were created as.
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="SQLAlchemy URL of an empty (or new) database")
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--anchor", type=dt.date.fromisoformat, default=None, help="records lie before it")
    parser.add_argument("--no-evaluate", action="store_true", help="do not store the nightly flag evaluation")
    parser.add_argument(
        "--flags-only", action="store_true", help="only store the flags of an already generated network"
    )
    args = parser.parse_args(argv)
    if args.patients < 1:
        parser.error("--patients must be at least 1")
    anchor = args.anchor or dt.datetime.now(ZoneInfo("UTC")).date()
    shape = NetworkShape(patients=args.patients, seed=args.seed, anchor=anchor)
    started = time.perf_counter()
    if args.flags_only:
        engine = make_engine(args.db)
        store_flags(engine, anchor, print)
        engine.dispose()
    else:
        generate(args.db, shape, evaluate=not args.no_evaluate)
    print(f"generate_s: {time.perf_counter() - started:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
