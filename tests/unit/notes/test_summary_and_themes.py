"""Extractive summaries (at most three sentences, in note order) and themes."""

from __future__ import annotations

from clinical.notes import NOTE_RULES_VERSION, analyse_note, patient_themes
from clinical.notes.sentences import split_sentences
from clinical.notes.summary import summarise
from clinical.notes.themes import note_themes
from tests.unit.notes.corpus import CORPUS

LONG_NOTE = """Integration session three days after dose 4.
She arrived early and talked about her sister before she had taken her coat off.
The medicine session had brought up the summer her sister moved away and the loneliness of that year.
She noticed that loneliness still shapes how she reaches out to her sister now, waiting to be asked.
Her cat has been unwell and she spent Saturday at the vet.
We practised naming loneliness in the body when it shows up, and she wants to call her sister this week.
Sleep is better. Appetite fair.
Next integration session on Thursday."""


def test_summary_has_at_most_three_sentences_in_note_order() -> None:
    """Every corpus note's summary: 1–3 sentences of the note, in order, each with its offsets."""
    for note in CORPUS:
        summary = analyse_note(note.text).summary
        assert 1 <= len(summary) <= 3
        assert [s.start for s in summary] == sorted(s.start for s in summary)
        assert all(note.text[s.start : s.end] == s.text for s in summary)


def test_summary_keeps_the_sentences_the_note_keeps_coming_back_to() -> None:
    """The central sentences (sister, loneliness) are picked, not the aside about the cat."""
    summary = [s.text for s in analyse_note(LONG_NOTE).summary]
    assert len(summary) == 3
    assert all("sister" in s or "loneliness" in s for s in summary)
    assert not any("cat" in s for s in summary)


def test_short_notes_are_their_own_summary() -> None:
    """A note of three sentences or fewer is summarised by all of them."""
    note = "Mood 6/10. Denies SI. Next dose Friday."
    assert [s.text for s in analyse_note(note).summary] == ["Mood 6/10.", "Denies SI.", "Next dose Friday."]


def test_summary_limit_is_respected() -> None:
    """Asking for one sentence gives one."""
    assert len(summarise(split_sentences(LONG_NOTE), limit=1)) == 1


def test_analysis_is_deterministic() -> None:
    """The same note always gives the same summary, themes and risk sentences."""
    for note in CORPUS[:20]:
        assert analyse_note(note.text) == analyse_note(note.text)
    texts = [n.text for n in CORPUS[:10]]
    assert patient_themes(texts) == patient_themes(list(texts))


def test_risk_sentences_are_reported_whatever_the_summary_picked() -> None:
    """A risk sentence outside the summary is still reported beside it."""
    note = LONG_NOTE.replace("Sleep is better.", "She has had thoughts of suicide this week.")
    analysis = analyse_note(note)
    risky = [r.text for r in analysis.risk_sentences]
    assert risky == ["She has had thoughts of suicide this week."]
    assert risky[0] not in [s.text for s in analysis.summary]


def test_analysis_carries_the_rules_version() -> None:
    """Every analysis says which version of the note rules produced it."""
    assert analyse_note(LONG_NOTE).rules_version == NOTE_RULES_VERSION


def test_note_themes_are_the_recurring_content_phrases() -> None:
    """Themes are content phrases the note repeats; stop words and clinic filler never are."""
    themes = note_themes(LONG_NOTE)
    assert 1 <= len(themes) <= 5
    assert "loneliness" in themes and "sister" in themes
    assert not {"session", "she", "the", "patient"} & set(themes)


def test_patient_themes_rank_what_recurs_across_notes() -> None:
    """Across a patient's notes the phrase found in most notes comes first; the limit holds."""
    notes = [
        "She spoke about her grief for her father and the garden he planted. Grief comes in waves.",
        "Grief was quieter this week. She weeded the garden and felt close to him.",
        "Work stress. Her manager moved the deadline again. Grief came up briefly at the end.",
    ]
    themes = patient_themes(notes, limit=3)
    assert themes[0] == "grief"
    assert "garden" in themes
    assert len(themes) <= 3
