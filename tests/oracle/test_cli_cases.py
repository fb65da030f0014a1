"""End to end as a stranger would: hand-written CSV cases, `manage.py` in a subprocess, SPEC rule by rule.

One small clinic (one patient per case) is imported once into a fresh SQLite file; each test
reads `flags --json` / `outcomes --json` as of a chosen day and checks one rule of SPEC §4–6 at
its boundary. Patients outside the `assessment_overdue` cases are discharged, since that is the
only flag that depends on status (SPEC §6), so each case shows exactly the flags it is about.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ITEMS = [f"item_{n}" for n in range(1, 11)]
NORMAL_BP = {"bp_pre_sys": 120, "bp_pre_dia": 80, "bp_post_sys": 125, "bp_post_dia": 82}

patients: list[dict[str, Any]] = []
sessions: list[dict[str, Any]] = []
assessments: list[dict[str, Any]] = []


# --- the tiny vocabulary the cases are written in ------------------------------------------


def patient(
    pid: str, *, status: str = "discharged", enrolled_on: str = "2026-02-01", planned: int | None = None
) -> str:
    patients.append(
        {
            "patient_id": pid,
            "first_name": "Case",
            "last_name": pid,
            "birth_date": "1980-05-05",
            "therapist": "tina",
            "status": status,
            "enrolled_on": enrolled_on,
            "planned_doses": planned,
        }
    )
    return pid


def phq9(pid: str, at: str, total: int | None = None, *, item9: int | None = 0, items: bool = True) -> None:
    """A PHQ-9 whose items sum to `total` (item 9 as given); items=False: only item 9 answered."""
    row: dict[str, Any] = {"patient_id": pid, "administered_at": at, "instrument": "PHQ-9"}
    if items:
        assert total is not None
        rest = total - (item9 or 0)
        answers = [min(3, max(0, rest - 3 * k)) for k in range(8)]
        assert sum(answers) == rest, "total not reachable with item 9 as given"
        row.update({f"item_{n}": v for n, v in enumerate(answers, start=1)})
    row["item_9"] = item9
    assessments.append(row)


def madrs_si(pid: str, at: str, item10: int) -> None:
    assessments.append({"patient_id": pid, "administered_at": at, "instrument": "MADRS", "item_10": item10})


def cssrs(pid: str, at: str, **answers: int) -> None:
    assessments.append({"patient_id": pid, "administered_at": at, "instrument": "C-SSRS", **answers})


def dose(pid: str, at: str, **vitals: int | None) -> None:
    sessions.append({"patient_id": pid, "started_at": at, "kind": "dosing", "route": "iv", "dose_mg": 35, **vitals})


def session(pid: str, at: str, kind: str = "integration") -> None:
    sessions.append({"patient_id": pid, "started_at": at, "kind": kind})


def cared_dose(pid: str, day: str) -> None:
    """A dose with normal vitals and integration the next day: raises no session flag."""
    dose(pid, f"{day}T15:00:00+00:00", **NORMAL_BP)
    session(pid, f"{day}T23:00:00+00:00")


# --- the cases -------------------------------------------------------------------------------

# §4 SI boundaries per instrument.
patient("SI-PHQ9-1")  # item 9 = 1 twice on consecutive days: positive, not high
phq9("SI-PHQ9-1", "2026-03-01T09:00:00+00:00", 12, item9=1)
phq9("SI-PHQ9-1", "2026-03-02T09:00:00+00:00", 12, item9=1)
patient("SI-PHQ9-2")  # item 9 = 2 once: si_high, and a single day is not persistent
phq9("SI-PHQ9-2", "2026-03-01T09:00:00+00:00", 14, item9=2)
patient("SI-MADRS-1")  # MADRS item 10 = 1 is below its positive threshold (2)
madrs_si("SI-MADRS-1", "2026-03-01T09:00:00+00:00", 1)
madrs_si("SI-MADRS-1", "2026-03-02T09:00:00+00:00", 1)
patient("SI-MADRS-3")  # item 10 = 2 then 3: positive, not high (high is 4)
madrs_si("SI-MADRS-3", "2026-03-01T09:00:00+00:00", 2)
madrs_si("SI-MADRS-3", "2026-03-02T09:00:00+00:00", 3)
patient("SI-MADRS-4")
madrs_si("SI-MADRS-4", "2026-03-01T09:00:00+00:00", 4)
patient("SI-CSSRS-6")  # C-SSRS lifetime behaviour (item 6) alone is not SI-bearing
cssrs("SI-CSSRS-6", "2026-03-01T09:00:00+00:00", item_6=1)
cssrs("SI-CSSRS-6", "2026-03-02T09:00:00+00:00", item_6=1)
patient("SI-CSSRS-Q2")  # Q2 yes on two consecutive days: persistent, moderate
cssrs("SI-CSSRS-Q2", "2026-03-01T09:00:00+00:00", item_1=1, item_2=1, item_3=0, item_4=0, item_5=0)
cssrs("SI-CSSRS-Q2", "2026-03-02T09:00:00+00:00", item_1=1, item_2=1, item_3=0, item_4=0, item_5=0)
patient("SI-CSSRS-7")  # item 7 (behaviour in the past 3 months) = 1 alone is high
cssrs("SI-CSSRS-7", "2026-03-01T09:00:00+00:00", item_7=1)

# §4 (a): same-day positives are one day; a negative breaks a run; a blank SI item does not.
patient("SAME-DAY")
phq9("SAME-DAY", "2026-03-01T09:00:00+00:00", 12, item9=1)
phq9("SAME-DAY", "2026-03-01T17:00:00+00:00", 13, item9=1)
patient("NEG-BETWEEN")
phq9("NEG-BETWEEN", "2026-03-01T09:00:00+00:00", 12, item9=1)
phq9("NEG-BETWEEN", "2026-03-02T09:00:00+00:00", 10, item9=0)
phq9("NEG-BETWEEN", "2026-03-03T09:00:00+00:00", 12, item9=1)
patient("BLANK-BETWEEN")
phq9("BLANK-BETWEEN", "2026-03-01T09:00:00+00:00", 12, item9=1)
phq9("BLANK-BETWEEN", "2026-03-02T09:00:00+00:00", 10, item9=None)
phq9("BLANK-BETWEEN", "2026-03-09T09:00:00+00:00", item9=1, items=False)  # incomplete, still SI-bearing

patient("RUN-AND-WINDOW")  # on 03-11 both (a) (run since 03-10) and (b) (window since 03-01) first hold
phq9("RUN-AND-WINDOW", "2026-03-01T09:00:00+00:00", 12, item9=1)
phq9("RUN-AND-WINDOW", "2026-03-02T09:00:00+00:00", 9, item9=0)
phq9("RUN-AND-WINDOW", "2026-03-10T09:00:00+00:00", 12, item9=1)
phq9("RUN-AND-WINDOW", "2026-03-11T09:00:00+00:00", 12, item9=1)

# §4 (b): three positive days with the first and last 29 days apart, versus 30 and 35.
for pid, days in {"WIN-29": (1, 15, 30), "WIN-30": (1, 15, 31), "WIN-35": (1, 18, 36)}.items():
    patient(pid)
    for n, offset in enumerate(days):
        positive_day = f"2026-03-{offset:02d}" if offset <= 31 else f"2026-04-{offset - 31:02d}"
        negative_day = f"2026-03-{offset + 1:02d}" if offset + 1 <= 31 else f"2026-04-{offset - 30:02d}"
        phq9(pid, f"{positive_day}T09:00:00+00:00", 12, item9=1)
        if n < 2:
            phq9(pid, f"{negative_day}T09:00:00+00:00", 9, item9=0)

# §6 bp_high and vitals_missing at their edges.
patient("BP-139")  # pre 139/89 and peak 179/109: below every threshold; no peak is not missing vitals
dose("BP-139", "2026-03-02T15:00:00+00:00", **{**NORMAL_BP, "bp_pre_sys": 139, "bp_pre_dia": 89})
dose("BP-139", "2026-03-05T15:00:00+00:00", **NORMAL_BP, bp_peak_sys=179, bp_peak_dia=109)
session("BP-139", "2026-03-03T10:00:00+00:00")
session("BP-139", "2026-03-06T10:00:00+00:00")
patient("BP-140")  # pre 140 systolic: moderate
dose("BP-140", "2026-03-02T15:00:00+00:00", **{**NORMAL_BP, "bp_pre_sys": 140})
session("BP-140", "2026-03-03T10:00:00+00:00")
patient("BP-90")  # pre 90 diastolic: moderate
dose("BP-90", "2026-03-02T15:00:00+00:00", **{**NORMAL_BP, "bp_pre_dia": 90})
session("BP-90", "2026-03-03T10:00:00+00:00")
patient("BP-PEAK-180")  # a peak of 180 systolic alone: high
dose("BP-PEAK-180", "2026-03-02T15:00:00+00:00", **NORMAL_BP, bp_peak_sys=180, bp_peak_dia=95)
session("BP-PEAK-180", "2026-03-03T10:00:00+00:00")
patient("BP-POST-110")  # a post-dose 110 diastolic: high; raised on the second dose's day
dose("BP-POST-110", "2026-03-02T15:00:00+00:00", **NORMAL_BP)
dose("BP-POST-110", "2026-03-09T15:00:00+00:00", **{**NORMAL_BP, "bp_post_dia": 110})
session("BP-POST-110", "2026-03-03T10:00:00+00:00")
session("BP-POST-110", "2026-03-10T10:00:00+00:00")
patient("VITALS")  # post-dose diastolic blank
dose("VITALS", "2026-03-02T15:00:00+00:00", **{**NORMAL_BP, "bp_post_dia": None})
session("VITALS", "2026-03-03T10:00:00+00:00")

# §6 integration_missing: day 7 counts (in calendar days, even late that day); day 8 does not.
patient("INT-DAY7")
dose("INT-DAY7", "2026-03-02T15:00:00+00:00", **NORMAL_BP)
session("INT-DAY7", "2026-03-09T20:00:00+00:00")
patient("INT-DAY8")
dose("INT-DAY8", "2026-03-02T15:00:00+00:00", **NORMAL_BP)
session("INT-DAY8", "2026-03-10T09:00:00+00:00")
patient("INT-BEFORE")  # an integration earlier on the dose day is not "after it"
dose("INT-BEFORE", "2026-03-02T15:00:00+00:00", **NORMAL_BP)
session("INT-BEFORE", "2026-03-02T09:00:00+00:00")

# §6 assessment_overdue: enrolled ≥ 14 days and no SI-bearing assessment in the last 14 days.
patient("OVERDUE", status="active", enrolled_on="2026-03-01")
phq9("OVERDUE", "2026-03-10T09:00:00+00:00", 8, item9=0)
patient("NEW-ENROL", status="active", enrolled_on="2026-03-11")
patient("PAUSED", status="paused", enrolled_on="2026-01-01")
patient("DOSE-UNSCREENED", status="active", enrolled_on="2026-03-01")  # last SI screen 7 days before the dose
phq9("DOSE-UNSCREENED", "2026-03-03T09:00:00+00:00", 12, item9=0)
cared_dose("DOSE-UNSCREENED", "2026-03-10")
phq9("DOSE-UNSCREENED", "2026-03-11T09:00:00+00:00", 11, item9=0)
patient("DOSE-SCREENED", status="active", enrolled_on="2026-03-01")  # screened 6 days before: in the week
phq9("DOSE-SCREENED", "2026-03-04T09:00:00+00:00", 12, item9=0)
cared_dose("DOSE-SCREENED", "2026-03-10")

# §6 off_track at dose 4 and §5 outcomes.
for pid, after_dose4 in {"OFF-TRACK": 16, "ON-TRACK": 15}.items():
    patient(pid, planned=6)
    phq9(pid, "2026-03-01T09:00:00+00:00", 20)
    for dose_day in ("2026-03-02", "2026-03-04", "2026-03-06", "2026-03-09"):
        cared_dose(pid, dose_day)
    phq9(pid, "2026-03-09T10:00:00+00:00", 12)  # before dose 4's start: not "after dose 4"
    phq9(pid, "2026-03-10T10:00:00+00:00", after_dose4)
patient("THREE-DOSES")
phq9("THREE-DOSES", "2026-03-01T09:00:00+00:00", 20)
for dose_day in ("2026-03-02", "2026-03-04", "2026-03-06"):
    cared_dose("THREE-DOSES", dose_day)
phq9("THREE-DOSES", "2026-03-10T10:00:00+00:00", 19)

# §6 loss_of_response: response (55 %) then partial response; versus response held at exactly 50 %.
for pid, last in {"LOST": 14, "KEPT": 10}.items():
    patient(pid)
    phq9(pid, "2026-03-01T09:00:00+00:00", 20)
    cared_dose(pid, "2026-03-02")
    phq9(pid, "2026-03-05T09:00:00+00:00", 9)
    phq9(pid, "2026-03-20T09:00:00+00:00", last)

# §5 baseline: the latest complete assessment at or before the first dose's start.
patient("BASE-SAME-DAY")
phq9("BASE-SAME-DAY", "2026-03-01T09:00:00+00:00", 22)
phq9("BASE-SAME-DAY", "2026-03-05T14:00:00+00:00", 20)  # same day, before the dose: baseline
cared_dose("BASE-SAME-DAY", "2026-03-05")
phq9("BASE-SAME-DAY", "2026-03-05T16:00:00+00:00", 12)  # same day, after the dose
patient("BASE-AFTER-ONLY")  # nothing before the first dose: the earliest, marked as fallback
cared_dose("BASE-AFTER-ONLY", "2026-03-05")
phq9("BASE-AFTER-ONLY", "2026-03-05T16:00:00+00:00", 18)
phq9("BASE-AFTER-ONLY", "2026-03-12T16:00:00+00:00", 8)
patient("BASE-DATE-ONLY")  # a date without a time is 00:00 of that day: before the dose
phq9("BASE-DATE-ONLY", "2026-03-05", 16)
cared_dose("BASE-DATE-ONLY", "2026-03-05")
phq9("BASE-DATE-ONLY", "2026-03-19T10:00:00+00:00", 16)
patient("DETERIORATES")  # +6 on PHQ-9 is reliable: deterioration status and flag
phq9("DETERIORATES", "2026-03-01T09:00:00+00:00", 10)
cared_dose("DETERIORATES", "2026-03-02")
phq9("DETERIORATES", "2026-03-12T09:00:00+00:00", 16)
patient("EARLY-LATE")  # the 50 % drop comes after dose 3's start: not an early response
phq9("EARLY-LATE", "2026-03-01T09:00:00+00:00", 20)
for dose_day in ("2026-03-02", "2026-03-04", "2026-03-06"):
    cared_dose("EARLY-LATE", dose_day)
phq9("EARLY-LATE", "2026-03-05T09:00:00+00:00", 11)
phq9("EARLY-LATE", "2026-03-07T09:00:00+00:00", 10)
session("EARLY-LATE", "2030-01-07T15:00:00+00:00", "dosing")  # scheduled (details blank): not a dose yet


# --- running manage.py -------------------------------------------------------------------------


def _write_csv(path: Path, header: list[str], rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})


def _manage(db: str, *args: str, tz: str = "UTC") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["KAP_TIMEZONE"] = tz
    return subprocess.run(
        [sys.executable, "manage.py", "--db", db, *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )


def _import_clinic(folder: Path, rows: dict[str, list[dict[str, Any]]], tz: str = "UTC") -> str:
    folder.mkdir()
    _write_csv(
        folder / "clinicians.csv",
        ["username", "display_name", "role", "supervisor"],
        [{"username": "tina", "display_name": "Tina Therapist", "role": "therapist", "supervisor": None}],
    )
    _write_csv(folder / "patients.csv", list(patients[0]), rows["patients"])
    session_header = [
        "patient_id",
        "started_at",
        "kind",
        "clinician",
        "route",
        "dose_mg",
        "weight_kg",
        "bp_pre_sys",
        "bp_pre_dia",
        "bp_post_sys",
        "bp_post_dia",
        "bp_peak_sys",
        "bp_peak_dia",
    ]
    _write_csv(folder / "sessions.csv", session_header, [{"clinician": "tina", **s} for s in rows["sessions"]])
    _write_csv(
        folder / "assessments.csv",
        ["patient_id", "administered_at", "instrument", "total", *ITEMS],
        rows["assessments"],
    )
    db = f"sqlite:///{folder / 'kap.sqlite3'}"
    for args in (("init-db",), ("import", str(folder))):
        done = _manage(db, *args, tz=tz)
        assert done.returncode == 0, done.stderr + done.stdout
    return db


@pytest.fixture(scope="module")
def ask(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Any]:
    """`ask("flags", "2026-04-30")` → the parsed JSON of `manage.py flags --json --as-of …` (cached)."""
    db = _import_clinic(
        tmp_path_factory.mktemp("cli") / "clinic",
        {"patients": patients, "sessions": sessions, "assessments": assessments},
    )

    @cache
    def run(command: str, as_of: str) -> Any:
        done = _manage(db, command, "--json", "--as-of", as_of)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return run


def open_flags(ask: Callable[..., Any], pid: str, as_of: str = "2026-04-30") -> dict[str, tuple[str, str]]:
    """{kind: (level, since)} of one patient's open flags."""
    return {f["kind"]: (f["level"], f["since"]) for f in ask("flags", as_of) if f["patient_id"] == pid}


def outcome(ask: Callable[..., Any], pid: str, instrument: str = "PHQ-9", as_of: str = "2026-04-30") -> dict:
    rows = [o for o in ask("outcomes", as_of) if o["patient_id"] == pid and o["instrument"] == instrument]
    assert len(rows) == 1, rows
    return rows[0]


# --- §4 SI ---------------------------------------------------------------------------------------


def test_phq9_item9_of_1_on_consecutive_days_is_persistent_moderate(ask: Callable[..., Any]) -> None:
    """PHQ-9 item 9 = 1 on two consecutive days: si_persistent, moderate, since the first day; no si_high."""
    assert open_flags(ask, "SI-PHQ9-1") == {"si_persistent": ("moderate", "2026-03-01")}


def test_phq9_item9_of_2_is_si_high_and_one_day_is_not_persistent(ask: Callable[..., Any]) -> None:
    """PHQ-9 item 9 = 2 once: si_high since that day, no si_persistent."""
    assert open_flags(ask, "SI-PHQ9-2") == {"si_high": ("high", "2026-03-01")}


def test_madrs_item10_thresholds(ask: Callable[..., Any]) -> None:
    """MADRS item 10: 1 is not positive, 2–3 positive (moderate), 4 high."""
    assert open_flags(ask, "SI-MADRS-1") == {}
    assert open_flags(ask, "SI-MADRS-3") == {"si_persistent": ("moderate", "2026-03-01")}
    assert open_flags(ask, "SI-MADRS-4") == {"si_high": ("high", "2026-03-01")}


def test_cssrs_lifetime_item_alone_is_not_si_and_q2_or_item7_are(ask: Callable[..., Any]) -> None:
    """C-SSRS: item 6 alone raises nothing; Q1/Q2 on consecutive days is persistent; item 7 is high."""
    assert open_flags(ask, "SI-CSSRS-6") == {}
    assert open_flags(ask, "SI-CSSRS-Q2") == {"si_persistent": ("moderate", "2026-03-01")}
    assert open_flags(ask, "SI-CSSRS-7") == {"si_high": ("high", "2026-03-01")}


def test_two_positives_on_one_day_are_one_day(ask: Callable[..., Any]) -> None:
    """Two positive assessments on the same day count as one positive day: no si_persistent."""
    assert open_flags(ask, "SAME-DAY") == {}


def test_a_negative_day_between_positives_breaks_the_run(ask: Callable[..., Any]) -> None:
    """Positive, negative, positive: no run of two, only two positives in 30 days: no flag."""
    assert open_flags(ask, "NEG-BETWEEN") == {}


def test_a_blank_si_item_does_not_break_the_run(ask: Callable[..., Any]) -> None:
    """A PHQ-9 with item 9 blank is not SI-bearing; an item-9-only PHQ-9 is: the run holds."""
    assert open_flags(ask, "BLANK-BETWEEN") == {"si_persistent": ("moderate", "2026-03-01")}


def test_when_run_and_window_first_hold_on_one_day_since_is_the_earlier(ask: Callable[..., Any]) -> None:
    """(a) and (b) both first hold on 03-11: since = the window's first positive day (03-01), the earlier."""
    assert open_flags(ask, "RUN-AND-WINDOW") == {"si_persistent": ("moderate", "2026-03-01")}


def test_three_positive_days_29_days_apart_are_persistent(ask: Callable[..., Any]) -> None:
    """Three positive days, first and last 29 days apart, negatives between: si_persistent since the first."""
    assert open_flags(ask, "WIN-29") == {"si_persistent": ("moderate", "2026-03-01")}


def test_three_positive_days_30_or_35_days_apart_are_not(ask: Callable[..., Any]) -> None:
    """First and last positive 30 (or 35) days apart: no 30-day window holds three: no flag."""
    assert open_flags(ask, "WIN-30") == {}
    assert open_flags(ask, "WIN-35") == {}


def test_records_after_as_of_are_ignored(ask: Callable[..., Any]) -> None:
    """As of the day before the third positive day, WIN-29 has no flag; as of that day it has."""
    assert open_flags(ask, "WIN-29", as_of="2026-03-29") == {}
    assert open_flags(ask, "WIN-29", as_of="2026-03-30") == {"si_persistent": ("moderate", "2026-03-01")}


# --- §6 session flags -------------------------------------------------------------------------------


def test_bp_139_over_89_and_peak_179_over_109_raise_nothing(ask: Callable[..., Any]) -> None:
    """Pre-dose 139/89 and a peak of 179/109 are below every threshold; a blank peak is not missing vitals."""
    assert open_flags(ask, "BP-139") == {}


def test_pre_dose_140_or_90_is_moderate_bp_high(ask: Callable[..., Any]) -> None:
    """Pre-dose systolic 140 or diastolic 90: bp_high moderate since the dose day."""
    assert open_flags(ask, "BP-140") == {"bp_high": ("moderate", "2026-03-02")}
    assert open_flags(ask, "BP-90") == {"bp_high": ("moderate", "2026-03-02")}


def test_any_reading_of_180_or_110_is_high_bp(ask: Callable[..., Any]) -> None:
    """A peak of 180 systolic, or a post-dose 110 diastolic, is bp_high at the high level."""
    assert open_flags(ask, "BP-PEAK-180") == {"bp_high": ("high", "2026-03-02")}
    assert open_flags(ask, "BP-POST-110") == {"bp_high": ("high", "2026-03-09")}


def test_a_blank_post_dose_reading_is_vitals_missing(ask: Callable[..., Any]) -> None:
    """A dose without its post-dose diastolic: vitals_missing since the dose day."""
    assert open_flags(ask, "VITALS") == {"vitals_missing": ("moderate", "2026-03-02")}


def test_integration_on_day_7_counts_and_day_8_does_not(ask: Callable[..., Any]) -> None:
    """Integration on calendar day 7 after the dose: no flag; on day 8: integration_missing since the dose day."""
    assert open_flags(ask, "INT-DAY7") == {}
    assert open_flags(ask, "INT-DAY8") == {"integration_missing": ("low", "2026-03-02")}


def test_integration_missing_waits_for_the_seven_days(ask: Callable[..., Any]) -> None:
    """No integration at all: nothing on day 7 after the dose, integration_missing from day 8."""
    assert open_flags(ask, "INT-BEFORE", as_of="2026-03-09") == {}
    assert open_flags(ask, "INT-BEFORE", as_of="2026-03-10") == {"integration_missing": ("low", "2026-03-02")}


# --- §6 assessment_overdue -------------------------------------------------------------------------


def test_overdue_after_14_days_without_an_si_bearing_assessment(ask: Callable[..., Any]) -> None:
    """Last SI-bearing assessment on 03-10: not overdue on 03-23 (day 14 of the window), overdue from 03-24."""
    assert open_flags(ask, "OVERDUE", as_of="2026-03-23") == {}
    assert open_flags(ask, "OVERDUE", as_of="2026-03-24") == {"assessment_overdue": ("low", "2026-03-24")}
    assert open_flags(ask, "OVERDUE", as_of="2026-03-30") == {"assessment_overdue": ("low", "2026-03-24")}


def test_a_newly_enrolled_patient_is_not_overdue_before_14_days(ask: Callable[..., Any]) -> None:
    """Enrolled 03-11 with no assessment: not overdue on 03-24 (13 days), overdue from 03-25; paused never."""
    assert open_flags(ask, "NEW-ENROL", as_of="2026-03-24") == {}
    assert open_flags(ask, "NEW-ENROL", as_of="2026-03-25") == {"assessment_overdue": ("low", "2026-03-25")}
    assert open_flags(ask, "PAUSED", as_of="2026-03-25") == {}


def test_a_dose_without_an_si_screen_in_its_week_is_overdue(ask: Callable[..., Any]) -> None:
    """Last SI screen 7 days before the latest dose: overdue from the dose day; 6 days before: not."""
    assert open_flags(ask, "DOSE-UNSCREENED", as_of="2026-03-12") == {"assessment_overdue": ("low", "2026-03-10")}
    assert open_flags(ask, "DOSE-SCREENED", as_of="2026-03-12") == {}


# --- §6 course flags and §5 outcomes ----------------------------------------------------------------


def test_off_track_at_dose_4(ask: Callable[..., Any]) -> None:
    """Baseline 20, after dose 4 a PHQ-9 of 16 (20 % less): off_track; 15 (25 % less): not."""
    assert open_flags(ask, "OFF-TRACK") == {"off_track": ("moderate", "2026-03-10")}
    assert open_flags(ask, "ON-TRACK") == {}
    assert open_flags(ask, "OFF-TRACK", as_of="2026-03-09") == {}  # only a PHQ-9 before dose 4's start
    assert open_flags(ask, "THREE-DOSES") == {}


def test_loss_of_response(ask: Callable[..., Any]) -> None:
    """A response (20 → 9) then 14: loss_of_response since the day of 14; a current of 10 (50 %) is still response."""
    assert open_flags(ask, "LOST") == {"loss_of_response": ("moderate", "2026-03-20")}
    assert open_flags(ask, "KEPT") == {}
    assert outcome(ask, "KEPT")["status"] == "response"


def test_baseline_is_the_latest_before_the_first_dose_same_day(ask: Callable[..., Any]) -> None:
    """Baseline is the same-day PHQ-9 before the dose start (20), not the one after it."""
    row = outcome(ask, "BASE-SAME-DAY")
    assert (row["baseline"], row["baseline_date"], row["current"]) == (20, "2026-03-05", 12)
    assert (row["change"], row["percent_change"], row["status"]) == (-8, -40.0, "partial_response")
    assert (row["early_response"], row["doses_completed"], row["rule_set"]) == (False, 1, "2026.1")


def test_baseline_after_the_first_dose_only_is_the_earliest(ask: Callable[..., Any]) -> None:
    """Nothing before the first dose: baseline = the earliest complete assessment (18, after the dose)."""
    row = outcome(ask, "BASE-AFTER-ONLY")
    assert (row["baseline"], row["baseline_date"], row["current"], row["status"]) == (18, "2026-03-05", 8, "response")


def test_a_date_without_time_is_midnight_before_the_dose(ask: Callable[..., Any]) -> None:
    """A PHQ-9 dated 2026-03-05 without a time is the baseline for a dose at 15:00 that day."""
    row = outcome(ask, "BASE-DATE-ONLY")
    assert (row["baseline"], row["baseline_date"], row["change"], row["status"]) == (16, "2026-03-05", 0, "no_response")
    assert row["reliable_change"] == "no_reliable_change"


def test_reliable_deterioration(ask: Callable[..., Any]) -> None:
    """PHQ-9 10 → 16 (+6): status deterioration, reliable change deteriorated, deterioration flag."""
    row = outcome(ask, "DETERIORATES")
    assert (row["status"], row["reliable_change"], row["percent_change"]) == ("deterioration", "deteriorated", 60.0)
    assert open_flags(ask, "DETERIORATES") == {"deterioration": ("moderate", "2026-03-12")}


def test_early_response_window_ends_at_dose_3(ask: Callable[..., Any]) -> None:
    """A 50 % drop only after dose 3's start is not early; the scheduled dose is not counted."""
    row = outcome(ask, "EARLY-LATE")
    assert (row["early_response"], row["status"], row["doses_completed"]) == (False, "response", 3)
    assert outcome(ask, "LOST", as_of="2026-03-10")["early_response"] is True


def test_no_outcome_row_without_a_complete_assessment(ask: Callable[..., Any]) -> None:
    """An item-9-only PHQ-9 is incomplete: a patient with only SI items has no PHQ-9 outcome row."""
    assert not [o for o in ask("outcomes", "2026-04-30") if o["patient_id"] == "SI-MADRS-1"]


# --- the clinic time zone ------------------------------------------------------------------------


def test_calendar_days_follow_the_clinic_time_zone(tmp_path: Path) -> None:
    """Positives at 15:00 UTC and 03:00 UTC next day: two days in UTC (flag), one day in Chicago (none)."""
    rows = {
        "patients": [{**patients[0], "patient_id": "TZ"}],
        "sessions": [],
        "assessments": [],
    }
    saved = list(assessments)
    assessments.clear()
    try:
        phq9("TZ", "2026-03-01T15:00:00+00:00", 12, item9=1)
        phq9("TZ", "2026-03-02T03:00:00+00:00", 12, item9=1)
        rows["assessments"] = list(assessments)
    finally:
        assessments[:] = saved
    db = _import_clinic(tmp_path / "tz", rows)
    for tz, expected in (("UTC", [("si_persistent", "2026-03-01")]), ("America/Chicago", [])):
        done = _manage(db, "flags", "--json", "--as-of", "2026-03-10", tz=tz)
        assert done.returncode == 0, done.stderr
        assert [(f["kind"], f["since"]) for f in json.loads(done.stdout)] == expected, tz
