"""The shortcuts of note analysis (issue 9) find exactly what the long way finds.

The risk screen lets a pattern run only on sentences holding its anchors; the summary reads each
sentence's words from the pieces the themes read the note in; per-word memos are emptied by
`clear_memos()`. Each is checked here against the plain way, on the corpus and on texts made up
to hit the edges (glued punctuation, dashes, capitals, misspellings).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinical.notes import analyse_note, clear_memos, memo, risk, words
from clinical.notes.risk_lexicon import FALSE_FRIENDS_LOWERED, RISK_PATTERNS
from clinical.notes.sentences import split_sentences
from tests.unit.notes.corpus import CORPUS

_RISK_WORDS = sorted({word for note in CORPUS for piece, _ in note.risk for word in piece.split()})
_GLUE = [" ", "  ", "\n", ". ", ", ", "; ", " - ", " — ", "-", "/", "'", "’", "“", "”", "(", ")", "…", "é", "9"]
_SENTENCE_PIECES = st.sampled_from(_RISK_WORDS + [w.upper() for w in _RISK_WORDS[::7]] + _GLUE + ["sucidal", "hopless"])
_NOTE_PIECES = st.sampled_from(
    ["ab", "Cd", " ", "\n", "\r\n", "\x0c", "\t", "-", "–", "—", " - ", ". ", "! ", "? ", "… ", '"', "“", "”"]
    + ["'", "(", ")", "a) ", "1. ", "\n- ", "Dr. ", "é", ",", ";", ":", "/"]
)


def _exhaustive_pattern_spans(sentence: str) -> list[tuple[str, int, int]]:
    return sorted(risk._pattern_spans(sentence, range(len(RISK_PATTERNS))))


def _exhaustive_friend_spans(sentence: str) -> list[tuple[int, int]]:
    return sorted(m.span() for friend in FALSE_FRIENDS_LOWERED for m in friend.finditer(sentence.lower()))


def _screen_changes_nothing(sentence: str) -> None:
    sentence = risk._normalise(sentence)
    candidates, misspelt = risk._screen(sentence)
    assert sorted(risk._pattern_spans(sentence, candidates)) == _exhaustive_pattern_spans(sentence), sentence
    assert misspelt == bool(risk._misspelling_spans(sentence)), sentence
    assert sorted(risk._false_friend_spans(sentence)) == _exhaustive_friend_spans(sentence), sentence


def test_the_risk_screen_changes_no_result_on_the_corpus() -> None:
    """Patterns, misspellings and false friends: the screened run finds what running all of them finds."""
    for note in CORPUS:
        for sentence in split_sentences(note.text):
            _screen_changes_nothing(sentence.text)


@settings(max_examples=300, deadline=None)
@given(st.lists(_SENTENCE_PIECES, max_size=30).map("".join))
def test_the_risk_screen_changes_no_result_on_any_mix_of_risk_words(sentence: str) -> None:
    """Risk words glued to punctuation, in capitals, misspelt, beside non-ASCII letters: nothing is missed."""
    _screen_changes_nothing(sentence)


def _tokens_read_whole(text: str) -> tuple[list[str], list[list[str]]]:
    sentences = split_sentences(text)
    return words._TOKEN.findall(text.lower()), [words._TOKEN.findall(s.text.lower()) for s in sentences]


def test_tokens_read_sentence_by_sentence_are_those_read_whole_on_the_corpus() -> None:
    """The note's tokens and each sentence's, read in pieces, are those of reading each whole."""
    for note in CORPUS:
        assert words._tokens(note.text, split_sentences(note.text)) == _tokens_read_whole(note.text)


@settings(max_examples=500, deadline=None)
@given(st.lists(_NOTE_PIECES, max_size=40).map("".join))
def test_tokens_read_sentence_by_sentence_are_those_read_whole(text: str) -> None:
    """Spaced dashes at sentence edges, list markers, odd line breaks: the pieces add up to the whole."""
    assert words._tokens(text, split_sentences(text)) == _tokens_read_whole(text)


def test_clear_memos_empties_every_memo_and_changes_no_result() -> None:
    """After `clear_memos()` every per-word memo is empty, and a cold analysis equals a warm one."""
    texts = [note.text for note in CORPUS[:20]]
    warm = [analyse_note(text) for text in texts]
    assert all(memo._MEMOS)
    clear_memos()
    assert not any(memo._MEMOS)
    assert [analyse_note(text) for text in texts] == warm


def test_a_full_memo_starts_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """A memo never grows past its bound: when full, it is emptied before the next word."""
    monkeypatch.setattr(memo, "WORD_MEMO_SIZE", 2)
    monkeypatch.setattr(memo, "_MEMOS", [])
    upper = memo.word_memo(str.upper)
    assert [upper(w) for w in ("a", "b", "c", "a")] == ["A", "B", "C", "A"]
    assert len(memo._MEMOS[0]) <= 2
