"""Themes: the key phrases of a note, and the ones that keep coming back across notes.

Candidates are runs of up to three content words between stop words and punctuation (the
RAKE idea, Rose et al. 2010). A phrase scores by how often its words recur in the note, a
little more when it is several words long or names a known KAP theme (grief, shame,
boundaries…). Ties break on first appearance, so the same note always gives the same themes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from clinical.notes.vocabulary import CLINIC_THEMES
from clinical.notes.words import NoteWords, stem, tokenise

NOTE_THEMES = 5
_MAX_PHRASE_WORDS = 3
_CLINIC_THEME_STEMS = frozenset(stem(w) for w in CLINIC_THEMES)


@dataclass(frozen=True)
class Phrase:
    """A candidate theme: its stems (the key), how it reads, and where it first appears."""

    key: tuple[str, ...]
    text: str
    first_at: int


def note_phrases(text: str, words: NoteWords | None = None) -> list[tuple[Phrase, float]]:
    """Every candidate phrase of a note with its score, best first (first_at: word position)."""
    phrases = _candidates(tokenise(text) if words is None else words)
    if not phrases:
        return []
    stem_counts = Counter(s for key, _, _ in phrases for s in key)
    phrase_counts = Counter(key for key, _, _ in phrases)
    first: dict[tuple[str, ...], Phrase] = {}
    for key, surface, position in phrases:
        if key not in first:
            first[key] = Phrase(key, surface, position)
    scored = [(phrase, _score(phrase.key, stem_counts, phrase_counts[key])) for key, phrase in first.items()]
    scored.sort(key=lambda item: (-item[1], item[0].first_at))
    return scored


def top_themes(scored: Sequence[tuple[Phrase, float]], limit: int) -> list[Phrase]:
    """The best phrases, skipping any that repeat a chosen one's words."""
    chosen: list[Phrase] = []
    for phrase, _ in scored:
        key = set(phrase.key)
        if any(key <= set(c.key) or set(c.key) <= key for c in chosen):
            continue
        chosen.append(phrase)
        if len(chosen) == limit:
            break
    return chosen


def note_themes(text: str, limit: int = NOTE_THEMES, words: NoteWords | None = None) -> tuple[str, ...]:
    """The note's key phrases, best first."""
    return tuple(p.text for p in top_themes(note_phrases(text, words), limit))


def themes_across(texts: Sequence[str], limit: int = 8) -> list[str]:
    """Phrases that recur across notes: ranked by how many notes carry them, then by weight."""
    note_count: Counter[tuple[str, ...]] = Counter()
    weight: Counter[tuple[str, ...]] = Counter()
    surface: dict[tuple[str, ...], tuple[int, int, str]] = {}
    for index, text in enumerate(texts):
        for rank, phrase in enumerate(top_themes(note_phrases(text), 12)):
            note_count[phrase.key] += 1
            weight[phrase.key] += 12 - rank
            surface.setdefault(phrase.key, (index, phrase.first_at, phrase.text))
    ranked = sorted(note_count, key=lambda k: (-note_count[k], -weight[k], surface[k][:2]))
    chosen: list[tuple[str, ...]] = []
    for key in ranked:
        if any(set(key) <= set(c) or set(c) <= set(key) for c in chosen):
            continue
        chosen.append(key)
        if len(chosen) == limit:
            break
    return [surface[k][2] for k in chosen]


def _candidates(words: NoteWords) -> list[tuple[tuple[str, ...], str, int]]:
    """(stems, surface text, word position) of every candidate phrase, in order."""
    phrases: list[tuple[tuple[str, ...], str, int]] = []
    run_words: list[str] = []
    run_stems: list[str] = []
    run_start = 0
    stems = words.stems
    for position, word in enumerate(words.tokens):
        word_stem = stems.get(word) if word else None
        if word_stem is not None:
            if not run_words:
                run_start = position
            run_words.append(word)
            run_stems.append(word_stem)
            continue
        if run_words:
            _add_run(phrases, run_words, run_stems, run_start)
            run_words, run_stems = [], []
    if run_words:
        _add_run(phrases, run_words, run_stems, run_start)
    return phrases


def _add_run(
    phrases: list[tuple[tuple[str, ...], str, int]], run_words: list[str], run_stems: list[str], start: int
) -> None:
    if len(run_words) > _MAX_PHRASE_WORDS:  # a long run is a list of things, not one phrase
        phrases.extend(((s,), w, start + i) for i, (w, s) in enumerate(zip(run_words, run_stems, strict=True)))
    else:
        phrases.append((tuple(run_stems), " ".join(run_words), start))


def _score(key: tuple[str, ...], stem_counts: Counter[str], occurrences: int) -> float:
    size = len(key)
    recurrence = sum([stem_counts[s] for s in key]) / size
    length_bonus = 1 + 0.25 * (size - 1)
    theme_bonus = 1.0 if _CLINIC_THEME_STEMS.isdisjoint(key) else 1.5
    return recurrence * length_bonus * theme_bonus + 0.5 * (occurrences - 1)
