"""Intentions set in preparation notes, and whether later integration themes speak to them."""

from __future__ import annotations

from clinical.notes import intentions

PREPARATION = """Preparation session 2.
Her intention for the course: to reconnect with music and with her sister.
She hopes to sleep through the night.
Goal: return to part-time work.
Reviewed consent and logistics for dosing day. Denies SI."""

INTEGRATION = [
    "She played the piano for the first time in years. Music felt like a door opening. She called her sister.",
    "Integration: music again, and her sister visited. The piano is back in the living room.",
]


def test_intention_sentences_are_found_in_order_with_offsets() -> None:
    """Sentences that state an intention ("intention", "hopes to", "Goal:") are found, nothing else."""
    found = intentions([PREPARATION], INTEGRATION)
    assert [i.text for i in found] == [
        "Her intention for the course: to reconnect with music and with her sister.",
        "She hopes to sleep through the night.",
        "Goal: return to part-time work.",
    ]
    assert all(PREPARATION[i.start : i.end] == i.text and i.note_index == 0 for i in found)


def test_an_intention_is_addressed_when_integration_themes_share_its_words() -> None:
    """Overlap = share of the intention's key words found among integration themes, with the words shown."""
    music, sleep, work = intentions([PREPARATION], INTEGRATION)
    assert music.addressed
    assert {"music", "sister"} <= set(music.shared_terms)
    assert 0 < music.overlap <= 1
    assert music.speaking_themes
    assert not sleep.addressed and sleep.overlap == 0.0 and sleep.shared_terms == ()
    assert not work.addressed


def test_without_integration_notes_nothing_is_addressed() -> None:
    """No integration yet: every intention is listed, none addressed."""
    found = intentions([PREPARATION], [])
    assert len(found) == 3 and not any(i.addressed for i in found)


def test_a_wish_to_die_is_never_taken_for_an_intention() -> None:
    """Risk language ("I want to die") is reported by the risk detector, never listed as an intention."""
    found = intentions(["I want to die some days. I want to feel joy again."], [])
    assert [i.text for i in found] == ["I want to feel joy again."]
