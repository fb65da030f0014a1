"""Flag evaluation, storage and clinician actions on flags (SPEC §4 lifecycle, §6, §8).

The picture as of a day is replayed from the records and the clinician actions
(`clinical.flags.evaluate_flags`); `evaluate_and_store` then brings the stored `flags` /
`flag_transitions` in line with it: new episodes are inserted, and `raised`,
`evidence_added` and `cleared` are appended as `system` transitions. Nothing is deleted
or rewritten, a second run finds nothing to do, and clinicians' acknowledgements — stored
as transitions on the flag they were taken on — are read back by the replay, so they
survive every re-evaluation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from clinical.collector import cycle_collector_paused
from clinical.days import end_of_day
from clinical.flags import evaluate_flags
from clinical.flags_si import resolve_refusal
from clinical.lifecycle import ACKNOWLEDGEMENTS, SI_KINDS, SYSTEM, FlagAction, FlagEpisode, Transition, family_of
from clinical.rules import DEFAULT_RULES, Rules
from clinical.scoring import score_assessments
from db import audit, meta
from db.engine import UnitOfWork, lock_for_records, read_session
from db.frames import (
    FlagKey,
    StoredFlag,
    load_assessments,
    load_flag_actions,
    load_flag_keys,
    load_patients,
    load_sessions,
    load_stored_flags,
)
from db.models import Flag, FlagTransition, Patient
from db.settings import clinic_timezone, load_settings
from services import clock

# A stored flag as matching needs it: its identity (read-only replay) or all of it (storing).
_Stored = TypeVar("_Stored", FlagKey, StoredFlag)

# Patients evaluated at a time when the whole clinic is: ~250,000 assessments in memory at once.
CLINIC_BLOCK = 2_500

RECORDS_CHANGED_NOTE = "condition no longer holds (the records it rested on changed)"
REOPENED_NOTE = "condition holds again (records dated earlier arrived)"


class FlagActionRefused(Exception):
    """A clinician's action on a flag was refused; `reason` says why (shown to the clinician)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class EvaluationSummary:
    """What one evaluation stored."""

    as_of: dt.date
    raised: int = 0
    evidence_added: int = 0
    cleared: int = 0
    reopened: int = 0
    open_flags: int = 0


@dataclass
class _Counts:
    raised: int = 0
    evidence_added: int = 0
    cleared: int = 0
    reopened: int = 0
    touched: set[int] = field(default_factory=set)


def today() -> dt.date:
    """Today in the clinic's time zone (the default `--as-of`)."""
    return clock.now().astimezone(clinic_timezone()).date()


def picture_cutoff(as_of: dt.date) -> dt.datetime:
    """Records and actions before this moment count: the end of `as_of`, never past the present.

    The present itself counts (an action taken this very moment is part of the picture).
    """
    return min(end_of_day(as_of, clinic_timezone()), clock.now() + dt.timedelta(microseconds=1))


@dataclass(frozen=True)
class ClinicRecords:
    """What a flag picture and the outcomes are computed from, read once (one query per table)."""

    as_of: dt.date
    cutoff: dt.datetime
    patient_ids: Sequence[str] | None  # None: the whole clinic
    patients: pd.DataFrame
    scored: pd.DataFrame  # assessments before the cut-off, scored
    sessions: pd.DataFrame  # sessions before the cut-off (done, not scheduled)
    actions: list[FlagAction]


def load_clinic_records(
    engine: Engine,
    as_of: dt.date | None = None,
    patient_ids: Sequence[str] | None = None,
    *,
    rules: Rules = DEFAULT_RULES,
) -> ClinicRecords:
    """The records and clinician actions dated before the picture's cut-off, scored once."""
    as_of = as_of or today()
    cutoff = picture_cutoff(as_of)
    with cycle_collector_paused():  # hundreds of thousands of rows pass through Python tuples
        return ClinicRecords(
            as_of=as_of,
            cutoff=cutoff,
            patient_ids=patient_ids,
            patients=load_patients(engine, patient_ids),
            scored=score_assessments(load_assessments(engine, patient_ids, up_to=cutoff), rules),
            sessions=load_sessions(engine, patient_ids, up_to=cutoff),
            actions=load_flag_actions(engine, patient_ids, up_to=cutoff),
        )


def clinic_blocks(
    engine: Engine, as_of: dt.date | None = None, *, rules: Rules = DEFAULT_RULES
) -> Iterator[ClinicRecords]:
    """The whole clinic's records, `CLINIC_BLOCK` patients at a time, each patient whole in one block.

    Every rule looks at one patient's records only, so a block's picture is exactly that
    block's part of the whole one; memory then holds one block, whatever the network's size
    (a block's indexed reads cost what a whole-table scan does: benchmarks/README.md).
    """
    with read_session(engine) as session:
        ids = list(session.scalars(select(Patient.patient_id).order_by(Patient.patient_id)))
    for start in range(0, len(ids), CLINIC_BLOCK):
        yield load_clinic_records(engine, as_of, ids[start : start + CLINIC_BLOCK], rules=rules)


def _blocks(
    engine: Engine, as_of: dt.date | None, patient_ids: Sequence[str] | None, rules: Rules
) -> Iterable[ClinicRecords]:
    if patient_ids is None:
        return clinic_blocks(engine, as_of, rules=rules)
    return [load_clinic_records(engine, as_of, patient_ids, rules=rules)]


def replay_flags(
    engine: Engine,
    as_of: dt.date | None = None,
    patient_ids: Sequence[str] | None = None,
    *,
    rules: Rules = DEFAULT_RULES,
    records: ClinicRecords | None = None,
) -> list[FlagEpisode]:
    """Every episode (open and closed) as of the day, with the stored flag id where one exists. Writes nothing.

    `records` (from `load_clinic_records` or `clinic_blocks`) saves reading them again when
    the caller has them.
    """
    if records is None:
        blocks = _blocks(engine, as_of, patient_ids, rules)
        return [episode for block in blocks for episode in replay_flags(engine, rules=rules, records=block)]
    with cycle_collector_paused():  # as for the records: many small objects, no cycles
        episodes = _evaluate(records, rules)
        stored = _comparable(load_flag_keys(engine, records.patient_ids), records.cutoff)
        paired = []
        for episode, flag in _match(episodes, stored):
            if flag is not None:
                # The episodes were made for this call alone, so each takes its stored id in place
                # (`dataclasses.replace` of 170,000 episodes a night costs a tenth of the evaluation).
                object.__setattr__(episode, "flag_id", flag.id)
            paired.append(episode)
    return paired


def open_flags(
    engine: Engine,
    as_of: dt.date | None = None,
    patient_ids: Sequence[str] | None = None,
    *,
    rules: Rules = DEFAULT_RULES,
) -> list[FlagEpisode]:
    """Every open flag as of the day (default today), by patient and kind. Writes nothing."""
    return [episode for episode in replay_flags(engine, as_of, patient_ids, rules=rules) if episode.is_open]


def evaluate_and_store(
    engine: Engine,
    as_of: dt.date | None = None,
    patient_ids: Sequence[str] | None = None,
    *,
    rules: Rules = DEFAULT_RULES,
) -> EvaluationSummary:
    """Evaluate every flag and store what changed as `system` transitions (idempotent).

    Evaluating the whole clinic also records the day it was evaluated for (`flags_current`).
    """
    as_of = as_of or today()
    cutoff = picture_cutoff(as_of)
    counts = _Counts()
    open_now = 0
    with UnitOfWork(engine) as uow:
        # Read only once no import or flag action is mid-write, and store before the next
        # may start: a picture read before a commit and stored after it would undo that commit.
        lock_for_records(uow.session)
        for records in _blocks(engine, as_of, patient_ids, rules):
            episodes = _evaluate(records, rules)
            stored = _comparable(load_stored_flags(engine, records.patient_ids), cutoff)
            pairs = _match(episodes, stored)
            matched = {flag.id for _, flag in pairs if flag is not None}
            _store(uow.session, pairs, [f for f in stored if f.is_open and f.id not in matched], cutoff, counts)
            open_now += sum(1 for episode in episodes if episode.is_open)
        if patient_ids is None:
            meta.mark_flags_evaluated(uow.session, as_of, rules.label(), cutoff)
        uow.commit()
    return EvaluationSummary(
        as_of=as_of,
        raised=counts.raised,
        evidence_added=counts.evidence_added,
        cleared=counts.cleared,
        reopened=counts.reopened,
        open_flags=open_now,
    )


def flags_current(engine: Engine, as_of: dt.date, *, rules: Rules = DEFAULT_RULES) -> dt.datetime | None:
    """The cut-off of the stored flags when they are the picture as of `as_of`, else None.

    They are from a whole-clinic evaluation for that day (the one after every import, the
    nightly `evaluate`) until records are next written: an import forgets it in the same
    transaction. Clinicians' actions and per-patient evaluations keep the stored flags in
    step with the replay, so they leave it standing. One thing changes the picture without
    a write: a session scheduled after the cut-off that has begun since. `moved_on` names
    the patients with one; their flags must be replayed.
    """
    with read_session(engine) as session:
        return meta.flags_evaluated_up_to(session, as_of, rules.label())


def moved_on(sessions: pd.DataFrame, evaluated_up_to: dt.datetime, cutoff: dt.datetime) -> set[str]:
    """Patients with a session that began between the evaluation's cut-off and this one.

    It was scheduled when their flags were stored and counts now (a dose without blood
    pressure, the start of the integration window), so their stored flags may be stale.
    """
    started = sessions["started_at"]
    return set(sessions.loc[(started >= evaluated_up_to) & (started < cutoff), "patient_id"])


def _evaluate(records: ClinicRecords, rules: Rules) -> list[FlagEpisode]:
    return evaluate_flags(
        records.patients,
        records.scored,
        records.sessions,
        records.actions,
        as_of=records.as_of,
        tz=clinic_timezone(),
        rules=rules,
    )


def _comparable(stored: list[_Stored], cutoff: dt.datetime) -> list[_Stored]:
    # A flag raised after the cut-off belongs to a later picture (`evaluate --as-of` a past day).
    return [flag for flag in stored if flag.raised_at < cutoff]


def _match(episodes: Iterable[FlagEpisode], stored: list[_Stored]) -> list[tuple[FlagEpisode, _Stored | None]]:
    """Pair each replayed episode with the stored flag it is, if any.

    First the flag its clinician actions were taken on, then the flag raised at the same
    moment, then (for an open episode) the open flag of that patient and kind — records
    dated earlier can move an open episode's start.
    """
    by_id = {flag.id: flag for flag in stored}
    by_raise = {(flag.patient_id, flag.kind, flag.raised_at): flag for flag in stored}
    open_by_kind = {(flag.patient_id, flag.kind): flag for flag in stored if flag.is_open}
    used: set[int] = set()
    pairs: list[tuple[FlagEpisode, _Stored | None]] = []
    for episode in sorted(episodes, key=lambda e: (e.patient_id, e.kind, e.raised_at)):
        candidates = [by_id.get(i) for i in episode.action_flag_ids]
        candidates.append(by_raise.get((episode.patient_id, episode.kind, episode.raised_at)))
        if episode.is_open:
            candidates.append(open_by_kind.get((episode.patient_id, episode.kind)))
        flag = next((c for c in candidates if c is not None and c.id not in used), None)
        if flag is not None:
            used.add(flag.id)
        pairs.append((episode, flag))
    return pairs


def _store(
    session: Session,
    pairs: list[tuple[FlagEpisode, StoredFlag | None]],
    orphans: list[StoredFlag],
    cutoff: dt.datetime,
    counts: _Counts,
) -> None:
    # Close before opening: at most one open flag per patient and kind, even mid-transaction.
    later = {flag.id for _, flag in pairs if flag is not None and any(t.at >= cutoff for t in flag.transitions)}
    closing: list[tuple[FlagEpisode, StoredFlag]] = [
        (e, f) for e, f in pairs if f is not None and f.is_open and not e.is_open and f.id not in later
    ]
    for episode, flag in closing:
        _update(session, episode, flag, counts)
    for orphan in orphans:
        if orphan.id not in later:
            _close_orphan(session, orphan, counts)
    session.flush()
    closed_now = {flag.id for _, flag in closing}
    for episode, stored in pairs:
        if stored is not None and stored.id not in later and stored.id not in closed_now:
            _update(session, episode, stored, counts)
    session.flush()
    for episode, stored in pairs:
        if stored is None:
            _insert(session, episode, counts)
    session.flush()


def _system_steps(episode: FlagEpisode) -> list[Transition]:
    return [t for t in episode.transitions if t.actor == SYSTEM]


def _append(session: Session, flag_id: int, step: Transition, counts: _Counts) -> None:
    session.add(
        FlagTransition(
            flag_id=flag_id,
            at=step.at,
            actor=step.actor,
            action=step.action,
            acknowledgement=step.acknowledgement,
            note=step.note,
        )
    )
    if step.action in ("raised", "evidence_added", "cleared", "reopened"):
        setattr(counts, step.action, getattr(counts, step.action) + 1)


def _update(session: Session, episode: FlagEpisode, flag: StoredFlag, counts: _Counts) -> None:
    known = {(t.action, t.at) for t in flag.transitions if t.actor == SYSTEM}
    for step in _system_steps(episode):
        if (step.action, step.at) not in known:
            _append(session, flag.id, step, counts)
    if episode.is_open and not flag.is_open:
        _append(session, flag.id, Transition(clock.now(), SYSTEM, "reopened", None, REOPENED_NOTE), counts)
    row = session.get(Flag, flag.id)
    assert row is not None
    values = _row_values(episode)
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def _row_values(episode: FlagEpisode) -> dict[str, object]:
    return {
        "level": episode.level,
        "status": episode.status,
        "is_open": episode.is_open,
        "since": episode.since,
        "evidence": episode.evidence,
        "rule_set": episode.rule_set,
        "closed_at": episode.closed_at,
    }


def _insert(session: Session, episode: FlagEpisode, counts: _Counts) -> None:
    row = Flag(patient_id=episode.patient_id, kind=episode.kind, raised_at=episode.raised_at, **_row_values(episode))
    session.add(row)
    session.flush()
    for step in _system_steps(episode):
        _append(session, row.id, step, counts)


def _close_orphan(session: Session, flag: StoredFlag, counts: _Counts) -> None:
    """A stored open flag the records no longer support: closed with a visible transition, never deleted."""
    now = clock.now()
    _append(session, flag.id, Transition(now, SYSTEM, "cleared", None, RECORDS_CHANGED_NOTE), counts)
    row = session.get(Flag, flag.id)
    assert row is not None
    row.status, row.is_open, row.closed_at = "cleared", False, now


# --- clinician actions -------------------------------------------------------------------------


def acknowledge_flag(
    engine: Engine, flag_id: int, *, actor: str, acknowledgement: str, note: str | None = None
) -> None:
    """Acknowledge an open flag with an action and a note; it stays open as `acknowledged`."""
    if acknowledgement not in ACKNOWLEDGEMENTS:
        raise FlagActionRefused(f"acknowledgement must be one of: {', '.join(ACKNOWLEDGEMENTS)}")
    with UnitOfWork(engine) as uow:
        lock_for_records(uow.session)
        row = _open_flag(uow.session, flag_id)
        now = clock.now()
        uow.session.add(
            FlagTransition(
                flag_id=row.id, at=now, actor=actor, action="acknowledged", acknowledgement=acknowledgement, note=note
            )
        )
        row.status = "acknowledged"
        _audit(uow.session, actor, "flag.acknowledged", row, now, {"acknowledgement": acknowledgement})
        uow.commit()


def resolve_refusal_for(engine: Engine, flag_id: int, *, rules: Rules = DEFAULT_RULES) -> str | None:
    """Why this flag cannot be resolved now, or None when it can (for a page to show before asking)."""
    with UnitOfWork(engine) as uow:
        row = uow.session.get(Flag, flag_id)
        if row is None:
            return f"there is no flag {flag_id}"
        if not row.is_open:
            return "the flag is no longer open"
        patient_id, kind = row.patient_id, row.kind
    return _si_refusal(engine, patient_id, kind, clock.now(), rules)


def resolve_flag(
    engine: Engine,
    flag_id: int,
    *,
    actor: str,
    note: str | None = None,
    acknowledgement: str | None = None,
    rules: Rules = DEFAULT_RULES,
) -> None:
    """Resolve an open flag; raises FlagActionRefused (with the reason) when the SI look-back forbids it."""
    if acknowledgement is not None and acknowledgement not in ACKNOWLEDGEMENTS:
        raise FlagActionRefused(f"acknowledgement must be one of: {', '.join(ACKNOWLEDGEMENTS)}")
    now = clock.now()
    reason = resolve_refusal_for(engine, flag_id, rules=rules)
    if reason is not None:
        with UnitOfWork(engine) as uow:
            row = uow.session.get(Flag, flag_id)
            if row is not None:
                _audit(uow.session, actor, "flag.resolve_refused", row, now, {"reason": reason}, outcome="denied")
                uow.commit()
        raise FlagActionRefused(reason)
    with UnitOfWork(engine) as uow:
        lock_for_records(uow.session)
        row = _open_flag(uow.session, flag_id)
        uow.session.add(
            FlagTransition(
                flag_id=row.id, at=now, actor=actor, action="resolved", acknowledgement=acknowledgement, note=note
            )
        )
        row.status, row.is_open, row.closed_at = "resolved", False, now
        _audit(uow.session, actor, "flag.resolved", row, now, {})
        uow.commit()


def flag_history(engine: Engine, patient_ids: Sequence[str]) -> list[FlagEpisode]:
    """Every stored flag of these patients (open and closed) with its full history, oldest first."""
    return [
        FlagEpisode(
            patient_id=flag.patient_id,
            kind=flag.kind,
            family=family_of(flag.kind),
            level=flag.level,
            status=flag.status,
            is_open=flag.is_open,
            since=flag.since,
            evidence=flag.evidence,
            rule_set=flag.rule_set,
            transitions=tuple(sorted(flag.transitions, key=lambda t: t.at)),
            raised_at=flag.raised_at,
            closed_at=flag.closed_at,
            flag_id=flag.id,
        )
        for flag in load_stored_flags(engine, patient_ids)
    ]


def _open_flag(session: Session, flag_id: int) -> Flag:
    row = session.scalar(select(Flag).where(Flag.id == flag_id))
    if row is None:
        raise FlagActionRefused(f"there is no flag {flag_id}")
    if not row.is_open:
        raise FlagActionRefused("the flag is no longer open")
    return row


def _si_refusal(engine: Engine, patient_id: str, kind: str, at: dt.datetime, rules: Rules) -> str | None:
    if kind not in SI_KINDS:
        return None
    scored = score_assessments(load_assessments(engine, [patient_id], up_to=at + dt.timedelta(microseconds=1)), rules)
    return resolve_refusal(
        scored, kind, at, tz=clinic_timezone(), rules=rules, lookback_days=load_settings().si_lookback_days
    )


def _audit(
    session: Session,
    actor: str,
    event: str,
    row: Flag,
    at: dt.datetime,
    detail: dict[str, object],
    *,
    outcome: str = "success",
) -> None:
    audit.append(
        session,
        audit.AuditEntry(
            actor=actor,
            event=event,
            category="flag",
            outcome=outcome,
            patient_id=row.patient_id,
            scope=f"flag {row.id} ({row.kind})",
            detail=detail,
        ),
        at,
    )
