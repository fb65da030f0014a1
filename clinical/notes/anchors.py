"""Cheap necessary conditions for regular expressions, so most of them need not run at all.

Python's `re` tries a pattern at every position of a sentence, which for a lexicon of a
hundred-odd patterns costs milliseconds per note. For each pattern we derive, from its parse
tree, sets of literal anchors, every match holding one anchor of each set — for
`\\bkill?(?:s|ed)? (?:my|her)self` "kil" at the start of a word, "my" or "her" at the start
of one, and "self". A pattern then runs only on sentences holding an anchor of each of its
sets. Sentences are screened chunk by chunk (runs without whitespace, "(kill" or "plan,"),
and the same few thousand chunks make up a caseload, so the anchors of each are worked out
once. The derivation is conservative: a pattern for which no anchor can be proven always runs
(tests check the screen changes no result).
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}
_ZERO_WIDTH = {sre.ASSERT, sre.ASSERT_NOT}
_WORD_STARTS = {sre.AT_BOUNDARY, sre.AT_BEGINNING, sre.AT_BEGINNING_STRING}
_MIN_ANCHOR = 2


@dataclass(frozen=True)
class Anchor:
    """A literal every match contains; `word_start`: it begins a word in the text; `whole_word`: and ends one."""

    text: str
    word_start: bool
    whole_word: bool = False


def anchors_of(pattern: re.Pattern[str]) -> frozenset[Anchor] | None:
    """Anchors one of which every match contains, or None when none can be proven."""
    return _best(anchor_sets_of(pattern))


def anchor_sets_of(pattern: re.Pattern[str]) -> list[frozenset[Anchor]]:
    """Every set of anchors the pattern can be proven to need: each match holds one anchor of each set."""
    # A match may begin anywhere in a sentence: only `\b` (or `^`) makes what follows a word start.
    return _Walker().sequence(list(sre_parse.parse(pattern.pattern, pattern.flags)), False)


class _Walker:
    def sequence(self, items: list[tuple[Any, Any]], at_word_start: bool) -> list[frozenset[Anchor]]:
        found: list[frozenset[Anchor]] = []
        run, run_at_start, start_ok = "", False, at_word_start
        for op, av in items:
            if op is sre.LITERAL and chr(av).isspace():  # anchors hold no whitespace: the screen reads chunks
                self._flush(found, run, run_at_start, False)
                run, start_ok = "", True
                continue
            if op is sre.LITERAL:
                if not run:
                    run_at_start = start_ok and chr(av).isalnum()
                run += chr(av)
                start_ok = False
                continue
            ends_word = op is sre.AT and av is sre.AT_BOUNDARY
            self._flush(found, run, run_at_start, ends_word)
            run = ""
            if op is sre.AT:
                start_ok = av in _WORD_STARTS
            elif op in _ZERO_WIDTH:
                pass
            elif op is sre.SUBPATTERN:
                found += self.sequence(list(av[3]), start_ok)
                start_ok = _ends_with_space(list(av[3]))
            elif op is sre.BRANCH:
                alternatives = [_best(self.sequence(list(branch), start_ok)) for branch in av[1]]
                if all(a is not None for a in alternatives):
                    found.append(frozenset().union(*alternatives))  # type: ignore[arg-type]
                start_ok = all(_ends_with_space(list(branch)) for branch in av[1])
            elif op in _REPEATS:
                if av[0] >= 1:
                    found += self.sequence(list(av[2]), start_ok)
                # After an optional part we are where we were, or after what it ends with.
                ends_in_space = _ends_with_space(list(av[2])) or _is_whitespace(av[2])
                start_ok = ends_in_space and (av[0] >= 1 or start_ok)
            else:
                start_ok = False
        self._flush(found, run, run_at_start, False)
        return found

    @staticmethod
    def _flush(found: list[frozenset[Anchor]], run: str, at_start: bool, ends_word: bool) -> None:
        if len(run) >= _MIN_ANCHOR:
            found.append(frozenset({Anchor(run.lower(), at_start, at_start and ends_word)}))


def _is_whitespace(items: Any) -> bool:
    items = list(items)
    return len(items) == 1 and items[0][0] is sre.IN and list(items[0][1]) == [(sre.CATEGORY, sre.CATEGORY_SPACE)]


def _ends_with_space(items: list[tuple[Any, Any]]) -> bool:
    """True when every way through the items ends with at least one whitespace character."""
    if not items:
        return False
    op, av = items[-1]
    if op in _REPEATS:
        return av[0] >= 1 and (_is_whitespace(av[2]) or _ends_with_space(list(av[2])))
    if op is sre.SUBPATTERN:
        return _ends_with_space(list(av[3]))
    if op is sre.BRANCH:
        return all(_ends_with_space(list(branch)) for branch in av[1])
    return False


# Words so frequent in notes that an anchor set holding one unlocks its pattern on most sentences.
_COMMON = frozenset(
    """a an and are as at be been but by did do does for from had has have he her his i if in is it me my no
    not of on or our she so that the their them then they this to up was we were will with would you your
    all any can could get got go going like need one out over some want when which who how what time day
    feel feels felt know said says take took make made more much very just about after before back down""".split()
)


def _best(sets: list[frozenset[Anchor]]) -> frozenset[Anchor] | None:
    """The most selective set: fewest common words, the longest shortest anchor, word anchors, fewest."""
    if not sets:
        return None
    return max(
        sets,
        key=lambda s: (
            -sum(1 for a in s if a.text in _COMMON or len(a.text) <= 2),
            min(len(a.text) + (2 if a.whole_word else 0) + (1 if a.word_start else 0) for a in s),
            all(a.word_start for a in s),
            -len(s),
        ),
    )


class AnchorScreen:
    """Which of a list of patterns may match a text, judged from the anchors its chunks hold.

    Every anchor is one bit. A chunk of lower-cased text (a run without whitespace: "(kill",
    "plan,") holds the anchors that are one of its words (`\\b` to `\\b`), begin one, or, for
    the rest, lie anywhere in it. No anchor holds whitespace, so a text holds exactly the
    anchors of its chunks, and its bits are the union of theirs (`bits`, which callers memoise
    per chunk). A pattern is looked at when one of its key anchors (`anchors_of`) is there, and
    may match only when each of its anchor sets (`anchor_sets_of`) has a bit set.
    """

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        bit_of: dict[Anchor, int] = {}

        def bits(anchors: Iterable[Anchor]) -> int:
            return _union(bit_of.setdefault(anchor, 1 << len(bit_of)) for anchor in anchors)

        self._unlocks: dict[int, list[int]] = {}  # per key anchor's bit: the patterns it unlocks
        self._further: list[tuple[int, ...]] = []  # per pattern: the bits of each of its other anchor sets
        always: list[int] = []
        for number, pattern in enumerate(patterns):
            key = anchors_of(pattern)
            if key is None:
                always.append(number)
            for anchor in key or ():
                self._unlocks.setdefault(bits([anchor]), []).append(number)
            self._further.append(tuple(bits(anchors) for anchors in anchor_sets_of(pattern) if anchors != key))
        self._always = tuple(always)
        self._key_bits = _union(self._unlocks)
        self.size = len(bit_of)  # bits from 1 << size up are free for the caller's own use
        # How a chunk is searched for each anchor: words by table, the few others by `in` or a regex.
        self._whole_words: dict[str, int] = {}
        self._word_starts: dict[str, int] = {}
        self._inside: list[tuple[str, re.Pattern[str] | None, int]] = []
        for anchor, bit in bit_of.items():
            if anchor.word_start and _WORD.fullmatch(anchor.text):
                table = self._whole_words if anchor.whole_word else self._word_starts
                table[anchor.text] = table.get(anchor.text, 0) | bit
            elif anchor.word_start:  # "w/o", "co-worker": as a word of the chunk, found the way `re` does
                edge = r"\b" if anchor.whole_word else ""
                self._inside.append((anchor.text, re.compile(r"\b" + re.escape(anchor.text) + edge), bit))
            else:
                self._inside.append((anchor.text, None, bit))
        self._longest_start = max(map(len, self._word_starts), default=0)

    def bits(self, chunk: str) -> int:
        """The bits of the anchors a chunk of lower-cased text (no whitespace in it) holds."""
        bits = 0
        for word in _WORD.findall(chunk):
            bits |= self._whole_words.get(word, 0)
            for end in range(_MIN_ANCHOR, min(len(word), self._longest_start) + 1):
                bits |= self._word_starts.get(word[:end], 0)
        for text, as_word, bit in self._inside:
            if text in chunk and (as_word is None or as_word.search(chunk)):
                bits |= bit
        return bits

    def candidates(self, bits: int, strict: bool = True) -> list[int]:
        """Numbers of the patterns, in order, that may match a text holding the anchors of `bits`.

        Those a key anchor unlocks (and those without a key), less, when `strict`, those lacking
        an anchor of one of their anchor sets.
        """
        keys = bits & self._key_bits
        if not keys:
            return list(self._always)  # (no anchor sets at all: nothing to check)
        found = set(self._always)
        while keys:  # each set bit, lowest first: a sentence holds a few
            bit = keys & -keys
            found.update(self._unlocks[bit])
            keys ^= bit
        numbers = sorted(found)
        if not strict:
            return numbers
        admitted: list[int] = []
        for number in numbers:  # plain loops: this runs for every unlocked pattern
            for mask in self._further[number]:
                if not mask & bits:
                    break
            else:
                admitted.append(number)
        return admitted


# What `\b` separates in a text: a word-start anchor made of these begins one of them.
_WORD = re.compile(r"\w+")


def _union(bits: Iterable[int]) -> int:
    return functools.reduce(operator.or_, bits, 0)
