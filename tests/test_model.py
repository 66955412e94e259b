"""The model's rules on toy networks with exact expected outcomes, and on the baseline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from toy_networks import line_network, quiet_scenario, write_network

import migmodel
from migmodel import MigrationModel, collect, load_scenario, run
from migmodel.population import EVADED, RETURNED


def launch(scenario, n=200, seed=0, days=None):
    model = MigrationModel(scenario, seed=seed)
    model.add_migrants(n)
    model.run(days)
    return model, collect(model)


def test_line_without_hazard_or_enforcement_delivers_everyone_in_the_summed_days(line):
    _, res = launch(quiet_scenario(line))
    journeys = res.journeys
    assert len(journeys) == 200
    assert (journeys["outcome"] == "evaded_into_us").all()
    assert (journeys["days"] == 3 + 2).all()
    assert (journeys["route"] == "home > border_town > us_city").all()
    evaded = res.daily.groupby("date")["evaded_into_us"].sum()
    assert evaded.sum() == 200 and evaded.iloc[5] == 200  # all arrive on day 5
    assert res.daily["deaths"].sum() == 0 and res.daily["us_encounters"].sum() == 0


def test_waiting_at_a_place_adds_exactly_its_wait_days(tmp_path):
    net = write_network(
        tmp_path,
        [
            {"id": "home", "kind": "origin", "nationality": "HND"},
            {"id": "shelter", "kind": "hub", "wait_days": 7},
            {"id": "border_town", "kind": "crossing"},
            {"id": "us_city", "kind": "destination", "country": "USA"},
        ],
        [
            {"source": "home", "target": "shelter", "travel_days": 2},
            {"source": "shelter", "target": "border_town", "travel_days": 4},
            {
                "source": "border_town",
                "target": "us_city",
                "travel_days": 1,
                "mode": "crossing",
                "authority": "us_border",
            },
        ],
    )
    _, res = launch(quiet_scenario(net))
    assert (res.journeys["days"] == 2 + 7 + 4 + 1).all()


def test_certain_apprehension_sends_every_agent_back(tmp_path):
    net = line_network(tmp_path, authority="mexico_south")
    scenario = quiet_scenario(
        net,
        enforcement={"mexico_south": 1.0},
        transit_reattempt_share={"northern_triangle": 0.0},
        mexico_deportation_share={"northern_triangle": 1.0},
    )
    _, res = launch(scenario)
    assert (res.journeys["outcome"] == "returned").all()
    assert (res.journeys["route"] == "home > home").all()
    assert res.daily["mexico_apprehensions"].sum() == 200
    assert res.daily["returns"].sum() == 200
    assert res.daily["us_encounters"].sum() == 0
    assert res.daily["in_transit"].iloc[-1] == 0


def test_mexicans_are_not_apprehended_by_mexican_authorities(tmp_path):
    net = line_network(tmp_path, nationality="MEX", authority="mexico_interior")
    _, res = launch(quiet_scenario(net, enforcement={"mexico_interior": 1.0}))
    assert (res.journeys["outcome"] == "evaded_into_us").all()


def test_removed_mexicans_retry_from_the_border_and_count_again(tmp_path):
    net = line_network(tmp_path, nationality="MEX", days=(1, 1))
    scenario = quiet_scenario(
        net,
        days=20,
        enforcement={"us_border": 1.0},
        removal_share={"mexican": 1.0},
        border_reattempt_share={"mexican": 1.0},
        border_retry_days=5,
    )
    _, res = launch(scenario, n=50)
    # depart day 0, encountered on day 2, retry on day 7 → encountered day 8, then 14
    per_day = res.daily.groupby("date")["us_encounters"].sum().to_numpy()
    assert np.flatnonzero(per_day).tolist() == [2, 8, 14]
    assert (res.journeys["us_encounters"] == 3).all()
    assert res.daily["departures"].sum() == 50  # re-attempts from the border are not departures
    assert (res.encounters["crossing"] == "border_town").all()
    assert res.encounters["us_encounters"].sum() == 150


def test_released_and_removed_shares_follow_the_scenario(tmp_path):
    net = line_network(tmp_path, nationality="VEN")
    scenario = quiet_scenario(
        net, enforcement={"us_border": 1.0}, removal_share={"crisis_states": 0.0}
    )
    _, res = launch(scenario)
    assert (res.journeys["outcome"] == "released_in_us").all()
    assert res.daily["released_in_us"].sum() == res.daily["us_encounters"].sum() == 200


def test_a_migrant_without_money_works_before_going_on(tmp_path):
    net = line_network(tmp_path, cost_usd=100)
    scenario = quiet_scenario(
        net, days=60, budget_usd={"northern_triangle": 0.0}, work={"days": 30, "income_usd": 600}
    )
    _, res = launch(scenario)
    assert (res.journeys["days"] == 30 + 3 + 2).all()
    assert res.daily["smuggling_revenue_usd"].sum() == pytest.approx(200 * 100)


def test_deaths_follow_the_hazard(tmp_path):
    net = line_network(tmp_path, hazard=0.3)
    _, res = launch(quiet_scenario(net), n=5000)
    died = (res.journeys["outcome"] == "died").mean()
    assert 0.27 < died < 0.33  # 5000 draws: sd 0.0065, so this band is ±4.6 sd
    assert res.daily["deaths"].sum() == (res.journeys["outcome"] == "died").sum()


def test_darien_edges_count_crossings(tmp_path):
    net = line_network(tmp_path, nationality="VEN", mode="trail", authority="darien")
    _, res = launch(quiet_scenario(net), n=120)
    assert res.daily["darien_crossings"].sum() == 120


def test_counts_are_in_people_not_agents(tmp_path):
    net = line_network(tmp_path)
    scenario = quiet_scenario(net, people_per_agent=10)
    _, res = launch(scenario, n=30)
    assert res.daily["departures"].sum() == 300
    assert res.journeys["people"].sum() == 300


def test_in_transit_is_the_stock_between_departure_and_arrival(line):
    model = MigrationModel(quiet_scenario(line), seed=3)
    model.add_migrants(100)
    model.run(4)
    assert model.counts[3, :, migmodel.MEASURES.index("in_transit")].sum() == 100
    model.run(2)
    assert model.counts[5, :, migmodel.MEASURES.index("in_transit")].sum() == 0
    assert (model.pop.column("status") == EVADED).all()
    assert RETURNED != EVADED


def test_route_choice_is_a_logit_over_generalised_cost(tmp_path):
    net = write_network(
        tmp_path,
        [
            {"id": "home", "kind": "origin", "nationality": "GTM"},
            {"id": "a", "kind": "hub"},
            {"id": "b", "kind": "hub"},
            {"id": "border_town", "kind": "crossing"},
            {"id": "us_city", "kind": "destination", "country": "USA"},
        ],
        [
            {"source": "home", "target": "a", "travel_days": 2},
            {"source": "home", "target": "b", "travel_days": 2, "authority": "mexico_south"},
            {"source": "a", "target": "border_town", "travel_days": 2},
            {"source": "b", "target": "border_town", "travel_days": 2},
            {
                "source": "border_town",
                "target": "us_city",
                "travel_days": 1,
                "mode": "crossing",
                "authority": "us_border",
            },
        ],
    )
    scenario = quiet_scenario(
        net,
        enforcement={"mexico_south": 0.1},
        route_choice={"enforcement_weight": 30.0, "sensitivity": 0.5},
    )
    model = MigrationModel(scenario)
    probs = model.routes.probabilities(0, model.network.node_index["home"])
    p_b = probs[1]
    assert p_b == pytest.approx(1 / (1 + np.exp(0.5 * 30 * 0.1)))
    _, res = launch(scenario, n=4000)
    via_b = res.journeys["route"].astype(str).str.contains(" b ").mean()
    assert abs(via_b - p_b) < 4 * np.sqrt(p_b * (1 - p_b) / 4000)


def test_same_seed_same_results_different_seed_different():
    scenario = load_scenario("baseline").replace(days=90)
    a, b, c = run(scenario, seed=5), run(scenario, seed=5), run(scenario, seed=6)
    pd.testing.assert_frame_equal(a.daily, b.daily)
    pd.testing.assert_frame_equal(a.journeys, b.journeys)
    pd.testing.assert_frame_equal(a.encounters, b.encounters)
    assert not a.daily.equals(c.daily)


def test_baseline_all_four_patterns_reach_the_border():
    res = run(load_scenario("baseline"), seed=1)
    encounters = res.totals()["us_encounters"]
    assert set(encounters.index) == set(migmodel.FLOW_PATTERNS)
    assert (encounters > 0).all()
    assert res.totals()["darien_crossings"].sum() > 0
    assert res.totals()["mexico_apprehensions"].sum() > 0


def test_migrant_view_reads_the_population(line):
    model = MigrationModel(quiet_scenario(line))
    model.add_migrants(3)
    model.run(1)
    m = model.migrant(2)
    assert m is model.migrant(2)
    assert m.nationality == "GTM" and m.flow_pattern == "northern_triangle"
    assert m.status == "travelling" and m.place == "home" and m.route == ["home"]
    model.run(5)
    assert m.status == "evaded_into_us" and m.route == ["home", "border_town", "us_city"]
    with pytest.raises(IndexError):
        model.migrant(3)


def test_mesa_steps_and_next_day_simulate_the_same_days():
    scenario = load_scenario("baseline").replace(days=40, people_per_agent=5000)
    by_mesa, outside = MigrationModel(scenario, seed=4), MigrationModel(scenario, seed=4)
    for _ in range(30):
        by_mesa.step()
    outside.run(30)
    assert by_mesa.day == outside.day == 30 and by_mesa.date == outside.date
    assert np.array_equal(by_mesa.counts, outside.counts)
    assert by_mesa.steps == 30 and outside.steps == 0  # Mesa counts only its own steps
    outside.step()  # and a Mesa step after next_day goes on from the same day
    by_mesa.next_day()
    assert outside.day == by_mesa.day == 31 and outside.steps == 1
    assert np.array_equal(by_mesa.counts, outside.counts)
