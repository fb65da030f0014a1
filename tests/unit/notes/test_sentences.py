"""Sentence splitting of clinical prose, with offsets that give the text back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinical.notes.sentences import split_sentences
from tests.unit.notes.corpus import CORPUS


def texts(note: str) -> list[str]:
    return [s.text for s in split_sentences(note)]


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Pt. tolerated the dose well. BP stable.", ["Pt. tolerated the dose well.", "BP stable."]),
        ("Seen with Dr. Amari today. Plan unchanged.", ["Seen with Dr. Amari today.", "Plan unchanged."]),
        (
            "Call re: sleep schedule went well. Next visit Fri.",
            ["Call re: sleep schedule went well.", "Next visit Fri."],
        ),
        (
            "Grounding skills, e.g. breath counting, helped. She used them twice.",
            ["Grounding skills, e.g. breath counting, helped.", "She used them twice."],
        ),
        ("IV vs. IM was discussed. She chose IM.", ["IV vs. IM was discussed.", "She chose IM."]),
        (
            "Observed approx. 90 min after dosing. Discharged home.",
            ["Observed approx. 90 min after dosing.", "Discharged home."],
        ),
        ("Esketamine 84 mg. Tolerated well.", ["Esketamine 84 mg.", "Tolerated well."]),
        ("Gave 40 mg. over 40 min without issue.", ["Gave 40 mg. over 40 min without issue."]),
        (
            "IV ketamine 0.5 mg/kg over 40 min. No adverse events.",
            ["IV ketamine 0.5 mg/kg over 40 min.", "No adverse events."],
        ),
        ("Dose given at 10:30 a.m. and observed. BP 128/80.", ["Dose given at 10:30 a.m. and observed.", "BP 128/80."]),
        ("Dose given at 10 a.m. Pt was calm.", ["Dose given at 10 a.m.", "Pt was calm."]),
        ('"I want it all to stop." said pt, then cried.', ['"I want it all to stop." said pt, then cried.']),
        (
            'She said, "I can\'t do this. I want it to end." Then she was quiet.',
            ['She said, "I can\'t do this. I want it to end."', "Then she was quiet."],
        ),
        ("“Why me?” she asked. We sat with it.", ["“Why me?” she asked.", "We sat with it."]),
        ("pt tired. denies si. plan: continue.", ["pt tired.", "denies si.", "plan: continue."]),
    ],
)
def test_splits_clinical_prose_at_sentence_ends_only(note: str, expected: list[str]) -> None:
    """Abbreviations, decimals, times and quotations do not end sentences; real full stops do."""
    assert texts(note) == expected


def test_each_list_item_is_its_own_sentence_without_its_marker() -> None:
    """Bulleted and numbered list items become sentences of their own, the marker left out."""
    note = "Plan:\n- Continue dosing\n* Sleep diary\n• Walk daily\n1. Call sister\n2) Book dentist\na) Read"
    assert texts(note) == [
        "Plan:",
        "Continue dosing",
        "Sleep diary",
        "Walk daily",
        "Call sister",
        "Book dentist",
        "Read",
    ]


def test_line_breaks_end_short_lines_but_join_wrapped_prose() -> None:
    """A short line is an entry of its own; a long line cut mid-phrase continues on the next one."""
    note = (
        "Mood 5/10\nSleep poor\nShe described the medicine experience as calm and spacious and said that\n"
        "it felt like coming home. Next dose Tuesday."
    )
    assert texts(note) == [
        "Mood 5/10",
        "Sleep poor",
        "She described the medicine experience as calm and spacious and said that\nit felt like coming home.",
        "Next dose Tuesday.",
    ]


def test_blank_lines_end_paragraphs() -> None:
    """A blank line always ends a sentence, punctuation or not."""
    assert texts("Tearful at first\n\nLater she laughed") == ["Tearful at first", "Later she laughed"]


@pytest.mark.parametrize("note", [n.text for n in CORPUS])
def test_offsets_give_each_sentence_back_in_order(note: str) -> None:
    """For every corpus note: note[start:end] == text, sentences in order and never overlapping."""
    sentences = split_sentences(note)
    assert sentences
    assert all(note[s.start : s.end] == s.text and s.text == s.text.strip() for s in sentences)
    assert all(a.end <= b.start for a, b in zip(sentences, sentences[1:], strict=False))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(list("abcXY .!?\n\"“”'-•1)(:") + ["Dr. ", "Pt. ", "mg. ", "e.g. ", "\n- ", "2) ", "\n\n"]),
        max_size=60,
    ).map("".join)
)
def test_offsets_hold_for_any_text(note: str) -> None:
    """Whatever is typed, every sentence is a stripped, non-empty slice of the note, in order."""
    sentences = split_sentences(note)
    assert all(note[s.start : s.end] == s.text and s.text and s.text == s.text.strip() for s in sentences)
    assert all(a.end <= b.start for a, b in zip(sentences, sentences[1:], strict=False))


def test_empty_and_blank_notes_have_no_sentences() -> None:
    """Nothing typed, nothing split."""
    assert split_sentences("") == ()
    assert split_sentences(" \n\n \t") == ()
