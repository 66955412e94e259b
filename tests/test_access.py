"""Tests for the optional network files: access.csv (entry regimes) and origins.csv."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo import DATA_DIR, NetworkError, load_network

NODES = """id,name,country,lat,lon,kind,nationality,population,wait_days,note
home,Home,VEN,10.5,-66.9,origin,VEN,999,0,
abroad,Abroad,COL,4.6,-74.1,hub,,0,0,Venezuelans living abroad
other,Other,GTM,14.6,-90.5,origin,GTM,299,0,
other2,Other 2,GTM,15.3,-91.5,origin,GTM,99,0,
hub_mx,Hub,MEX,19.4,-99.1,hub,,0,0,
border,Border,MEX,27.5,-99.5,crossing,,0,0,
us,US,USA,27.5,-99.5,destination,,0,0,
"""
EDGES = """source,target,mode,distance_km,travel_days,cost_usd,hazard,authority,note
home,hub_mx,air,3600,1,1000,0,none,
home,abroad,road,900,2,45,0,none,
abroad,hub_mx,boat,4000,9,200,0,none,
other,hub_mx,road,1200,3,60,0,none,
other2,other,road,100,1,5,0,none,
other2,hub_mx,road,1300,3,65,0,none,
hub_mx,border,road,900,2,45,0,mexico_interior,
border,us,crossing,5,1,3000,0,us_border,
"""
ACCESS_HEADER = "nationality,country,mode,closed_from,closed_until,source,note\n"
ORIGINS_HEADER = "nationality,node,share,source,note\n"


def toy(tmp_path: Path, access: str | None = None, origins: str | None = None) -> Path:
    """Write the toy network, with access.csv / origins.csv rows if given (else none)."""
    folder = tmp_path / "toy"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nodes.csv").write_text(NODES, encoding="utf-8")
    (folder / "edges.csv").write_text(EDGES, encoding="utf-8")
    for name, header, rows in (
        ("access.csv", ACCESS_HEADER, access),
        ("origins.csv", ORIGINS_HEADER, origins),
    ):
        if rows is not None:
            (folder / name).write_text(header + rows, encoding="utf-8")
        else:
            (folder / name).unlink(missing_ok=True)
    return folder


def raises_like(message: str):
    return pytest.raises(NetworkError, match=re.escape(message))


def leg(net, source: str, target: str, mode: str) -> int:
    edges = net.edges
    hit = (edges["source"] == source) & (edges["target"] == target) & (edges["mode"] == mode)
    return int(np.flatnonzero(hit.to_numpy())[0])


# --------------------------------------------------------------------------- closures
def test_a_closure_closes_the_leg_to_that_nationality_alone_and_only_in_its_dates(
    tmp_path: Path,
) -> None:
    net = load_network(toy(tmp_path, "VEN,MEX,air,2022-01-21,2022-06-30,DOF,visa\n"))
    air = leg(net, "home", "hub_mx", "air")
    assert net.access["closed_from"].tolist() == [dt.date(2022, 1, 21)]
    assert net.access["closed_until"].tolist() == [dt.date(2022, 6, 30)]
    assert net.access["row"].tolist() == [2]
    for day, closed in (
        (dt.date(2022, 1, 20), False),
        (dt.date(2022, 1, 21), True),
        (dt.date(2022, 6, 30), True),
        (dt.date(2022, 7, 1), False),
    ):
        legs = net.closed_legs(["VEN", "GTM", "VEN"], day)
        assert legs.shape == (3, len(net.edges))
        assert legs.dtype == bool
        expected = np.zeros(len(net.edges), dtype=bool)
        expected[air] = closed
        assert legs[0].tolist() == expected.tolist(), day
        assert legs[2].tolist() == expected.tolist(), day
        assert not legs[1].any()  # Guatemalans are not affected
    # a datetime counts by its date; ISO strings are accepted
    assert net.closed_legs(["VEN"], dt.datetime(2022, 6, 30, 23, 59))[0, air]
    assert net.closed_legs(["VEN"], "2022-03-01")[0, air]
    assert not net.closed_legs([], dt.date(2022, 3, 1)).size


def test_open_ended_closures_and_access_changes(tmp_path: Path) -> None:
    rows = (
        "VEN,MEX,air,2022-01-21,,,\n"  # for ever
        "GTM,MEX,road,,2019-12-31,,\n"  # since ever: cuts every route of Guatemalans
        "VEN,COL,road,2020-03-01,2020-03-31,,\n"
        "VEN,COL,road,2020-03-01,2020-04-30,,overlapping rows are fine\n"
    )
    with raises_like("access.csv row 3: closing road legs into MEX to GTM"):
        load_network(toy(tmp_path, rows))
    rows = rows.replace("GTM,MEX,road,,2019-12-31,,\n", "GTM,GTM,road,,2019-12-31,,\n")
    net = load_network(toy(tmp_path, rows))
    assert net.access_changes() == [
        dt.date(2020, 1, 1),
        dt.date(2020, 3, 1),
        dt.date(2020, 4, 1),
        dt.date(2020, 5, 1),
        dt.date(2022, 1, 21),
    ]
    local = leg(net, "other2", "other", "road")
    assert net.closed_legs(["GTM"], dt.date(1900, 1, 1))[0, local]
    assert not net.closed_legs(["GTM"], dt.date(2020, 1, 1))[0, local]
    abroad = leg(net, "home", "abroad", "road")
    assert net.closed_legs(["VEN"], dt.date(2020, 4, 30))[0, abroad]
    assert not net.closed_legs(["VEN"], dt.date(2020, 5, 1))[0, abroad]
    assert net.closed_legs(["VEN"], dt.date(2999, 1, 1))[0, leg(net, "home", "hub_mx", "air")]


def test_without_the_optional_files_everything_is_open(tmp_path: Path) -> None:
    net = load_network(toy(tmp_path))
    assert net.access.empty and net.origin_table.empty
    assert net.access_changes() == []
    assert not net.closed_legs(["VEN", "GTM"], dt.date(2022, 1, 1)).any()
    # header-only files are the same as none
    net = load_network(toy(tmp_path, "", ""))
    assert net.access.empty and net.origin_table.empty
    assert net.closed_legs(["VEN"], dt.date(2022, 1, 1)).shape == (1, len(net.edges))


def test_a_closure_that_leaves_no_route_is_refused(tmp_path: Path) -> None:
    folder = toy(tmp_path, "GTM,MEX,road,,,,\n")
    with raises_like(
        f"{folder / 'access.csv'} row 2: closing road legs into MEX to GTM leaves origin "
        "'other' of GTM no route to the US border on every date"
    ):
        load_network(folder)
    # two rows together: the one that completes the cut is named, from the day it starts
    rows = "VEN,MEX,air,2021-01-01,,,\nVEN,MEX,boat,2023-01-01,2023-12-31,,\n"
    with raises_like(
        "access.csv row 3: closing boat legs into MEX to VEN (with row 2 also in force) "
        "leaves origin 'home' of VEN no route to the US border from 2023-01-01"
    ):
        load_network(toy(tmp_path, rows))
    # a row that cuts every route alone is named alone
    with raises_like(
        "access.csv row 3: closing road legs into MEX to VEN leaves origin 'home' of VEN "
        "no route to the US border on every date"
    ):
        load_network(toy(tmp_path, "VEN,COL,road,,,,\nVEN,MEX,road,,,,\n"))
    # an origin of origins.csv counts too: here only Venezuelans abroad are cut off
    with raises_like(
        "access.csv row 2: closing boat legs into MEX to VEN leaves origin 'abroad' of VEN "
        "no route to the US border before 2024-01-01"
    ):
        load_network(
            toy(
                tmp_path,
                "VEN,MEX,boat,,2023-12-31,,\n",
                "VEN,home,0.5,,\nVEN,abroad,0.5,,\n",
            )
        )
    # without origins.csv Venezuelans only set out from home, which can still fly
    (tmp_path / "toy" / "origins.csv").unlink()
    assert len(load_network(tmp_path / "toy").access) == 1


# --------------------------------------------------------------------------- origins
def test_origin_shares_from_origins_csv_or_by_population(tmp_path: Path) -> None:
    net = load_network(toy(tmp_path, origins="VEN,home,0.6,,\nVEN,abroad,0.4,,onward movers\n"))
    shares = net.origin_shares(["VEN", "GTM", "CUB"])
    assert list(shares.columns) == ["nationality", "node", "share"]
    assert shares["node"].dtype == np.int64
    idx = net.node_index
    ven = shares[shares["nationality"] == "VEN"]
    assert ven["node"].tolist() == [idx["home"], idx["abroad"]]
    assert ven["share"].tolist() == pytest.approx([0.6, 0.4])
    # GTM has no rows: its origins in nodes.csv, weighted by population + 1
    gtm = shares[shares["nationality"] == "GTM"]
    assert gtm["node"].tolist() == [idx["other"], idx["other2"]]
    assert gtm["share"].tolist() == pytest.approx([0.75, 0.25])
    assert "CUB" not in set(shares["nationality"])  # sets out from nowhere here
    assert shares.groupby("nationality")["share"].sum().tolist() == pytest.approx([1, 1])
    # a hub listed in origins.csv is a valid start
    assert net.nodes.loc[idx["abroad"], "kind"] == "hub"
    assert net.origin_table["node"].tolist() == ["home", "abroad"]
    assert net.origin_table["node_index"].tolist() == [idx["home"], idx["abroad"]]
    # without origins.csv VEN falls back to its home node
    plain = load_network(toy(tmp_path / "plain"))
    assert plain.origin_shares(["VEN"])[["node", "share"]].values.tolist() == [[idx["home"], 1.0]]


# --------------------------------------------------------------------------- bad rows
@pytest.mark.parametrize(
    ("access", "message"),
    [
        ("ven,MEX,air,,,,\n", "row 2: nationality 'ven' must be an upper-case ISO3 code"),
        (",MEX,air,,,,\n", "row 2: nationality is empty"),
        ("BRA,MEX,air,,,,\n", "row 2: nationality 'BRA' sets out from nowhere in this network"),
        ("VEN,Mexico,air,,,,\n", "row 2: country 'Mexico' must be the upper-case ISO3 code"),
        ("VEN,PER,air,,,,\n", "row 2: country 'PER' has no node in nodes.csv"),
        ("VEN,MEX,plane,,,,\n", "row 2: mode 'plane' is not one of road, rail, trail, boat, air"),
        ("VEN,MEX,rail,,,,\n", "row 2: mode 'rail': no rail leg enters MEX in edges.csv"),
        (
            "VEN,MEX,air,21/01/2022,,,\n",
            "row 2: closed_from must be a date YYYY-MM-DD or empty (since ever), got '21/01/2022'",
        ),
        ("VEN,MEX,air,,2022-02-30,,\n", "row 2: closed_until '2022-02-30' is not a real date"),
        (
            "VEN,MEX,air,2022-01-21,2021-01-01,,\n",
            "row 2: closed_until 2021-01-01 is before closed_from 2022-01-21",
        ),
        ("VEN,MEX,air,,,,\n\nVEN,MEX,trail,,,,\n", "row 4: mode 'trail': no trail leg"),
    ],
)
def test_bad_access_rows(tmp_path: Path, access: str, message: str) -> None:
    folder = toy(tmp_path, access)
    with pytest.raises(NetworkError) as caught:
        load_network(folder)
    text = str(caught.value)
    assert text.startswith(f"{folder / 'access.csv'} {message}"), text
    assert "\n" not in text


@pytest.mark.parametrize(
    ("origins", "message"),
    [
        (
            "VEN,abraod,1,,\n",
            "row 2: node 'abraod' is not a node id in nodes.csv (did you mean 'abroad'?)",
        ),
        ("VEN,us,1,,\n", "row 2: node 'us' is a destination"),
        ("VEN,home,0,,\nVEN,abroad,1,,\n", "row 2: share must be > 0 and <= 1"),
        ("VEN,home,half,,\n", "row 2: share must be a number, got 'half'"),
        ("VEN,home,1.5,,\n", "row 2: share must be > 0 and <= 1"),
        ("VEN,abroad,0.5,,\nVEN,abroad,0.5,,\n", "row 3: duplicate node 'abroad' for VEN"),
        (
            "VEN,home,0.5,,\nGTM,other,1,,\nVEN,abroad,0.4,,\n",
            "row 4: share: the shares of VEN add up to 0.9 (rows 2, 4); they must add up to 1",
        ),
        ("Ven,home,1,,\n", "row 2: nationality 'Ven' must be an upper-case ISO3 code"),
    ],
)
def test_bad_origin_rows(tmp_path: Path, origins: str, message: str) -> None:
    folder = toy(tmp_path, origins=origins)
    with pytest.raises(NetworkError) as caught:
        load_network(folder)
    text = str(caught.value)
    assert text.startswith(f"{folder / 'origins.csv'} {message}"), text
    assert "\n" not in text


def test_shares_within_the_tolerance_and_missing_columns(tmp_path: Path) -> None:
    net = load_network(toy(tmp_path, origins="VEN,home,0.3333333,,\nVEN,abroad,0.6666665,,\n"))
    assert len(net.origin_table) == 2
    folder = toy(tmp_path)
    (folder / "access.csv").write_text("nationality,country,mode,closed_from\n", encoding="utf-8")
    with raises_like(f"{folder / 'access.csv'}: missing column 'closed_until'"):
        load_network(folder)
    (folder / "access.csv").unlink()
    (folder / "origins.csv").write_text("nationality,node,shares,source,note\n", "utf-8")
    with raises_like(f"{folder / 'origins.csv'}: missing column 'share'"):
        load_network(folder)


# --------------------------------------------------------------------------- default network
@pytest.fixture(scope="module")
def net():
    return load_network()


def test_default_entry_regimes(net) -> None:
    access = net.access
    assert set(zip(access["nationality"], access["country"], access["mode"], strict=True)) >= {
        ("ECU", "MEX", "air"),
        ("VEN", "MEX", "air"),
        ("PER", "MEX", "air"),
        ("CUB", "NIC", "air"),
    }
    assert (access["source"] != "").all() and (access["note"] != "").all()
    assert {
        dt.date(2021, 9, 4),
        dt.date(2021, 11, 22),
        dt.date(2022, 1, 21),
        dt.date(2024, 5, 6),
    } <= set(net.access_changes())
    nats = ["ECU", "VEN", "CUB", "PER", "GTM"]

    def closed(nat: str, source: str, target: str, day: dt.date) -> bool:
        return bool(net.closed_legs(nats, day)[nats.index(nat), leg(net, source, target, "air")])

    assert not closed("ECU", "quito", "mexico_city", dt.date(2021, 9, 3))
    assert closed("ECU", "quito", "mexico_city", dt.date(2021, 9, 4))
    assert not closed("VEN", "caracas", "mexico_city", dt.date(2022, 1, 20))
    assert closed("VEN", "caracas", "mexico_city", dt.date(2022, 1, 21))
    assert closed("VEN", "lima", "mexico_city", dt.date(2022, 1, 21))  # from Peru as well
    assert not closed("PER", "lima", "mexico_city", dt.date(2024, 5, 5))
    assert closed("PER", "lima", "mexico_city", dt.date(2024, 5, 6))
    assert closed("CUB", "havana", "managua", dt.date(2021, 11, 21))
    assert not closed("CUB", "havana", "managua", dt.date(2021, 11, 22))
    assert not net.closed_legs(["GTM"], dt.date(2022, 6, 1)).any()


def test_default_onward_movers(net) -> None:
    shares = net.origin_shares(["VEN", "HTI", "GTM", "OTH"])
    by_nat = shares.groupby("nationality")["share"].sum()
    assert by_nat.to_numpy() == pytest.approx(np.ones(len(by_nat)))
    ids = net.nodes["id"].to_numpy()
    ven = set(ids[shares.loc[shares["nationality"] == "VEN", "node"]])
    assert {"caracas", "maracaibo", "lima", "santiago_cl"} <= ven
    assert ven & {"bogota", "cucuta"}
    hti = set(ids[shares.loc[shares["nationality"] == "HTI", "node"]])
    assert hti == {"port_au_prince", "santiago_cl", "sao_paulo"}
    kind = net.nodes.set_index("id")["kind"]
    assert kind["santiago_cl"] == kind["sao_paulo"] == "hub"
    # judgement shares say so
    hti_notes = net.origin_table.loc[net.origin_table["nationality"] == "HTI", "note"]
    assert hti_notes.str.contains("judgement").all()
    # the new places reach the border over land, and by the new flights where realistic
    days = net.distance_to_border_days()
    assert np.isfinite(days[[net.node_index[n] for n in ("santiago_cl", "sao_paulo")]]).all()
    for source in ("caracas", "quito", "santiago_cl"):
        leg(net, source, "mexico_city", "air")


def test_a_full_copy_of_the_default_folder_loads_the_same(tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(DATA_DIR, folder)
    copy = load_network(folder)
    default = load_network()
    pd.testing.assert_frame_equal(copy.access, default.access)
    pd.testing.assert_frame_equal(copy.origin_table, default.origin_table)
