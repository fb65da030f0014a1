"""Cheap necessary conditions for regular expressions, so most of them need not run at all.

Python's `re` tries a pattern at every position of a sentence, which for a lexicon of a
hundred-odd patterns costs milliseconds per note. For each pattern we derive, from its parse
tree, a set of literal anchors of which every match must contain at least one — for
`\\bkill?(?:s|ed)? (?:my|her)self` that is "kil" at the start of a word. A pattern then runs
only on sentences holding one of its anchors. The derivation is conservative: a pattern for
which no anchor can be proven always runs (tests check the shortcut changes no result).
"""

from __future__ import annotations

import bisect
import re
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
    return _Walker().sequence(list(sre_parse.parse(pattern.pattern, pattern.flags)), True)


class _Walker:
    def sequence(self, items: list[tuple[Any, Any]], at_word_start: bool) -> list[frozenset[Anchor]]:
        found: list[frozenset[Anchor]] = []
        run, run_at_start, start_ok = "", False, at_word_start
        for op, av in items:
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


class AnchorIndex:
    """Which of a list of patterns can match a text, found through their anchors in one scan.

    Word-start anchors are compiled into one trie-shaped regular expression (one pass of the
    C matcher over the text); every anchor that is a prefix of what it finds unlocks its
    patterns. The few anchors that may sit inside a word are looked for with `in`.
    """

    def __init__(self, patterns: list[re.Pattern[str]]) -> None:
        always: list[int] = []
        self._whole_words: dict[str, list[int]] = {}
        self._at_word_start: dict[str, list[int]] = {}
        self._anywhere: dict[str, list[int]] = {}
        for number, pattern in enumerate(patterns):
            anchors = anchors_of(pattern)
            if anchors is None:
                always.append(number)
                continue
            for anchor in anchors:
                if anchor.whole_word:
                    table = self._whole_words
                elif anchor.word_start:
                    table = self._at_word_start
                else:
                    table = self._anywhere
                table.setdefault(anchor.text, []).append(number)
        self._always = frozenset(always)
        # For each anchor, every pattern unlocked by it or by an anchor that is a prefix of it.
        for table in (self._at_word_start, self._anywhere):  # (a whole word is no prefix of another)
            closed = {
                anchor: sorted({n for end in range(_MIN_ANCHOR, len(anchor) + 1) for n in table.get(anchor[:end], ())})
                for anchor in table
            }
            table.update(closed)
        # Look-aheads, so that every position where an anchor starts is found, overlaps included.
        self._word_scanner = _scanner(
            r"\b(?=(" + _trie_pattern(sorted(self._at_word_start)) + "))", self._at_word_start
        )
        self._inner_scanner = _scanner(r"(?=(" + _trie_pattern(sorted(self._anywhere)) + "))", self._anywhere)
        self._word_matcher = _scanner(r"\b(?:" + _trie_pattern(sorted(self._whole_words)) + r")\b", self._whole_words)
        self._scanners = (
            (self._word_scanner, self._at_word_start, 1),
            (self._inner_scanner, self._anywhere, 1),
            (self._word_matcher, self._whole_words, 0),
        )

    def candidates(self, text: str) -> list[int]:
        """Numbers of the patterns that may match the text, in order."""
        return sorted(self.candidates_per_span(text.lower(), [(0, len(text))])[0])

    def candidates_per_span(self, lowered: str, spans: list[tuple[int, int]]) -> list[set[int]]:
        """For each (start, end) span of the lower-cased text, the patterns that may match inside it."""
        found = [set(self._always) for _ in spans]
        starts = [start for start, _ in spans]
        ends = [end for _, end in spans]
        place = bisect.bisect_right
        for scanner, table, group in self._scanners:
            if scanner is None:
                continue
            for match in scanner.finditer(lowered):
                # The anchor (group 1 of a look-ahead, or the whole match) starts where the match does.
                start, end = match.span(group)
                at = place(starts, start) - 1
                if at < 0 or end > ends[at]:
                    continue
                found[at].update(table[match.group(group)])
        return found


def _scanner(pattern: str, table: dict[str, list[int]]) -> re.Pattern[str] | None:
    return re.compile(pattern) if table else None


def _trie_pattern(words: list[str]) -> str:
    """A regular expression matching the longest of `words` that starts here (a trie, greedy)."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _node_pattern(trie)


def _node_pattern(node: dict[str, Any]) -> str:
    branches = [re.escape(char) + _node_pattern(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body
