"""Caseload, dosing, outcome and note components: missing data reads as missing, never as fine."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from clinical.rules import DEFAULT_RULES
from components.caseload_table import caseload_frame
from components.dosing_table import NOT_RECORDED, dosing_frame
from components.flag_cards import evidence_lines, headline
from components.notes_list import escape_markdown, newest_first, risk_lines
from components.outcome_summary import outcome_frame
from components.severity import LEVELS, band_colour, bands_frame, level_text
from services.views import CaseloadRow, FlagCard, FlagSummary, NoteView, OutcomeLine

AS_OF = dt.date(2026, 3, 30)


def _row(**overrides: object) -> CaseloadRow:
    values: dict[str, object] = dict(
        patient_id="KAP-0001",
        name="Ada Lane",
        therapist="therapist",
        status="active",
        phase="dosing",
        doses_completed=3,
        planned_doses=6,
        latest_phq9=14,
        latest_phq9_band="moderate",
        latest_phq9_date=dt.date(2026, 3, 27),
        latest_phq9_days_ago=3,
        change=-6,
        percent_change=-30.0,
        outcome_status="partial_response",
        si_status="negative",
        si_level=None,
        si_date=dt.date(2026, 3, 27),
        open_flags=(),
        last_session=dt.datetime(2026, 3, 27, 9),
        last_session_kind="dosing",
        next_session=None,
        next_session_kind=None,
        phq9_trend=(20, 17, 14),
        latest_record_at=None,
    )
    values.update(overrides)
    return CaseloadRow(**values)  # type: ignore[arg-type]


def test_missing_phq9_reads_as_missing_never_as_fine() -> None:
    """No PHQ-9 at all, or an old one, is written out as missing — with the day count."""
    frame = caseload_frame(
        [
            _row(
                latest_phq9=None,
                latest_phq9_band=None,
                latest_phq9_date=None,
                latest_phq9_days_ago=None,
                change=None,
                percent_change=None,
                outcome_status=None,
                si_status="none",
                si_date=None,
                phq9_trend=(),
            ),
            _row(latest_phq9_days_ago=23),
        ],
        AS_OF,
    )
    assert frame.loc[0, "Latest PHQ-9"] == "no PHQ-9 on record"
    assert frame.loc[0, "SI (latest)"] == "no SI data"
    assert frame.loc[0, "Outcome"] == "no outcome yet"
    assert frame.loc[1, "Latest PHQ-9"] == "no PHQ-9 in 23 days (last: 14 moderate)"
    text = " ".join(str(v) for v in frame.drop(columns=["PHQ-9 trend"]).to_numpy().ravel()).lower()
    assert "safe" not in text and "fine" not in text


def test_no_open_flag_is_not_called_safe() -> None:
    """A row without flags says 'no open flags', and flags are written with level words."""
    flagged = _row(
        open_flags=(FlagSummary("si_persistent", "high", "new"), FlagSummary("bp_high", "moderate", "acknowledged"))
    )
    frame = caseload_frame([_row(), flagged], AS_OF)
    assert frame.loc[0, "Needs attention"] == "no open flags"
    assert frame.loc[1, "Needs attention"] == (
        "▲▲ HIGH Persistent suicidal ideation (new); ▲ MODERATE High blood pressure at dosing (acknowledged)"
    )


def test_caseload_row_shows_doses_of_plan_change_and_si() -> None:
    """Doses 'n of planned', change with percent, positive SI in capitals with its age."""
    frame = caseload_frame([_row(si_status="positive", si_level="high", si_date=dt.date(2026, 3, 29))], AS_OF)
    assert frame.loc[0, "Doses"] == "3 of 6"
    assert frame.loc[0, "Change"] == "-6 (-30 %)"
    assert frame.loc[0, "SI (latest)"] == "POSITIVE, high · 1 day ago"
    assert frame.loc[0, "Next session"] == "none scheduled"
    assert frame.loc[0, "PHQ-9 trend"] == [20, 17, 14]


def test_every_level_has_a_word_and_a_colour_blind_safe_colour() -> None:
    """Levels carry text beside the colour; the colours are Okabe–Ito."""
    assert level_text("high") == "▲▲ HIGH" and level_text("low") == "● LOW"
    assert {lv.colour for lv in LEVELS.values()} <= {"#D55E00", "#E69F00", "#0072B2"}
    assert level_text("unknown-level").endswith("UNRATED")


def test_band_palette_follows_the_rules() -> None:
    """One band row per rule band; an unknown band is grey, never the 'minimal' colour."""
    frame = bands_frame("PHQ-9")
    assert list(frame["band"]) == [b.label for b in DEFAULT_RULES.bands["PHQ-9"]]
    assert list(frame["lower"]) == [b.lower for b in DEFAULT_RULES.bands["PHQ-9"]]
    assert band_colour("PHQ-9", None) == "#999999" != band_colour("PHQ-9", "minimal")


def test_dosing_table_writes_not_recorded_for_blank_vitals() -> None:
    """A dose without post-dose BP or weight shows 'not recorded', newest dose first."""
    doses = pd.DataFrame(
        [
            {
                "dose_number": 1,
                "at": pd.Timestamp("2026-03-02 09:00"),
                "route": "iv",
                "dose_mg": 35.0,
                "mg_per_kg": 0.5,
                "bp_pre_sys": 128,
                "bp_pre_dia": 80,
                "bp_peak_sys": 150,
                "bp_peak_dia": 90,
                "bp_post_sys": None,
                "bp_post_dia": None,
                "heart_rate": 80,
                "spo2_min": 96,
                "cadss": None,
                "observed_minutes": 120,
                "adverse_events": None,
            },
            {
                "dose_number": 2,
                "at": pd.Timestamp("2026-03-06 09:00"),
                "route": "im",
                "dose_mg": 50.0,
                "mg_per_kg": None,
                "bp_pre_sys": 130,
                "bp_pre_dia": 82,
                "bp_peak_sys": None,
                "bp_peak_dia": None,
                "bp_post_sys": 125,
                "bp_post_dia": 80,
                "heart_rate": None,
                "spo2_min": None,
                "cadss": 12,
                "observed_minutes": None,
                "adverse_events": "nausea",
            },
        ]
    )
    frame = dosing_frame(doses)
    assert list(frame["Dose"]) == ["#2", "#1"]
    assert frame.loc[1, "BP post"] == NOT_RECORDED and frame.loc[1, "CADSS"] == NOT_RECORDED
    assert frame.loc[0, "mg/kg"] == NOT_RECORDED and frame.loc[1, "mg/kg"] == "0.50"
    assert frame.loc[1, "BP pre"] == "128/80" and frame.loc[0, "Adverse events"] == "nausea"


def test_flag_card_text_lists_every_evidence_sentence() -> None:
    """The card's headline has the level word; evidence lines carry date and detail, oldest first."""
    card = FlagCard(
        flag_id=1,
        patient_id="KAP-0001",
        patient_name="Ada Lane",
        kind="si_persistent",
        level="moderate",
        status="new",
        since=dt.date(2026, 3, 2),
        evidence=(
            {"date": "2026-03-06", "detail": "PHQ-9 item 9 answered 1"},
            {"date": "2026-03-02", "detail": "PHQ-9 item 9 answered 2"},
        ),
        rule_set="2026.1",
        resolve_refusal="latest SI day is positive",
    )
    assert headline(card, with_patient=True) == "▲ MODERATE · Ada Lane — Persistent suicidal ideation"
    assert evidence_lines(card) == ["2026-03-02 — PHQ-9 item 9 answered 2", "2026-03-06 — PHQ-9 item 9 answered 1"]


def test_notes_newest_first_and_risk_sentences_marked() -> None:
    """Notes sort newest first; risk sentences are listed, denials marked as denials."""
    old = NoteView(dt.datetime(2026, 3, 1, 9), "preparation", "therapist", "Intention: reconnect.")
    new = NoteView(
        dt.datetime(2026, 3, 5, 9),
        "integration",
        "therapist",
        "x",
        risk_sentences=({"text": "Denies SI.", "denial": True}, {"text": "Wants to disappear.", "denial": False}),
    )
    assert newest_first([old, new]) == [new, old]
    assert risk_lines(new) == ["DENIAL (marked by note analysis): Denies SI.", "RISK LANGUAGE: Wants to disappear."]


def test_markdown_in_user_text_is_escaped() -> None:
    """Text a person typed cannot become a heading or a link where only Markdown is available."""
    escaped = escape_markdown("# [click](http://x) *bold*")
    assert "\\#" in escaped and "\\[" in escaped and "\\*" in escaped


def test_outcome_summary_shows_baseline_date_and_fallback() -> None:
    """Baseline with its date, marked when it is only the earliest assessment; doses beside it."""
    line = OutcomeLine(
        "PHQ-9",
        20,
        dt.date(2026, 3, 1),
        True,
        9,
        dt.date(2026, 3, 20),
        -11,
        -55.0,
        "response",
        "improved",
        True,
        4,
        "2026.1",
    )
    frame = outcome_frame([line])
    assert frame.loc[0, "Baseline"] == "20 on 2026-03-01 (earliest; none before dose 1)"
    assert frame.loc[0, "Change"] == "-11 (-55.0 %)"
    assert frame.loc[0, "Doses"] == "4" and frame.loc[0, "Status"] == "response"
