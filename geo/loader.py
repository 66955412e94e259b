"""Read and check a network folder (``nodes.csv``, ``edges.csv``) into a :class:`Network`.

The optional ``access.csv`` and ``origins.csv`` are read by :mod:`geo.access`, with the
helpers of this module.

Every check names the file, the spreadsheet row (the header is row 1, so the first data row
is row 2), the column, the offending value and what is allowed, in one line.
"""

from __future__ import annotations

import difflib
import io
import math
import os
import re
import warnings
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd

from geo.errors import NetworkError
from geo.files import read_text
from geo.network import Network
from geo.schema import (
    AUTHORITIES,
    DATA_DIR,
    EDGE_COLUMNS,
    EDGES_FILE,
    KINDS,
    MODES,
    NODE_COLUMNS,
    NODES_FILE,
)
from geo.shortest_paths import shortest_to_targets, travel_order

_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
_ISO3 = re.compile(r"^[A-Z]{3}$")


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
    """
    folder = DATA_DIR if path is None else Path(path)
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "not found"
        raise NetworkError(
            f"{folder}: network folder {what} (it must hold {NODES_FILE} and {EDGES_FILE})"
        )
    nodes_path, edges_path = folder / NODES_FILE, folder / EDGES_FILE
    node_records, node_rows = _read_table(nodes_path, NODE_COLUMNS)
    nodes = _check_nodes(nodes_path, node_records, node_rows)
    node_index = {node_id: i for i, node_id in enumerate(nodes["id"])}
    edges = _check_edges(edges_path, nodes, node_index, *_read_table(edges_path, EDGE_COLUMNS))
    _check_graph(nodes_path, edges_path, nodes, node_rows, edges)
    from geo.access import read_access_and_origins  # here: geo.access uses this module

    access, origins = read_access_and_origins(folder, nodes, edges, node_index)
    return Network(nodes, edges, node_index, folder, access=access, origin_table=origins)


# ---------------------------------------------------------------------------- reading
def _fail(path: Path, row: int | None, message: str) -> NoReturn:
    where = f"{path} row {row}" if row is not None else str(path)
    raise NetworkError(f"{where}: {message}")


def _read_table(
    path: Path, columns: tuple[str, ...], *, may_be_empty: bool = False
) -> tuple[list[dict[str, str]], list[int]]:
    """Read a CSV as text cells; return its records and their spreadsheet row numbers.

    ``may_be_empty`` accepts a header without data rows (the optional files).
    """
    if not path.is_file():
        _fail(path, None, "file not found (a network folder needs nodes.csv and edges.csv)")
    text = read_text(path, NetworkError)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            table = pd.read_csv(
                io.StringIO(text),
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                index_col=False,
            )
    except pd.errors.EmptyDataError:
        _fail(path, None, f"file is empty (expected a header row: {','.join(columns)})")
    except pd.errors.ParserWarning:
        _fail(path, None, "a row has more fields than the header (check for stray commas)")
    except (pd.errors.ParserError, ValueError) as exc:
        detail = " ".join(str(exc).split())[:200]
        _fail(path, None, f"cannot be read as a CSV file ({detail})")
    table.columns = [str(c).strip() for c in table.columns]
    present = set(table.columns)
    for column in columns:
        if column not in present:
            extra = [c for c in table.columns if c not in columns]
            close = difflib.get_close_matches(column, extra, n=1)
            hint = f"; found {close[0]!r} instead" if close else ""
            _fail(
                path,
                None,
                f"missing column {column!r} (expected columns: {', '.join(columns)}){hint}",
            )
    rows = (table.index.to_numpy() + 2).tolist()
    records = [
        {c: str(v).strip() for c, v in zip(columns, values, strict=True)}
        for values in table[list(columns)].itertuples(index=False, name=None)
    ]
    kept = [(rec, row) for rec, row in zip(records, rows, strict=True) if any(rec.values())]
    if not kept and not may_be_empty:
        _fail(path, None, "has a header but no data rows")
    return [rec for rec, _ in kept], [row for _, row in kept]


def _number(path: Path, row: int, column: str, text: str) -> float:
    if text == "":
        _fail(path, row, f"{column} is empty (a number is needed)")
    try:
        value = float(text)
    except ValueError:
        _fail(path, row, f"{column} must be a number, got {text!r}")
    if not math.isfinite(value):
        _fail(path, row, f"{column} must be a finite number, got {text!r}")
    return value


MAX_WHOLE = 10**12
"""The largest whole number a network file may hold (populations, days)."""


def _whole(path: Path, row: int, column: str, text: str, minimum: int, allowed: str) -> int:
    value = _number(path, row, column, text)
    if not value.is_integer() or not minimum <= value <= MAX_WHOLE:
        _fail(path, row, f"{column} must be {allowed} and at most 10^12, got {text}")
    return int(value)


def _choice(path: Path, row: int, column: str, text: str, allowed: tuple[str, ...]) -> str:
    if text not in allowed:
        _fail(path, row, f"{column} {text!r} is not one of {', '.join(allowed)}")
    return text


# ---------------------------------------------------------------------------- nodes
def _check_nodes(path: Path, records: list[dict[str, str]], rows: list[int]) -> pd.DataFrame:
    first_row: dict[str, int] = {}
    out: dict[str, list[object]] = {c: [] for c in NODE_COLUMNS}
    for rec, row in zip(records, rows, strict=True):
        node_id = rec["id"]
        if node_id == "":
            _fail(path, row, "id is empty")
        if not _SLUG.match(node_id):
            _fail(
                path,
                row,
                f"id {node_id!r} must be a lowercase slug (a-z, digits and _, "
                "starting with a letter), e.g. 'ciudad_juarez'",
            )
        if node_id in first_row:
            _fail(path, row, f"duplicate id {node_id!r} (first used in row {first_row[node_id]})")
        first_row[node_id] = row
        if rec["name"] == "":
            _fail(path, row, f"name is empty for node {node_id!r}")
        if not _ISO3.match(rec["country"]):
            _fail(
                path,
                row,
                f"country {rec['country']!r} must be an upper-case ISO3 code such as MEX or GTM",
            )
        lat = _number(path, row, "lat", rec["lat"])
        lon = _number(path, row, "lon", rec["lon"])
        if not -90 <= lat <= 90:
            _fail(path, row, f"lat must be between -90 and 90, got {rec['lat']}")
        if not -180 <= lon <= 180:
            _fail(path, row, f"lon must be between -180 and 180, got {rec['lon']}")
        kind = _choice(path, row, "kind", rec["kind"], KINDS)
        nationality = rec["nationality"]
        if nationality and not _ISO3.match(nationality):
            _fail(
                path,
                row,
                f"nationality {nationality!r} must be empty or an upper-case ISO3 "
                "code such as GTM (OTH for people from outside the Americas)",
            )
        if kind == "origin" and not nationality:
            _fail(
                path,
                row,
                f"origin {node_id!r} needs a nationality (ISO3 code of the people "
                "leaving from there, e.g. GTM)",
            )
        if kind == "destination" and nationality:
            _fail(
                path,
                row,
                f"destination {node_id!r} must have an empty nationality, got {nationality!r}",
            )
        population = _whole(path, row, "population", rec["population"], 0, "a whole number >= 0")
        wait = _whole(path, row, "wait_days", rec["wait_days"], 0, "a whole number of days >= 0")
        for column, value in (
            ("id", node_id),
            ("name", rec["name"]),
            ("country", rec["country"]),
            ("lat", lat),
            ("lon", lon),
            ("kind", kind),
            ("nationality", nationality),
            ("population", population),
            ("wait_days", wait),
            ("note", rec["note"]),
        ):
            out[column].append(value)
    nodes = pd.DataFrame(out, columns=list(NODE_COLUMNS))
    return nodes.astype({"lat": float, "lon": float, "population": np.int64, "wait_days": np.int64})


# ---------------------------------------------------------------------------- edges
def _node_ref(path: Path, row: int, column: str, text: str, node_index: dict[str, int]) -> int:
    if text == "":
        _fail(path, row, f"{column} is empty (a node id from {NODES_FILE} is needed)")
    if text not in node_index:
        close = difflib.get_close_matches(text, list(node_index), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        _fail(path, row, f"{column} {text!r} is not a node id in {NODES_FILE}{hint}")
    return node_index[text]


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
        source, target = rec["source"], rec["target"]
        src = _node_ref(path, row, "source", source, node_index)
        dst = _node_ref(path, row, "target", target, node_index)
        if src == dst:
            _fail(path, row, f"source and target are both {source!r} (an edge joins two places)")
        if kinds[src] == "destination":
            _fail(
                path,
                row,
                f"source {source!r} is a destination; destinations have no outgoing edges",
            )
        mode = _choice(path, row, "mode", rec["mode"], MODES)
        distance = _number(path, row, "distance_km", rec["distance_km"])
        if distance <= 0:
            _fail(path, row, f"distance_km must be > 0, got {rec['distance_km']}")
        days = _whole(
            path, row, "travel_days", rec["travel_days"], 1, "a positive integer (whole days >= 1)"
        )
        cost = _number(path, row, "cost_usd", rec["cost_usd"])
        if cost < 0:
            _fail(path, row, f"cost_usd must be >= 0, got {rec['cost_usd']}")
        hazard = _number(path, row, "hazard", rec["hazard"])
        if not 0 <= hazard < 1:
            _fail(
                path,
                row,
                f"hazard must be in [0, 1) (chance of death per traversal), got {rec['hazard']}",
            )
        authority = _choice(path, row, "authority", rec["authority"], AUTHORITIES)
        key = (source, target, mode)
        if key in first_row:
            _fail(
                path,
                row,
                f"duplicate edge {source} -> {target} by {mode} (first in row {first_row[key]})",
            )
        first_row[key] = row
        _check_crossing(path, row, rec, kinds[src], kinds[dst])
        for column, value in (
            ("source", source),
            ("target", target),
            ("mode", mode),
            ("distance_km", distance),
            ("travel_days", days),
            ("cost_usd", cost),
            ("hazard", hazard),
            ("authority", authority),
            ("note", rec["note"]),
            ("src", src),
            ("dst", dst),
        ):
            out[column].append(value)
    edges = pd.DataFrame(out)
    edges["mode_code"] = [MODES.index(m) for m in out["mode"]]
    edges["authority_code"] = [AUTHORITIES.index(a) for a in out["authority"]]
    return edges.astype(
        {
            "distance_km": float,
            "travel_days": np.int64,
            "cost_usd": float,
            "hazard": float,
            "src": np.int64,
            "dst": np.int64,
            "mode_code": np.int64,
            "authority_code": np.int64,
        }
    )


def _check_crossing(
    path: Path, row: int, rec: dict[str, str], src_kind: str, dst_kind: str
) -> None:
    """The US border is crossed exactly on crossing -> destination edges."""
    source, target, mode, authority = rec["source"], rec["target"], rec["mode"], rec["authority"]
    if src_kind == "crossing" and dst_kind == "destination":
        if mode != "crossing" or authority != "us_border":
            _fail(
                path,
                row,
                f"edge {source} -> {target} goes from a crossing to a destination, "
                f"so it needs mode 'crossing' and authority 'us_border' (got mode "
                f"{mode!r}, authority {authority!r})",
            )
    elif mode == "crossing":
        _fail(
            path,
            row,
            f"mode 'crossing' is only for edges from a crossing node to a "
            f"destination, but {source!r} is a {src_kind} and {target!r} is a "
            f"{dst_kind}",
        )
    elif authority == "us_border":
        _fail(
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
        _fail(
            nodes_path,
            None,
            "no node of kind 'destination' (a US-side place reached from a crossing)",
        )
    has_out = np.zeros(len(nodes), dtype=bool)
    has_out[edges["src"].to_numpy()] = True
    for i in np.flatnonzero(~has_out & (kinds != "destination")).tolist():
        _fail(
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
        _fail(
            nodes_path,
            rows[i],
            f"{label} {ids[i]!r} cannot reach any destination (no path to a US border crossing)",
        )
    _, cycle = travel_order(len(nodes), edges["src"].to_numpy(), edges["dst"].to_numpy())
    if cycle:
        loop = " -> ".join(ids[i] for i in [*cycle, cycle[0]])
        _fail(
            edges_path,
            None,
            f"the edges form a cycle {loop}; edges must point the way migrants travel, "
            "towards the US border",
        )
