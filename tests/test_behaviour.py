"""Migrants who respond to policy: beliefs, deterrence, the queue, consequences, access."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from toy_networks import line_network, quiet_scenario, write_network

from experiments.checks import deterrence
from migmodel import MigrationModel, collect, load_scenario, run
from migmodel.measures import M
from migmodel.population import FINAL, LEGAL, WAITING

START = dt.date(2022, 1, 1)
ANNOUNCED = dt.date(2022, 1, 21)
LAG = 10


def day_of(date: dt.date) -> int:
    return (date - START).days


def removal_rule(announced: dt.date, start: dt.date) -> dict:
    """A US-border rule that removes everyone encountered, announced before it starts."""
    return {
        "name": "asylum_rule",
        "announced": announced,
        "start": start,
        "removal_share": 1.0,
        "crisis_states_removal_share": 1.0,
    }


def asylum_line(tmp_path, **values):
    """GTM asylum seekers leaving every day along home → border_town → us_city."""
    net = line_network(tmp_path, days=(3, 1))
    return quiet_scenario(
        net,
        days=60,
        push={"GTM": 1.0},
        departures={"GTM": 365_250.0},  # about 1,000 people a day
        asylum_seeker_share={"GTM": 1.0},
        removal_share={"northern_triangle": 0.0},
        beliefs={"lag_days": LAG, "noise_sd": 0.0},
        **values,
    )


def test_an_announced_rule_lowers_departures_after_the_lag_and_not_before(tmp_path):
    base = asylum_line(tmp_path)
    ruled = base.replace(policies=[removal_rule(ANNOUNCED, ANNOUNCED + dt.timedelta(days=20))])
    a, b = run(base, seed=4), run(ruled, seed=4)
    before = a.daily["date"] < str(ANNOUNCED)
    leaving = [r.daily.groupby("date")["departures"].sum().to_numpy() for r in (a, b)]
    n = day_of(ANNOUNCED)
    np.testing.assert_array_equal(leaving[0][:n], leaving[1][:n])  # identical before
    assert a.daily.loc[before].equals(b.daily.loc[before])
    assert leaving[1][n : n + LAG - 1].min() > 0  # home has not heard yet
    assert leaving[1][n + LAG + 1 :].sum() == 0  # then nobody sets out
    assert leaving[0][n + LAG + 1 :].min() > 0
    home = b.beliefs.query("place == 'home' and nationality == 'GTM' and kind == 'asylum_seeker'")
    assert home.set_index("date")["chance_of_staying"].iloc[-1] == 0.0


def test_people_at_the_border_stop_crossing_at_once(tmp_path):
    net = line_network(tmp_path, days=(3, 1))
    scenario = quiet_scenario(
        net,
        asylum_seeker_share={"GTM": 1.0},
        removal_share={"northern_triangle": 0.0},
        border_choice={"settle_value": 0.05},
        policies=[removal_rule(START + dt.timedelta(days=1), START + dt.timedelta(days=30))],
    )
    model = MigrationModel(scenario, seed=1)
    model.add_migrants(100)  # they reach the border on day 3, after the announcement
    model.run()
    res = collect(model)
    assert res.daily["us_encounters"].sum() == 0
    assert (res.journeys["outcome"] == "settled_in_mexico").all()


def test_appointments_go_first_come_first_served_from_the_queue(tmp_path):
    net = line_network(tmp_path, days=(1, 1))
    scenario = quiet_scenario(
        net,
        days=40,
        enforcement={"us_border": 1.0},
        removal_share={"northern_triangle": 1.0},  # crossing is pointless: everyone queues
        policies=[
            {
                "name": "parole",
                "announced": START,
                "start": START + dt.timedelta(days=10),
                "appointments_per_day": 1,
                "monthly_quota_cub": 0,
                "monthly_quota_hti": 0,
                "monthly_quota_nic": 0,
                "monthly_quota_ven": 0,
            }
        ],
    )
    model = MigrationModel(scenario, seed=2)
    joined = []
    for _ in range(6):  # one migrant a day; each reaches the border the next day and queues
        joined.extend(model.add_migrants(1).tolist())
        model.step()
    model.run(4)
    assert (model.pop.queued[joined] >= 0).all()
    assert model.counts[model.day - 1, :, M["waiting_at_border"]].sum() == 6
    model.run(6)
    pop = model.pop
    assert (pop.status[joined] == LEGAL).all()
    assert np.all(np.diff(pop.end_day[joined]) == 1)  # one a day, in the order they joined
    res = collect(model)
    assert res.daily["us_encounters"].sum() == 6  # appointments are encounters at a port
    assert (res.encounters["crossing"] == "port_of_entry").all()


def test_a_relocation_share_of_one_sends_the_apprehended_to_the_south(tmp_path):
    net = write_network(
        tmp_path,
        [
            {"id": "home", "kind": "origin", "nationality": "HND"},
            {"id": "tapachula", "kind": "hub"},
            {"id": "veracruz", "kind": "hub"},
            {"id": "border_town", "kind": "crossing"},
            {"id": "us_city", "kind": "destination", "country": "USA"},
        ],
        [
            {"source": "home", "target": "tapachula", "travel_days": 2},
            {"source": "tapachula", "target": "veracruz", "travel_days": 2},
            {
                "source": "veracruz",
                "target": "border_town",
                "travel_days": 3,
                "authority": "mexico_interior",
            },
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
        enforcement={"mexico_interior": 1.0},
        mexico_deportation_share={"northern_triangle": 0.0},
        mexico_relocation_share={"northern_triangle": 1.0},
    )
    model = MigrationModel(scenario, seed=3)
    ids = model.add_migrants(50)
    model.run(8)  # apprehended on day 7 at the end of veracruz → border_town
    assert (model.pop.node[ids] == model.network.node_index["tapachula"]).all()
    assert (model.pop.status[ids] == WAITING).all()
    res = collect(model)
    assert set(res.consequences["consequence"]) == {"relocated_south"}
    assert res.consequences["people"].sum() == 50
    assert res.daily["returns"].sum() == 0


def air_or_jungle(tmp_path, closed_from: dt.date):
    """Two nationalities at one airport: a flight to Mexico, or the long way round."""
    folder = write_network(
        tmp_path,
        [
            {"id": "airport", "kind": "hub", "country": "COL"},
            {"id": "jungle", "kind": "hub", "country": "PAN"},
            {"id": "mexico_city", "kind": "hub"},
            {"id": "border_town", "kind": "crossing"},
            {"id": "us_city", "kind": "destination", "country": "USA"},
        ],
        [
            {"source": "airport", "target": "mexico_city", "travel_days": 1, "mode": "air"},
            {"source": "airport", "target": "jungle", "travel_days": 5, "mode": "trail"},
            {"source": "jungle", "target": "mexico_city", "travel_days": 5},
            {"source": "mexico_city", "target": "border_town", "travel_days": 1},
            {
                "source": "border_town",
                "target": "us_city",
                "travel_days": 1,
                "mode": "crossing",
                "authority": "us_border",
            },
        ],
    )
    (folder / "origins.csv").write_text(
        "nationality,node,share,source,note\nVEN,airport,1,test,\nCOL,airport,1,test,\n"
    )
    (folder / "access.csv").write_text(
        "nationality,country,mode,closed_from,closed_until,source,note\n"
        f"VEN,MEX,air,{closed_from},,test,\n"
    )
    return folder


def test_a_visa_requirement_closes_the_flight_to_that_nationality_alone_from_its_date(tmp_path):
    closed = START + dt.timedelta(days=15)
    scenario = quiet_scenario(
        air_or_jungle(tmp_path, closed),
        days=40,
        push={"VEN": 1.0, "COL": 1.0},
        departures={"VEN": 36_525.0, "COL": 36_525.0},
    )
    res = run(scenario, seed=5)
    j = res.journeys.assign(flew=res.journeys["route"].astype(str).str.startswith("airport > mex"))
    after = j["depart_date"] >= str(closed)
    venezuelans = j["nationality"] == "VEN"
    assert j.loc[venezuelans & ~after, "flew"].mean() > 0.9  # the flight is far quicker
    assert j.loc[venezuelans & after, "flew"].sum() == 0
    assert j.loc[~venezuelans & after, "flew"].mean() > 0.9


def test_onward_movers_set_out_from_their_origins_in_proportion(tmp_path):
    folder = write_network(
        tmp_path,
        [
            {"id": "caracas", "kind": "origin", "nationality": "VEN", "country": "VEN"},
            {"id": "bogota", "kind": "hub", "country": "COL"},
            {"id": "border_town", "kind": "crossing"},
            {"id": "us_city", "kind": "destination", "country": "USA"},
        ],
        [
            {"source": "caracas", "target": "bogota", "travel_days": 2},
            {"source": "bogota", "target": "border_town", "travel_days": 2},
            {
                "source": "border_town",
                "target": "us_city",
                "travel_days": 1,
                "mode": "crossing",
                "authority": "us_border",
            },
        ],
    )
    (folder / "origins.csv").write_text(
        "nationality,node,share,source,note\nVEN,caracas,0.7,test,\nVEN,bogota,0.3,test,\n"
    )
    scenario = quiet_scenario(folder, push={"VEN": 1.0}, departures={"VEN": 365_250.0})
    res = run(scenario, seed=6)
    share = (res.journeys["origin"] == "bogota").mean()
    n = len(res.journeys)
    assert n > 10_000
    assert abs(share - 0.3) < 4 * np.sqrt(0.3 * 0.7 / n)


def test_people_are_conserved_and_the_stocks_add_up():
    days = 1401  # the last day is a snapshot day (every seventh from the start)
    model = MigrationModel(load_scenario("historical").replace(days=days), seed=1)
    model.run()
    pop = model.pop
    status, people = pop.column("status"), pop.column("people")
    at_home = (status == WAITING) & (pop.column("node") == pop.column("origin"))
    under_way = ~FINAL[status] & ~at_home
    by_pattern = np.bincount(pop.column("pattern")[under_way], people[under_way], 4)
    np.testing.assert_allclose(model.in_transit, by_pattern, rtol=1e-9, atol=1e-6)
    queueing = pop.column("queued") >= 0
    assert model.waiting.sum() == pytest.approx(people[queueing].sum())
    assert model.waiting.sum() > 0  # CBP One was running in 2023
    res = collect(model)
    outcomes = set(res.journeys["outcome"].astype(str))
    assert outcomes <= {
        "travelling", "waiting", "under_way", "released_in_us", "evaded_into_us",
        "entered_legally", "returned", "died", "settled_in_mexico",
    }  # fmt: skip
    last = res.stocks[res.stocks["date"] == res.stocks["date"].max()]
    assert last["people"].sum() == pytest.approx(people[~FINAL[status]].sum())


def test_deterrence_in_baseline_after_the_announcement_and_not_before():
    """The validation report's check, on 5 paired seeds run here one after the other."""
    found = deterrence(lambda scenarios, seeds: list(map(run, scenarios, seeds)), seeds=5)
    assert found["identical_before"] == 1.0
    assert found["high"] < 0, found
