"""Read and check a network folder (``nodes.csv``, ``edges.csv``) into a :class:`Network`.

The optional ``access.csv`` and ``origins.csv`` are read by :mod:`geo.access`; both modules
read cells with the helpers of :mod:`geo.cells`.

Every check names the file, the spreadsheet row (the header is row 1, so the first data row
is row 2), the column, the offending value and what is allowed, in one line.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
from pathlib import Path

import numpy as np
import pandas as pd

from geo.access import read_access_and_origins
from geo.cells import (
    ISO3,
    SLUG,
    fail,
    read_choice,
    read_node,
    read_number,
    read_table,
    read_whole,
)
from geo.errors import NetworkError
from geo.files import read_bytes
from geo.network import Network
from geo.schema import (
    ACCESS_FILE,
    AUTHORITIES,
    DATA_DIR,
    EDGE_COLUMNS,
    EDGES_FILE,
    KINDS,
    MODES,
    NODE_COLUMNS,
    NODES_FILE,
    ORIGINS_FILE,
)
from geo.shortest_paths import shortest_to_targets, travel_order

NODE_TYPES = {"lat": float, "lon": float, "population": np.int64, "wait_days": np.int64}
"""The node table's numeric columns (the others are text)."""

EDGE_TYPES = {
    "distance_km": float,
    "travel_days": np.int64,
    "cost_usd": float,
    "hazard": float,
    "src": np.int64,
    "dst": np.int64,
    "mode_code": np.int64,
    "authority_code": np.int64,
}
"""The edge table's numeric columns (the others are text)."""


def load_network(path: str | os.PathLike[str] | None = None) -> Network:
    """Load and check the network in a folder.

    Example::

        net = load_network()                  # the default network in geo/data/
        net = load_network("my_network/")     # a folder with nodes.csv and edges.csv

    Args:
        path: folder holding ``nodes.csv`` and ``edges.csv`` (and optionally
            ``access.csv``, ``origins.csv`` and ``countries.geojson``); ``None`` for
            :data:`~geo.DATA_DIR`.

    Returns:
        The checked :class:`Network`.

    Raises:
        NetworkError: anything wrong with the folder or its files, in one line.

    A folder read before is not parsed and checked again while the files it reads hold the
    same bytes: each call gets its own copy of the checked tables. Reading and checking the
    built-in network takes about 60 ms, 3% of a calibration's run.
    """
    folder = DATA_DIR if path is None else Path(path)
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "not found"
        raise NetworkError(
            f"{folder}: network folder {what} (it must hold {NODES_FILE} and {EDGES_FILE})"
        )
    key = _fingerprint(folder)
    network = _read_network(folder) if key is None else _cached(folder, key)
    return dataclasses.replace(
        network,
        nodes=network.nodes.copy(),
        edges=network.edges.copy(),
        node_index=dict(network.node_index),
        access=network.access.copy(),
        origin_table=network.origin_table.copy(),
    )


def _fingerprint(folder: Path) -> str | None:
    """Return a digest of the files the loader reads in ``folder``.

    None when one of them cannot be read safely (:func:`geo.files.read_bytes`): it is then
    read, and refused with its message, the usual way.
    """
    digest = hashlib.blake2b(digest_size=16)
    for name in (NODES_FILE, EDGES_FILE, ACCESS_FILE, ORIGINS_FILE):
        path = folder / name
        if not path.exists():
            digest.update(f"{name} absent\n".encode())
            continue
        try:
            content = read_bytes(path, NetworkError)
        except NetworkError:
            return None
        digest.update(f"{name} {len(content)}\n".encode() + content)
    return digest.hexdigest()


@functools.lru_cache(maxsize=8)
def _cached(folder: Path, fingerprint: str) -> Network:
    """Return :func:`_read_network` of ``folder``, once per content (``fingerprint``)."""
    return _read_network(folder)


def _read_network(folder: Path) -> Network:
    """Read and check the network in ``folder``."""
    nodes_path, edges_path = folder / NODES_FILE, folder / EDGES_FILE
    node_records, node_rows = read_table(nodes_path, NODE_COLUMNS)
    nodes = _check_nodes(nodes_path, node_records, node_rows)
    node_index = {node_id: i for i, node_id in enumerate(nodes["id"])}
    edges = _check_edges(edges_path, nodes, node_index, *read_table(edges_path, EDGE_COLUMNS))
    _check_graph(nodes_path, edges_path, nodes, node_rows, edges)
    access, origins = read_access_and_origins(folder, nodes, edges, node_index)
    return Network(nodes, edges, node_index, folder, access=access, origin_table=origins)


# ---------------------------------------------------------------------------- nodes
def _check_nodes(path: Path, records: list[dict[str, str]], rows: list[int]) -> pd.DataFrame:
    first_row: dict[str, int] = {}
    out: dict[str, list[object]] = {c: [] for c in NODE_COLUMNS}
    for rec, row in zip(records, rows, strict=True):
        node_id = rec["id"]
        _check_id(path, row, node_id, first_row)
        first_row[node_id] = row
        for column, value in _node(path, row, rec).items():
            out[column].append(value)
    return pd.DataFrame(out, columns=list(NODE_COLUMNS)).astype(NODE_TYPES)


def _check_id(path: Path, row: int, node_id: str, first_row: dict[str, int]) -> None:
    """A node id is a slug used once."""
    if node_id == "":
        fail(path, row, "id is empty")
    if not SLUG.match(node_id):
        fail(
            path,
            row,
            f"id {node_id!r} must be a lowercase slug (a-z, digits and _, "
            "starting with a letter), e.g. 'ciudad_juarez'",
        )
    if node_id in first_row:
        fail(path, row, f"duplicate id {node_id!r} (first used in row {first_row[node_id]})")


def _node(path: Path, row: int, rec: dict[str, str]) -> dict[str, object]:
    """Return one row of ``nodes.csv`` checked, its id already checked, column by column."""
    node_id = rec["id"]
    if rec["name"] == "":
        fail(path, row, f"name is empty for node {node_id!r}")
    if not ISO3.match(rec["country"]):
        fail(
            path,
            row,
            f"country {rec['country']!r} must be an upper-case ISO3 code such as MEX or GTM",
        )
    lat = read_number(path, row, "lat", rec["lat"])
    lon = read_number(path, row, "lon", rec["lon"])
    if not -90 <= lat <= 90:
        fail(path, row, f"lat must be between -90 and 90, got {rec['lat']}")
    if not -180 <= lon <= 180:
        fail(path, row, f"lon must be between -180 and 180, got {rec['lon']}")
    kind = read_choice(path, row, "kind", rec["kind"], KINDS)
    nationality = _nationality(path, row, node_id, kind, rec["nationality"])
    population = read_whole(path, row, "population", rec["population"], 0, "a whole number >= 0")
    wait = read_whole(path, row, "wait_days", rec["wait_days"], 0, "a whole number of days >= 0")
    return {
        "id": node_id,
        "name": rec["name"],
        "country": rec["country"],
        "lat": lat,
        "lon": lon,
        "kind": kind,
        "nationality": nationality,
        "population": population,
        "wait_days": wait,
        "note": rec["note"],
    }


def _nationality(path: Path, row: int, node_id: str, kind: str, nationality: str) -> str:
    """Origins name the nationality leaving from them; destinations name none."""
    if nationality and not ISO3.match(nationality):
        fail(
            path,
            row,
            f"nationality {nationality!r} must be empty or an upper-case ISO3 "
            "code such as GTM (OTH for people from outside the Americas)",
        )
    if kind == "origin" and not nationality:
        fail(
            path,
            row,
            f"origin {node_id!r} needs a nationality (ISO3 code of the people "
            "leaving from there, e.g. GTM)",
        )
    if kind == "destination" and nationality:
        fail(
            path,
            row,
            f"destination {node_id!r} must have an empty nationality, got {nationality!r}",
        )
    return nationality


# ---------------------------------------------------------------------------- edges
def _check_edges(
    path: Path,
    nodes: pd.DataFrame,
    node_index: dict[str, int],
    records: list[dict[str, str]],
    rows: list[int],
) -> pd.DataFrame:
    kinds = nodes["kind"].tolist()
    first_row: dict[tuple[str, str, str], int] = {}
    out: dict[str, list[object]] = {c: [] for c in (*EDGE_COLUMNS, "src", "dst")}
    for rec, row in zip(records, rows, strict=True):
        edge = _edge(path, row, rec, node_index, kinds)
        key = (rec["source"], rec["target"], edge["mode"])
        if key in first_row:
            fail(
                path,
                row,
                f"duplicate edge {key[0]} -> {key[1]} by {key[2]} (first in row {first_row[key]})",
            )
        first_row[key] = row
        _check_crossing(path, row, rec, kinds[edge["src"]], kinds[edge["dst"]])
        for column, value in edge.items():
            out[column].append(value)
    edges = pd.DataFrame(out)
    edges["mode_code"] = [MODES.index(m) for m in out["mode"]]
    edges["authority_code"] = [AUTHORITIES.index(a) for a in out["authority"]]
    return edges.astype(EDGE_TYPES)


def _edge(
    path: Path, row: int, rec: dict[str, str], node_index: dict[str, int], kinds: list[str]
) -> dict[str, object]:
    """Return one row of ``edges.csv`` checked on its own, column by column."""
    source, target = rec["source"], rec["target"]
    src = read_node(path, row, "source", source, node_index)
    dst = read_node(path, row, "target", target, node_index)
    if src == dst:
        fail(path, row, f"source and target are both {source!r} (an edge joins two places)")
    if kinds[src] == "destination":
        fail(path, row, f"source {source!r} is a destination; destinations have no outgoing edges")
    mode = read_choice(path, row, "mode", rec["mode"], MODES)
    distance = read_number(path, row, "distance_km", rec["distance_km"])
    if distance <= 0:
        fail(path, row, f"distance_km must be > 0, got {rec['distance_km']}")
    days = read_whole(
        path, row, "travel_days", rec["travel_days"], 1, "a positive integer (whole days >= 1)"
    )
    cost = read_number(path, row, "cost_usd", rec["cost_usd"])
    if cost < 0:
        fail(path, row, f"cost_usd must be >= 0, got {rec['cost_usd']}")
    hazard = read_number(path, row, "hazard", rec["hazard"])
    if not 0 <= hazard < 1:
        fail(
            path,
            row,
            f"hazard must be in [0, 1) (chance of death per traversal), got {rec['hazard']}",
        )
    return {
        "source": source,
        "target": target,
        "mode": mode,
        "distance_km": distance,
        "travel_days": days,
        "cost_usd": cost,
        "hazard": hazard,
        "authority": read_choice(path, row, "authority", rec["authority"], AUTHORITIES),
        "note": rec["note"],
        "src": src,
        "dst": dst,
    }


def _check_crossing(
    path: Path, row: int, rec: dict[str, str], src_kind: str, dst_kind: str
) -> None:
    """The US border is crossed exactly on crossing -> destination edges."""
    source, target, mode, authority = rec["source"], rec["target"], rec["mode"], rec["authority"]
    if src_kind == "crossing" and dst_kind == "destination":
        if mode != "crossing" or authority != "us_border":
            fail(
                path,
                row,
                f"edge {source} -> {target} goes from a crossing to a destination, "
                f"so it needs mode 'crossing' and authority 'us_border' (got mode "
                f"{mode!r}, authority {authority!r})",
            )
    elif mode == "crossing":
        fail(
            path,
            row,
            f"mode 'crossing' is only for edges from a crossing node to a "
            f"destination, but {source!r} is a {src_kind} and {target!r} is a "
            f"{dst_kind}",
        )
    elif authority == "us_border":
        fail(
            path,
            row,
            "authority 'us_border' is only for crossing -> destination edges, "
            f"but {source!r} is a {src_kind} and {target!r} is a {dst_kind}",
        )


# ---------------------------------------------------------------------------- the whole graph
def _check_graph(
    nodes_path: Path, edges_path: Path, nodes: pd.DataFrame, rows: list[int], edges: pd.DataFrame
) -> None:
    """Every place but a destination leads on and can reach a destination; no cycles."""
    kinds = nodes["kind"].to_numpy()
    ids = nodes["id"].tolist()
    nationality = nodes["nationality"].to_numpy()
    targets = np.flatnonzero(kinds == "destination")
    if targets.size == 0:
        fail(
            nodes_path,
            None,
            "no node of kind 'destination' (a US-side place reached from a crossing)",
        )
    has_out = np.zeros(len(nodes), dtype=bool)
    has_out[edges["src"].to_numpy()] = True
    for i in np.flatnonzero(~has_out & (kinds != "destination")).tolist():
        fail(
            nodes_path,
            rows[i],
            f"{kinds[i]} {ids[i]!r} has no outgoing edge in "
            f"{edges_path.name} (only destinations may be dead ends)",
        )
    dist = shortest_to_targets(
        len(nodes),
        edges["src"].to_numpy(),
        edges["dst"].to_numpy(),
        edges["travel_days"].to_numpy(float),
        targets,
    )
    for i in np.flatnonzero(np.isinf(dist)).tolist():
        label = "origin" if nationality[i] else kinds[i]
        fail(
            nodes_path,
            rows[i],
            f"{label} {ids[i]!r} cannot reach any destination (no path to a US border crossing)",
        )
    _, cycle = travel_order(len(nodes), edges["src"].to_numpy(), edges["dst"].to_numpy())
    if cycle:
        loop = " -> ".join(ids[i] for i in [*cycle, cycle[0]])
        fail(
            edges_path,
            None,
            f"the edges form a cycle {loop}; edges must point the way migrants travel, "
            "towards the US border",
        )
