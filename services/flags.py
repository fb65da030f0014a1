"""Flag evaluation and clinician actions on flags (placeholder until the clinical engine lands)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine


def evaluate_and_store(engine: Engine, as_of: dt.date | None = None) -> None:
    """Evaluate every flag and store what changed as `system` transitions."""
    return None
