"""What a run counts, declared once: every daily measure with its label, unit and aggregation.

A :class:`Measure` says what a column of ``Results.daily`` is: its key, the label people read,
its unit and how it aggregates over a period. A *flow* (departures, encounters, deaths ...) is
counted per day and summed over a month or a year; a *stock* (people in transit, people waiting
at the border) is a level at the end of the day and takes the period's last value.

The model's counters, the results' tables, the comparison of scenarios, the lessons, the app's
charts, the sweeps and the reports all read the names, labels and order from here. A leaf
module (it imports only the flow patterns).
"""

from __future__ import annotations

from dataclasses import dataclass

from migmodel.patterns import FLOW_PATTERNS, PATTERN_LABELS

FLOW = "flow"
"""Counted per day; summed over a period."""
STOCK = "stock"
"""A level at the end of each day; a period takes its last value."""


@dataclass(frozen=True)
class Measure:
    """One daily measure of a run, per flow pattern.

    Attributes:
        key: the column of ``Results.daily`` (e.g. ``us_encounters``).
        label: what it is, as people read it.
        unit: ``people`` (not agents) or ``USD``.
        aggregate: :data:`FLOW` (summed over a period) or :data:`STOCK` (the period's last
            value).
    """

    key: str
    label: str
    unit: str
    aggregate: str


DAILY: tuple[Measure, ...] = (
    Measure("departures", "Departures from home", "people", FLOW),
    Measure("us_encounters", "US border encounters", "people", FLOW),
    Measure("mexico_apprehensions", "Apprehensions in Mexico", "people", FLOW),
    Measure("other_apprehensions", "Apprehensions by other authorities", "people", FLOW),
    Measure("darien_crossings", "Darién crossings", "people", FLOW),
    Measure("deaths", "Deaths and disappearances", "people", FLOW),
    Measure("legal_entries", "Legal entries (visas, parole)", "people", FLOW),
    Measure("returns", "Returns (removed, expelled, deported)", "people", FLOW),
    Measure("released_in_us", "Released in the US to pursue a claim", "people", FLOW),
    Measure("evaded_into_us", "Entered the US without an encounter", "people", FLOW),
    Measure("settled_in_mexico", "Settled in Mexico", "people", FLOW),
    Measure("smuggling_revenue_usd", "Paid to smugglers", "USD", FLOW),
    Measure("in_transit", "People under way", "people", STOCK),
    Measure("waiting_at_border", "People waiting for a port appointment", "people", STOCK),
)
"""Every daily measure, in the order of the columns of ``Results.daily``."""

MEASURE: dict[str, Measure] = {m.key: m for m in DAILY}
"""Each measure by key."""

MEASURES: tuple[str, ...] = tuple(m.key for m in DAILY)
"""The keys of the daily measures, in order."""

STOCKS: tuple[str, ...] = tuple(m.key for m in DAILY if m.aggregate == STOCK)
"""Measures that are stocks (levels on the day), not flows."""

M: dict[str, int] = {name: i for i, name in enumerate(MEASURES)}
"""Column of each measure in ``MigrationModel.counts``."""

MAIN_MEASURES: tuple[str, ...] = (
    "departures",
    "us_encounters",
    "mexico_apprehensions",
    "darien_crossings",
    "deaths",
    "legal_entries",
    "returns",
    "released_in_us",
)
"""The main outcomes of a run: compared between scenarios, recorded by lessons, swept."""

OUTCOMES: tuple[str, ...] = (
    *MAIN_MEASURES,
    *(f"us_encounters.{pattern}" for pattern in FLOW_PATTERNS),
)
"""The names of a run's outcomes (totals over the run): the main measures, then US
encounters by flow pattern (``us_encounters.mexican``)."""

CONSEQUENCES: tuple[str, ...] = (
    "deported",
    "relocated_south",
    "released_with_document",
    "expelled_to_mexico",
    "removed_by_flight",
    "released_in_us",
)
"""What an apprehension or a US encounter ended in (counted by authority)."""


def outcome_label(outcome: str) -> str:
    """Return the label of an outcome (``us_encounters.mexican``: US border encounters: Mexican).

    A name that is no measure reads with spaces for underscores.
    """
    key, _, pattern = outcome.partition(".")
    label = MEASURE[key].label if key in MEASURE else key.replace("_", " ")
    if pattern:
        label += f": {PATTERN_LABELS.get(pattern, pattern.replace('_', ' '))}"
    return label


assert set(PATTERN_LABELS) == set(FLOW_PATTERNS)
