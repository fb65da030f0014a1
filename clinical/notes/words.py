"""Words of a note: lower-cased, stop words and clinic filler marked, lightly stemmed — once per note.

The stemmer is deliberately crude (a few English suffixes): it only has to make "boundaries"
and "boundary", "feelings" and "feel" meet within one patient's notes. Summary and themes
share one tokenisation of the note, which is most of their cost.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

from clinical.notes.vocabulary import CLINIC_FILLER, STOP_WORDS

IGNORED = STOP_WORDS | CLINIC_FILLER
# A phrase never runs across punctuation, a bracket, a quotation mark, a slash or a dash.
_TOKEN = re.compile(r"([a-z][a-z'-]*[a-z]|[a-z])|[.,;:!?()\[\]\"“”/\n]|\s[-–—]\s")
_WORD = re.compile(r"[a-z][a-z'-]*[a-z]|[a-z]")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")
_LOWER_CASE = re.compile(r"\b[a-z]+\b")
_CAPITALISED_INSIDE = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]+\b")
_SUFFIX = re.compile(r"^([a-z'-]{3,}?)(ingly|edly|ness|ments|ment|ings|ing|ies|ied|ed|ly|es|s)$")
_KEEP_ENDINGS = ("ss", "us", "is", "ous")


class NoteWords(NamedTuple):
    """A note's words in order ("" marks a phrase break) and the stem of each distinct word
    (None for words that carry no meaning: stop words, clinic filler, one- and two-letter words)."""

    tokens: list[str]
    stems: dict[str, str | None]


def stem(word: str) -> str:
    """A crude stem: "feelings" -> "feel", "boundaries" -> "boundary", "anxious" stays."""
    word = word.removesuffix("'s").strip("'-")
    if len(word) <= 4 or word.endswith(_KEEP_ENDINGS):
        return word
    match = _SUFFIX.match(word)
    if match is None:
        return word
    base, suffix = match.groups()
    if suffix in ("ies", "ied"):
        return base + "y"
    if suffix == "es" and not base.endswith(("sh", "ch", "x", "z", "ss")):
        return base + "e"
    return base


def tokenise(text: str) -> NoteWords:
    """Every word and phrase break of the text, in order, with the stems of its distinct words.

    Names (words the note only ever writes capitalised, like the patient's) are not themes.
    """
    tokens = _TOKEN.findall(text.lower())
    return NoteWords(tokens, stem_table(tokens, proper_nouns(text)))


def proper_nouns(text: str) -> set[str]:
    """Lower-cased words the text only writes with a capital, inside a sentence or more than once (names)."""
    capitalised = Counter(w.lower() for w in _CAPITALISED.findall(text))
    inside = {w.lower() for w in _CAPITALISED_INSIDE.findall(text)}
    named = {w for w, count in capitalised.items() if count > 1 or w in inside}
    return named - set(_LOWER_CASE.findall(text))


def stem_table(words: list[str], ignored: set[str] | frozenset[str] = frozenset()) -> dict[str, str | None]:
    """word -> stem for each distinct word (None for words without meaning)."""
    return {
        w: (stem(w) if len(w) > 2 and w not in IGNORED and w not in ignored and "'" not in w else None)
        for w in set(words)
        if w
    }


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning (no stop words, clinic filler or short words)."""
    words = _WORD.findall(text.lower())
    table = stem_table(words)
    return [s for s in map(table.__getitem__, words) if s is not None]


def sentence_words(sentence: str, table: dict[str, str | None]) -> set[str]:
    """The distinct content stems of one sentence; `table` (a note's stems) is extended as needed."""
    words = _WORD.findall(sentence.lower())
    missing = [w for w in words if w not in table]
    if missing:
        table.update(stem_table(missing))
    return {s for s in map(table.__getitem__, words) if s is not None}
