"""Flag kinds, episodes and their lifecycle (SPEC §4 "Flag lifecycle", §6) as a deterministic replay.

The picture as of a day is a function of the records dated up to the end of that day and
the clinician actions dated up to then: each flag kind turns a patient's records into a
time-ordered list of *signals*, and `replay` walks those signals together with the
clinician actions. Nothing depends on when evaluation happened to run, so `flags
--as-of` needs no stored state and evaluating twice gives the same answer.

- Sticky kinds get `Trigger`s: while an episode is open a trigger adds its evidence;
  with none open, a trigger that `raises` opens a new episode. A resolution closes the
  episode, so only triggers dated after it can raise the next one.
- State kinds get `Condition` changes: the episode is open while the condition holds;
  when it stops, the episode closes with a recorded `cleared` transition. A clinician
  may resolve one that still holds; it then stays closed until the condition stops and
  starts again.
- Acknowledging keeps an episode open; new evidence after it returns it to `new`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Literal, NamedTuple

from clinical.days import date_of, from_ns, to_ns

SYSTEM = "system"

SI_PERSISTENT = "si_persistent"
SI_HIGH = "si_high"
DETERIORATION = "deterioration"
OFF_TRACK = "off_track"
LOSS_OF_RESPONSE = "loss_of_response"
ASSESSMENT_OVERDUE = "assessment_overdue"
VITALS_MISSING = "vitals_missing"
BP_HIGH = "bp_high"
INTEGRATION_MISSING = "integration_missing"

STICKY_KINDS = (SI_PERSISTENT, SI_HIGH, BP_HIGH, VITALS_MISSING, INTEGRATION_MISSING)
STATE_KINDS = (DETERIORATION, OFF_TRACK, LOSS_OF_RESPONSE, ASSESSMENT_OVERDUE)
FLAG_KINDS = (*STICKY_KINDS, *STATE_KINDS)
SI_KINDS = (SI_PERSISTENT, SI_HIGH)
LEVELS = ("high", "moderate", "low")  # most severe first

ACKNOWLEDGEMENTS = ("safety plan reviewed", "C-SSRS administered", "consulted supervisor", "other")
CLEARED_NOTE = "condition no longer holds"

Evidence = dict[str, Any]


def family_of(kind: str) -> str:
    return "sticky" if kind in STICKY_KINDS else "state"


@dataclass(frozen=True)
class Transition:
    """One step of a flag's history: who (or `system`), when, what, and why."""

    at: dt.datetime
    actor: str
    action: str  # raised, evidence_added, acknowledged, resolved, cleared, reopened
    acknowledgement: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class FlagAction:
    """A clinician's acknowledgement or resolution, as stored on the flag it was taken on."""

    patient_id: str
    kind: str
    at: dt.datetime
    actor: str
    action: Literal["acknowledge", "resolve"]
    acknowledgement: str | None = None
    note: str | None = None
    flag_id: int | None = None


@dataclass(frozen=True)
class FlagEpisode:
    """One flag from raise to close (or still open) with its evidence and ordered transitions."""

    patient_id: str
    kind: str
    family: str
    level: str
    status: str  # new, acknowledged, resolved, cleared
    is_open: bool
    since: dt.date
    evidence: list[Evidence]
    rule_set: str
    transitions: tuple[Transition, ...]
    raised_at: dt.datetime
    closed_at: dt.datetime | None = None
    flag_id: int | None = None  # the stored flag, when services matched one
    action_flag_ids: tuple[int, ...] = ()  # stored flags whose clinician actions this replay used


# Signals are named tuples rather than frozen dataclasses: a network makes a hundred
# thousand of them, and a tuple is built several times faster.
class Trigger(NamedTuple):
    """A sticky kind's signal: evidence under `key`; `raises` when it may open an episode."""

    at: int  # ns since the epoch, UTC
    since: int  # day number: the `since` of an episode this trigger opens
    key: str
    evidence: Evidence
    raises: bool = True
    # The whole evidence of an episode this trigger opens (si_persistent: every positive
    # day of the run/window), built only when needed; None means this trigger's own evidence.
    opening: Callable[[], dict[str, Evidence]] | None = None


class Condition(NamedTuple):
    """A state kind's signal: from `at` on the condition holds (or not), with this evidence."""

    at: int
    day: int
    holds: bool
    evidence: tuple[Evidence, ...] = ()


Signal = Trigger | Condition
LevelRule = Any  # Callable[[list[Evidence]], str]


@dataclass
class _Open:
    since: int  # day number
    raised_at: dt.datetime
    evidence: dict[str, Evidence]
    status: str = "new"
    transitions: list[Transition] = field(default_factory=list)
    action_flag_ids: list[int] = field(default_factory=list)


def _evidence_level(evidence: Iterable[Evidence], default: str) -> str:
    """The gravest `level` any evidence item names (flags whose level follows their evidence)."""
    levels = {item.get("level") for item in evidence}
    for level in LEVELS:
        if level in levels:
            return level
    return default


# System signals come before a clinician action stamped with the very same moment.
_SIGNAL, _ACTION = 0, 1
_chronological = itemgetter(0, 1)


def replay(
    patient_id: str,
    kind: str,
    signals: Sequence[Signal],
    actions: Sequence[FlagAction],
    *,
    default_level: str,
    rule_set: str,
) -> list[FlagEpisode]:
    """Every episode of one patient's flag kind, open and closed, from signals and clinician actions.

    System signals come before a clinician action stamped with the very same moment (the
    clinician acted on what was there).
    """
    timeline: list[tuple[int, int, Signal | FlagAction]] = [(s.at, _SIGNAL, s) for s in signals]
    timeline += [(to_ns(a.at), _ACTION, a) for a in actions]
    timeline.sort(key=_chronological)

    sticky = family_of(kind) == "sticky"
    episodes: list[FlagEpisode] = []
    current: _Open | None = None
    suppressed = False  # a state flag resolved while its condition still held

    def close(episode: _Open, closed_at: dt.datetime, status: str) -> None:
        episodes.append(_freeze(patient_id, kind, episode, status, closed_at, default_level, rule_set))

    # Moments are converted to datetimes only where a transition records them.
    for at, _, event in timeline:
        if isinstance(event, FlagAction):
            if current is None:
                continue  # nothing open to act on (the records changed since)
            if event.flag_id is not None and event.flag_id not in current.action_flag_ids:
                current.action_flag_ids.append(event.flag_id)
            if event.action == "acknowledge":
                current.status = "acknowledged"
                current.transitions.append(
                    Transition(event.at, event.actor, "acknowledged", event.acknowledgement, event.note)
                )
            else:
                current.transitions.append(
                    Transition(event.at, event.actor, "resolved", event.acknowledgement, event.note)
                )
                close(current, from_ns(at), "resolved")
                current = None
                suppressed = not sticky
            continue
        if isinstance(event, Trigger):
            if current is not None:
                if current.evidence.get(event.key) != event.evidence:
                    current.evidence[event.key] = event.evidence
                    current.status = "new"
                    note = event.evidence["detail"]
                    current.transitions.append(Transition(from_ns(at), SYSTEM, "evidence_added", None, note))
            elif event.raises:
                opening = event.opening() if event.opening else {event.key: event.evidence}
                moment = from_ns(at)
                current = _Open(since=event.since, raised_at=moment, evidence=opening)
                current.transitions.append(Transition(moment, SYSTEM, "raised", None, event.evidence["detail"]))
            continue
        # A state condition.
        if not event.holds:
            if current is not None:
                moment = from_ns(at)
                current.transitions.append(Transition(moment, SYSTEM, "cleared", None, CLEARED_NOTE))
                close(current, moment, "cleared")
                current = None
            suppressed = False
        elif current is not None:
            evidence = _keyed(event.evidence)
            if evidence != current.evidence:
                current.evidence = evidence
                current.status = "new"
                note = _details(event.evidence)
                current.transitions.append(Transition(from_ns(at), SYSTEM, "evidence_added", None, note))
        elif not suppressed:
            moment = from_ns(at)
            current = _Open(since=event.day, raised_at=moment, evidence=_keyed(event.evidence))
            current.transitions.append(Transition(moment, SYSTEM, "raised", None, _details(event.evidence)))
    if current is not None:
        episodes.append(_freeze(patient_id, kind, current, current.status, None, default_level, rule_set))
    return episodes


def _keyed(evidence: Sequence[Evidence]) -> dict[str, Evidence]:
    return {str(i): item for i, item in enumerate(evidence)}


def _details(evidence: Sequence[Evidence]) -> str:
    return "; ".join([str(item["detail"]) for item in evidence])


def _evidence_order(item: Evidence) -> tuple[str, str]:
    """Evidence reads by date, then (same day) by the moment of the assessment behind it."""
    return item["date"], item.get("at", "")


def _freeze(
    patient_id: str,
    kind: str,
    episode: _Open,
    status: str,
    closed_at: dt.datetime | None,
    default_level: str,
    rule_set: str,
) -> FlagEpisode:
    evidence = sorted(episode.evidence.values(), key=_evidence_order)
    return FlagEpisode(
        patient_id=patient_id,
        kind=kind,
        family=family_of(kind),
        level=_evidence_level(evidence, default_level),
        status=status,
        is_open=closed_at is None,
        since=date_of(episode.since),
        evidence=evidence,
        rule_set=rule_set,
        transitions=tuple(episode.transitions),
        raised_at=episode.raised_at,
        closed_at=closed_at,
        action_flag_ids=tuple(episode.action_flag_ids),
    )
