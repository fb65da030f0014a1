"""The speed-ups of note analysis (issue 9) change no result.

The digest was recorded from the analysis before the speed-ups, over the labelled corpus: a
change of any summary, theme, risk sentence or intention changes it. When the rules change on
purpose, NOTE_RULES_VERSION changes too, and the digest is recorded anew for that version.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter

from clinical.notes import NOTE_RULES_VERSION, analyse_note, intentions, patient_themes, risk, words
from clinical.notes.sentences import split_sentences
from clinical.notes.vocabulary import CLINIC_FILLER, STOP_WORDS
from tests.unit.notes.corpus import CORPUS

RECORDED_DIGESTS = {"notes-2026.1": "afa8953db14cbedbbbec3c82b8127ce12db2b017106fcf3c70b0efe16f4bc676"}


def _corpus_digest() -> str:
    texts = [note.text for note in CORPUS]
    digest = hashlib.sha256()
    for text in texts:
        digest.update(repr(analyse_note(text)).encode())
    digest.update(repr(patient_themes(texts)).encode())
    digest.update(repr(intentions(texts[::2], texts[1::2])).encode())
    return digest.hexdigest()


def test_corpus_analyses_are_those_recorded_for_the_rules_version() -> None:
    """Summaries, themes, risk sentences and intentions of the corpus are exactly those recorded."""
    assert _corpus_digest() == RECORDED_DIGESTS[NOTE_RULES_VERSION]


def test_the_further_anchor_check_changes_no_result() -> None:
    """Skipping patterns that lack a further anchor finds exactly what running every pattern finds."""
    everything = range(len(risk.RISK_PATTERNS))
    for note in CORPUS:
        for sentence in split_sentences(note.text):
            lowered = sentence.text.lower()
            kept = [n for n in everything if risk._may_match(n, lowered)]
            assert sorted(risk._pattern_spans(sentence.text, kept)) == sorted(
                risk._pattern_spans(sentence.text, everything)
            ), sentence.text


def _proper_nouns_by_definition(text: str) -> set[str]:
    capitalised = Counter(w.lower() for w in re.findall(r"\b[A-Z][a-z]+\b", text))
    inside = {w.lower() for w in re.findall(r"(?<=[a-z,;] )[A-Z][a-z]+\b", text)}
    named = {w for w, count in capitalised.items() if count > 1 or w in inside}
    return named - set(re.findall(r"\b[a-z]+\b", text))


def test_proper_nouns_agree_with_their_definition() -> None:
    """Names are the words only written capitalised, inside a sentence or more than once."""
    pieces = ["Ab", "ab", "Ba", "ba", " ", ",", ";", "é", "É", "_", "1", ".", "\n", "Abé", "ab_", "xab", "Abx"]
    rng = random.Random(9)
    texts = [note.text for note in CORPUS]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    for text in texts:
        assert words.proper_nouns(text) == _proper_nouns_by_definition(text), text


def test_stem_table_follows_its_rule() -> None:
    """Each word maps to its stem, or to None for stop words, filler, short words and contractions."""
    for note in CORPUS:
        tokens = words.tokenise(note.text).tokens
        for word, word_stem in words.stem_table(tokens).items():
            carries_meaning = len(word) > 2 and word not in STOP_WORDS | CLINIC_FILLER and "'" not in word
            assert word_stem == (words.stem(word) if carries_meaning else None), word
