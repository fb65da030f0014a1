"""Record tables read into the engine's frames (`db.frames`) on SQLite and PostgreSQL.

The big tables are read straight from the driver in batches and typed column by column; a
whole table on PostgreSQL streams through a server-side cursor. Whatever the path and
wherever a batch ends, the frame must hold every row once, blanks as missing (never 0),
numbers as nullable integers, times in UTC and codes as plain objects.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import Engine

from db import frames
from db.engine import UnitOfWork
from db.models import Assessment, Clinician, Patient, Session

START = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def records(engine: Engine) -> Engine:
    with UnitOfWork(engine) as uow:
        s = uow.session
        s.add(Clinician(username="thera", display_name="Thea Rapist", role="therapist"))
        for n in range(1, 4):
            s.add(
                Patient(
                    patient_id=f"P{n}",
                    first_name="Pat",
                    last_name=f"Ient{n}",
                    birth_date=dt.date(1980, 1, n),
                    therapist="thera",
                    status="active",
                    enrolled_on=dt.date(2026, 3, 1),
                )
            )
        s.flush()
        for n in range(7):  # 7 assessments over 3 patients: batches of 2 end mid-patient
            row = Assessment(
                patient_id=f"P{n % 3 + 1}", administered_at=START + dt.timedelta(days=n), instrument="PHQ-9"
            )
            for item in range(1, 10):
                setattr(row, f"item_{item}", None if item == 9 and n == 4 else (n + item) % 4)
            s.add(row)
        s.add(Assessment(patient_id="P1", administered_at=START - dt.timedelta(days=1), instrument="PHQ-9", total=17))
        s.add(Session(patient_id="P1", started_at=START, kind="dosing", clinician="thera", route="iv", dose_mg=35.5))
        s.add(Session(patient_id="P2", started_at=START, kind="dosing", clinician="thera", bp_pre_sys=150))
        s.add(Session(patient_id="P3", started_at=START, kind="integration", clinician="thera"))
        uow.commit()
    return engine


@pytest.mark.parametrize("batch", [2, 50_000])
def test_assessments_whole_table_and_by_patient_alike(
    records: Engine, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(frames, "_FETCH_ROWS", batch)
    whole = frames.load_assessments(records)
    scoped = frames.load_assessments(records, ["P1", "P2", "P3"])
    key = ["patient_id", "administered_at"]
    pd.testing.assert_frame_equal(
        whole.sort_values(key).reset_index(drop=True), scoped.sort_values(key).reset_index(drop=True)
    )
    assert len(whole) == 8 and whole["patient_id"].dtype == object and whole["instrument"].dtype == object
    assert str(whole["administered_at"].dt.tz) == "UTC"
    assert all(str(whole[column].dtype) == "Int64" for column in ("total", "item_1", "item_9", "item_23"))
    by_time = whole.set_index("administered_at")
    assert pd.isna(by_time.loc[START + dt.timedelta(days=4), "item_9"])  # a blank item is missing, not 0
    assert by_time.loc[START + dt.timedelta(days=3), "item_1"] == 0  # a real 0 stays 0
    assert by_time.loc[START - dt.timedelta(days=1), "total"] == 17
    assert whole["item_23"].isna().all()
    up_to = frames.load_assessments(records, up_to=START + dt.timedelta(days=2))
    assert sorted(up_to["administered_at"]) == [START + dt.timedelta(days=d) for d in (-1, 0, 1)]


def test_sessions_keep_blanks_as_missing(records: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(frames, "_FETCH_ROWS", 2)
    sessions = frames.load_sessions(records).set_index("patient_id")
    assert sessions.loc["P1", "route"] == "iv" and sessions.loc["P1", "dose_mg"] == 35.5
    assert str(sessions["dose_mg"].dtype) == "Float64" and str(sessions["bp_pre_sys"].dtype) == "Int64"
    assert pd.isna(sessions.loc["P2", "route"]) and pd.isna(sessions.loc["P2", "dose_mg"])
    assert sessions.loc["P2", "bp_pre_sys"] == 150 and pd.isna(sessions.loc["P1", "bp_pre_sys"])
    assert sessions.loc["P3", "kind"] == "integration"
    assert frames.load_sessions(records, ["nobody"]).empty
