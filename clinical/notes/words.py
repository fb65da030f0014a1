"""Words of a note: lower-cased, stop words and clinic filler marked, lightly stemmed — once per note.

The stemmer is deliberately crude (a few English suffixes): it only has to make "boundaries"
and "boundary", "feelings" and "feel" meet within one patient's notes. Summary and themes
share one tokenisation of the note, which is most of their cost: the themes read the note's
words in order, the summary each sentence's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from clinical.notes.memo import word_memo
from clinical.notes.sentences import Sentence
from clinical.notes.vocabulary import CLINIC_FILLER, STOP_WORDS

IGNORED = STOP_WORDS | CLINIC_FILLER
# A phrase never runs across punctuation, a bracket, a quotation mark, a slash or a dash.
_TOKEN = re.compile(r"([a-z][a-z'-]*[a-z]|[a-z])|[.,;:!?()\[\]\"“”/\n]|\s[-–—]\s")
_DASHES = "-–—"
# A word as in `_TOKEN`: the longest run ending in a letter (a look-behind finds that end faster).
_WORD = re.compile(r"[a-z][a-z'-]*(?<=[a-z])")
# `\b[A-Z][a-z]+\b`, with the word start checked after the capital: a pattern opening with a
# character class lets `re` skip ahead to the next capital instead of trying every position.
_CAPITALISED = re.compile(r"[A-Z](?<!\w[A-Z])[a-z]+\b")
# A capitalised word "inside" a sentence follows a lower-case letter, "," or ";" and one space.
_INSIDE_AFTER = frozenset("abcdefghijklmnopqrstuvwxyz,;")
_SUFFIX = re.compile(r"^([a-z'-]{3,}?)(ingly|edly|ness|ments|ment|ings|ing|ies|ied|ed|ly|es|s)$")
_KEEP_ENDINGS = ("ss", "us", "is", "ous")


class NoteWords(NamedTuple):
    """A note's words in order ("" marks a phrase break), the stem of each distinct word (None
    for words that carry no meaning: stop words, clinic filler, one- and two-letter words), and
    the words of each sentence the note was tokenised with."""

    tokens: list[str]
    stems: dict[str, str | None]
    sentence_tokens: list[list[str]]


@word_memo
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


def tokenise(text: str, sentences: Sequence[Sentence] = ()) -> NoteWords:
    """Every word and phrase break of the text, in order, with the stems of its distinct words,
    and the words and breaks of each of the text's `sentences` (`split_sentences(text)`).

    Names (words the note only ever writes capitalised, like the patient's) are not themes.
    """
    tokens, sentence_tokens = _tokens(text, sentences)
    return NoteWords(tokens, stem_table(tokens, proper_nouns(text)), sentence_tokens)


def _tokens(text: str, sentences: Sequence[Sentence]) -> tuple[list[str], list[list[str]]]:
    """The text's tokens, and each sentence's, from one reading of the text.

    The text is read in pieces, each sentence and each stretch between two, and the tokens of
    the pieces make those of the text: no token spans two pieces, as a sentence begins and ends
    beside whitespace, which no word holds. Only a spaced dash (" - ", one token) could, at a
    sentence beginning or ending with a dash: then, or when lower-casing moved the offsets
    ("İ"), the text and its sentences are read apart.
    """
    lowered = text.lower()
    if len(lowered) != len(text) or any(s.text[0] in _DASHES or s.text[-1] in _DASHES for s in sentences):
        return _TOKEN.findall(lowered), [_TOKEN.findall(s.text.lower()) for s in sentences]
    tokens: list[str] = []
    sentence_tokens: list[list[str]] = []
    at = 0
    for sentence in sentences:
        tokens += _TOKEN.findall(lowered, at, sentence.start)
        own = _TOKEN.findall(lowered, sentence.start, sentence.end)
        tokens += own
        sentence_tokens.append(own)
        at = sentence.end
    tokens += _TOKEN.findall(lowered, at)
    return tokens, sentence_tokens


def proper_nouns(text: str) -> set[str]:
    """Lower-cased words the text only writes with a capital, inside a sentence or more than once (names)."""
    # One pass over the capitalised words (counting them and noting those inside a sentence),
    # then a whole-word search in lower case for the few candidates, instead of listing every word.
    counts: dict[str, int] = {}
    inside: set[str] = set()
    for match in _CAPITALISED.finditer(text):
        word = match.group().lower()
        counts[word] = counts.get(word, 0) + 1
        at = match.start()
        if at >= 2 and text[at - 1] == " " and text[at - 2] in _INSIDE_AFTER:
            inside.add(word)
    named = {w for w, count in counts.items() if count > 1 or w in inside}
    return {w for w in named if not _written_whole(w, text)}


def _written_whole(word: str, text: str) -> bool:
    """True when `word` stands in the text as a whole word (what `\\bword\\b` finds), by `str.find`."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not _is_word_char(text[at - 1])) and (end == len(text) or not _is_word_char(text[end])):
            return True
        at = text.find(word, at + 1)
    return False


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"  # what `\w` means for `re` on str


@word_memo
def _content_stem(word: str) -> str | None:
    """The stem of a word that carries meaning; None for stop words, clinic filler, short words, "don't"."""
    return stem(word) if len(word) > 2 and word not in IGNORED and "'" not in word else None


def stem_table(words: list[str], ignored: set[str] | frozenset[str] = frozenset()) -> dict[str, str | None]:
    """word -> stem for each distinct word (None for words without meaning)."""
    distinct = set(words)
    distinct.discard("")
    table = dict(zip(distinct, map(_content_stem, distinct), strict=True))
    for word in distinct.intersection(ignored):
        table[word] = None
    return table


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning (no stop words, clinic filler or short words)."""
    words = _WORD.findall(text.lower())
    table = stem_table(words)
    return [s for s in map(table.__getitem__, words) if s is not None]


def sentence_words(sentence: str, table: dict[str, str | None]) -> set[str]:
    """The distinct content stems of one sentence; `table` (a note's stems) is extended as needed."""
    words = _WORD.findall(sentence.lower())
    try:
        stems = set(map(table.__getitem__, words))
    except KeyError:  # a word the note's table lacks (or no table was given): add them all
        table.update(stem_table([w for w in words if w not in table]))
        stems = set(map(table.__getitem__, words))
    stems.discard(None)
    return stems  # type: ignore[return-value]
