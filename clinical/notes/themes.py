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
from operator import itemgetter

from clinical.notes.vocabulary import CLINIC_THEMES
from clinical.notes.words import NoteWords, stem, tokenise

NOTE_THEMES = 5
_MAX_PHRASE_WORDS = 3
_CLINIC_THEME_STEMS = frozenset(stem(w) for w in CLINIC_THEMES)
_LENGTH_BONUS = {size: 1 + 0.25 * (size - 1) for size in range(1, _MAX_PHRASE_WORDS + 1)}


@dataclass(frozen=True)
class Phrase:
    """A candidate theme: its stems (the key), how it reads, and where it first appears."""

    key: tuple[str, ...]
    text: str
    first_at: int


# A scored candidate before it becomes a Phrase: (score, first_at, key, surface text).
_Scored = tuple[float, int, tuple[str, ...], str]


def note_phrases(text: str, words: NoteWords | None = None) -> list[tuple[Phrase, float]]:
    """Every candidate phrase of a note with its score, best first (first_at: word position)."""
    return [(Phrase(key, surface, first_at), score) for score, first_at, key, surface in _scored_phrases(text, words)]


def top_themes(scored: Sequence[tuple[Phrase, float]], limit: int) -> list[Phrase]:
    """The best phrases, skipping any that repeat a chosen one's words."""
    chosen = _top_keys([(score, phrase.first_at, phrase.key, phrase.text) for phrase, score in scored], limit)
    return [Phrase(key, surface, first_at) for _, first_at, key, surface in chosen]


def note_themes(text: str, limit: int = NOTE_THEMES, words: NoteWords | None = None) -> tuple[str, ...]:
    """The note's key phrases, best first."""
    return tuple(surface for _, _, _, surface in _top_keys(_scored_phrases(text, words), limit))


def themes_across(texts: Sequence[str], limit: int = 8) -> list[str]:
    """Phrases that recur across notes: ranked by how many notes carry them, then by weight."""
    note_count: Counter[tuple[str, ...]] = Counter()
    weight: Counter[tuple[str, ...]] = Counter()
    surface: dict[tuple[str, ...], tuple[int, int, str]] = {}
    for index, text in enumerate(texts):
        for rank, (_, first_at, key, phrase_text) in enumerate(_top_keys(_scored_phrases(text), 12)):
            note_count[key] += 1
            weight[key] += 12 - rank
            surface.setdefault(key, (index, first_at, phrase_text))
    ranked = sorted(note_count, key=lambda k: (-note_count[k], -weight[k], surface[k][:2]))
    chosen: list[tuple[str, ...]] = []
    for key in ranked:
        if any(set(key) <= set(c) or set(c) <= set(key) for c in chosen):
            continue
        chosen.append(key)
        if len(chosen) == limit:
            break
    return [surface[k][2] for k in chosen]


def _scored_phrases(text: str, words: NoteWords | None = None) -> list[_Scored]:
    """Every distinct candidate phrase with its score, best first (ties: the earlier phrase).

    Plain tuples rather than Phrase objects: a note has a few hundred candidates and only the
    handful that become themes need to be objects.
    """
    words = tokenise(text) if words is None else words
    # Phrase breaks ("") and words without meaning have no stem; runs lie between those breaks.
    stems = list(map(words.stems.get, words.tokens))
    phrases = _candidates(words.tokens, stems)
    if not phrases:
        return []
    # Each word with a stem lies in exactly one candidate: its stem is counted straight from the note.
    stem_counts = Counter(filter(None, stems))
    occurrences = Counter(map(itemgetter(0), phrases))
    # Read backwards, the earliest occurrence of each phrase is the one that stays.
    first = {key: (surface, position) for key, surface, position in reversed(phrases)}
    themed = _CLINIC_THEME_STEMS.isdisjoint
    scored: list[_Scored] = []
    for key, (surface, position) in first.items():
        # Recurrence of its words, a bonus for longer phrases and KAP themes, and for repeats; inlined
        # because it runs for every candidate of every note.
        size = len(key)
        recurrence = (stem_counts[key[0]] if size == 1 else sum([stem_counts[s] for s in key])) / size
        theme_bonus = 1.0 if themed(key) else 1.5
        score = recurrence * _LENGTH_BONUS[size] * theme_bonus + 0.5 * (occurrences[key] - 1)
        scored.append((score, position, key, surface))
    # Distinct phrases never share a first position, so (-score, first_at) orders them totally:
    # by position, then (a stable sort) by score, best first.
    scored.sort(key=itemgetter(1))
    scored.sort(key=itemgetter(0), reverse=True)
    return scored


def _top_keys(scored: Sequence[_Scored], limit: int) -> list[_Scored]:
    """The best phrases, skipping any that repeat a chosen one's words."""
    chosen: list[_Scored] = []
    chosen_keys: list[set[str]] = []
    for item in scored:
        key = set(item[2])
        if any(key <= c or c <= key for c in chosen_keys):
            continue
        chosen.append(item)
        chosen_keys.append(key)
        if len(chosen) == limit:
            break
    return chosen


def _candidates(tokens: list[str], stems: list[str | None]) -> list[tuple[tuple[str, ...], str, int]]:
    """(stems, surface text, word position) of every candidate phrase, in order (`stems`: of each token)."""
    phrases: list[tuple[tuple[str, ...], str, int]] = []
    breaks = [position for position, word_stem in enumerate(stems) if word_stem is None]
    breaks.append(len(stems))
    previous = -1
    for end in breaks:
        start = previous + 1
        previous = end
        if end - start > _MAX_PHRASE_WORDS:  # a long run is a list of things, not one phrase
            phrases.extend(((stems[i],), tokens[i], i) for i in range(start, end))  # type: ignore[misc]
        elif end > start:
            phrases.append((tuple(stems[start:end]), " ".join(tokens[start:end]), start))  # type: ignore[arg-type]
    return phrases
