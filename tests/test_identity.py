"""The same scenario and seed give byte-identical tables, before and after any refactoring.

The digests below were computed on ``main`` at commit ba8b467 (before issue 17's
restructuring), with this file's :func:`digest` of every table of
``migmodel.run(load_scenario(NAME).replace(**CASES[NAME]), seed=SEED)``. A change of the
model's behaviour changes them on purpose: recompute them then, and say why in the commit.
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
        "daily": "78247876ba41aba0f62c51103767c2740d671e5ce02905187fabe98ac1d1e825",
        "journeys": "f7e70fc5f1f8881c95efc854b93ab19bf3995da5956ca35976b5f979f684405e",
        "encounters": "e92dc80ba7385b9667f208af96f985c86d1571dedd2b71275e28f550ec5b5d1d",
        "edge_flows": "611ed21250b3fc74b1eb34882e4af8c87c626a3d25f16cad3d84c5679aff8255",
        "stocks": "8390094039e72e5c79638a2ff4c1ec9fcb158d553902d8c5cbda4200fae37848",
        "beliefs": "f3926a15f5c27fcee558c5ed3c4b32bae1831d0464c0b24834ff77c2195be2c3",
        "consequences": "9a691fe4f835df32ab1d6f89a65296e83d52dabd4e9c220bad57327da91b0f6c",
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
    scenario = migmodel.load_scenario(name).replace(**CASES[name])
    results = migmodel.run(scenario, seed=SEED)
    got = {table: digest(getattr(results, table)) for table in TABLES}
    assert got == EXPECTED[name]
