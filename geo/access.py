"""Read and check a network folder's optional ``access.csv`` and ``origins.csv``.

``access.csv`` holds dated entry regimes: legs a nationality may not use in a period (a visa
requirement closes the flights into a country to that nationality). ``origins.csv`` says
where nationalities that also set out from abroad (onward movers) set out, and with what
share. Both are optional: without them every leg is open to everyone and every nationality
sets out from its nodes in ``nodes.csv``.

The checks name the file, the spreadsheet row, the column, the value and what is allowed,
in one line, as :mod:`geo.loader` does (whose helpers they use).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

from geo.cells import ISO3, fail, read_choice, read_node, read_number, read_table
from geo.network import (
    ACCESS_TABLE_COLUMNS,
    ORIGIN_TABLE_COLUMNS,
    access_changes,
    empty_table,
    in_force,
    leg_masks,
    origin_shares,
)
from geo.schema import (
    ACCESS_COLUMNS,
    ACCESS_FILE,
    EDGES_FILE,
    MODES,
    NODES_FILE,
    ORIGIN_COLUMNS,
    ORIGINS_FILE,
)
from geo.shortest_paths import shortest_to_targets

SHARE_TOLERANCE = 1e-6
"""How far from 1 the shares of one nationality in ``origins.csv`` may add up."""

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def read_access_and_origins(
    folder: Path, nodes: pd.DataFrame, edges: pd.DataFrame, node_index: dict[str, int]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read and check ``access.csv`` and ``origins.csv`` in a folder, if present.

    Args:
        folder: the network folder.
        nodes: the checked node table.
        edges: the checked edge table.
        node_index: node id to node index.

    Returns:
        ``(access, origin_table)`` as :class:`~geo.Network` keeps them (empty tables for
        absent files).

    Raises:
        NetworkError: a bad row, in one line; or a closure that leaves a nationality no
            route from one of its origins to the border on some date.
    """
    origin_table = _read_origins(folder / ORIGINS_FILE, nodes, node_index)
    access = _read_access(folder / ACCESS_FILE, nodes, edges, origin_table)
    _check_routes(folder / ACCESS_FILE, access, nodes, edges, origin_table)
    return access, origin_table


def _nationality(path: Path, row: int, text: str) -> str:
    if text == "":
        fail(path, row, "nationality is empty (an ISO3 code such as VEN is needed)")
    if not ISO3.match(text):
        fail(
            path,
            row,
            f"nationality {text!r} must be an upper-case ISO3 code such as VEN "
            "(OTH for people from outside the Americas)",
        )
    return text


# ---------------------------------------------------------------------------- origins.csv
def _read_origins(path: Path, nodes: pd.DataFrame, node_index: dict[str, int]) -> pd.DataFrame:
    if not path.is_file():
        return empty_table(ORIGIN_TABLE_COLUMNS)
    records, rows = read_table(path, ORIGIN_COLUMNS, may_be_empty=True)
    kinds = nodes["kind"].to_numpy()
    first_row: dict[tuple[str, str], int] = {}
    out: dict[str, list[object]] = {c: [] for c in ORIGIN_TABLE_COLUMNS}
    for rec, row in zip(records, rows, strict=True):
        nationality = _nationality(path, row, rec["nationality"])
        node = read_node(path, row, "node", rec["node"], node_index)
        if kinds[node] == "destination":
            fail(
                path,
                row,
                f"node {rec['node']!r} is a destination; migrants set out from a place "
                "before the US border (an origin or a hub)",
            )
        share = read_number(path, row, "share", rec["share"])
        if not 0 < share <= 1:
            fail(
                path,
                row,
                f"share must be > 0 and <= 1 (the fraction of {nationality}'s departures "
                f"setting out here), got {rec['share']}",
            )
        key = (nationality, rec["node"])
        if key in first_row:
            fail(
                path,
                row,
                f"duplicate node {rec['node']!r} for {nationality} (first in row {first_row[key]})",
            )
        first_row[key] = row
        for column, value in (
            ("nationality", nationality),
            ("node", rec["node"]),
            ("share", share),
            ("source", rec["source"]),
            ("note", rec["note"]),
            ("node_index", node),
            ("row", row),
        ):
            out[column].append(value)
    table = pd.DataFrame(out, columns=list(ORIGIN_TABLE_COLUMNS))
    table = table.astype({"share": float, "node_index": np.int64, "row": np.int64})
    for nationality, group in table.groupby("nationality", sort=False):
        total = float(group["share"].sum())
        if abs(total - 1.0) > SHARE_TOLERANCE:
            listed = ", ".join(str(r) for r in group["row"])
            fail(
                path,
                int(group["row"].iloc[-1]),
                f"share: the shares of {nationality} add up to {total:.6g} (rows {listed}); "
                f"they must add up to 1 (within {SHARE_TOLERANCE:g})",
            )
    return table


# ---------------------------------------------------------------------------- access.csv
def _date(path: Path, row: int, column: str, text: str) -> dt.date | None:
    if text == "":
        return None
    meaning = "since ever" if column == "closed_from" else "for ever"
    if not _DATE.match(text):
        fail(
            path,
            row,
            f"{column} must be a date YYYY-MM-DD or empty ({meaning}), got {text!r}",
        )
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(path, row, f"{column} {text!r} is not a real date (YYYY-MM-DD)")


def _read_access(
    path: Path, nodes: pd.DataFrame, edges: pd.DataFrame, origin_table: pd.DataFrame
) -> pd.DataFrame:
    if not path.is_file():
        return empty_table(ACCESS_TABLE_COLUMNS)
    records, rows = read_table(path, ACCESS_COLUMNS, may_be_empty=True)
    home = nodes["nationality"]
    known = sorted(set(home[home != ""]) | set(origin_table["nationality"]))
    countries = set(nodes["country"])
    edge_mode = edges["mode"].to_numpy()
    into = nodes["country"].to_numpy()[edges["dst"].to_numpy()]
    out: dict[str, list[object]] = {c: [] for c in ACCESS_TABLE_COLUMNS}
    for rec, row in zip(records, rows, strict=True):
        nationality = _nationality(path, row, rec["nationality"])
        if nationality not in known:
            fail(
                path,
                row,
                f"nationality {nationality!r} sets out from nowhere in this network (it is "
                f"in neither {NODES_FILE} nor {ORIGINS_FILE}; known: {', '.join(known)})",
            )
        country = rec["country"]
        if not ISO3.match(country):
            fail(
                path,
                row,
                f"country {country!r} must be the upper-case ISO3 code of the country the "
                "leg enters, such as MEX",
            )
        if country not in countries:
            fail(
                path,
                row,
                f"country {country!r} has no node in {NODES_FILE}, so no leg enters it",
            )
        mode = read_choice(path, row, "mode", rec["mode"], MODES)
        if not ((edge_mode == mode) & (into == country)).any():
            fail(
                path,
                row,
                f"mode {mode!r}: no {mode} leg enters {country} in {EDGES_FILE}, "
                "so the row closes nothing",
            )
        start = _date(path, row, "closed_from", rec["closed_from"])
        end = _date(path, row, "closed_until", rec["closed_until"])
        if start is not None and end is not None and end < start:
            fail(path, row, f"closed_until {end} is before closed_from {start}")
        for column, value in (
            ("nationality", nationality),
            ("country", country),
            ("mode", mode),
            ("closed_from", start),
            ("closed_until", end),
            ("source", rec["source"]),
            ("note", rec["note"]),
            ("row", row),
        ):
            out[column].append(value)
    table = pd.DataFrame(out, columns=list(ACCESS_TABLE_COLUMNS))
    return table.astype({"row": np.int64})


# ---------------------------------------------------------------------------- routes left
def _check_routes(
    path: Path,
    access: pd.DataFrame,
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    origin_table: pd.DataFrame,
) -> None:
    """Every nationality keeps a way from each of its origins to the border on every date.

    Closures change only on :func:`~geo.network.access_changes` days, so checking the day
    before the first one (any day: ``date.min``) and each of them covers every date.
    """
    if access.empty:
        return
    nationalities = list(dict.fromkeys(access["nationality"]))
    starts = origin_shares(nodes, origin_table, nationalities)
    start_nat, start_node = starts["nationality"].to_numpy(), starts["node"].to_numpy()
    graph = _Graph(nodes, edges)
    masks = leg_masks(access, nodes, edges)
    changes = access_changes(access)
    row_nat = access["nationality"].to_numpy()
    for day in [dt.date.min, *changes]:
        active = in_force(access, day)
        for nat in nationalities:
            mine = np.flatnonzero(active & (row_nat == nat))
            if mine.size == 0:
                continue
            homes = start_node[start_nat == nat]
            if not graph.stranded(homes, masks[mine].any(axis=0)):
                continue
            # name the row (in file order) whose closure, with those before it, cuts the route
            for n in range(mine.size):
                stuck = graph.stranded(homes, masks[mine[: n + 1]].any(axis=0))
                if stuck:
                    break
            rec = access.iloc[mine[n]]
            alone = graph.stranded(homes, masks[mine[n]])
            earlier = [] if alone else [str(r) for r in access["row"].to_numpy()[mine[:n]]]
            also = f" (with row {', '.join(earlier)} also in force)" if earlier else ""
            stuck = alone or stuck
            if day != dt.date.min:
                when = f"from {day}"
            else:
                when = f"before {changes[0]}" if changes else "on every date"
            fail(
                path,
                int(rec["row"]),
                f"closing {rec['mode']} legs into {rec['country']} to {nat}{also} leaves "
                f"origin {nodes['id'].iloc[stuck[0]]!r} of {nat} no route to the US border "
                f"{when}; every nationality needs a way from each of its origins on every date",
            )


class _Graph:
    """The edges as arrays, to ask again and again which origins a closure strands."""

    def __init__(self, nodes: pd.DataFrame, edges: pd.DataFrame) -> None:
        self.n = len(nodes)
        self.src = edges["src"].to_numpy()
        self.dst = edges["dst"].to_numpy()
        self.days = edges["travel_days"].to_numpy(float)
        self.targets = np.flatnonzero((nodes["kind"] == "destination").to_numpy())

    def stranded(self, homes: np.ndarray, closed: np.ndarray) -> list[int]:
        """Return the nodes among ``homes`` that reach no destination with ``closed`` shut."""
        keep = ~closed
        dist = shortest_to_targets(
            self.n, self.src[keep], self.dst[keep], self.days[keep], self.targets
        )
        return [int(h) for h in homes if np.isinf(dist[h])]
