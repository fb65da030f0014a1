"""Evaluating a whole clinic at once gives each patient exactly the episodes it gets alone.

The course flags are computed for every patient together (`clinical.flags_course` works on
clinic-wide arrays): no patient's records may leak into another's baseline, current
assessment, doses or look-back, and each patient's evidence and transitions stay its own.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinical.flags import evaluate_flags
from tests.oracle.courses import BASE_DAY, Clinic, clinic
from tests.oracle.engine_frames import assessments_frame, patients_frame, sessions_frame

CHICAGO = ZoneInfo("America/Chicago")


def _episodes(records: Clinic, as_of: dt.date) -> list:
    return evaluate_flags(
        patients_frame(records.patients),
        assessments_frame(records.assessments),
        sessions_frame(records.sessions),
        [],
        as_of=as_of,
        tz=CHICAGO,
    )


def _alone(records: Clinic, patient_id: str) -> Clinic:
    return Clinic(
        [p for p in records.patients if p.patient_id == patient_id],
        [a for a in records.assessments if a.patient_id == patient_id],
        [s for s in records.sessions if s.patient_id == patient_id],
    )


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    shapes=st.lists(st.tuples(st.integers(0, 16), st.integers(0, 8)), min_size=2, max_size=5),
    as_of=st.integers(10, 95).map(lambda n: BASE_DAY + dt.timedelta(days=n)),
)
def test_each_patient_gets_the_episodes_it_gets_alone(seed: int, shapes: list, as_of: dt.date) -> None:
    records = clinic(seed, shapes)
    together = _episodes(records, as_of)
    for patient in records.patients:
        mine = [episode for episode in together if episode.patient_id == patient.patient_id]
        assert mine == _episodes(_alone(records, patient.patient_id), as_of), patient.patient_id
