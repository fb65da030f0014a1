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

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from clinical.notes.anchors import AnchorIndex, anchor_sets_of, anchors_of
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


_PATTERN_INDEX = AnchorIndex([p.regex for p in RISK_PATTERNS])
# Per pattern: category, finditer on the text, finditer on lower-cased text (None when the
# pattern is case-sensitive), whether it marks a core — looked up once, not per sentence.
_PATTERN_RUNNERS = tuple(
    (p.category, p.regex.finditer, None if p.case_sensitive else p.lowered.finditer, p.has_core) for p in RISK_PATTERNS
)
_FRIEND_INDEX = AnchorIndex(list(FALSE_FRIENDS))


def _further_anchor_sets(pattern: re.Pattern[str]) -> tuple[tuple[str, ...], ...]:
    """The pattern's anchor sets besides the one the index screens on, short anchors left out.

    The index lets a pattern run when one of its anchors is in the sentence; many patterns need
    several parts ("for … it all … go"), and checking that the sentence also holds one anchor of
    each further part (`in`, a fraction of a regex run) spares most of the runs that find nothing.
    A set holding a two-letter anchor is left out: nearly every sentence would pass it.
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
    lowered = normalised.lower()
    sentences = tuple(split_sentences(note) if sentences is None else sentences)
    spans = [(s.start, s.end) for s in sentences]
    if len(lowered) == len(normalised):  # the usual case: screen the whole note in one pass
        candidates = _PATTERN_INDEX.candidates_per_span(lowered, spans)
        misspelt = {
            bisect.bisect_right(spans, (m.start(), len(note))) - 1 for m in _MISSPELLABLE_WORD.finditer(lowered)
        }
    else:  # a letter whose lower case is longer ("İ") shifts offsets: screen sentence by sentence
        candidates = [set(_PATTERN_INDEX.candidates(normalised[start:end])) for start, end in spans]
        misspelt = set(range(len(spans)))
    found: list[RiskSentence] = []
    for number, sentence in enumerate(sentences):
        if not candidates[number] and number not in misspelt:
            continue
        text = normalised[sentence.start : sentence.end]
        phrases = _phrases(text, sorted(candidates[number]), number in misspelt)
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
    sentence = _normalise(sentence)
    return _phrases(sentence, _PATTERN_INDEX.candidates(sentence), True)


def _normalise(text: str) -> str:
    """Curly quotes and odd spaces/hyphens as plain ones (same length, so offsets hold)."""
    return text.translate(_NORMALISE) if _NEEDS_NORMALISING.search(text) else text


def _phrases(sentence: str, candidates: Sequence[int], may_be_misspelt: bool) -> list[RiskPhrase]:
    lowered = sentence.lower()
    if len(lowered) == len(sentence):  # (the anchors are literals of lower-cased text)
        candidates = [number for number in candidates if _may_match(number, lowered)]
    spans = _pattern_spans(sentence, candidates)
    if may_be_misspelt:
        spans += _misspelling_spans(sentence)
    if not spans:
        return []
    friends = _false_friend_spans(sentence)
    if friends:
        spans = [s for s in spans if not any(f_start <= s[1] and s[2] <= f_end for f_start, f_end in friends)]
    return [RiskPhrase(category, start, end, _is_negated(sentence, start, end)) for category, start, end in spans]


def _false_friend_spans(sentence: str) -> list[tuple[int, int]]:
    lowered = sentence.lower()
    if len(lowered) != len(sentence):
        return [m.span() for n in _FRIEND_INDEX.candidates(sentence) for m in FALSE_FRIENDS[n].finditer(sentence)]
    numbers = _FRIEND_INDEX.candidates_per_span(lowered, [(0, len(lowered))])[0]
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
    spans: list[tuple[str, int, int]] = []
    for match in _MISSPELLABLE_WORD.finditer(sentence.lower()):
        word = match.group(0)
        if word in FUZZY_REAL_WORDS:
            continue
        if word.startswith(("suicid", "hopeless", "overdos")) or not _looks_like_a_target(word):
            continue  # the patterns already see these; most words are nothing like a target
        for target, category in FUZZY_TARGETS.items():
            if target[0] == word[0] and _within_edits(word, target, 2 if len(target) >= 8 else 1):
                spans.append((category, match.start(), match.end()))
                break
    return spans


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
