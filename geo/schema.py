"""The vocabulary of a network folder: file names, columns and the allowed codes.

The position of a value in :data:`KINDS`, :data:`MODES` or :data:`AUTHORITIES` is the integer
code the engine uses for it (for example ``edges["authority_code"]``).
"""

from __future__ import annotations

from pathlib import Path

DATA_DIR: Path = Path(__file__).resolve().parent / "data"
"""The folder holding the default network (``nodes.csv``, ``edges.csv``, ...)."""

NODES_FILE = "nodes.csv"
EDGES_FILE = "edges.csv"
COUNTRIES_FILE = "countries.geojson"
ACCESS_FILE = "access.csv"
"""Optional: dated entry regimes, legs a nationality may not use in a period."""
ORIGINS_FILE = "origins.csv"
"""Optional: where nationalities that also set out from abroad (onward movers) set out."""

KINDS: tuple[str, ...] = ("origin", "hub", "crossing", "destination")
"""Node kinds: where people leave from, pass through, cross the US border from, arrive in."""

MODES: tuple[str, ...] = ("road", "rail", "trail", "boat", "air", "crossing")
"""Edge modes: bus/car, freight rail ("La Bestia"), foot/jungle, boat, flight, border crossing."""

AUTHORITIES: tuple[str, ...] = (
    "none",
    "darien",
    "central_america",
    "guatemala",
    "mexico_south",
    "mexico_interior",
    "mexico_rail",
    "us_border",
)
"""Whose enforcement applies on an edge (``none``: nobody apprehends there)."""

NODE_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "country",
    "lat",
    "lon",
    "kind",
    "nationality",
    "population",
    "wait_days",
    "note",
)
"""Columns of ``nodes.csv``, in file order."""

EDGE_COLUMNS: tuple[str, ...] = (
    "source",
    "target",
    "mode",
    "distance_km",
    "travel_days",
    "cost_usd",
    "hazard",
    "authority",
    "note",
)
"""Columns of ``edges.csv``, in file order."""

ACCESS_COLUMNS: tuple[str, ...] = (
    "nationality",
    "country",
    "mode",
    "closed_from",
    "closed_until",
    "source",
    "note",
)
"""Columns of the optional ``access.csv``, in file order."""

ORIGIN_COLUMNS: tuple[str, ...] = ("nationality", "node", "share", "source", "note")
"""Columns of the optional ``origins.csv``, in file order."""
