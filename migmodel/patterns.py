"""The four irregular flow patterns of seed 004 and the nationalities counted into each.

Seed 004 (American University Diplomacy Lab, 2025) describes four patterns of irregular
migration through Mexico. CBP publishes about twenty citizenships; the project fixes how they
are counted into the patterns so that the model and the data mean the same thing:

* ``northern_triangle``: Guatemala, Honduras, El Salvador;
* ``crisis_states``: Venezuela, Cuba, Haiti, Nicaragua;
* ``mexican``: Mexico;
* ``transcontinental``: everyone else who transits Latin America to the US border, i.e.
  other South Americans (Colombia, Ecuador, Peru, ...) and people from outside the Americas
  (CBP's "Other" group and the named Asian and European citizenships), here ``OTH``.
"""

from __future__ import annotations

FLOW_PATTERNS: tuple[str, ...] = (
    "northern_triangle",
    "transcontinental",
    "crisis_states",
    "mexican",
)
"""Flow-pattern labels, in the order used for integer codes."""

PATTERN_LABELS: dict[str, str] = {
    "northern_triangle": "Northern Triangle",
    "transcontinental": "Trans-continental",
    "crisis_states": "Crisis states",
    "mexican": "Mexican",
}
"""The name of each flow pattern as people read it (the app, worksheets, tables)."""

NATIONALITY_PATTERN: dict[str, str] = {
    "GTM": "northern_triangle",
    "HND": "northern_triangle",
    "SLV": "northern_triangle",
    "COL": "transcontinental",
    "ECU": "transcontinental",
    "PER": "transcontinental",
    "OTH": "transcontinental",
    "VEN": "crisis_states",
    "CUB": "crisis_states",
    "HTI": "crisis_states",
    "NIC": "crisis_states",
    "MEX": "mexican",
}
"""Nationality (ISO3; ``OTH`` = outside the Americas and other South Americans) → pattern."""

NATIONALITIES: tuple[str, ...] = tuple(NATIONALITY_PATTERN)
"""Nationalities the model knows, in the order used for integer codes."""

NATIONALITY_NAMES: dict[str, str] = {
    "GTM": "Guatemala",
    "HND": "Honduras",
    "SLV": "El Salvador",
    "COL": "Colombia",
    "ECU": "Ecuador",
    "PER": "Peru",
    "OTH": "Other (outside the Americas, other South America)",
    "VEN": "Venezuela",
    "CUB": "Cuba",
    "HTI": "Haiti",
    "NIC": "Nicaragua",
    "MEX": "Mexico",
}


def pattern_code(nationality: str) -> int:
    """Return the integer code of the flow pattern a nationality belongs to.

    Args:
        nationality: ISO3 code from :data:`NATIONALITIES`.

    Returns:
        Index into :data:`FLOW_PATTERNS`.
    """
    return FLOW_PATTERNS.index(NATIONALITY_PATTERN[nationality])
