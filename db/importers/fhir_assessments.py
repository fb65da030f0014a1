"""Pieces of assessments read from FHIR, merged into whole assessments and checked.

FHIR spreads one administration over several resources (a total Observation, an item-9
Observation, a panel, a QuestionnaireResponse). Pieces for the same patient, moment and
instrument become one assessment; disagreeing pieces are an error, never a silent pick.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from clinical.instruments import INSTRUMENTS
from db.records import AssessmentRecord, Location, Problem

Key = tuple[str, dt.datetime, str]


@dataclass
class Fragment:
    """What one resource says about one assessment."""

    patient_id: str
    administered_at: dt.datetime  # aware, UTC
    instrument: str
    source: Location
    items: dict[int, int] = field(default_factory=dict)
    total: int | None = None
    standalone_items: bool = False  # from item Observations alone (no panel, no total)

    @property
    def key(self) -> Key:
        return (self.patient_id, self.administered_at, self.instrument)


def merge_fragments(fragments: Iterable[Fragment], now: dt.datetime) -> tuple[list[AssessmentRecord], list[Problem]]:
    """One checked AssessmentRecord per (patient, moment, instrument), or the problems."""
    merged: dict[Key, Fragment] = {}
    problems: list[Problem] = []
    conflicting: set[Key] = set()
    for fragment in fragments:
        first = merged.get(fragment.key)
        if first is None:
            merged[fragment.key] = Fragment(**{**fragment.__dict__, "items": dict(fragment.items)})
            continue
        found = _merge_into(first, fragment)
        if found:
            problems += found
            conflicting.add(fragment.key)
    for key in conflicting:
        del merged[key]
    _hand_items_to_phq2(merged)
    records: list[AssessmentRecord] = []
    for fragment in merged.values():
        found = _check(fragment, now)
        if found:
            problems += found
            continue
        records.append(
            AssessmentRecord(
                patient_id=fragment.patient_id,
                administered_at=fragment.administered_at,
                instrument=fragment.instrument,
                total=fragment.total,
                items=dict(sorted(fragment.items.items())),
                source=fragment.source,
            )
        )
    return records, problems


def _merge_into(first: Fragment, later: Fragment) -> list[Problem]:
    problems = []
    for number, answer in later.items.items():
        known = first.items.setdefault(number, answer)
        if known != answer:
            problems.append(
                Problem(later.source, f"item_{number}", f"answer {answer} disagrees with {known} at {first.source}")
            )
    if later.total is not None:
        if first.total is None:
            first.total = later.total
        elif first.total != later.total:
            problems.append(
                Problem(later.source, "total", f"total {later.total} disagrees with {first.total} at {first.source}")
            )
    first.standalone_items = first.standalone_items and later.standalone_items
    return problems


def _hand_items_to_phq2(merged: dict[Key, Fragment]) -> None:
    """Item Observations 44250-9/44255-8 beside a PHQ-2 total are that PHQ-2's items.

    The two codes are shared by PHQ-2 and PHQ-9; alone they would make a PHQ-9 with two of
    nine answers, which is not what was administered.
    """
    for key, fragment in list(merged.items()):
        patient_id, moment, instrument = key
        phq2 = merged.get((patient_id, moment, "PHQ-2"))
        if instrument != "PHQ-9" or phq2 is None or not fragment.standalone_items:
            continue
        if set(fragment.items) <= {1, 2} and fragment.total is None and not set(phq2.items) & set(fragment.items):
            phq2.items.update(fragment.items)
            del merged[key]


def _check(fragment: Fragment, now: dt.datetime) -> list[Problem]:
    """SPEC §2.1 rules for an assessment: item and total ranges, total = items, not in the future."""
    instrument = INSTRUMENTS[fragment.instrument]
    problems = []

    def problem(column: str, reason: str) -> None:
        problems.append(Problem(fragment.source, column, reason))

    if fragment.administered_at > now:
        problem("administered_at", f"{fragment.administered_at.isoformat()} is after the import time")
    if not fragment.items and fragment.total is None:
        problem("value", f"no {fragment.instrument} answers or total")
    for number, answer in sorted(fragment.items.items()):
        if not 1 <= number <= instrument.items:
            problem(f"item_{number}", f"{fragment.instrument} has items 1–{instrument.items}")
            continue
        low, high = instrument.item_range(number)
        if not low <= answer <= high:
            problem(f"item_{number}", f"{answer} is outside {low}–{high} for {fragment.instrument}")
    if fragment.total is not None:
        if not instrument.has_total:
            problem("total", f"{fragment.instrument} has no total")
        elif not (instrument.total_min or 0) <= fragment.total <= (instrument.total_max or 0):
            problem("total", f"{fragment.total} is outside {instrument.total_min}–{instrument.total_max}")
        elif not problems:
            computed = instrument.compute_total(fragment.items)
            if computed is not None and computed != fragment.total:
                problem("total", f"stated total {fragment.total} but the items give {computed}")
    return problems
