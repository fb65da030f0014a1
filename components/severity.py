"""One palette for severity and flag levels: colour-blind-safe, and never colour alone.

The colours are Okabe–Ito (distinguishable with the common colour-vision deficiencies);
every place that shows a colour also shows its word, because a tired reader, a grey-scale
printout or a screen reader must get the same message. Band labels come from the rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from clinical.instruments import INSTRUMENTS
from clinical.rules import DEFAULT_RULES, Rules

# Okabe–Ito, from least to most severe.
OKABE_ITO = {
    "bluish_green": "#009E73",
    "sky_blue": "#56B4E9",
    "yellow": "#F0E442",
    "orange": "#E69F00",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "blue": "#0072B2",
    "grey": "#999999",
    "black": "#000000",
}

# Five steps are enough for every instrument of SPEC §3 (at most five bands).
_BAND_STEPS = ("#009E73", "#56B4E9", "#F0E442", "#E69F00", "#D55E00")


@dataclass(frozen=True)
class Level:
    """How a flag level is shown: its word, a symbol that survives grey-scale, a colour."""

    word: str
    symbol: str
    colour: str
    badge_colour: str  # the nearest of st.badge's named colours
    rank: int  # 0 = most severe


LEVELS: dict[str, Level] = {
    "high": Level("HIGH", "▲▲", OKABE_ITO["vermillion"], "red", 0),
    "moderate": Level("MODERATE", "▲", OKABE_ITO["orange"], "orange", 1),
    "low": Level("LOW", "●", OKABE_ITO["blue"], "blue", 2),
}
_UNKNOWN_LEVEL = Level("UNRATED", "?", OKABE_ITO["grey"], "gray", 3)


def level(name: str | None) -> Level:
    return LEVELS.get((name or "").lower(), _UNKNOWN_LEVEL)


def level_text(name: str | None) -> str:
    """`▲▲ HIGH` — the symbol and the word that stand beside (or instead of) the colour."""
    shown = level(name)
    return f"{shown.symbol} {shown.word}"


FLAG_TITLES = {
    "si_persistent": "Persistent suicidal ideation",
    "si_high": "High-risk suicidal ideation answer",
    "deterioration": "Reliable deterioration",
    "off_track": "Off track after 4+ doses",
    "loss_of_response": "Loss of response",
    "assessment_overdue": "Assessment overdue",
    "vitals_missing": "Dosing vitals missing",
    "bp_high": "High blood pressure at dosing",
    "integration_missing": "Integration session missing",
}


def flag_title(kind: str) -> str:
    return FLAG_TITLES.get(kind, kind.replace("_", " ").capitalize())


def band_colour(instrument: str, band: str | None, rules: Rules = DEFAULT_RULES) -> str:
    """The colour of a severity band; grey when the band is unknown (no data is not 'minimal')."""
    bands = rules.bands.get(instrument, ())
    for index, candidate in enumerate(bands):
        if candidate.label == band:
            return _BAND_STEPS[_step(index, len(bands))]
    return OKABE_ITO["grey"]


def _step(index: int, count: int) -> int:
    # Two-band instruments (PHQ-2) use the ends of the scale, not its first two steps.
    if count <= 1:
        return 0
    return round(index * (len(_BAND_STEPS) - 1) / (count - 1))


def bands_frame(instrument: str, rules: Rules = DEFAULT_RULES) -> pd.DataFrame:
    """One row per band: label, lower, upper (exclusive, the next lower bound), colour, middle."""
    bands = rules.bands.get(instrument, ())
    maximum = INSTRUMENTS[instrument].total_max if instrument in INSTRUMENTS else None
    rows = []
    for index, band in enumerate(bands):
        upper = bands[index + 1].lower if index + 1 < len(bands) else (maximum or band.lower) + 1
        rows.append(
            {
                "band": band.label,
                "lower": band.lower,
                "upper": upper,
                "middle": (band.lower + upper) / 2,
                "colour": _BAND_STEPS[_step(index, len(bands))],
            }
        )
    return pd.DataFrame(rows, columns=["band", "lower", "upper", "middle", "colour"])
