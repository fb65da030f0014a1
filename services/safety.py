"""Safety flags in scope, their history, and the clinician's actions on them (SPEC §4/§6).

Every open flag comes with its evidence and with whether it may be resolved now (and why
not). Acknowledge and resolve check access first, then go through `services.flags`,
which records the transition; the resolve rule is applied there again, whatever the page showed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from clinical.flags import resolve_refusal
from db import audit
from db.settings import load_settings
from services import clock
from services import flags as flag_service
from services.access import NOT_AVAILABLE_MESSAGE, AccessDenied, may_see_patient, patients_in_scope
from services.auth import CurrentUser
from services.patient_records import PatientRecords, load_patient_records
from services.views import FlagCard, FlagTransitionRow, SafetyView

SI_KINDS = ("si_persistent", "si_high")
_LEVEL_RANK = {"high": 0, "moderate": 1, "low": 2}


@dataclass(frozen=True)
class ActionResult:
    """What happened to a clinician's action: done, or refused with the reason."""

    done: bool
    message: str


def _name(records: PatientRecords, patient_id: str) -> str:
    try:
        patient = records.patient(patient_id)
    except KeyError:
        return patient_id
    return f"{patient['first_name']} {patient['last_name']}"


def _refusal(records: PatientRecords, patient_id: str, kind: str) -> str | None:
    if kind not in SI_KINDS:
        return None
    own = records.scored[records.scored["patient_id"] == patient_id]
    return resolve_refusal(
        own, kind, clock.now(), tz=records.tz, rules=records.rules, lookback_days=load_settings().si_lookback_days
    )


def _acknowledgement_text(flag: Any) -> str | None:
    for step in reversed(list(getattr(flag, "transitions", ()) or ())):
        if getattr(step, "action", None) in ("acknowledged", "acknowledge"):
            at = getattr(step, "at", None)
            when = f" on {at:%Y-%m-%d %H:%M}" if isinstance(at, dt.datetime) else ""
            note = getattr(step, "note", None)
            return f"{getattr(step, 'acknowledgement', '')} by {getattr(step, 'actor', '?')}{when}" + (
                f" — {note}" if note else ""
            )
    return None


def flag_cards(records: PatientRecords, patient_ids: Iterable[str]) -> list[FlagCard]:
    """Open flags of the given (allowed) patients as cards, most urgent first."""
    cards = []
    for patient_id in patient_ids:
        for flag in records.open_flags.get(patient_id, ()):
            cards.append(
                FlagCard(
                    flag_id=getattr(flag, "id", None) or getattr(flag, "flag_id", None),
                    patient_id=patient_id,
                    patient_name=_name(records, patient_id),
                    kind=flag.kind,
                    level=flag.level,
                    status=flag.status,
                    since=flag.since,
                    evidence=tuple(flag.evidence),
                    rule_set=flag.rule_set,
                    resolve_refusal=_refusal(records, patient_id, flag.kind),
                    last_acknowledgement=_acknowledgement_text(flag),
                )
            )
    return order_cards(cards)


def order_cards(cards: Iterable[FlagCard]) -> list[FlagCard]:
    """Unacknowledged before acknowledged; within each, SI first, then by level, newest first."""
    return sorted(
        cards,
        key=lambda c: (
            c.status == "acknowledged",
            c.kind not in SI_KINDS,
            _LEVEL_RANK.get(c.level, 3),
            -c.since.toordinal(),
            c.patient_name,
        ),
    )


def safety_view(engine: Engine, user: CurrentUser, as_of: dt.date | None = None) -> SafetyView:
    """Every open flag in the user's scope, and the history of flag transitions."""
    ids = patients_in_scope(engine, user)
    audit.write(
        engine,
        audit.AuditEntry(actor=user.username, event="safety.viewed", category="patient", scope=f"{len(ids)} patients"),
        clock.now(),
    )
    records = load_patient_records(engine, ids, as_of=as_of, store_flags=True)
    history = [
        FlagTransitionRow(
            flag_id=episode.id,
            patient_id=episode.patient_id,
            patient_name=_name(records, episode.patient_id),
            kind=episode.kind,
            at=records.local_time(step.at),
            actor=step.actor,
            action=step.action,
            acknowledgement=step.acknowledgement,
            note=step.note,
        )
        for episode in records.stored_flags
        for step in episode.transitions
    ]
    history.sort(key=lambda row: row.at, reverse=True)
    return SafetyView(as_of=records.as_of, open_flags=tuple(flag_cards(records, ids)), history=tuple(history))


def _check_access(engine: Engine, user: CurrentUser, patient_id: str, action: str) -> None:
    if may_see_patient(engine, user, patient_id):
        return
    audit.write(
        engine,
        audit.AuditEntry(
            actor=user.username,
            event=f"flag.{action}",
            category="patient",
            outcome="denied",
            patient_id=str(patient_id)[:64],
        ),
        clock.now(),
    )
    raise AccessDenied(NOT_AVAILABLE_MESSAGE)


def acknowledge(
    engine: Engine, user: CurrentUser, card: FlagCard, acknowledgement: str, note: str = ""
) -> ActionResult:
    """Acknowledge an open flag with the action taken and a note (access checked first)."""
    _check_access(engine, user, card.patient_id, "acknowledge")
    if card.flag_id is None:
        return ActionResult(False, "This flag is not stored yet; reload the page and try again.")
    try:
        flag_service.acknowledge_flag(
            engine, card.flag_id, actor=user.username, acknowledgement=acknowledgement, note=note or None
        )
    except flag_service.FlagActionRefused as refused:
        return ActionResult(False, f"Not acknowledged: {refused.reason}")
    return ActionResult(True, f"Acknowledged: {acknowledgement}.")


def resolve(engine: Engine, user: CurrentUser, card: FlagCard, note: str = "") -> ActionResult:
    """Resolve a flag; an SI flag is refused (with the reason) while SI is recent (SPEC §4)."""
    _check_access(engine, user, card.patient_id, "resolve")
    if card.flag_id is None:
        return ActionResult(False, "This flag is not stored yet; reload the page and try again.")
    try:
        flag_service.resolve_flag(engine, card.flag_id, actor=user.username, note=note or None)
    except flag_service.FlagActionRefused as refused:
        return ActionResult(False, f"Not resolved: {refused.reason}")
    return ActionResult(True, "Resolved.")
