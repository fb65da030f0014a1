"""De-identification (SPEC §7): stable keyed pseudonyms, ages, days of the course, no dates left."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from clinical.deidentify import (
    BEFORE_DOSING,
    PSEUDONYM_ALPHABET,
    age_in_years,
    age_label,
    course_day,
    course_day_label,
    find_date_like,
    pseudonym,
    pseudonyms,
    redact_dates,
    relative_label,
)

KEY = "a-test-key-that-is-long-enough-for-hmac-0123456789"
UTC = ZoneInfo("UTC")


def test_pseudonym_is_stable_for_the_same_key() -> None:
    """The same patient gets the same pseudonym every time under the same key."""
    assert pseudonym("P-0042", KEY) == pseudonym("P-0042", KEY)


def test_pseudonym_changes_with_the_key() -> None:
    """Another key gives another pseudonym, so the label means nothing without the key."""
    assert pseudonym("P-0042", KEY) != pseudonym("P-0042", KEY + "x")


def test_pseudonym_is_readable_and_hides_the_id() -> None:
    """`Patient` and six letters of an unambiguous alphabet; the id never appears in it."""
    label = pseudonym("P-0042", KEY)
    prefix, code = label.split(" ")
    assert prefix == "Patient"
    assert len(code) == 6 and all(ch in PSEUDONYM_ALPHABET for ch in code)
    assert "0042" not in label


def test_pseudonym_refuses_an_empty_key() -> None:
    """No key, no pseudonym: an empty key would make the labels reversible by guessing ids."""
    with pytest.raises(ValueError):
        pseudonym("P-1", "")


def test_pseudonyms_of_many_patients_are_distinct() -> None:
    """A thousand patients in one view get a thousand different labels."""
    labels = pseudonyms([f"P-{n:05d}" for n in range(1000)], KEY)
    assert len(set(labels.values())) == 1000


def test_age_counts_whole_years_and_the_birthday_itself() -> None:
    """The age goes up on the birthday, not the day after."""
    born = dt.date(1980, 6, 15)
    assert age_in_years(born, dt.date(2026, 6, 14)) == 45
    assert age_in_years(born, dt.date(2026, 6, 15)) == 46


def test_age_above_89_is_pooled() -> None:
    """A 93-year-old shows as 90+ years; an 89-year-old as 89 years."""
    assert age_label(dt.date(1933, 1, 1), dt.date(2026, 3, 1)) == "90+ years"
    assert age_label(dt.date(1936, 6, 1), dt.date(2026, 3, 1)) == "89 years"


def test_course_day_counts_from_the_first_dose() -> None:
    """Day 0 is the first dose's day; days before it are negative."""
    first = dt.date(2026, 3, 10)
    assert course_day(dt.date(2026, 3, 10), first) == 0
    assert course_day(dt.date(2026, 3, 22), first) == 12
    assert course_day_label(dt.date(2026, 3, 7), first) == "day -3"


def test_course_day_without_a_dose_says_before_dosing() -> None:
    """No dose yet: there is no day N, only `before dosing`."""
    assert course_day(dt.date(2026, 3, 7), None) is None
    assert course_day_label(dt.date(2026, 3, 7), None) == BEFORE_DOSING


def test_relative_label_names_distance_not_dates() -> None:
    """How far a day is from today, in words."""
    today = dt.date(2026, 3, 10)
    assert relative_label(dt.date(2026, 3, 13), today) == "in 3 days"
    assert relative_label(dt.date(2026, 3, 5), today) == "5 days ago"
    assert relative_label(today, today) == "today"


def test_redact_dates_turns_evidence_dates_into_course_days() -> None:
    """An evidence sentence keeps its meaning and loses its calendar dates."""
    first = dt.date(2026, 3, 10)
    sentence = "PHQ-9 item 9 answered 2 on 2026-03-12 (SI high); dosing session 2026-03-10 15:30 UTC has no pre BP"
    redacted = redact_dates(sentence, first, UTC)
    assert redacted == "PHQ-9 item 9 answered 2 on day 2 (SI high); dosing session day 0 has no pre BP"
    assert find_date_like(redacted) == []


def test_redact_dates_uses_the_clinic_day_of_a_utc_moment() -> None:
    """A dose at 02:00 UTC is the evening before in Chicago: its day is the clinic's day."""
    first = dt.date(2026, 3, 9)
    redacted = redact_dates("dosing session 2026-03-10 02:00 UTC", first, ZoneInfo("America/Chicago"))
    assert redacted == "dosing session day 0"


@pytest.mark.parametrize(
    "text",
    ["2026-03-04", "04/03/2026", "4.3.26", "4 March 2026", "March 4, 2026", "Mar 2026", "on 12th Jan", "Sep 3"],
)
def test_find_date_like_catches_the_usual_forms(text: str) -> None:
    """The final check recognises the date forms people and libraries write."""
    assert find_date_like(f"seen {text} in clinic") != []


@pytest.mark.parametrize("text", ["day 12 of course", "PHQ-9 14 (moderate)", "rule set 2026.1", "0.5 mg/kg", "10:30"])
def test_find_date_like_leaves_course_days_and_numbers(text: str) -> None:
    """Course days, scores, versions, doses and times are not dates."""
    assert find_date_like(text) == []
