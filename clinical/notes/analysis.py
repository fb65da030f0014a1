"""One entry point for a note's analysis: summary, themes and risk sentences, with the rules version.

Risk sentences are found over every sentence of the note, independently of the summary, so
whatever the summary picked, a sentence about self-harm is always reported beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clinical.notes.intentions import Intention, find_intentions
from clinical.notes.risk import RiskSentence, find_risk_sentences
from clinical.notes.sentences import Sentence, split_sentences
from clinical.notes.summary import summarise
from clinical.notes.themes import note_themes, themes_across
from clinical.notes.vocabulary import NOTE_RULES_VERSION
from clinical.notes.words import tokenise

__all__ = [
    "Intention",
    "NoteAnalysis",
    "RiskSentence",
    "Sentence",
    "analyse_note",
    "intentions",
    "patient_themes",
]


@dataclass(frozen=True)
class NoteAnalysis:
    """What a clinician sees of a note before opening it."""

    summary: tuple[Sentence, ...]  # at most 3, in note order
    themes: tuple[str, ...]
    risk_sentences: tuple[RiskSentence, ...]  # every one, denials included and marked
    rules_version: str


def analyse_note(text: str) -> NoteAnalysis:
    """Summary, themes and every risk sentence of one note."""
    sentences = split_sentences(text)
    words = tokenise(text, sentences)
    return NoteAnalysis(
        summary=summarise(sentences, words=words),
        themes=note_themes(text, words=words),
        risk_sentences=find_risk_sentences(text, sentences),
        rules_version=NOTE_RULES_VERSION,
    )


def patient_themes(texts: Sequence[str], limit: int = 8) -> list[str]:
    """The themes that keep coming back across a patient's notes (pass the recent ones)."""
    return themes_across(texts, limit)


def intentions(preparation_texts: Sequence[str], integration_texts: Sequence[str]) -> list[Intention]:
    """Intentions stated in preparation notes and whether the later integration themes speak to them."""
    return find_intentions(preparation_texts, integration_texts)
