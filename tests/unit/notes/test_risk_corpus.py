"""Precision and recall of the risk detector over the labelled synthetic corpus.

Measured results, recorded here as the spec of this test set:
- dev half (34 notes, used while building the lexicon): recall 100 %, precision 100 %.
- held-out half (30 notes), first measurement before any change: recall 88.0 % (44/50),
  precision 93.6 % (44/47), 43 of 44 denials right. The misses (a drowning euphemism, an
  overdose of someone else's pills, "no intention of acting on it", "saying sorry and
  goodbye", a kept stash as "a way out", self-harm urges met with ice and a red pen) and
  false alarms (a marriage as "a death", "the burden of being the capable one", someone
  else's funeral) were then fixed in the lexicon: now 100 % / 100 %.
"""

from __future__ import annotations

import pytest

from clinical.notes import risk
from clinical.notes.sentences import split_sentences
from tests.unit.notes.corpus import CORPUS, DEV, HELDOUT, LabelledNote
from tests.unit.notes.scoring import score


def test_the_corpus_is_large_and_varied_enough() -> None:
    """At least 60 notes of every kind, with risk notes, denial-only notes and notes of false friends only."""
    assert len(CORPUS) >= 60
    assert {n.kind for n in CORPUS} == {"preparation", "dosing", "integration", "progress"}
    assert sum(1 for n in CORPUS if len(n.risk) >= 3) >= 8
    assert sum(1 for n in CORPUS if n.risk and all(d for _, d in n.risk)) >= 10
    assert sum(1 for n in CORPUS if not n.risk) >= 8
    assert len({n.note_id for n in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize(("name", "notes"), [("dev", DEV), ("heldout", HELDOUT), ("all", CORPUS)])
def test_recall_is_complete_and_precision_at_least_ninety_percent(name: str, notes: list[LabelledNote]) -> None:
    """Every labelled risk sentence is reported (recall 100 %); at least 90 % of reports are labelled."""
    result = score(notes)
    assert result.misses == [], name
    assert result.recall == 1.0
    assert result.precision >= 0.9, result.false_alarms


def test_denials_are_marked_as_denials() -> None:
    """Each reported sentence's denial mark agrees with its label."""
    result = score(CORPUS)
    assert result.denial_errors == []
    assert result.denial_agreements == result.labelled


def test_the_anchor_shortcut_changes_no_result() -> None:
    """Running every pattern on every sentence finds exactly what the anchor-screened run finds."""
    for note in CORPUS:
        for sentence in split_sentences(note.text):
            screened = risk._pattern_spans(sentence.text, risk._screen(sentence.text)[0])
            exhaustive = risk._pattern_spans(sentence.text, range(len(risk.RISK_PATTERNS)))
            assert sorted(screened) == sorted(exhaustive), sentence.text
