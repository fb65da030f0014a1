"""Note analysis (SPEC §7): sentences, extractive summaries, themes, intentions, risk language.

Deterministic and offline: no model downloads, no network, no tokenizer data files. Risk
language is reported beside every summary, never inside it, so a summary can never hide it.
"""

from clinical.notes.analysis import (
    Intention,
    NoteAnalysis,
    RiskSentence,
    Sentence,
    analyse_note,
    intentions,
    patient_themes,
)
from clinical.notes.memo import clear_memos
from clinical.notes.vocabulary import NOTE_RULES_VERSION

__all__ = [
    "NOTE_RULES_VERSION",
    "Intention",
    "NoteAnalysis",
    "RiskSentence",
    "Sentence",
    "analyse_note",
    "clear_memos",
    "intentions",
    "patient_themes",
]
