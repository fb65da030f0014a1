"""A patient's phase of the course on the caseload (SPEC §7), the first that applies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import pandas as pd

from clinical.days import end_of_day, local_day
from clinical.rules import DEFAULT_RULES, Rules

UTC = ZoneInfo("UTC")
PHASES = ("discharged", "paused", "preparation", "dosing", "integration", "follow_up")


def caseload_phase(
    status: str,
    dosing_starts: Sequence[dt.datetime],
    planned_doses: int | None,
    as_of: dt.date,
    rules: Rules = DEFAULT_RULES,
    *,
    tz: ZoneInfo = UTC,
) -> str:
    """discharged / paused (status); preparation (no dose yet); dosing (fewer doses than planned,
    or — plan unknown — a dose in the last 14 days); integration (last dose within 8 weeks);
    follow_up. Doses after the end of `as_of` are scheduled ones, not doses yet.
    """
    if status in ("discharged", "paused"):
        return status
    cutoff = end_of_day(as_of, tz)
    doses = sorted(start for start in dosing_starts if start < cutoff)
    if not doses:
        return "preparation"
    days_since_last = (as_of - local_day(doses[-1], tz)).days
    if planned_doses is not None and not pd.isna(planned_doses):  # Int64 columns hand over pandas.NA
        if len(doses) < int(planned_doses):
            return "dosing"
    elif days_since_last < rules.phase_recent_dose_days:
        return "dosing"
    if days_since_last < rules.phase_integration_weeks * 7:
        return "integration"
    return "follow_up"
