"""The instruments of SPEC §3: how many items, their ranges, and how a total is made.

Importers validate answers with these definitions and the clinical engine scores with
them, so there is exactly one place that knows what a PHQ-9 is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

MAX_ITEMS = 23  # the widest instrument (CADSS); files carry item_1 … item_23

Answers = Mapping[int, int | None]  # item number (1-based) -> raw answer, None = unanswered


def _sum_items(answers: Answers, count: int) -> int | None:
    values = [answers.get(n) for n in range(1, count + 1)]
    if any(v is None for v in values):
        return None
    return sum(v for v in values if v is not None)


def _qids_total(answers: Answers) -> int | None:
    """QIDS-SR16: nine domains; sleep, appetite/weight and psychomotor count their worst item."""
    values = [answers.get(n) for n in range(1, 17)]
    if any(v is None for v in values):
        return None
    item = {n: v for n, v in zip(range(1, 17), values, strict=True)}
    sleep = max(item[1], item[2], item[3], item[4])
    appetite_weight = max(item[6], item[7], item[8], item[9])
    psychomotor = max(item[15], item[16])
    single = sum(item[n] for n in (5, 10, 11, 12, 13, 14))  # type: ignore[misc]
    return sleep + appetite_weight + psychomotor + single  # type: ignore[operator]


@dataclass(frozen=True)
class Instrument:
    """One questionnaire: item count, the allowed answer range and its total."""

    name: str
    items: int
    item_min: int
    item_max: int
    total_min: int | None
    total_max: int | None
    is_outcome: bool  # has a baseline/current/status (SPEC §5)
    _total: Callable[[Answers], int | None] | None = None

    def item_range(self, item: int) -> tuple[int, int]:
        return self.item_min, self.item_max

    def compute_total(self, answers: Answers) -> int | None:
        """The total from the items, or None when any item is unanswered (never a partial sum)."""
        if self._total is None:
            return None
        return self._total(answers)

    @property
    def has_total(self) -> bool:
        return self._total is not None


def _summed(name: str, items: int, item_max: int, *, is_outcome: bool) -> Instrument:
    return Instrument(
        name=name,
        items=items,
        item_min=0,
        item_max=item_max,
        total_min=0,
        total_max=items * item_max,
        is_outcome=is_outcome,
        _total=lambda answers: _sum_items(answers, items),
    )


INSTRUMENTS: dict[str, Instrument] = {
    "PHQ-9": _summed("PHQ-9", 9, 3, is_outcome=True),
    "PHQ-2": _summed("PHQ-2", 2, 3, is_outcome=False),
    "GAD-7": _summed("GAD-7", 7, 3, is_outcome=True),
    "MADRS": _summed("MADRS", 10, 6, is_outcome=True),
    "QIDS-SR16": Instrument("QIDS-SR16", 16, 0, 3, 0, 27, True, _qids_total),
    "BDI-II": _summed("BDI-II", 21, 3, is_outcome=True),
    # The C-SSRS screener has no total: it yields a risk level (clinical.scoring).
    "C-SSRS": Instrument("C-SSRS", 7, 0, 1, None, None, False, None),
    # CADSS measures acute dissociation during a dose; it is never an outcome.
    "CADSS": _summed("CADSS", 23, 4, is_outcome=False),
}

OUTCOME_INSTRUMENTS = tuple(name for name, inst in INSTRUMENTS.items() if inst.is_outcome)


def instrument_named(name: str) -> Instrument | None:
    """Case-insensitive lookup, so `phq-9` in a file means PHQ-9."""
    wanted = name.strip().upper()
    for key, instrument in INSTRUMENTS.items():
        if key.upper() == wanted:
            return instrument
    return None


def scoring_domains(instrument: Instrument) -> tuple[tuple[int, ...], ...]:
    """The total as a sum of domains, each counting its worst item (vectorised scoring uses this).

    A plain sum is one domain per item; QIDS-SR16 pools sleep, appetite/weight and
    psychomotor items as its scoring manual says. Empty for instruments without a total.
    """
    if not instrument.has_total:
        return ()
    if instrument.name == "QIDS-SR16":
        return ((1, 2, 3, 4), (5,), (6, 7, 8, 9), (10,), (11,), (12,), (13,), (14,), (15, 16))
    return tuple((n,) for n in range(1, instrument.items + 1))
