"""Scoring the detector against the labelled corpus: recall, precision, denial agreement."""

from __future__ import annotations

from dataclasses import dataclass, field

from clinical.notes.risk import RiskSentence, find_risk_sentences
from tests.unit.notes.corpus import LabelledNote


@dataclass
class Score:
    labelled: int = 0
    found: int = 0  # labelled pieces that lie in a reported sentence
    reported: int = 0
    true_reports: int = 0  # reported sentences that hold a labelled piece
    denial_agreements: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    denial_errors: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.labelled if self.labelled else 1.0

    @property
    def precision(self) -> float:
        return self.true_reports / self.reported if self.reported else 1.0


def piece_span(note: LabelledNote, piece: str) -> tuple[int, int]:
    assert note.text.count(piece) == 1, f"{note.note_id}: label {piece!r} must occur exactly once"
    start = note.text.index(piece)
    return start, start + len(piece)


def score(notes: list[LabelledNote]) -> Score:
    result = Score()
    for note in notes:
        reported = find_risk_sentences(note.text)
        labels = [(piece_span(note, piece), piece, denial) for piece, denial in note.risk]
        result.labelled += len(labels)
        result.reported += len(reported)
        for (start, end), piece, denial in labels:
            hit = _containing(reported, start, end)
            if hit is None:
                result.misses.append(f"{note.note_id}: {piece}")
                continue
            result.found += 1
            if hit.denial == denial:
                result.denial_agreements += 1
            else:
                result.denial_errors.append(f"{note.note_id}: {piece} (labelled denial={denial})")
        for sentence in reported:
            if any(sentence.start <= s and e <= sentence.end for (s, e), _, _ in labels):
                result.true_reports += 1
            else:
                result.false_alarms.append(f"{note.note_id}: {sentence.text} {sentence.categories}")
    return result


def _containing(reported: tuple[RiskSentence, ...], start: int, end: int) -> RiskSentence | None:
    return next((s for s in reported if s.start <= start and end <= s.end), None)
