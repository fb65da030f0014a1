"""SQLAlchemy 2.0 typed models for every record of SPEC §2, flags, audit and the demo marker.

Clinic identifiers (`patient_id`, clinician `username`) are the primary keys of their
tables: files, exports and the clinical engine all speak them, so nothing has to translate.
Every timestamp is stored in UTC and comes back timezone-aware.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from clinical.instruments import MAX_ITEMS


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes on every database (SQLite keeps no offset, so we restore it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    pass


ROLES = ("therapist", "supervisor", "admin")
PATIENT_STATUSES = ("active", "paused", "discharged")
SESSION_KINDS = ("intake", "preparation", "dosing", "integration", "follow_up")
ROUTES = ("iv", "im", "sublingual", "oral", "intranasal")
NOTE_KINDS = ("preparation", "dosing", "integration", "progress")

DOSING_FIELDS = (
    "route",
    "dose_mg",
    "weight_kg",
    "bp_pre_sys",
    "bp_pre_dia",
    "bp_post_sys",
    "bp_post_dia",
    "bp_peak_sys",
    "bp_peak_dia",
    "heart_rate",
    "spo2_min",
    "cadss",
    "observed_minutes",
    "adverse_events",
)
ITEM_COLUMNS = tuple(f"item_{n}" for n in range(1, MAX_ITEMS + 1))


class Clinician(Base):
    """A person of the clinic, and their login (no password hash = cannot log in yet)."""

    __tablename__ = "clinicians"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    supervisor: Mapped[str | None] = mapped_column(ForeignKey("clinicians.username"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(100))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    first_failed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Patient(Base):
    __tablename__ = "patients"

    patient_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    first_name: Mapped[str] = mapped_column(String(200))
    last_name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    therapist: Mapped[str] = mapped_column(ForeignKey("clinicians.username"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    enrolled_on: Mapped[dt.date] = mapped_column(Date)
    planned_doses: Mapped[int | None] = mapped_column(SmallInteger)


class Session(Base):
    """A therapy session; a dosing one carries the dose and vitals (blank while scheduled)."""

    __tablename__ = "sessions"
    __table_args__ = (
        UniqueConstraint("patient_id", "started_at", "kind", name="uq_session_key"),
        Index("ix_sessions_patient_time", "patient_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.patient_id"))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(16))
    clinician: Mapped[str] = mapped_column(ForeignKey("clinicians.username"), index=True)
    route: Mapped[str | None] = mapped_column(String(16))
    dose_mg: Mapped[float | None] = mapped_column(Float)
    weight_kg: Mapped[float | None] = mapped_column(Float)
    bp_pre_sys: Mapped[int | None] = mapped_column(SmallInteger)
    bp_pre_dia: Mapped[int | None] = mapped_column(SmallInteger)
    bp_post_sys: Mapped[int | None] = mapped_column(SmallInteger)
    bp_post_dia: Mapped[int | None] = mapped_column(SmallInteger)
    bp_peak_sys: Mapped[int | None] = mapped_column(SmallInteger)
    bp_peak_dia: Mapped[int | None] = mapped_column(SmallInteger)
    heart_rate: Mapped[int | None] = mapped_column(SmallInteger)
    spo2_min: Mapped[int | None] = mapped_column(SmallInteger)
    cadss: Mapped[int | None] = mapped_column(SmallInteger)
    observed_minutes: Mapped[int | None] = mapped_column(SmallInteger)
    adverse_events: Mapped[str | None] = mapped_column(Text)


class Assessment(Base):
    """One administration of an instrument: the answers as given, and the total as given.

    `total` holds a total stated by the source (CSV `total`, a FHIR total); when items are
    all answered the importer has checked it equals the computed one. The clinical engine
    derives totals itself and never trusts a partial sum.
    """

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("patient_id", "administered_at", "instrument", name="uq_assessment_key"),
        Index("ix_assessments_patient_time", "patient_id", "administered_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.patient_id"))
    administered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    instrument: Mapped[str] = mapped_column(String(16))
    total: Mapped[int | None] = mapped_column(SmallInteger)


# item_1 … item_23 as plain columns: one wide row reads straight into a DataFrame.
for _column in ITEM_COLUMNS:
    setattr(Assessment, _column, mapped_column(_column, SmallInteger, nullable=True))
Assessment.__annotations__.update({c: Mapped[int | None] for c in ITEM_COLUMNS})


class Note(Base):
    __tablename__ = "notes"
    __table_args__ = (
        UniqueConstraint("patient_id", "written_at", "kind", "author", name="uq_note_key"),
        Index("ix_notes_patient_time", "patient_id", "written_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.patient_id"))
    written_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(16))
    author: Mapped[str] = mapped_column(ForeignKey("clinicians.username"), index=True)
    text: Mapped[str] = mapped_column(Text)
    session_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Flag(Base):
    """One flag of SPEC §4/§6. Never deleted; at most one open per patient and kind."""

    __tablename__ = "flags"
    __table_args__ = (
        Index(
            "uq_open_flag_per_kind",
            "patient_id",
            "kind",
            unique=True,
            sqlite_where=text("is_open"),
            postgresql_where=text("is_open"),
        ),
        Index("ix_flags_open", "is_open", "patient_id"),
        Index("ix_flags_patient_kind", "patient_id", "kind"),  # migration 0003: per-caseload flag reads
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.patient_id"))
    kind: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # new, acknowledged, resolved, cleared
    is_open: Mapped[bool] = mapped_column(Boolean)
    since: Mapped[dt.date] = mapped_column(Date)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    rule_set: Mapped[str] = mapped_column(String(64))
    raised_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class FlagTransition(Base):
    """Append-only history of a flag: who (or `system`), when, what, and why."""

    __tablename__ = "flag_transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("flags.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    # raised, evidence_added, acknowledged, resolved, cleared, reopened
    action: Mapped[str] = mapped_column(String(32))
    acknowledgement: Mapped[str | None] = mapped_column(String(64))  # safety plan reviewed, …
    note: Mapped[str | None] = mapped_column(Text)


class AuditEvent(Base):
    """Append-only audit log: who, what, which patient or scope, when, outcome."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    patient_id: Mapped[str | None] = mapped_column(String(64), index=True)
    scope: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))  # success, denied, failure
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))


class Meta(Base):
    """Small key/value facts about this database (the demo marker, generated demo keys)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
