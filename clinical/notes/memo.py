"""Per-word memos of the note analysis, and the one switch that empties them all.

A memo here maps one word (or one whitespace-separated chunk of a note, "(kill" or "plan,")
to what follows from it alone: its stem, the risk anchors it holds. Never a note or a
sentence, so no result of a note is ever cached; a caseload reuses the same few thousand
words, so each is worked out about once. `clear_memos()` empties them all, as a process start
does; the benchmark calls it before each timed run, so that no run profits from another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

_T = TypeVar("_T")

# A clinic's vocabulary is a few thousand words; typos, names and punctuation add more.
WORD_MEMO_SIZE = 1 << 16


class _Memo(dict[str, _T]):
    """function(word) per word, worked out on the first lookup."""

    def __init__(self, function: Callable[[str], _T]) -> None:
        super().__init__()
        self._function = function

    def __missing__(self, word: str) -> _T:
        if len(self) >= WORD_MEMO_SIZE:
            self.clear()  # a bound without bookkeeping: start afresh, as rare as it is cheap
        value = self[word] = self._function(word)
        return value


_MEMOS: list[_Memo[Any]] = []


def word_memo(function: Callable[[str], _T]) -> Callable[[str], _T]:
    """`function` (a pure function of one word) memoised, and emptied by `clear_memos()`.

    What is returned is the memo's own lookup, a dict's `__getitem__`: it runs in C and
    calls `function` only for a word it has not seen (the hot loops map it over every word).
    """
    memo = _Memo(function)
    _MEMOS.append(memo)
    return memo.__getitem__


def clear_memos() -> None:
    """Empty every per-word memo of the note analysis (the next analysis starts cold)."""
    for memo in _MEMOS:
        memo.clear()
