"""The same scenario and seed give byte-identical tables, before and after any refactoring.

The digests below were computed on ``main`` at commit ba8b467 (before issue 17's
restructuring), with this file's :func:`digest` of every table of
``migmodel.run(load_scenario(NAME, calibration=False).replace(**CASES[NAME]), seed=SEED)``.
``historical`` runs without its calibration, so that a refit (new parameters and drivers) does
not change them: they pin the engine. A change of the model's behaviour changes them on
purpose: recompute them then, and say why in the commit.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

import migmodel
from migmodel.results import TABLES

SEED = 3
CASES = {
    "baseline": {"people_per_agent": 1000, "days": 120},
    "historical": {"people_per_agent": 2000, "days": 1000},
}
EXPECTED = {
    "baseline": {
        "daily": "18a86e1228cf2f835faaa63404d42b4bcb176c87de534952178a2ea4978d9a1e",
        "journeys": "0beefdbd4ffd59fbe356520f4a5098c8ea4bd0fe38dc6807a49b33e877553e7a",
        "encounters": "abcc41b7dacb74c9116d76054945e9eb98e56d64de33b9940d2c960475faf176",
        "edge_flows": "90c89c401a59df9f2370805931f7f24c6ac547ef25cf4240c85946ad2f4a8a9e",
        "stocks": "7396ef218cb3ac145d6953d2ea921dba6436d8017fe4616ae5a57258d066fa14",
        "beliefs": "36fa7e989072088a613ef0d7baab3a91f5886df961c5b7317e7f8a7a416e3869",
        "consequences": "3f7ba11d48a1b0f70619e3653ceffa857828c85537b58de7993a5583c1fa0da2",
    },
    "historical": {
        "daily": "79b4d124811dc72abd0bbde4c0406fb846a933f95dc8432f02e3819c2973f31b",
        "journeys": "650513c3341a25a0be058d2cf10308029bff7b483d64aa5006de88c5b03ab8f2",
        "encounters": "98dbfbdcd89c3010101f64e42911f47e7fef72dbf0856c3ecb3cc386f9acfb6e",
        "edge_flows": "81331e2025d6b6dc48d8a6aeb273cfc641afc7f0960d7240650d8e7208e65b96",
        "stocks": "03d8b9f3dc3a81fa7fefe52d3efe0e38d1c515eab4602a29ace6d7d9291b4e20",
        "beliefs": "3e0a71db714313659e66efc89ffb8a62832d2f80b82ebd8c8c6604f10858aa9c",
        "consequences": "7d6220aca6676d8b5a1af65707f043ab453bb13f0ac0c293b210bae88482ca1c",
    },
}


def digest(table: pd.DataFrame) -> str:
    """SHA-256 of a table's column names, dtypes and every value (index included)."""
    h = hashlib.sha256()
    h.update(repr(list(table.columns)).encode())
    h.update(repr([str(t) for t in table.dtypes]).encode())
    h.update(pd.util.hash_pandas_object(table, index=True).to_numpy().tobytes())
    return h.hexdigest()


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_scenario_and_seed_give_the_same_tables_as_before(name: str) -> None:
    scenario = migmodel.load_scenario(name, calibration=False).replace(**CASES[name])
    results = migmodel.run(scenario, seed=SEED)
    got = {table: digest(getattr(results, table)) for table in TABLES}
    assert got == EXPECTED[name]


def test_a_run_building_some_tables_builds_them_as_a_full_run_does() -> None:
    scenario = migmodel.load_scenario("baseline", calibration=False).replace(**CASES["baseline"])
    results = migmodel.run(scenario, seed=SEED, tables=("daily", "encounters"))
    assert digest(results.daily) == EXPECTED["baseline"]["daily"]
    assert digest(results.encounters) == EXPECTED["baseline"]["encounters"]
    assert all(getattr(results, t).empty for t in TABLES if t not in ("daily", "encounters"))
    with pytest.raises(ValueError, match="no table named dayly; the tables: daily, journeys"):
        migmodel.run(scenario.replace(days=2), tables=("dayly",))
