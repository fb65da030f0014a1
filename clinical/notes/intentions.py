"""Intentions set in preparation, and whether later integration notes speak to them.

An intention is a preparation-note sentence that states one ("My intention is to…", "hopes
to…", "Goal: …"). Whether integration speaks to it is a deliberately simple, explainable
measure: the share of the intention's key words (content words, stemmed, without the words
that only announce an intention) that appear among the themes of the integration notes.
An intention is `addressed` when at least one key word is shared — the shared words are
returned, so a clinician sees exactly why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from clinical.notes.risk import risk_phrases
from clinical.notes.sentences import split_sentences
from clinical.notes.themes import note_phrases, top_themes
from clinical.notes.vocabulary import INTENTION_CUES, INTENTION_FILLER
from clinical.notes.words import content_stems, stem

_INTENTION = re.compile("|".join(INTENTION_CUES), re.IGNORECASE | re.MULTILINE)
_FILLER_STEMS = frozenset(stem(w) for w in INTENTION_FILLER)
# A sentence that speaks of dying is risk language, never a treatment intention.
_NOT_AN_INTENTION = frozenset(
    {"suicide", "self_harm", "overdose", "death_wish", "plan", "intent", "means", "euphemism", "preparatory_behaviour"}
)
_THEMES_PER_INTEGRATION_NOTE = 8


@dataclass(frozen=True)
class Intention:
    """A stated intention, where it is, and how far the later integration themes speak to it."""

    text: str
    note_index: int  # which preparation note (0-based, as given)
    start: int
    end: int
    key_terms: tuple[str, ...]  # stems of the intention's content words
    shared_terms: tuple[str, ...]  # those the integration themes also carry
    speaking_themes: tuple[str, ...]  # the integration themes that carry them
    overlap: float  # shared / key terms, 0.0–1.0
    addressed: bool


def find_intentions(preparation_texts: Sequence[str], integration_texts: Sequence[str]) -> list[Intention]:
    """Every intention of the preparation notes, in order, with its overlap with integration themes."""
    themes = _integration_themes(integration_texts)
    found: list[Intention] = []
    for index, text in enumerate(preparation_texts):
        for sentence in split_sentences(text):
            if not _INTENTION.search(sentence.text) or _speaks_of_dying(sentence.text):
                continue
            key_terms = tuple(dict.fromkeys(s for s in content_stems(sentence.text) if s not in _FILLER_STEMS))
            if not key_terms:
                continue
            speaking = tuple(theme for theme, stems in themes if stems & set(key_terms))
            shared = tuple(t for t in key_terms if any(t in stems for _, stems in themes))
            found.append(
                Intention(
                    text=sentence.text,
                    note_index=index,
                    start=sentence.start,
                    end=sentence.end,
                    key_terms=key_terms,
                    shared_terms=shared,
                    speaking_themes=speaking,
                    overlap=round(len(shared) / len(key_terms), 3),
                    addressed=bool(shared),
                )
            )
    return found


def _integration_themes(texts: Sequence[str]) -> list[tuple[str, frozenset[str]]]:
    themes: dict[str, frozenset[str]] = {}
    for text in texts:
        for phrase in top_themes(note_phrases(text), _THEMES_PER_INTEGRATION_NOTE):
            themes.setdefault(phrase.text, frozenset(phrase.key))
    return list(themes.items())


def _speaks_of_dying(sentence: str) -> bool:
    return any(p.category in _NOT_AN_INTENTION and not p.negated for p in risk_phrases(sentence))
