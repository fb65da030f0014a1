"""The records of the synthetic network, as plain row tuples in the tables' column order.

Shapes, per patient on average: ~30 sessions (intake, preparation, 4–8 doses with vitals,
integration after most doses, follow-ups; one scheduled ahead for active patients), ~100
assessments (PHQ-9 with items, GAD-7, PHQ-2, some C-SSRS) and ~15 notes whose text comes
from the demo clinic's hand-written prose. Counts scale with the number of patients:
one therapist per 50 patients, one supervisor per 10 therapists.

Deterministic: patient *i* draws from its own `numpy` generator seeded by (seed, i).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np

from db.models import DOSING_FIELDS, ITEM_COLUMNS

PATIENTS_PER_THERAPIST = 50
THERAPISTS_PER_SUPERVISOR = 10
ROUTES = ("iv", "im", "sublingual", "intranasal")
UTC = dt.UTC


# Instrument mix of the ~100 assessments per patient (measurement-based care between doses).
_INSTRUMENTS = ("PHQ-9", "GAD-7", "PHQ-2", "C-SSRS")
_INSTRUMENT_WEIGHTS = (0.5, 0.33, 0.09, 0.08)
_FIRST = (
    "Ada Ben Cara Dan Eli Fay Gus Hana Ivo Jun Kai Lea Mo Nia Oz Pia Quin Rae Sol Tia Uma Vic Wes Xia Yan Zoe"
).split()
_LAST = ("Lane Ortiz Wu Moss Park Reyes Khan Novak Silva Brandt Okafor Sato Dubois Rossi Haas Levi Costa Ng").split()


@dataclass(frozen=True)
class NetworkShape:
    """How big the network is and which day its records lead up to."""

    patients: int
    seed: int = 11
    anchor: dt.date = dt.date(2026, 3, 30)

    @property
    def therapists(self) -> int:
        return max(1, round(self.patients / PATIENTS_PER_THERAPIST))

    @property
    def supervisors(self) -> int:
        return max(1, round(self.therapists / THERAPISTS_PER_SUPERVISOR))


def therapist_name(index: int) -> str:
    return f"th{index + 1:04d}"


def supervisor_name(index: int) -> str:
    return f"sv{index + 1:03d}"


def patient_name(index: int) -> str:
    return f"NET-{index + 1:06d}"


def clinician_rows(shape: NetworkShape) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = [
        (supervisor_name(s), f"Supervisor {s + 1}", "supervisor", None) for s in range(shape.supervisors)
    ]
    rows.append(("net-admin", "Network Admin", "admin", None))
    for t in range(shape.therapists):
        supervisor = supervisor_name(min(t // THERAPISTS_PER_SUPERVISOR, shape.supervisors - 1))
        rows.append((therapist_name(t), f"Therapist {t + 1}", "therapist", supervisor))
    return rows


def patient_batches(shape: NetworkShape, size: int) -> Iterator[dict[str, list[tuple[object, ...]]]]:
    """Rows for `size` patients at a time, keyed by table name."""
    for start in range(0, shape.patients, size):
        batch: dict[str, list[tuple[object, ...]]] = {"patients": [], "sessions": [], "assessments": [], "notes": []}
        for index in range(start, min(start + size, shape.patients)):
            _patient(shape, index, batch)
        yield batch


def _at(day: dt.date, minute_of_day: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=UTC) + dt.timedelta(minutes=int(minute_of_day))


def _patient(shape: NetworkShape, index: int, out: dict[str, list[tuple[object, ...]]]) -> None:
    rng = np.random.default_rng([shape.seed, index])
    pid = patient_name(index)
    therapist = therapist_name(index % shape.therapists)
    span = int(rng.integers(45, 730))  # days in care before the anchor
    enrolled = shape.anchor - dt.timedelta(days=span)
    status = str(rng.choice(["active", "paused", "discharged"], p=[0.8, 0.1, 0.1]))
    planned = int(rng.choice([4, 6, 8])) if rng.random() < 0.7 else None
    birth = dt.date(1950 + int(rng.integers(0, 50)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
    first, last = _FIRST[int(rng.integers(len(_FIRST)))], _LAST[int(rng.integers(len(_LAST)))]
    out["patients"].append((pid, first, last, birth, therapist, status, enrolled, planned))
    sessions = _sessions(rng, pid, therapist, enrolled, span, status)
    out["sessions"] += sessions
    out["assessments"] += _assessments(rng, pid, enrolled, span)
    done = [s for s in sessions if s[1] < _at(shape.anchor, 0)]  # type: ignore[operator]
    out["notes"] += _notes(rng, pid, therapist, done)


def _sessions(
    rng: np.random.Generator, pid: str, therapist: str, enrolled: dt.date, span: int, status: str
) -> list[tuple[object, ...]]:
    plan: list[tuple[int, str]] = [(0, "intake"), (min(3, span - 1), "preparation"), (min(6, span - 1), "preparation")]
    doses = int(rng.integers(4, 9)) if span > 21 else 0
    day = 8
    for _ in range(doses):
        plan.append((day, "dosing"))
        if rng.random() < 0.93:  # a few doses lack their integration session (integration_missing)
            plan.append((day + 1, "integration"))
        day += int(rng.integers(3, 8))
    follow_ups = max(0, int(rng.integers(25, 36)) - len(plan))
    if day < span - 1 and follow_ups:
        for offset in np.sort(rng.choice(np.arange(day, span), size=min(follow_ups, span - day), replace=False)):
            plan.append((int(offset), "follow_up"))
    rows = []
    for offset, kind in plan:
        started = _at(enrolled + dt.timedelta(days=offset), int(rng.integers(8 * 60, 17 * 60)))
        rows.append((pid, started, kind, therapist, *(_dosing(rng) if kind == "dosing" else _no_dosing())))
    if status == "active":
        ahead = _at(enrolled + dt.timedelta(days=span + int(rng.integers(1, 14))), 10 * 60)
        rows.append((pid, ahead, "follow_up", therapist, *_no_dosing()))
    return rows


def _no_dosing() -> tuple[None, ...]:
    return (None,) * len(DOSING_FIELDS)


def _dosing(rng: np.random.Generator) -> tuple[object, ...]:
    route = ROUTES[int(rng.integers(len(ROUTES)))]
    weight = round(float(rng.normal(78, 14)), 1)
    pre = (int(rng.normal(124, 12)), int(rng.normal(79, 8)))
    peak = (pre[0] + int(rng.integers(5, 40)), pre[1] + int(rng.integers(2, 20)))
    post = (pre[0] + int(rng.integers(-5, 15)), pre[1] + int(rng.integers(-5, 10)))
    if rng.random() < 0.04:  # vitals_missing: the post-dose reading was not taken
        post = (None, None)  # type: ignore[assignment]
    adverse = "Transient nausea at 30 minutes, settled without medication." if rng.random() < 0.1 else None
    return (
        route,
        round(weight * 0.5, 1),
        weight,
        *pre,
        *post,
        *peak,
        int(rng.normal(78, 9)),
        int(rng.integers(93, 100)),
        int(rng.integers(5, 40)),
        int(rng.integers(90, 150)),
        adverse,
    )


def _assessments(rng: np.random.Generator, pid: str, enrolled: dt.date, span: int) -> list[tuple[object, ...]]:
    count = int(rng.integers(70, 131))
    minutes = np.sort(rng.choice(span * 24 * 60, size=count, replace=False))
    instruments = rng.choice(len(_INSTRUMENTS), size=count, p=_INSTRUMENT_WEIGHTS)
    baseline, relief = float(rng.uniform(12, 24)), float(rng.uniform(0.2, 0.8))
    si_prone = rng.random() < 0.15
    progress = minutes / (span * 24 * 60)
    severity = np.clip(baseline * (1 - relief * np.minimum(1.0, progress * 4)) + rng.normal(0, 2.5, count), 0, 27)
    start = dt.datetime.combine(enrolled, dt.time(), tzinfo=UTC)
    rows: list[tuple[object, ...]] = []
    blank: tuple[None, ...] = (None,) * len(ITEM_COLUMNS)
    for minute, which, level in zip(minutes.tolist(), instruments.tolist(), severity.tolist(), strict=True):
        at = start + dt.timedelta(minutes=minute)
        name = _INSTRUMENTS[which]
        items = _items(rng, name, level, si_prone)
        total = sum(v for v in items if v is not None) if name != "C-SSRS" and rng.random() > 0.02 else None
        if total is None and name != "C-SSRS":
            items[int(rng.integers(len(items)))] = None  # an incomplete form: no total, never 0
        rows.append((pid, at, name, total, *items, *blank[len(items) :]))
    return rows


def _items(rng: np.random.Generator, name: str, severity: float, si_prone: bool) -> list[int | None]:
    if name == "C-SSRS":
        p = 0.25 if si_prone else 0.01
        return [int(v) for v in (rng.random(7) < p)]
    count = {"PHQ-9": 9, "GAD-7": 7, "PHQ-2": 2}[name]
    items: list[int | None] = [int(v) for v in rng.binomial(3, min(0.95, severity / 27), count)]
    if name == "PHQ-9":
        items[8] = int(rng.binomial(3, 0.25)) if si_prone and rng.random() < 0.5 else 0
    return items


def _notes(
    rng: np.random.Generator, pid: str, therapist: str, done: list[tuple[object, ...]]
) -> list[tuple[object, ...]]:
    pool = note_pool()
    count = min(len(done), int(rng.integers(10, 21)))
    rows: list[tuple[object, ...]] = []
    for i in sorted(rng.choice(len(done), size=count, replace=False).tolist()):
        session_at, kind = done[i][1], str(done[i][2])
        note_kind = kind if kind in ("preparation", "dosing", "integration") else "progress"
        texts = pool[note_kind]
        written = session_at + dt.timedelta(hours=2)  # type: ignore[operator]
        rows.append((pid, written, note_kind, therapist, texts[int(rng.integers(len(texts)))], session_at))
    return rows


@cache
def note_pool() -> dict[str, list[str]]:
    """Note texts by kind, borrowed from the demo clinic's hand-written prose (realistic length and language)."""
    from db.demo.generator import build_demo_clinic

    clinic = build_demo_clinic(
        patients=36, seed=1, anchor=dt.date(2026, 1, 1), password_hash="-", timezone=ZoneInfo("UTC")
    )
    pool: dict[str, list[str]] = {}
    for note in clinic.notes:
        pool.setdefault(note.kind, []).append(note.text)
    return pool
