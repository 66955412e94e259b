"""The names of what a run counts: daily measures and the consequences of apprehensions.

A leaf module, so that the model, its rules and the outputs name the same things in one place.
"""

from __future__ import annotations

MEASURES: tuple[str, ...] = (
    "departures",
    "us_encounters",
    "mexico_apprehensions",
    "other_apprehensions",
    "darien_crossings",
    "deaths",
    "legal_entries",
    "returns",
    "released_in_us",
    "evaded_into_us",
    "settled_in_mexico",
    "smuggling_revenue_usd",
    "in_transit",
    "waiting_at_border",
)
"""Daily observables, each per flow pattern, counted in people (revenue in USD)."""

STOCKS: tuple[str, ...] = ("in_transit", "waiting_at_border")
"""Measures that are stocks (levels on the day), not flows."""

CONSEQUENCES: tuple[str, ...] = (
    "deported",
    "relocated_south",
    "released_with_document",
    "expelled_to_mexico",
    "removed_by_flight",
    "released_in_us",
)
"""What an apprehension or a US encounter ended in (counted by authority)."""

M: dict[str, int] = {name: i for i, name in enumerate(MEASURES)}
"""Column of each measure in ``MigrationModel.counts``."""
