"""Robustness helpers: a logical dump of a database, and a generated clinic to import.

Robustness tests take one before and one after an operation that must leave the database
unchanged (a refused import, an import killed midway). Surrogate ids are left in: a
refused run must not even consume a row that a later rollback hides — but sequences are not
rows, so a PostgreSQL sequence advanced by a rolled-back insert does not count as a change.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from db.models import Base

Dump = dict[str, list[tuple[Any, ...]]]


def logical_dump(engine: Engine) -> Dump:
    """Every row of every table of the schema, as text, sorted; read in one transaction."""
    dump: Dump = {}
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # One snapshot for all tables (SQLite's explicit BEGIN already gives one).
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(select(table)).all()
            # repr keeps types apart (1 vs '1', None vs 'None') and makes JSON columns sortable.
            dump[table.name] = sorted(tuple(repr(value) for value in row) for row in rows)
    return dump


def row_counts(dump: Dump) -> dict[str, int]:
    """Rows per table: what a failure message shows instead of thousands of rows."""
    return {table: len(rows) for table, rows in dump.items()}


def describe_difference(before: Dump, after: Dump) -> str:
    """Which tables changed and how (a short message for an assertion)."""
    changed = []
    for table in before:
        if before[table] != after.get(table):
            gone = [r for r in before[table] if r not in set(after.get(table, []))]
            added = [r for r in after.get(table, []) if r not in set(before[table])]
            changed.append(f"{table}: {len(gone)} row(s) gone, {len(added)} row(s) added, e.g. {(added or gone)[:1]}")
    return "; ".join(changed) or "no difference"


def write_clinic(folder: Path, *, patients: int, per_patient: int, si_every: int = 10, prefix: str = "RB") -> Path:
    """A generated clinic as CSV files: one therapist, `patients` patients with weekly PHQ-9s.

    Every `si_every`-th patient answers item 9 with 2 at the latest PHQ-9 (an `si_high`
    flag each). Dates end yesterday, so the files import whatever day the test runs.
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "clinicians.csv").write_text("username,display_name,role,supervisor\nrb.thera,Robin Thera,therapist,\n")
    start = dt.datetime.now(dt.UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    start -= dt.timedelta(days=7 * per_patient)
    patient_rows = ["patient_id,first_name,last_name,birth_date,therapist,status,enrolled_on,planned_doses"]
    items = ",".join(f"item_{n}" for n in range(1, 10))
    assessment_rows = [f"patient_id,administered_at,instrument,total,{items}"]
    for number in range(patients):
        patient_id = f"{prefix}-{number:05d}"
        patient_rows.append(f"{patient_id},Pat{number},Gen,1980-01-01,rb.thera,active,{start.date().isoformat()},6")
        for week in range(per_patient):
            answers = [(number + week + n) % 3 for n in range(9)]
            answers[8] = 2 if (number % si_every == 0 and week == per_patient - 1) else 0
            at = (start + dt.timedelta(days=7 * week, minutes=number % 600)).strftime("%Y-%m-%dT%H:%MZ")
            answers_text = ",".join(map(str, answers))
            assessment_rows.append(f"{patient_id},{at.replace('Z', '+00:00')},PHQ-9,{sum(answers)},{answers_text}")
    (folder / "patients.csv").write_text("\n".join(patient_rows) + "\n")
    (folder / "assessments.csv").write_text("\n".join(assessment_rows) + "\n")
    return folder


def si_patients(patients: int, si_every: int = 10) -> int:
    """How many patients of `write_clinic` carry an SI-high answer."""
    return len(range(0, patients, si_every))
