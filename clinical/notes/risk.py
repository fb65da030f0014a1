"""The risk-language detector: every sentence that speaks of suicide, self-harm, wanting to die
or disappear, hopelessness, burden, plans, means, intent, goodbyes or death imagery.

A sentence is reported whatever it says about the risk; `denial` is True only when every
risk phrase in it is denied ("denies SI, HI, plan or intent"). A sentence that denies one
thing and affirms another ("denies plan but endorses passive SI") is not a denial — the
affirmed part is what a clinician must see.

How negation is judged (a small NegEx, after Chapman et al. 2001): a negation cue ("denies",
"no", "not", "never", "without", "n't"…) within the ten words before the risk phrase, in the
same clause, negates it; so does a cue right after it ("SI: denied", "C-SSRS negative").
Clauses end at "but", "however", ";" and at verbs that assert something new ("reports",
"endorses", "states"), unless those verbs are themselves negated ("did not endorse SI").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from clinical.notes.anchors import AnchorScreen, anchor_sets_of, anchors_of
from clinical.notes.memo import word_memo
from clinical.notes.risk_lexicon import (
    AFFIRMING_VERBS,
    FALSE_FRIENDS,
    FALSE_FRIENDS_LOWERED,
    FUZZY_REAL_WORDS,
    FUZZY_TARGETS,
    NEGATION_CUES,
    POST_NEGATION,
    PSEUDO_NEGATIONS,
    RISK_PATTERNS,
    SCOPE_BREAKERS,
    SHORT_RANGE_NEGATION_CUES,
)
from clinical.notes.sentences import Sentence, split_sentences


@dataclass(frozen=True)
class RiskSentence:
    """A sentence with risk language: where it is, whether it is a denial, and what it speaks of."""

    text: str
    start: int
    end: int
    denial: bool
    categories: tuple[str, ...]


@dataclass(frozen=True)
class RiskPhrase:
    """One risk phrase inside a sentence (offsets relative to the sentence)."""

    category: str
    start: int
    end: int
    negated: bool


_NORMALISE = str.maketrans({"’": "'", "‘": "'", "‛": "'", "“": '"', "”": '"', "\u00a0": " ", "‐": "-", "‑": "-"})
_NEEDS_NORMALISING = re.compile("[’‘‛“”\u00a0‐‑]")
_BREAKER = re.compile("|".join(SCOPE_BREAKERS), re.IGNORECASE)
_AFFIRMING_VERB = re.compile("|".join(AFFIRMING_VERBS), re.IGNORECASE)
_NEGATED_VERB_CONTEXT = re.compile(r"(?:\b(?:not|never|no|none|nothing|nobody)|n't)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
# "Asked about thoughts of death or suicide; she denied any, past or present."
_DENIED_IN_NEXT_CLAUSE = re.compile(
    r"^[^.!?]{0,40}?[;,:]\s*(?:and\s+|but\s+)?(?:\w+\s+){0,2}(?:denied|denies|denying|declined|negated)\s+"
    r"(?:any|all|it|this|these|them|both|each|either|that)\b",
    re.IGNORECASE,
)
_POST_NEGATION = tuple(re.compile(p, re.IGNORECASE) for p in POST_NEGATION)
_POST_STOP = re.compile(
    r"[.;!?,]|\b(?:but|however|although|though|yet|except|and (?:she|he|they|i|pt))\b", re.IGNORECASE
)
_POST_SCORE_ZERO = re.compile(
    r"^\W{0,4}(?:[\w/-]+\W{1,3}){0,3}?(?:scored|score of|answered|rated|was|=|:)\s*[\"']?(?:0|zero|not at all)\b",
    re.IGNORECASE,
)
_PSEUDO = re.compile("|".join(re.escape(p).replace(r"\ ", r"\s+") for p in PSEUDO_NEGATIONS), re.IGNORECASE)
_TOKEN = re.compile(r"[a-z0-9/]+(?:n't)?|n't", re.IGNORECASE)
_PRE_WINDOW_WORDS = 10
_ANY_CUE = re.compile(
    r"n't|\b(?:" + "|".join(sorted(map(re.escape, NEGATION_CUES | SHORT_RANGE_NEGATION_CUES))) + r")\b", re.IGNORECASE
)
_MISSPELLABLE_WORD = re.compile(r"\b(?:su|si|us|sc|ho|hp|oh|ov|vo|oe)[a-z]{4,}")


_PATTERN_SCREEN = AnchorScreen([p.regex for p in RISK_PATTERNS])
# Per pattern: category, finditer on the text, finditer on lower-cased text (None when the
# pattern is case-sensitive), whether it marks a core — looked up once, not per sentence.
_PATTERN_RUNNERS = tuple(
    (p.category, p.regex.finditer, None if p.case_sensitive else p.lowered.finditer, p.has_core) for p in RISK_PATTERNS
)
_FRIEND_SCREEN = AnchorScreen(FALSE_FRIENDS)
# A bit of the risk screen's own: the chunk holds a misspelt risk word.
_MISSPELT = 1 << _PATTERN_SCREEN.size


@word_memo
def _risk_bits(chunk: str) -> int:
    """The risk anchors a chunk of lower-cased text holds (and `_MISSPELT` for "sucidal")."""
    bits = _PATTERN_SCREEN.bits(chunk)
    return bits | _MISSPELT if any(map(_misspelt, _MISSPELLABLE_WORD.findall(chunk))) else bits


@word_memo
def _friend_bits(chunk: str) -> int:
    """The false friends' anchors a chunk of lower-cased text holds."""
    return _FRIEND_SCREEN.bits(chunk)


def _further_anchor_sets(pattern: re.Pattern[str]) -> tuple[tuple[str, ...], ...]:
    """The pattern's anchor sets besides its key, short anchors left out: for sentences beyond ASCII.

    Many patterns need several parts ("for … it all … go"), and checking that the sentence also
    holds one anchor of each further part (`in`, a fraction of a regex run) spares most of the
    runs that find nothing. A set holding a two-letter anchor is left out: nearly every sentence
    would pass it.
    """
    screened = anchors_of(pattern)
    further = {
        tuple(sorted({a.text for a in anchors}))
        for anchors in anchor_sets_of(pattern)
        if anchors != screened and all(len(a.text) > 2 for a in anchors)
    }
    return tuple(sorted(further))


_FURTHER_ANCHORS = tuple(_further_anchor_sets(p.regex) for p in RISK_PATTERNS)


def _may_match(number: int, lowered: str) -> bool:
    """False when the lower-cased sentence lacks every anchor of one of the pattern's further parts."""
    for anchors in _FURTHER_ANCHORS[number]:  # plain loops: this runs for every candidate pattern
        for anchor in anchors:
            if anchor in lowered:
                break
        else:
            return False
    return True


def find_risk_sentences(note: str, sentences: Iterable[Sentence] | None = None) -> tuple[RiskSentence, ...]:
    """Every sentence of the note holding risk language, in note order."""
    normalised = _normalise(note)
    found: list[RiskSentence] = []
    for sentence in split_sentences(note) if sentences is None else sentences:
        phrases = _phrases(normalised[sentence.start : sentence.end])
        if phrases:
            found.append(
                RiskSentence(
                    text=sentence.text,
                    start=sentence.start,
                    end=sentence.end,
                    denial=all(p.negated for p in phrases),
                    categories=tuple(sorted({p.category for p in phrases})),
                )
            )
    return tuple(found)


def risk_phrases(sentence: str) -> list[RiskPhrase]:
    """The risk phrases of one sentence, false friends removed, each judged negated or not."""
    return _phrases(_normalise(sentence))


def _normalise(text: str) -> str:
    """Curly quotes and odd spaces/hyphens as plain ones (same length, so offsets hold)."""
    return text.translate(_NORMALISE) if _NEEDS_NORMALISING.search(text) else text


def _phrases(sentence: str) -> list[RiskPhrase]:
    candidates, may_be_misspelt = _screen(sentence)
    if not candidates and not may_be_misspelt:  # most sentences
        return []
    spans = _pattern_spans(sentence, candidates)
    if may_be_misspelt:
        spans += _misspelling_spans(sentence)
    if not spans:
        return []
    friends = _false_friend_spans(sentence)
    if friends:
        spans = [s for s in spans if not any(f_start <= s[1] and s[2] <= f_end for f_start, f_end in friends)]
    return [RiskPhrase(category, start, end, _is_negated(sentence, start, end)) for category, start, end in spans]


def _screen(sentence: str) -> tuple[list[int], bool]:
    """The patterns worth running on a (normalised) sentence, and whether it holds a misspelt risk word.

    An ASCII sentence is judged on every anchor set of a pattern, word by word: lower-casing it
    is then exactly what IGNORECASE matches. Beyond ASCII (`re` also takes "ſ" for "s", which
    lower-casing leaves alone), the key anchors unlock patterns and their further anchors are
    only looked for as text (`_may_match`), the screen note analysis has always used there.
    """
    lowered = sentence.lower()
    bits = reduce(or_, map(_risk_bits, lowered.split()), 0)
    if sentence.isascii():
        candidates = _PATTERN_SCREEN.candidates(bits)
    else:
        candidates = _PATTERN_SCREEN.candidates(bits, strict=False)
        if len(lowered) == len(sentence):  # (not when a letter's lower case is longer, "İ")
            candidates = [n for n in candidates if _may_match(n, lowered)]
    return candidates, bool(bits & _MISSPELT)


def _false_friend_spans(sentence: str) -> list[tuple[int, int]]:
    lowered = sentence.lower()
    bits = reduce(or_, map(_friend_bits, lowered.split()), 0)
    numbers = _FRIEND_SCREEN.candidates(bits, strict=sentence.isascii())
    if len(lowered) != len(sentence):
        return [m.span() for n in numbers for m in FALSE_FRIENDS[n].finditer(sentence)]
    return [m.span() for n in numbers for m in FALSE_FRIENDS_LOWERED[n].finditer(lowered)]


def _pattern_spans(sentence: str, numbers: Iterable[int]) -> list[tuple[str, int, int]]:
    lowered = sentence.lower()
    same_offsets = len(lowered) == len(sentence)  # lower() keeps offsets except for a few letters
    spans: list[tuple[str, int, int]] = []
    for number in numbers:
        category, on_text, on_lowered, has_core = _PATTERN_RUNNERS[number]
        matches = on_lowered(lowered) if on_lowered is not None and same_offsets else on_text(sentence)
        for match in matches:
            group = "core" if has_core and match.group("core") is not None else 0
            spans.append((category, match.start(group), match.end(group)))
    return spans


def _misspelling_spans(sentence: str) -> list[tuple[str, int, int]]:
    """Words one or two typing slips away from "suicidal", "hopeless", "overdose"."""
    found = ((_misspelt(m.group(0)), m.start(), m.end()) for m in _MISSPELLABLE_WORD.finditer(sentence.lower()))
    return [(category, start, end) for category, start, end in found if category is not None]


def _misspelt(word: str) -> str | None:
    """The category of the risk word that `word` (lower case) is a typing slip or two away from, if any."""
    if word in FUZZY_REAL_WORDS:
        return None
    if word.startswith(("suicid", "hopeless", "overdos")) or not _looks_like_a_target(word):
        return None  # the patterns already see these; most words are nothing like a target
    for target, category in FUZZY_TARGETS.items():
        if target[0] == word[0] and _within_edits(word, target, 2 if len(target) >= 8 else 1):
            return category
    return None


def _looks_like_a_target(word: str) -> bool:
    letters = set(word)
    return (
        ({"c", "d"} <= letters and word[:2] in ("su", "si", "us", "sc"))
        or ({"l", "s", "p"} <= letters and word[:2] in ("ho", "hp", "oh"))
        or ({"d", "s", "r"} <= letters and word[:2] in ("ov", "vo", "oe"))
    )


def _within_edits(word: str, target: str, limit: int) -> bool:
    """Optimal-string-alignment distance (a swap of neighbours is one slip) at most `limit`."""
    if abs(len(word) - len(target)) > limit:
        return False
    previous2: list[int] = []
    previous = list(range(len(target) + 1))
    for i, a in enumerate(word, 1):
        current = [i] + [0] * len(target)
        for j, b in enumerate(target, 1):
            cost = 0 if a == b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a == target[j - 2] and word[i - 2] == b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return previous[-1] <= limit


def _is_negated(sentence: str, start: int, end: int) -> bool:
    return _negated_before(sentence, start) or _negated_after(sentence, end)


def _negated_before(sentence: str, start: int) -> bool:
    window = sentence[:start]
    if not _ANY_CUE.search(window):
        return False
    clause_start = 0
    for breaker in _BREAKER.finditer(window):
        clause_start = breaker.end()
    for verb in _AFFIRMING_VERB.finditer(window, clause_start):
        if not _NEGATED_VERB_CONTEXT.search(window[max(0, verb.start() - 40) : verb.start()]):
            clause_start = verb.end()  # "did not endorse SI": a negated verb stays inside the negation
    clause = _PSEUDO.sub(" ", window[clause_start:])
    words = [w.lower() for w in _TOKEN.findall(clause)[-_PRE_WINDOW_WORDS:]]
    if any(w in SHORT_RANGE_NEGATION_CUES for w in words[-2:]):
        return True
    return any(w in NEGATION_CUES or w.endswith("n't") for w in words)


def _negated_after(sentence: str, end: int) -> bool:
    after = sentence[end : end + 80]
    if _DENIED_IN_NEXT_CLAUSE.search(after):
        return True
    stop = _POST_STOP.search(after, 1)
    clause = after[: stop.start()] if stop else after
    return any(p.search(clause) for p in _POST_NEGATION) or bool(_POST_SCORE_ZERO.search(clause))
