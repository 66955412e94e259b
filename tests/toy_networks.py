"""Toy networks written as real files, and small scenarios, for sharp tests."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from geo.schema import EDGE_COLUMNS, NODE_COLUMNS
from migmodel.patterns import NATIONALITIES
from migmodel.scenario import scenario_from_dict


def write_network(folder: Path, nodes: list[dict], edges: list[dict]) -> Path:
    """Write nodes.csv and edges.csv; missing columns take harmless defaults."""
    folder.mkdir(parents=True, exist_ok=True)
    node_defaults = {
        "country": "MEX",
        "lat": 20.0,
        "lon": -100.0,
        "nationality": "",
        "population": 1000,
        "wait_days": 0,
        "note": "",
    }
    edge_defaults = {
        "mode": "road",
        "distance_km": 100,
        "cost_usd": 0,
        "hazard": 0,
        "authority": "none",
        "note": "",
    }
    for name, rows, cols, defaults in (
        ("nodes.csv", nodes, NODE_COLUMNS, node_defaults),
        ("edges.csv", edges, EDGE_COLUMNS, edge_defaults),
    ):
        with open(folder / name, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=cols)
            writer.writeheader()
            for row in rows:
                full = {**defaults, **row}
                if name == "nodes.csv":
                    full.setdefault("name", row["id"])
                writer.writerow(full)
    return folder


def line_network(folder: Path, nationality: str = "GTM", days=(3, 2), **edge_extra) -> Path:
    """origin --road--> crossing --crossing/us_border--> destination."""
    return write_network(
        folder,
        [
            {"id": "home", "kind": "origin", "nationality": nationality},
            {"id": "border_town", "kind": "crossing"},
            {"id": "us_city", "kind": "destination", "country": "USA"},
        ],
        [
            {"source": "home", "target": "border_town", "travel_days": days[0], **edge_extra},
            {
                "source": "border_town",
                "target": "us_city",
                "travel_days": days[1],
                "mode": "crossing",
                "authority": "us_border",
            },
        ],
    )


def quiet_scenario(network: Path, **values):
    """A scenario on ``network`` with no enforcement and no regular departures.

    Everyone is an evader, the season is off, and the choice at the border is sharp (crossing
    is always chosen unless a test makes settling or going home worth more).
    """
    raw = {
        "asylum_seeker_share": dict.fromkeys(NATIONALITIES, 0.0),
        "seasonal": 0,
        "border_choice": {"sensitivity": 1000.0, "settle_value": -1.0, "home_value": -1.0},
        "name": "toy",
        "start": dt.date(2022, 1, 1),
        "days": 30,
        "spinup_days": 0,
        "people_per_agent": 1,
        "network": str(network),
        "push": dict.fromkeys(NATIONALITIES, 0.0),
        "party_size": dict.fromkeys(
            ("northern_triangle", "transcontinental", "crisis_states", "mexican"), 1.0
        ),
        "enforcement": {
            "us_border": 0.0,
            "mexico_south": 0.0,
            "mexico_interior": 0.0,
            "mexico_rail": 0.0,
            "guatemala": 0.0,
            "central_america": 0.0,
        },
    }
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(raw.get(key), dict):
            raw[key] = {**raw[key], **value}
        else:
            raw[key] = value
    return scenario_from_dict(raw)
