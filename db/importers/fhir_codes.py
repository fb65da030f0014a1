"""The codes the FHIR reader understands: LOINC instruments and our own code system.

LOINC codes were checked against LOINC-coded forms published by others (NLM LHC-Forms
PHQ-9 and C-SSRS screener Questionnaires, the HL7 US Behavioral Health IG C-SSRS example,
the MII PROMs module). Anything not listed here is skipped and counted, never guessed.

Our own code system, `urn:kap-caseload:instrument`, carries the instruments LOINC has no
code for (MADRS, QIDS-SR16, BDI-II, CADSS …). The FHIR export writes exactly this and the
reader reads exactly this:

    Observation
      code.coding     = {system: "urn:kap-caseload:instrument", code: <instrument name as in
                         clinical.instruments.INSTRUMENTS, e.g. "MADRS", "C-SSRS">}
      subject         = reference to the Patient
      effectiveDateTime = when it was administered (ISO 8601 with offset; the export writes UTC "Z")
      valueInteger    = the stated total (absent when none was stated; valueQuantity with a
                         whole value is read the same way)
      component[]     = one per answered item:
                          code.coding = {system: "urn:kap-caseload:instrument", code: "item_N"}
                          (N 1-based, as the CSV columns `item_N`), valueInteger = the raw answer

The same `item_N` components are also accepted inside a LOINC panel (e.g. 44249-1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LOINC = "http://loinc.org"
# Spellings of the LOINC system seen in exports; a bare code (no system) counts too (SPEC §2.2).
LOINC_SYSTEMS = frozenset({None, "", LOINC, "https://loinc.org", "http://loinc.org/", "urn:oid:2.16.840.1.113883.6.1"})
KAP_INSTRUMENT_SYSTEM = "urn:kap-caseload:instrument"
KAP_ITEM_CODE = re.compile(r"^item_(\d+)$")


@dataclass(frozen=True)
class CodedInstrument:
    """One instrument as LOINC codes it: its panel, its total and its items in order."""

    instrument: str
    panel: str | None
    total: str | None
    items: tuple[str, ...]  # LOINC item codes; position + 1 = our item number


CODED_INSTRUMENTS: tuple[CodedInstrument, ...] = (
    CodedInstrument(
        "PHQ-9",
        panel="44249-1",
        total="44261-6",
        # The PHQ-9's own question order, not LOINC's numeric order; item 9 is the SI item.
        items=("44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"),
    ),
    # PHQ-2 = the PHQ-9's first two questions, with the same LOINC codes.
    CodedInstrument("PHQ-2", panel="55757-9", total="55758-7", items=("44250-9", "44255-8")),
    CodedInstrument(
        "GAD-7",
        panel="69737-5",
        total="70274-6",
        items=("69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"),
    ),
    CodedInstrument(
        "C-SSRS",
        panel="93373-9",  # C-SSRS screener, recent
        total=None,
        # Q1…Q5 (past month), Q6 lifetime behaviour, Q6 "within the past 3 months".
        items=("93246-7", "93247-5", "93248-3", "93249-1", "93250-9", "93267-3", "93269-9"),
    ),
)

BY_INSTRUMENT = {coded.instrument: coded for coded in CODED_INSTRUMENTS}
PANELS = {coded.panel: coded.instrument for coded in CODED_INSTRUMENTS if coded.panel}
TOTALS = {coded.total: coded.instrument for coded in CODED_INSTRUMENTS if coded.total}

# A standalone item Observation belongs to the PHQ-9 (its codes are shared with the PHQ-2;
# the reader hands items 1–2 to a PHQ-2 stated at the same moment, see fhir_assessments).
STANDALONE_ITEMS: dict[str, tuple[str, int]] = {}
for _coded in reversed(CODED_INSTRUMENTS):
    for _number, _code in enumerate(_coded.items, start=1):
        STANDALONE_ITEMS[_code] = (_coded.instrument, _number)


def item_number(instrument: str, code: str) -> int | None:
    """The 1-based item number of a LOINC item code within an instrument, if it is one."""
    coded = BY_INSTRUMENT.get(instrument)
    if coded is None or code not in coded.items:
        return None
    return coded.items.index(code) + 1


# LOINC answer lists: LL358-3 (PHQ/GAD frequency, 0–3) and LL361-7 (yes/no, C-SSRS).
FREQUENCY_ANSWERS = {"LA6568-5": 0, "LA6569-3": 1, "LA6570-1": 2, "LA6571-9": 3}
YES_NO_ANSWERS = {"LA33-6": 1, "LA32-8": 0}
# Forms with local codes (the HL7 SDC PHQ-9 example) still use the instruments' own words.
FREQUENCY_WORDS = {"not at all": 0, "several days": 1, "more than half the days": 2, "nearly every day": 3}
YES_NO_WORDS = {"yes": 1, "no": 0}

ORDINAL_EXTENSIONS = (
    "http://hl7.org/fhir/StructureDefinition/ordinalValue",
    "http://hl7.org/fhir/StructureDefinition/itemWeight",
    "http://hl7.org/fhir/StructureDefinition/iso21090-CO-value",
)


def answer_tables(instrument: str) -> tuple[dict[str, int], dict[str, int]]:
    """(answer codes, answer words) that score an item of this instrument."""
    if instrument == "C-SSRS":
        return YES_NO_ANSWERS, YES_NO_WORDS
    return FREQUENCY_ANSWERS, FREQUENCY_WORDS
