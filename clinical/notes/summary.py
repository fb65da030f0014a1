"""Extractive summary: at most three sentences of the note, in the note's order.

Ranker: TextRank (Mihalcea & Tarau 2004) — sentences are nodes, edges weigh the content
words two sentences share (normalised by their lengths), and PageRank finds the sentences
the rest of the note keeps coming back to. It is written here in plain Python because the
libraries that offer it either need tokenizer data we cannot download (sumy via nltk),
bring a language model (pytextrank via spaCy), or are unmaintained (summa); the algorithm
is thirty lines and deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import islice
from operator import mul, sub

from clinical.notes.sentences import Sentence
from clinical.notes.words import NoteWords, sentence_words

SUMMARY_SENTENCES = 3
_DAMPING = 0.85
_MAX_ITERATIONS = 25
_TOLERANCE = 1e-4
_MIN_CONTENT_WORDS = 3  # headings and fragments ("Plan:", "Vitals stable.") make poor summaries


def summarise(
    sentences: Sequence[Sentence], limit: int = SUMMARY_SENTENCES, words: NoteWords | None = None
) -> tuple[Sentence, ...]:
    """The `limit` most central sentences, returned in note order (ties go to the earlier one).

    `words` are the note's words (`words.tokenise(note, sentences)`), when the caller has them already.
    """
    if len(sentences) <= limit:
        return tuple(sentences)
    stems = _stems_per_sentence(sentences, words)
    candidates = [i for i, words in enumerate(stems) if len(words) >= _MIN_CONTENT_WORDS]
    if len(candidates) < limit:
        candidates = list(range(len(sentences)))
    scores = _textrank([stems[i] for i in candidates])
    ranked = sorted(range(len(candidates)), key=lambda k: (-scores[k], candidates[k]))
    chosen = sorted(candidates[k] for k in ranked[:limit])
    return tuple(sentences[i] for i in chosen)


def _stems_per_sentence(sentences: Sequence[Sentence], words: NoteWords | None) -> list[set[str]]:
    if words is None or len(words.sentence_tokens) != len(sentences):  # (not tokenised with them)
        table = {} if words is None else words.stems
        return [sentence_words(s.text, table) for s in sentences]
    stem_of = words.stems.get  # None for a word without meaning, and for a phrase break ""
    return [set(filter(None, map(stem_of, tokens))) for tokens in words.sentence_tokens]


def _textrank(stem_sets: list[set[str]]) -> list[float]:
    count = len(stem_sets)
    log_sizes = [math.log(len(stems) + 1) for stems in stem_sets]
    weights: list[list[tuple[int, float]]] = [[] for _ in range(count)]
    for i in range(count):
        stems_i, log_size_i, edges_i = stem_sets[i], log_sizes[i], weights[i]
        for j in range(i + 1, count):
            shared = len(stems_i & stem_sets[j])
            if shared:
                weight = shared / (log_size_i + log_sizes[j])
                edges_i.append((j, weight))
                weights[j].append((i, weight))
    out_totals = [sum(w for _, w in edges) for edges in weights]
    # Each neighbour passes on its score in proportion to the edge's share of its weight. All
    # nodes' (neighbour, share) pairs in one run, each node's `degree` long, so that an iteration
    # multiplies them all in one map() and each node sums its own slice of the products.
    neighbours = [j for edges in weights for j, _ in edges]
    shares = [w / out_totals[j] for edges in weights for j, w in edges]
    degrees = [len(edges) for edges in weights]
    base = (1 - _DAMPING) / count
    scores = [1.0 / count] * count
    for _ in range(_MAX_ITERATIONS):
        products = map(mul, map(scores.__getitem__, neighbours), shares)
        updated = [base + _DAMPING * sum(islice(products, degree)) for degree in degrees]
        converged = max(map(abs, map(sub, updated, scores))) < _TOLERANCE
        scores = updated
        if converged:
            break
    return scores
