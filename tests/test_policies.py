"""The built-in policies: the documented direction of each effect, on the real network.

Each policy runs against the same scenario without it on the same seeds; the paired
differences over the seeds give a 95% interval (Student's t, :func:`paired_difference`), and
the test asserts that the whole interval lies on the documented side of zero. The seeds are
fixed, so the tests are deterministic; the interval makes sure an effect is more than noise.
"""

from __future__ import annotations

import datetime as dt
import functools
import json

import numpy as np
import pandas as pd
import pytest

import migmodel
from migmodel.compare import outcomes, paired_difference
from migmodel.registry import available
from migmodel.results import Results

SEEDS = range(5)
BASE = migmodel.load_scenario("baseline").replace(days=300, people_per_agent=300, spinup_days=90)


@functools.cache
def _runs(policies_json: str, days: int = 300) -> tuple[Results, ...]:
    scenario = BASE.replace(days=days, policies=json.loads(policies_json))
    return tuple(migmodel.run(scenario, seed) for seed in SEEDS)


def runs(policies: list[dict], days: int = 300) -> tuple[Results, ...]:
    return _runs(json.dumps(policies, default=str), days)


def effect(policies: list[dict], measure, days: int = 300) -> pd.Series:
    """Paired difference (policy − none) of ``measure(results)`` over the seeds."""
    a = pd.DataFrame({"m": [measure(r) for r in runs([], days)]})
    b = pd.DataFrame({"m": [measure(r) for r in runs(policies, days)]})
    return paired_difference(a, b).loc["m"]


def outcome(name: str):
    return lambda results: outcomes(results)[name]


def flows(select):
    return lambda results: results.edge_flows.loc[select(results.edge_flows), "people"].sum()


def down(policies, measure, days=300):
    diff = effect(policies, measure, days)
    assert diff["high"] < 0, f"expected a fall, got {diff.to_dict()}"


def up(policies, measure, days=300):
    diff = effect(policies, measure, days)
    assert diff["low"] > 0, f"expected a rise, got {diff.to_dict()}"


def full(name: str, **params) -> list[dict]:
    return [{"name": name, "intensity": 1.0, **params}]


EFFECTS = [
    # (policies, measure, direction, what the docs say)
    (full("mexico_southern_border"), outcome("us_encounters.northern_triangle"), down),
    (full("mexico_southern_border"), outcome("mexico_apprehensions"), up),
    (full("mexico_interior"), outcome("mexico_apprehensions"), up),
    (full("freight_rail"), flows(lambda e: e["mode"] == "rail"), down),
    (full("darien"), outcome("darien_crossings"), down),
    (
        full("guatemala_border"),
        flows(lambda e: e["mode"].isin(["boat"]) & (e.target == "ciudad_hidalgo")),
        down,
    ),
    (full("us_border"), outcome("released_in_us"), down),
    (full("us_border"), outcome("departures"), down),  # deterrence, once the news is home
    (full("intelligence_sharing"), outcome("mexico_apprehensions"), up),
    (full("entry_visas"), outcome("us_encounters.transcontinental"), down),
    (full("entry_visas"), outcome("us_encounters.crisis_states"), down),
    (
        [{"name": "temporary_worker_visas", "extra_visas_per_year": 200_000}],
        outcome("us_encounters.mexican"),
        down,
    ),
    ([{"name": "temporary_worker_visas"}], outcome("legal_entries"), up),
    ([{"name": "parole"}], outcome("us_encounters.crisis_states"), down),
    ([{"name": "parole"}], outcome("legal_entries"), up),
    ([{"name": "asylum_rule", "removal_share": 0.9}], outcome("released_in_us"), down),
    (
        [{"name": "asylum_rule", "reattempt_multiplier": 0.2}],
        outcome("us_encounters.mexican"),
        down,
    ),
]


@pytest.mark.parametrize(
    ("policies", "measure", "direction"),
    EFFECTS,
    ids=[f"{p[0]['name']}-{i}" for i, (p, _, _) in enumerate(EFFECTS)],
)
def test_documented_direction_of_effect(policies, measure, direction):
    direction(policies, measure)


def test_every_builtin_policy_has_an_effect_test():
    tested = {policies[0]["name"] for policies, _, _ in EFFECTS} | {"regional_development"}
    assert tested == set(available()) - {"test_close_border"}


def test_regional_development_lowers_northern_triangle_departures_after_its_lag():
    policy = [
        {
            "name": "regional_development",
            "lag_years": 0.5,
            "usd_per_year_gtm": 3e9,
            "usd_per_year_hnd": 3e9,
            "usd_per_year_slv": 3e9,
            "max_effect": 0.3,
        }
    ]
    lag_end = BASE.start + dt.timedelta(days=183)

    def nt_departures(after: bool):
        def measure(results: Results) -> float:
            d = results.daily
            rows = (d.flow_pattern == "northern_triangle") & (
                (d.date >= pd.Timestamp(lag_end)) == after
            )
            return d.loc[rows, "departures"].sum()

        return measure

    down(policy, nt_departures(after=True), days=540)
    before = effect(policy, nt_departures(after=False), days=540)
    assert before["difference"] == 0 and before["high"] == 0


def test_migration_hump_raises_departures_during_the_lag():
    policy = [
        {
            "name": "regional_development",
            "lag_years": 5,
            "hump": 1.0,
            "max_effect": 0.3,
            "usd_per_year_gtm": 3e9,
            "usd_per_year_hnd": 3e9,
            "usd_per_year_slv": 3e9,
        }
    ]
    up(
        policy,
        lambda r: r.daily.loc[r.daily.flow_pattern == "northern_triangle", "departures"].sum(),
    )


def test_balloon_effect_southern_border_enforcement_moves_crossings_to_tabasco():
    # Policing Chiapas and the Guatemala–Mexico crossings makes the route through Tabasco
    # (El Ceibo → Tenosique, fewer checkpoint legs) relatively cheaper: flows move there, off
    # the Chiapas roads (lesson 02's teacher notes).
    policy = full("mexico_southern_border")
    up(policy, flows(lambda e: (e.source == "el_ceibo") & (e.target == "tenosique")))
    down(policy, flows(lambda e: (e.source == "ciudad_cuauhtemoc") & (e.target == "juchitan")))


def test_balloon_effect_rail_enforcement_moves_people_onto_the_roads():
    # Off the trains across the Isthmus of Tehuantepec, onto the parallel roads.
    policy = full("freight_rail")
    down(policy, flows(lambda e: e.authority == "mexico_rail"))
    up(policy, flows(lambda e: (e.source == "juchitan") & (e.target == "coatzacoalcos")))


@pytest.mark.parametrize("name", sorted(set(available()) - {"test_close_border"}))
def test_no_effect_before_the_start_date(name):
    start = BASE.start + dt.timedelta(days=120)
    params = {"intensity": 1.0} if "intensity" in available()[name].parameters else {}
    if name == "regional_development":
        params |= {"lag_years": 0, "max_effect": 0.5, "usd_per_year_gtm": 1e10}
    params |= {"processing_days": 0} if name == "temporary_worker_visas" else {}
    scenario = BASE.replace(days=200, policies=[{"name": name, "start": start, **params}])
    with_policy = migmodel.run(scenario, seed=3).daily
    without = migmodel.run(BASE.replace(days=200), seed=3).daily
    before = with_policy.date < pd.Timestamp(start)
    pd.testing.assert_frame_equal(with_policy[before], without[before])
    after = ~before
    assert not np.allclose(
        with_policy.loc[after].drop(columns=["date", "flow_pattern"]).to_numpy(),
        without.loc[after].drop(columns=["date", "flow_pattern"]).to_numpy(),
    ), f"{name} changed nothing after its start either"
