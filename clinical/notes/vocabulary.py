"""Word lists of the note analysis, versioned together (the risk lexicon lives in `risk_lexicon`).

Bump `NOTE_RULES_VERSION` whenever a list here or in `risk_lexicon` changes: stored or
exported summaries carry the version that produced them, so a change shows.
"""

from __future__ import annotations

NOTE_RULES_VERSION = "notes-2026.1"

# A period after these never ends a sentence: a name, an example or a figure follows.
ABBREVIATIONS_NEVER_FINAL = frozenset(
    {
        "dr",
        "drs",
        "mr",
        "mrs",
        "ms",
        "prof",
        "e.g",
        "eg",
        "i.e",
        "ie",
        "vs",
        "v",
        "approx",
        "cf",
        "incl",
        "esp",
        "re",
        "viz",
        "st",
        "aka",
        "a.k.a",
        "w",
        "c/o",
        "s/p",
        "fig",
    }
)

# A period after these may end a sentence ("Dose 40 mg. Tolerated well." / "seen with pt. She…"),
# so it does only when a capital letter follows.
ABBREVIATIONS_MAYBE_FINAL = frozenset(
    {
        "pt",
        "pts",
        "mg",
        "kg",
        "mcg",
        "ml",
        "mL",
        "min",
        "mins",
        "hr",
        "hrs",
        "h",
        "wk",
        "wks",
        "yr",
        "yrs",
        "mo",
        "mos",
        "etc",
        "appt",
        "appts",
        "hx",
        "dx",
        "tx",
        "rx",
        "sx",
        "fx",
        "no",
        "nos",
        "tab",
        "tabs",
        "cap",
        "caps",
        "sec",
        "secs",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "dept",
        "info",
        "avg",
        "max",
        "ref",
        "admin",
        "qd",
        "bid",
        "tid",
        "qid",
        "prn",
        "po",
        "iv",
        "im",
        "sl",
        "ave",
        "ext",
        "temp",
        "resp",
        "lbs",
        "oz",
    }
)

STOP_WORDS = frozenset(
    """
    a about above after again against all almost also although always am among an and any anyone anything are
    around as at back be became because become becomes been before being below between both but by came can
    cannot could did do does doing done down during each either else enough even ever every everyone everything
    few for from further get gets getting got had has have having he her here hers herself him himself his how
    however i if in into is it its itself just least less like made make makes many may me might more most much
    must my myself near need needs neither never next no nor not now of off often on once one only onto or other
    others our ours ourselves out over own per perhaps quite rather really same several she should since so some
    someone something sometimes still such than that the their theirs them themselves then there these they
    thing things this those though through thus to together too toward towards under until up upon us very via
    was we well were what whatever when where whether which while who whom whose why will with within without
    would yet you your yours yourself yourselves
    able across actually along already another anyway away bit came come comes coming day days go goes going
    gone good great know knows knew lot lots little let lets maybe mostly new okay ok part put say says said
    see seen seem seemed seems set take takes taking took tell told time times try tried trying use used using
    want wants wanted way ways week weeks went year years yes today yesterday tomorrow morning afternoon evening
    night tonight last first second third next around felt feel feels feeling noticed notice notes noted
    """.split()
)

# Words every note of this clinic carries: they say nothing about what a note is about.
CLINIC_FILLER = frozenset(
    """
    pt pts patient patients client clients session sessions today writer clinician therapist therapists
    report reports reported reporting state states stated stating describe describes described describing
    discuss discusses discussed discussing explore explores explored exploring share shares shared sharing
    endorse endorses endorsed endorsing deny denies denied denying continue continues continued continuing
    plan plans planned appear appears appeared present presented presents note reviewed review reviews
    mg kg min mins minutes hr hrs hour hours iv im po prn dose dosing doses dosed visit visits appointment
    follow followup f/u per also overall approx approximately additionally including include includes
    remain remains remained ongoing current currently recent recently since prior previous previously
    week weekly daily monthly overall able unable much many very really somewhat bit slightly quite
    asked ask asks talked talk talks spoke speak speaks mentioned mention mentions says said tells told
    expressed express expresses identified identify identifies agreed agree agrees think thinks thought
    integration preparation progress intake medicine hour hours later early
    """.split()
)

# Themes that recur in KAP preparation and integration work; a phrase holding one ranks higher.
CLINIC_THEMES = frozenset(
    """
    grief loss shame guilt anger rage fear anxiety depression numbness sadness loneliness isolation
    connection disconnection compassion self-compassion forgiveness acceptance surrender control trust
    relationship relationships marriage partner husband wife mother father mom dad parents family sister
    brother daughter son children kids childhood trauma abuse body sleep work job career boundaries
    purpose meaning nature spirituality creativity music art exercise movement alcohol drinking sobriety
    hope joy gratitude rumination perfectionism self-worth worth critic parenting identity faith death
    safety grounding breath breathing tension pain memory memories dreams insight clarity love vulnerability
    avoidance procrastination motivation energy appetite friends friendship community routine journaling
    meditation yoga therapy medication dissociation ego release letting-go
    """.split()
)

# Sentence openings or phrases that state an intention in a preparation note.
INTENTION_CUES = (
    r"\bintentions?\b",
    r"\bintend(?:s|ed|ing)?\s+to\b",
    r"\b(?:my|her|his|their|the|main|primary|treatment|personal)\s+goals?\b",
    r"^\s*goals?\s*[:\-]",
    r"\bgoals?\s*(?:is|are|include|:)",
    r"\bhop(?:e|es|ed|ing)\s+(?:to|that|for)\b",
    r"\b(?:i|she|he|they|pt|patient|client)\s+(?:really\s+|also\s+|would\s+)?(?:wants?|would\s+like|wish(?:es)?|aims?)\s+to\b",
    r"\bwants\s+to\b",
    r"\bwould\s+like\s+to\b",
    r"\b(?:aims?|aiming)\s+to\b",
    r"\bwants?\s+to\s+work\s+on\b",
    r"\bset(?:s|ting)?\s+(?:an?\s+|the\s+|her\s+|his\s+|their\s+)?intentions?\b",
    r"\b(?:focus|focusing)\s+on\b",
    r"\blooking\s+to\b",
    r"\bwork(?:ing)?\s+toward(?:s)?\b",
)

# Words that announce an intention but say nothing about its content.
INTENTION_FILLER = frozenset(
    """
    intention intentions intend intends intended intending goal goals hope hopes hoped hoping wish wishes
    aim aims aiming would like want wants focus focusing work working toward towards looking set sets setting
    able better more less really main primary treatment personal course ketamine kap medicine journey
    """.split()
)
