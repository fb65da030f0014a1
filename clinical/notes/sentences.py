"""Sentence splitting for clinical prose, with offsets: `note[s.start:s.end] == s.text`.

Clinicians write "Pt. tolerated 0.5 mg/kg IV", "f/u re: sleep", "vs.", bullet lists, one
finding per line, and quote patients ("I want it all to stop." said pt). A general-purpose
splitter cuts those in the wrong places (and nltk's data cannot be downloaded here), so the
rules below are written for them:

1. Lines first. A blank line, a list marker ("-", "*", "•", "1.", "2)", "a)") or a short line
   that does not end mid-phrase starts a new block; a long line followed by one starting in
   lower case is hard-wrapped prose and continues.
2. Inside a block, ".", "!", "?" (and closing quotes/brackets after them) followed by a space end a
   sentence, except after abbreviations (never after "Dr.", "e.g.", "vs."; after "Pt.", "mg."
   only when a capital follows), inside a quotation, or before a lower-case word after a
   quotation or "!"/"?" ("Why me?" she asked).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clinical.notes.vocabulary import ABBREVIATIONS_MAYBE_FINAL, ABBREVIATIONS_NEVER_FINAL


@dataclass(frozen=True)
class Sentence:
    """One sentence of a note and where it sits: `note[start:end] == text`."""

    text: str
    start: int
    end: int


_LIST_MARKER = re.compile(r"[ \t]*(?:[-*•·▪◦‣–—>]|\(?\d{1,2}[.)]|\(?[a-z][.)]|\([A-Z]\)|[A-Z]\))[ \t]+")
_TERMINAL_AT_LINE_END = re.compile(r"""[.!?:;"”')\]]\s*$""")
# A run of ".", "!", "?" or one "…", closing quotes or brackets, then whitespace; group 1: the next
# character after it, if any in the block. (Opening on one character class lets `re` skip to
# the next candidate instead of trying every position; "..." is a run of ".".)
_CANDIDATE_END = re.compile(r"""[.!?…](?:(?<=[.!?])[.!?]*)?["'”’)\]]*(?=\s+(\S)|\s)""")
_QUOTE_MARK = re.compile('["“”]')
_ALNUM = re.compile(r"[^\W_]")  # a letter or digit: `str.isalnum`, without a Python loop per character
_OPENING_QUOTES = '"“'
_CLOSING_QUOTES = '"”'
_WRAPPED_LINE_MIN = 45  # characters: a shorter line ending without punctuation is a line of its own
_MAX_QUOTE = 400  # characters: an "open quote" longer than this is a typo, not a quotation


def split_sentences(note: str) -> tuple[Sentence, ...]:
    """The note's sentences in order, each with its offsets in the note."""
    sentences: list[Sentence] = []
    has_alnum = _ALNUM.search
    for block_start, block_end in _blocks(note):
        for start, end in _split_block(note, block_start, block_end):
            # Trimmed of surrounding whitespace; a sentence needs at least one letter or digit.
            text = note[start:end]
            left_trimmed = text.lstrip()
            trimmed = left_trimmed.rstrip()
            if trimmed and has_alnum(trimmed):
                first = start + len(text) - len(left_trimmed)
                sentences.append(Sentence(trimmed, first, first + len(trimmed)))
    return tuple(sentences)


def _blocks(note: str) -> list[tuple[int, int]]:
    """Spans of text between line-level boundaries (paragraphs, list items, one-line entries)."""
    blocks: list[tuple[int, int]] = []
    current: list[int] | None = None  # [start, end] of the open block
    previous_line = ""
    position = 0
    for line in note.splitlines(keepends=True):
        line_start, content = position, line.rstrip("\r\n")
        position += len(line)
        if not content.strip():
            _close(blocks, current)
            current = None
            previous_line = ""
            continue
        marker = _LIST_MARKER.match(content)
        if marker:
            _close(blocks, current)
            current = [line_start + marker.end(), line_start + len(content)]
        elif current is not None and _continues(previous_line, content):
            current[1] = line_start + len(content)
        else:
            _close(blocks, current)
            current = [line_start, line_start + len(content)]
        previous_line = content
    _close(blocks, current)
    return blocks


def _close(blocks: list[tuple[int, int]], current: list[int] | None) -> None:
    if current is not None:
        blocks.append((current[0], current[1]))


def _continues(previous_line: str, line: str) -> bool:
    """A line continues the one before when that one was cut mid-phrase (hard-wrapped prose)."""
    previous = previous_line.rstrip()
    if previous.endswith(",") or previous.endswith(" and") or previous.endswith(" or"):
        return True
    first = line.lstrip()[:1]
    return (
        len(previous) >= _WRAPPED_LINE_MIN
        and not _TERMINAL_AT_LINE_END.search(previous)
        and (first.islower() or first.isdigit())
    )


def _split_block(note: str, start: int, end: int) -> list[tuple[int, int]]:
    block = note[start:end]
    quoted = _quoted_spans(block) if _QUOTE_MARK.search(block) else []
    spans: list[tuple[int, int]] = []
    sentence_start = 0
    for match in _CANDIDATE_END.finditer(block):
        if quoted and any(q_start < match.start() and match.end() < q_end for q_start, q_end in quoted):
            continue  # a full stop inside a quotation belongs to the quotation
        if _ends_sentence(block, match):
            spans.append((start + sentence_start, start + match.end()))
            sentence_start = match.end()
    spans.append((start + sentence_start, end))
    return spans


def _quoted_spans(block: str) -> list[tuple[int, int]]:
    """Spans of balanced, reasonably short quotations in a block ("…" or “…”)."""
    spans: list[tuple[int, int]] = []
    opening: int | None = None
    for match in _QUOTE_MARK.finditer(block):
        index, char = match.start(), match.group(0)
        if opening is None and char in _OPENING_QUOTES:
            opening = index
        elif opening is not None and char in _CLOSING_QUOTES:
            if index - opening <= _MAX_QUOTE:
                spans.append((opening, index + 1))
            opening = None
    return spans


def _ends_sentence(block: str, match: re.Match[str]) -> bool:
    punctuation = match.group(0)
    next_char = match.group(1) or ""
    if not next_char:
        return True
    if punctuation[-1] in "\"'”’)]":
        # `"I want it all to stop." said pt` — the sentence goes on after the quotation.
        return not next_char.islower()
    if punctuation[0] in "!?":
        return not next_char.islower()
    if punctuation.startswith("...") or punctuation.startswith("…"):
        return next_char.isupper()
    token = _token_before(block, match.start())
    lowered = token.lower()
    if lowered in ABBREVIATIONS_NEVER_FINAL:
        return False
    if lowered in ABBREVIATIONS_MAYBE_FINAL or "." in lowered or _is_initial(token):
        return next_char.isupper() or next_char in _OPENING_QUOTES
    return True


def _token_before(block: str, period: int) -> str:
    start = max(block.rfind(" ", 0, period), block.rfind("\n", 0, period), block.rfind("\t", 0, period)) + 1
    return block[start:period].lstrip("([{\"'“‘")


def _is_initial(token: str) -> bool:
    # "J. Smith" — a single capital is an initial unless a sentence clearly begins after it.
    return len(token) == 1 and token.isupper()
