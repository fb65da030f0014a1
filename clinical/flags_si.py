"""Suicidal-ideation flags and the `si_current` indicator (SPEC §4).

SI-bearing assessments are grouped by calendar day in the clinic's zone: a day is
positive if any of its SI-bearing assessments is positive. `si_persistent` holds on a
positive day when the previous SI-bearing day was positive too (a run; days without an
SI-bearing assessment neither extend nor break it), or when three positive days fall
within 30 days (first and last at most 29 days apart). A blank SI item is not
SI-bearing, so it cannot break a run.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Callable
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from clinical.days import date_of, from_ns, local_day, local_day_numbers, times_ns, to_ns
from clinical.grouping import group_slices
from clinical.lifecycle import SI_HIGH, SI_KINDS, SI_PERSISTENT, Evidence, Trigger
from clinical.rules import DEFAULT_RULES, Rules

SignalMap = dict[tuple[str, str], list[Trigger]]


def si_bearing_rows(scored: pd.DataFrame, tz: ZoneInfo) -> pd.DataFrame:
    """SI-bearing assessments sorted by patient and time, with `at` (ns) and local `day`."""
    rows = scored.loc[
        scored["si_bearing"].to_numpy(dtype=bool),
        ["patient_id", "administered_at", "instrument", "si_item", "si_answer", "si_positive", "si_high"],
    ].copy()
    rows["patient_id"] = rows["patient_id"].astype(str)
    rows["at"] = times_ns(rows["administered_at"])
    rows["day"] = local_day_numbers(rows["administered_at"], tz)
    return rows.sort_values(["patient_id", "at", "instrument"], kind="stable").reset_index(drop=True)


def assessment_evidence(at: int, day: int, instrument: str, item: int, answer: int, high: bool) -> Evidence:
    """Evidence of one SI answer: instrument, item, raw answer, date (SPEC §4)."""
    shown = ("yes" if answer else "no") if instrument == "C-SSRS" else str(answer)
    level = "high" if high else "moderate"
    return {
        "date": date_of(day).isoformat(),
        "at": from_ns(at).isoformat(),
        "detail": f"{instrument} item {item} answered {shown} on {date_of(day).isoformat()} "
        f"(SI {'high' if high else 'positive'})",
        "instrument": instrument,
        "item": item,
        "answer": answer,
        "level": level,
    }


def si_signals(rows: pd.DataFrame, *, rules: Rules = DEFAULT_RULES) -> SignalMap:
    """Triggers of `si_persistent` and `si_high` per (patient, kind), from `si_bearing_rows`."""
    signals: SignalMap = {}
    columns = [rows[c].tolist() for c in ("at", "day", "instrument", "si_item", "si_answer", "si_positive", "si_high")]
    patients = rows["patient_id"].to_numpy(dtype=object)
    for (patient_id,), rows_of in group_slices(patients):
        persistent, high = _patient_si_triggers(*(column[rows_of] for column in columns), rules=rules)
        if persistent:
            signals[(str(patient_id), SI_PERSISTENT)] = persistent
        if high:
            signals[(str(patient_id), SI_HIGH)] = high
    return signals


def _patient_si_triggers(
    ats: list[int],
    days: list[int],
    instruments: list[str],
    items: list[int],
    answers: list[int],
    positives: list[bool],
    highs: list[bool],
    *,
    rules: Rules,
) -> tuple[list[Trigger], list[Trigger]]:
    persistent: list[Trigger] = []
    high_triggers: list[Trigger] = []
    positive_days: list[int] = []
    day_evidence: dict[int, Evidence] = {}
    # The positive run ending at the last finished SI-bearing day: its first day and length.
    run_start: int | None = None
    run_length = 0
    current_day: int | None = None
    current_positive = False
    span = rules.si_window_days - 1

    for at, day, instrument, item, answer, positive, high in zip(
        ats, days, instruments, items, answers, positives, highs, strict=True
    ):
        if day != current_day:
            if current_day is not None:
                if current_positive:
                    run_start = current_day if run_start is None else run_start
                    run_length += 1
                else:
                    run_start, run_length = None, 0
            current_day, current_positive = day, False
        if not positive:
            continue
        if not current_positive:
            current_positive = True
            positive_days.append(day)
        evidence = assessment_evidence(at, day, instrument, int(item), int(answer), bool(high))
        known = day_evidence.get(day)
        if known is None or (high and known["level"] != "high"):
            day_evidence[day] = _day_evidence(evidence)
        if high:
            high_triggers.append(Trigger(at=at, since=day, key=f"{evidence['at']}|{instrument}", evidence=evidence))

        since_run = run_start if run_start is not None and run_length + 1 >= rules.si_consecutive_days else None
        first = bisect_left(positive_days, day - span)
        in_window = len(positive_days) - first
        since_window = positive_days[first] if in_window >= rules.si_window_positive_days else None
        starts = [s for s in (since_run, since_window) if s is not None]
        since = min(starts) if starts else day
        persistent.append(
            Trigger(
                at=at,
                since=since,
                key=date_of(day).isoformat(),
                evidence=day_evidence[day],
                raises=bool(starts),
                opening=_opening(positive_days, day_evidence, since, day) if starts else None,
            )
        )
    return persistent, high_triggers


def _day_evidence(evidence: Evidence) -> Evidence:
    return evidence | {"detail": f"positive SI day {evidence['date']}: {evidence['detail']}"}


def _opening(
    positive_days: list[int], day_evidence: dict[int, Evidence], since: int, day: int
) -> Callable[[], dict[str, Evidence]]:
    """Every positive day of the triggering run/window, as known at this moment (built lazily)."""
    earlier = positive_days[bisect_left(positive_days, since) : len(positive_days) - 1]
    today = day_evidence[day]

    def build() -> dict[str, Evidence]:
        opening = {date_of(d).isoformat(): day_evidence[d] for d in earlier}
        opening[date_of(day).isoformat()] = today
        return opening

    return build


def si_current(scored: pd.DataFrame, *, tz: ZoneInfo) -> pd.DataFrame:
    """Per patient (index): the latest SI-bearing day's status, level and date.

    si_status: `positive` / `negative`; si_level: `high` / `positive` / None; si_date: a
    date. Patients without SI data are absent: show them as "no SI data", never as negative.
    """
    rows = si_bearing_rows(scored, tz)
    if rows.empty:
        return pd.DataFrame(columns=["si_status", "si_level", "si_date"], index=pd.Index([], name="patient_id"))
    per_day = rows.groupby(["patient_id", "day"], sort=True).agg(
        positive=("si_positive", "any"), high=("si_high", "any")
    )
    latest = per_day.groupby(level="patient_id").tail(1).reset_index().set_index("patient_id")
    positive, high = latest["positive"].to_numpy(dtype=bool), latest["high"].to_numpy(dtype=bool)
    level = np.full(len(latest), None, dtype=object)
    level[positive], level[high] = "positive", "high"
    # Explicit object columns keep None for "no level" (pandas 3 would infer str with NaN).
    return pd.DataFrame(
        {
            "si_status": pd.Series(np.where(positive, "positive", "negative"), index=latest.index, dtype=object),
            "si_level": pd.Series(level, index=latest.index, dtype=object),
            "si_date": pd.Series([date_of(d) for d in latest["day"]], index=latest.index, dtype=object),
        },
        index=latest.index,
    )


def resolve_refusal(
    scored: pd.DataFrame,
    kind: str,
    at: dt.datetime,
    *,
    tz: ZoneInfo,
    rules: Rules = DEFAULT_RULES,
    lookback_days: int | None = None,
) -> str | None:
    """Why resolving this patient's SI flag at `at` is refused, or None when it may be resolved.

    An SI flag may be resolved only when the latest SI-bearing day is negative and no
    positive day lies within the look-back (the `lookback_days` up to and including today).
    """
    if kind not in SI_KINDS:
        return None
    lookback = rules.si_resolve_lookback_days if lookback_days is None else lookback_days
    rows = si_bearing_rows(scored, tz)
    rows = rows[rows["at"] <= to_ns(at)]
    if rows.empty:
        return "no SI-bearing assessment is on record: administer one (e.g. PHQ-9 or C-SSRS) before resolving"
    per_day = rows.groupby("day", sort=True)["si_positive"].any()
    latest_day = int(per_day.index[-1])
    if bool(per_day.iloc[-1]):
        return f"the latest SI-bearing day ({date_of(latest_day).isoformat()}) is positive"
    today = (local_day(at, tz) - date_of(0)).days
    recent = per_day[(per_day.index >= today - (lookback - 1)) & per_day.to_numpy(dtype=bool)]
    if len(recent):
        last_positive = date_of(int(recent.index[-1])).isoformat()
        return f"a positive SI day ({last_positive}) lies within the last {lookback} days"
    return None
