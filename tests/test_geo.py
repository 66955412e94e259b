"""Tests for the geography: the default network's content, the loader's checks, paths."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo import (
    AUTHORITIES,
    DATA_DIR,
    KINDS,
    MODES,
    Network,
    NetworkError,
    load_network,
)
from geo.shortest_paths import shortest_to_targets

NATIONALITIES = ("GTM", "HND", "SLV", "VEN", "CUB", "HTI", "NIC", "MEX", "COL", "ECU", "PER", "OTH")


@pytest.fixture(scope="module")
def net() -> Network:
    return load_network()


def out_edges(net: Network, node_id: str) -> pd.DataFrame:
    return net.edges[net.edges["source"] == node_id]


# --------------------------------------------------------------------------- default network
def test_default_network_shape_and_types(net: Network) -> None:
    nodes, edges = net.nodes, net.edges
    assert len(nodes) >= 60
    assert list(nodes.index) == list(range(len(nodes)))
    assert list(edges.index) == list(range(len(edges)))
    assert net.source == DATA_DIR
    assert net.node_index == {n: i for i, n in enumerate(nodes["id"])}
    # src/dst and the integer codes agree with the text columns
    assert (nodes["id"].to_numpy()[edges["src"]] == edges["source"].to_numpy()).all()
    assert (nodes["id"].to_numpy()[edges["dst"]] == edges["target"].to_numpy()).all()
    assert [MODES[c] for c in edges["mode_code"]] == edges["mode"].tolist()
    assert [AUTHORITIES[c] for c in edges["authority_code"]] == edges["authority"].tolist()
    for column in ("population", "wait_days"):
        assert nodes[column].dtype == np.int64
    for column in ("travel_days", "src", "dst", "mode_code", "authority_code"):
        assert edges[column].dtype == np.int64
    # empty nationality is "" rather than NaN
    assert not nodes["nationality"].isna().any()
    assert (nodes["nationality"] == "").sum() > 0
    assert set(nodes["kind"]) == set(KINDS)


def test_default_network_loads_fast(tmp_path: Path) -> None:
    load_network()  # warm imports
    folder = broken_copy(tmp_path)  # a folder not read before: parsed and checked in full
    start = time.perf_counter()
    load_network(folder)
    assert time.perf_counter() - start < 0.2


def test_crossings_lead_into_the_us(net: Network) -> None:
    nodes = net.nodes
    crossings = nodes[nodes["kind"] == "crossing"]
    assert len(crossings) >= 8
    assert set(crossings["country"]) == {"MEX"}
    for node_id in crossings["id"]:
        out = out_edges(net, node_id)
        into_us = out[(out["mode"] == "crossing") & (out["authority"] == "us_border")]
        assert len(into_us) >= 1, node_id
        assert set(nodes.loc[into_us["dst"], "kind"]) == {"destination"}
        assert set(nodes.loc[into_us["dst"], "country"]) == {"USA"}
    # destinations are dead ends, and only crossing edges carry the US border authority
    destinations = set(nodes.loc[nodes["kind"] == "destination", "id"])
    assert not destinations & set(net.edges["source"])
    us = net.edges["authority"] == "us_border"
    assert (us == (net.edges["mode"] == "crossing")).all()


def test_every_nationality_has_an_origin_that_reaches_the_border(net: Network) -> None:
    origins = net.origins()
    assert set(NATIONALITIES) <= set(origins["nationality"])
    assert (origins["population"] > 0).all()
    for nat in ("GTM", "HND", "SLV", "MEX"):
        assert (origins["nationality"] == nat).sum() >= (6 if nat == "MEX" else 2), nat
    days = net.distance_to_border_days()
    assert np.isfinite(days[origins.index]).all()
    assert (days[origins.index] > 0).all()
    is_destination = (net.nodes["kind"] == "destination").to_numpy()
    assert (days[is_destination] == 0).all()
    assert np.isfinite(days).all()


def test_darien_edges_are_the_jungle_crossing_from_colombia_to_panama(net: Network) -> None:
    country = net.nodes["country"].to_numpy()
    darien = net.edges[net.edges["authority"] == "darien"]
    assert len(darien) >= 2
    assert set(darien["mode"]) == {"trail"}
    assert set(country[darien["src"]]) == {"COL"}
    assert set(country[darien["dst"]]) == {"PAN"}
    assert "bajo_chiquito" in set(darien["target"])
    assert darien["travel_days"].between(4, 10).all()
    assert darien["hazard"].between(5e-4, 1e-3).all()
    # every trail edge into Panama counts as a Darién crossing
    trails = net.edges[net.edges["mode"] == "trail"]
    assert (country[trails["dst"]] != "PAN").sum() == 0


def test_rail_air_and_parallel_choices(net: Network) -> None:
    edges = net.edges
    rail = edges[edges["authority"] == "mexico_rail"]
    assert len(rail) >= 1 and set(rail["mode"]) == {"rail"}
    pairs = set(zip(edges["source"], edges["target"], edges["mode"], strict=True))
    assert ("havana", "managua", "air") in pairs
    assert ("port_au_prince", "managua", "air") in pairs
    # road and rail alternatives between the same places
    road = set(
        zip(
            edges.loc[edges["mode"] == "road", "source"],
            edges.loc[edges["mode"] == "road", "target"],
            strict=True,
        )
    )
    assert len(road & set(zip(rail["source"], rail["target"], strict=True))) >= 3
    # several crossings from the northern hubs
    kind = net.nodes.set_index("id")["kind"]

    def crossings_within(start: str, hops: int) -> set[str]:
        frontier, seen = {start}, set()
        for _ in range(hops):
            frontier = set(edges.loc[edges["source"].isin(frontier), "target"])
            seen |= {n for n in frontier if kind[n] == "crossing"}
        return seen

    for hub in ("monterrey", "chihuahua", "hermosillo"):
        assert len(crossings_within(hub, 2)) >= 2, hub
    # two entries from Guatemala into Mexico, under Mexico's southern enforcement
    south = edges[edges["authority"] == "mexico_south"]
    assert {"tecun_uman", "el_ceibo"} <= set(south["source"])


def test_the_darien_route_runs_through_the_network_in_order(net: Network) -> None:
    route = [
        "caracas",
        "cucuta",
        "medellin",
        "necocli",
        "capurgana",
        "bajo_chiquito",
        "lajas_blancas",
        "paso_canoas",
        "managua",
        "tegucigalpa",
        "guatemala_city",
        "tapachula",
        "mexico_city",
        "monterrey",
        "nuevo_laredo",
        "laredo",
    ]
    src, dst = net.edges["src"].to_numpy(), net.edges["dst"].to_numpy()
    hops = net.edges["travel_days"].to_numpy(float)
    for here, there in itertools.pairwise(route):
        to_there = shortest_to_targets(len(net.nodes), src, dst, hops, [net.node_index[there]])
        assert np.isfinite(to_there[net.node_index[here]]), f"{here} cannot reach {there}"
    assert net.distance_to_border_days()[net.node_index["laredo"]] == 0


def test_geodataframes(net: Network) -> None:
    nodes = net.nodes_gdf()
    assert nodes.crs.to_epsg() == 4326
    assert len(nodes) == len(net.nodes)
    assert set(nodes.geom_type) == {"Point"}
    assert np.allclose(nodes.geometry.x, net.nodes["lon"])
    assert np.allclose(nodes.geometry.y, net.nodes["lat"])
    edges = net.edges_gdf()
    assert edges.crs.to_epsg() == 4326
    assert len(edges) == len(net.edges)
    assert set(edges.geom_type) == {"LineString"}
    first = edges.iloc[0]
    assert first.geometry.coords[0] == pytest.approx(nodes.geometry.iloc[first["src"]].coords[0])
    countries = net.countries_gdf()
    assert countries.crs.to_epsg() == 4326
    assert len(countries) == 18
    assert {"MEX", "GTM", "PAN", "COL"} <= set(countries["iso3"].dropna())
    assert set(countries.geom_type) <= {"Polygon", "MultiPolygon"}


# --------------------------------------------------------------------------- broken copies
def broken_copy(
    tmp_path: Path,
    nodes: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    edges: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> Path:
    """Copy the default network into tmp_path, altering nodes and/or edges."""
    folder = tmp_path / "net"
    folder.mkdir()
    for name, change in (("nodes.csv", nodes), ("edges.csv", edges)):
        table = pd.read_csv(DATA_DIR / name, dtype=str, keep_default_na=False)
        if change is not None:
            table = change(table)
        table.to_csv(folder / name, index=False)
    return folder


def first_row(table: pd.DataFrame, **where: str) -> int:
    """Index (0-based) of the first row matching all column=value pairs."""
    mask = np.logical_and.reduce([table[c] == v for c, v in where.items()])
    return int(np.flatnonzero(mask)[0])


def raises_like(message: str):
    return pytest.raises(NetworkError, match=re.escape(message))


def test_unmodified_copy_loads(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path)
    net = load_network(folder)
    assert net.source == folder
    assert len(net.countries_gdf()) == 18  # falls back to the default outlines


def test_a_network_loaded_again_is_a_fresh_copy_that_sees_every_edit(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path)
    first = load_network(folder)
    first.edges.loc[0, "hazard"] = 0.5  # a caller changing its copy changes no other copy
    first.node_index.clear()
    again = load_network(folder)
    assert again.edges.loc[0, "hazard"] != 0.5
    assert again.node_index == {n: i for i, n in enumerate(again.nodes["id"])}
    # An edit keeping the file's size and modification time is still read.
    path = folder / "edges.csv"
    info = path.stat()
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    cost = table.loc[0, "cost_usd"]
    table.loc[0, "cost_usd"] = "9" * len(cost)
    table.to_csv(path, index=False)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size
    assert load_network(folder).edges.loc[0, "cost_usd"] == float("9" * len(cost))


def test_unknown_node_reference(tmp_path: Path) -> None:
    edges = pd.read_csv(DATA_DIR / "edges.csv", dtype=str, keep_default_na=False)
    i = first_row(edges, target="tapachula")

    def typo(t: pd.DataFrame) -> pd.DataFrame:
        t.loc[i, "target"] = "tapachulla"
        return t

    folder = broken_copy(tmp_path, edges=typo)
    with raises_like(
        f"{folder / 'edges.csv'} row {i + 2}: target 'tapachulla' is not a node id "
        "in nodes.csv (did you mean 'tapachula'?)"
    ):
        load_network(folder)


def test_non_positive_distance(tmp_path: Path) -> None:
    def negative(t: pd.DataFrame) -> pd.DataFrame:
        t.loc[19, "distance_km"] = "-5"
        return t

    with raises_like("edges.csv row 21: distance_km must be > 0, got -5"):
        load_network(broken_copy(tmp_path, edges=negative))


def test_duplicate_node_id(tmp_path: Path) -> None:
    nodes = pd.read_csv(DATA_DIR / "nodes.csv", dtype=str, keep_default_na=False)
    i = first_row(nodes, id="tapachula")

    def duplicate(t: pd.DataFrame) -> pd.DataFrame:
        t.loc[i + 3, "id"] = "tapachula"
        return t

    with raises_like(
        f"nodes.csv row {i + 5}: duplicate id 'tapachula' (first used in row {i + 2})"
    ):
        load_network(broken_copy(tmp_path, nodes=duplicate))


def test_origin_that_cannot_reach_the_border(tmp_path: Path) -> None:
    nodes = pd.read_csv(DATA_DIR / "nodes.csv", dtype=str, keep_default_na=False)
    row = first_row(nodes, id="havana") + 2

    def island(t: pd.DataFrame) -> pd.DataFrame:
        # Havana and Port-au-Prince only fly to each other: a cycle with no way out
        t = t[~((t["source"] == "havana") & (t["target"] == "georgetown"))].copy()
        t.loc[t["source"] == "havana", "target"] = "port_au_prince"
        t.loc[t["source"] == "port_au_prince", "target"] = "havana"
        return t

    with raises_like(
        f"nodes.csv row {row}: origin 'havana' cannot reach any destination "
        "(no path to a US border crossing)"
    ):
        load_network(broken_copy(tmp_path, edges=island))


def test_unknown_mode(tmp_path: Path) -> None:
    def bus(t: pd.DataFrame) -> pd.DataFrame:
        t.loc[1, "mode"] = "bus"
        return t

    with raises_like(
        "edges.csv row 3: mode 'bus' is not one of road, rail, trail, boat, air, crossing"
    ):
        load_network(broken_copy(tmp_path, edges=bus))


def test_missing_column(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, nodes=lambda t: t.rename(columns={"wait_days": "wait_day"}))
    with raises_like(f"{folder / 'nodes.csv'}: missing column 'wait_days'"):
        load_network(folder)
    with pytest.raises(NetworkError, match="found 'wait_day' instead"):
        load_network(folder)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("hazard", "1", "row 2: hazard must be in [0, 1)"),
        ("hazard", "-0.1", "row 2: hazard must be in [0, 1)"),
        ("travel_days", "2.5", "row 2: travel_days must be a positive integer"),
        ("travel_days", "0", "row 2: travel_days must be a positive integer"),
        ("cost_usd", "cheap", "row 2: cost_usd must be a number, got 'cheap'"),
        ("cost_usd", "", "row 2: cost_usd is empty"),
        ("authority", "cbp", "row 2: authority 'cbp' is not one of none, darien,"),
    ],
)
def test_bad_edge_values(tmp_path: Path, column: str, value: str, message: str) -> None:
    def change(t: pd.DataFrame) -> pd.DataFrame:
        t.loc[0, column] = value
        return t

    with raises_like("edges.csv " + message):
        load_network(broken_copy(tmp_path, edges=change))


def test_duplicate_edge_and_destination_with_outgoing_edge(tmp_path: Path) -> None:
    edges = pd.read_csv(DATA_DIR / "edges.csv", dtype=str, keep_default_na=False)
    n = len(edges)
    with raises_like(
        f"edges.csv row {n + 2}: duplicate edge caracas -> cucuta by road (first in row 2)"
    ):
        load_network(broken_copy(tmp_path, edges=lambda t: pd.concat([t, t.iloc[[0]]])))
    extra = edges.iloc[[0]].assign(source="el_paso", target="laredo")
    shutil.rmtree(tmp_path / "net")
    with raises_like(f"edges.csv row {n + 2}: source 'el_paso' is a destination"):
        load_network(broken_copy(tmp_path, edges=lambda t: pd.concat([t, extra])))


def test_crossing_edge_must_be_a_us_border_crossing(tmp_path: Path) -> None:
    edges = pd.read_csv(DATA_DIR / "edges.csv", dtype=str, keep_default_na=False)
    i = first_row(edges, source="tijuana", target="san_diego")

    def by_road(t: pd.DataFrame) -> pd.DataFrame:
        t.loc[i, "mode"] = "road"
        return t

    with raises_like(
        f"edges.csv row {i + 2}: edge tijuana -> san_diego goes from a crossing "
        "to a destination, so it needs mode 'crossing'"
    ):
        load_network(broken_copy(tmp_path, edges=by_road))


def test_missing_file_and_folder(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path)
    (folder / "edges.csv").unlink()
    with raises_like(f"{folder / 'edges.csv'}: file not found"):
        load_network(folder)
    with pytest.raises(NetworkError, match="network folder not found"):
        load_network(tmp_path / "nowhere")


# --------------------------------------------------------------------------- toy networks
NODE_HEADER = "id,name,country,lat,lon,kind,nationality,population,wait_days,note\n"
EDGE_HEADER = "source,target,mode,distance_km,travel_days,cost_usd,hazard,authority,note\n"


def write_toy(folder: Path, nodes: str, edges: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nodes.csv").write_text(NODE_HEADER + nodes, encoding="utf-8")
    (folder / "edges.csv").write_text(EDGE_HEADER + edges, encoding="utf-8")
    return folder


def test_toy_line_distance_is_the_sum_of_travel_days(tmp_path: Path) -> None:
    folder = write_toy(
        tmp_path / "toy",
        "home,Home,GTM,14.6,-90.5,origin,GTM,1000,0,\n"
        "stop,Stop,MEX,20.0,-100.0,hub,,0,4,waits do not count\n"
        "\n"
        "there,There,USA,31.7,-106.5,destination,,0,0,\n",
        "home,stop,road,900,3,50,0.00001,guatemala,\n"
        "stop,there,rail,1500,8,100,0.0001,mexico_rail,\n",
    )
    net = load_network(folder)
    assert net.distance_to_border_days().tolist() == [11.0, 8.0, 0.0]
    assert net.distance_to_border("distance_km").tolist() == [2400.0, 1500.0, 0.0]
    assert net.origins()["id"].tolist() == ["home"]
    assert net.nodes["nationality"].tolist() == ["GTM", "", ""]
    assert net.edges[["src", "dst"]].to_numpy().tolist() == [[0, 1], [1, 2]]
    # a blank line keeps spreadsheet numbering: 'there' is on row 5
    text = (folder / "nodes.csv").read_text(encoding="utf-8")
    text = text.replace("destination,,0,0,", "destination,,0,x,")
    (folder / "nodes.csv").write_text(text, encoding="utf-8")
    with raises_like("nodes.csv row 5: wait_days must be a number, got 'x'"):
        load_network(folder)


def test_shortest_path_prefers_the_fewest_days_and_reports_unreachable() -> None:
    # 0 -> 1 -> 3 takes 2 + 2 days, 0 -> 2 -> 3 takes 1 + 5 days; node 4 is cut off
    src = np.array([0, 1, 0, 2, 4])
    dst = np.array([1, 3, 2, 3, 0])
    days = np.array([2, 2, 1, 5, 1])
    dist = shortest_to_targets(6, src, dst, days, np.array([3]))
    assert dist[:5].tolist() == [4.0, 2.0, 5.0, 0.0, 5.0]
    assert np.isinf(dist[5])


def test_a_cycle_is_rejected(tmp_path: Path) -> None:
    def loop(t: pd.DataFrame) -> pd.DataFrame:
        # Tapachula -> Huixtla already exists; send Huixtla-bound traffic back to Tapachula
        extra = t[t["source"] == "tapachula"].iloc[[0]].copy()
        extra[["source", "target"]] = [extra["target"].iloc[0], "tapachula"]
        return pd.concat([t, extra], ignore_index=True)

    with raises_like("edges.csv: the edges form a cycle"):
        load_network(broken_copy(tmp_path, edges=loop))
