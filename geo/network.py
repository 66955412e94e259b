"""The checked network: node and edge tables plus the views the engine and the maps need."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geo.schema import ACCESS_COLUMNS, COUNTRIES_FILE, DATA_DIR, ORIGIN_COLUMNS
from geo.shortest_paths import shortest_to_targets, travel_order

if TYPE_CHECKING:
    import geopandas as gpd

ACCESS_TABLE_COLUMNS: tuple[str, ...] = (*ACCESS_COLUMNS, "row")
"""Columns of :attr:`Network.access`: the file's columns plus its spreadsheet ``row``."""
ORIGIN_TABLE_COLUMNS: tuple[str, ...] = (*ORIGIN_COLUMNS, "node_index", "row")
"""Columns of :attr:`Network.origin_table`: the file's plus ``node_index`` and ``row``."""


def empty_table(columns: tuple[str, ...]) -> pd.DataFrame:
    """Return a table with these columns and no rows (an absent optional file)."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


@dataclass(frozen=True, eq=False, repr=False)
class Network:
    """A directed network of places, as loaded by :func:`geo.load_network`.

    Attributes:
        nodes: one row per place, index ``0 .. n-1`` in file order, columns ``id, name,
            country, lat, lon, kind, nationality, population, wait_days, note`` (empty
            nationality is ``""``; ``population`` and ``wait_days`` are integers).
        edges: one row per directed edge, index ``0 .. m-1`` in file order, columns ``source,
            target, mode, distance_km, travel_days, cost_usd, hazard, authority, note`` plus
            the integer columns ``src`` and ``dst`` (node indices), ``mode_code`` (index in
            :data:`~geo.MODES`) and ``authority_code`` (index in :data:`~geo.AUTHORITIES`).
        node_index: node id to node index.
        source: the folder the network was loaded from.
        access: the rows of the optional ``access.csv`` (empty without it): columns
            ``nationality, country, mode, closed_from, closed_until, source, note, row``;
            the dates are :class:`datetime.date` or ``None`` (since ever / for ever) and
            ``row`` is the spreadsheet row. See :meth:`closed_legs`.
        origin_table: the rows of the optional ``origins.csv`` (empty without it): columns
            ``nationality, node, share, source, note, node_index, row``. See
            :meth:`origin_shares`.
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame
    node_index: dict[str, int]
    source: Path
    access: pd.DataFrame = field(default_factory=lambda: empty_table(ACCESS_TABLE_COLUMNS))
    origin_table: pd.DataFrame = field(default_factory=lambda: empty_table(ORIGIN_TABLE_COLUMNS))

    def __repr__(self) -> str:
        return f"Network({len(self.nodes)} nodes, {len(self.edges)} edges, from {self.source})"

    def origins(self) -> pd.DataFrame:
        """Return the home nodes of the nationalities: the nodes with a nationality.

        :meth:`origin_shares` says where each nationality actually sets out, counting the
        onward movers of ``origins.csv``.

        Returns:
            A copy of those rows of :attr:`nodes`, keeping the node indices as index.
        """
        return self.nodes[self.nodes["nationality"] != ""].copy()

    def origin_shares(self, nationalities: Sequence[str]) -> pd.DataFrame:
        """Return where each nationality sets out, and what share of its departures.

        A nationality with rows in ``origins.csv`` sets out from those nodes with those
        shares; any other sets out from its nodes in ``nodes.csv`` (those with its
        nationality), in proportion to ``population + 1``. A nationality with neither has
        no rows.

        Example::

            net.origin_shares(["VEN", "GTM"])   # VEN from origins.csv, GTM by population

        Args:
            nationalities: ISO3 codes, e.g. ``["GTM", "VEN"]``.

        Returns:
            Columns ``nationality``, ``node`` (node index) and ``share`` (the shares of each
            nationality add up to 1), nationalities in the order given, nodes in file order.
        """
        return origin_shares(self.nodes, self.origin_table, nationalities)

    def closed_legs(self, nationalities: Sequence[str], date: dt.date | str) -> np.ndarray:
        """Return which legs each nationality may not use on a date (``access.csv``).

        A row of ``access.csv`` closes, from ``closed_from`` to ``closed_until`` inclusive,
        every edge of its ``mode`` whose target node is in its ``country`` to migrants of its
        ``nationality``.

        Example::

            closed = net.closed_legs(["VEN", "GTM"], datetime.date(2022, 3, 1))
            closed.shape == (2, len(net.edges))

        Args:
            nationalities: ISO3 codes; one without rows has every leg open.
            date: the day, a :class:`datetime.date` (a datetime counts by its date) or an
                ISO ``"YYYY-MM-DD"`` string.

        Returns:
            A bool array of shape ``(len(nationalities), len(edges))``, True where closed.
        """
        day = as_day(date)
        return closed_by(self.access, self.nodes, self.edges, nationalities, day)

    def access_changes(self) -> list[dt.date]:
        """Return the days on which a closure of ``access.csv`` starts or ends, sorted.

        A closure ends on the day after its ``closed_until``. Between two such days
        :meth:`closed_legs` gives the same answer, so route choice needs rebuilding only on
        them.
        """
        return access_changes(self.access)

    def distance_to_border(self, column: str = "travel_days") -> np.ndarray:
        """Return the shortest path length from each node to any destination.

        Args:
            column: the edge column to add up, e.g. ``"travel_days"`` or ``"distance_km"``.

        Returns:
            A float array with one value per node: 0 for destinations, ``inf`` where no
            destination can be reached.
        """
        return shortest_to_targets(
            len(self.nodes),
            self.edges["src"].to_numpy(),
            self.edges["dst"].to_numpy(),
            self.edges[column].to_numpy(float),
            np.flatnonzero((self.nodes["kind"] == "destination").to_numpy()),
        )

    def travel_order(self) -> np.ndarray:
        """Return the node indices ordered so that every edge points forward (origins first).

        The loader has checked that the edges form no cycle, so the order exists.
        """
        return travel_order(
            len(self.nodes), self.edges["src"].to_numpy(), self.edges["dst"].to_numpy()
        )[0]

    def distance_to_border_days(self) -> np.ndarray:
        """Return the fewest total travel days from each node to any destination.

        Waiting days at nodes are not counted.

        Returns:
            A float array with one value per node: 0 for destinations, ``inf`` where no
            destination can be reached.
        """
        return self.distance_to_border("travel_days")

    def nodes_gdf(self) -> gpd.GeoDataFrame:
        """Return the nodes as points (EPSG:4326), with all the node columns."""
        import geopandas as gpd

        points = gpd.points_from_xy(self.nodes["lon"], self.nodes["lat"])
        return gpd.GeoDataFrame(self.nodes.copy(), geometry=points, crs="EPSG:4326")

    def edges_gdf(self) -> gpd.GeoDataFrame:
        """Return the edges as straight lines from source to target (EPSG:4326)."""
        import geopandas as gpd
        import shapely

        xy = self.nodes[["lon", "lat"]].to_numpy(float)
        coords = np.stack(
            [xy[self.edges["src"].to_numpy()], xy[self.edges["dst"].to_numpy()]], axis=1
        )
        lines = shapely.linestrings(coords)
        return gpd.GeoDataFrame(self.edges.copy(), geometry=lines, crs="EPSG:4326")

    def countries_gdf(self) -> gpd.GeoDataFrame:
        """Return the country and US-state outlines for maps (EPSG:4326).

        Read from ``countries.geojson`` in :attr:`source` if present, else from the default
        data folder.
        """
        import geopandas as gpd

        return gpd.read_file(self.countries_path()).set_crs("EPSG:4326", allow_override=True)

    def countries_path(self) -> Path:
        """Return the ``countries.geojson`` maps draw: the network's own, else the default."""
        path = self.source / COUNTRIES_FILE
        return path if path.is_file() else DATA_DIR / COUNTRIES_FILE


# ---------------------------------------------------------------------------- access, origins
def as_day(date: object) -> dt.date:
    """Return ``date`` as a :class:`datetime.date` (from a date, datetime or ISO string)."""
    if isinstance(date, dt.datetime):
        return date.date()
    if isinstance(date, dt.date):
        return date
    if isinstance(date, str):
        return dt.date.fromisoformat(date)
    raise TypeError(f"date must be a datetime.date or 'YYYY-MM-DD', got {date!r}")


def in_force(access: pd.DataFrame, day: dt.date) -> np.ndarray:
    """Return, per row of an access table, whether its closure covers ``day``."""
    return np.array(
        [
            (start is None or start <= day) and (end is None or day <= end)
            for start, end in zip(access["closed_from"], access["closed_until"], strict=True)
        ],
        dtype=bool,
    )


def leg_masks(access: pd.DataFrame, nodes: pd.DataFrame, edges: pd.DataFrame) -> np.ndarray:
    """Return, per row of an access table, the edges it closes: shape (rows, edges)."""
    mode = edges["mode"].to_numpy()
    into = nodes["country"].to_numpy()[edges["dst"].to_numpy()]
    return np.array(
        [(mode == m) & (into == c) for m, c in zip(access["mode"], access["country"], strict=True)],
        dtype=bool,
    ).reshape(len(access), len(edges))


def closed_by(
    access: pd.DataFrame,
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    nationalities: Sequence[str],
    day: dt.date,
) -> np.ndarray:
    """Return the legs closed to each nationality on ``day``: shape (nationalities, edges)."""
    nats = list(nationalities)
    out = np.zeros((len(nats), len(edges)), dtype=bool)
    if access.empty:
        return out
    active = in_force(access, day)
    if not active.any():
        return out
    masks = leg_masks(access, nodes, edges)
    row_nat = access["nationality"].to_numpy()
    for i, nat in enumerate(nats):
        mine = active & (row_nat == nat)
        if mine.any():
            out[i] = masks[mine].any(axis=0)
    return out


def access_changes(access: pd.DataFrame) -> list[dt.date]:
    """Return the sorted days on which a closure starts or (the day after it) ends."""
    days = {d for d in access["closed_from"] if d is not None}
    ends = [d for d in access["closed_until"] if d is not None and d != dt.date.max]
    days |= {d + dt.timedelta(days=1) for d in ends}
    return sorted(days)


def origin_shares(
    nodes: pd.DataFrame, origin_table: pd.DataFrame, nationalities: Sequence[str]
) -> pd.DataFrame:
    """Return nationality, node (index) and share of departures; see Network.origin_shares."""
    listed_nat = origin_table["nationality"].to_numpy()
    listed_node = origin_table["node_index"].to_numpy()
    listed_share = origin_table["share"].to_numpy()
    home = nodes["nationality"].to_numpy()
    weight = nodes["population"].to_numpy(float) + 1.0
    nats: list[str] = []
    where: list[np.ndarray] = []
    shares: list[np.ndarray] = []
    for nat in dict.fromkeys(nationalities):
        mine = listed_nat == nat
        if mine.any():
            node, share = listed_node[mine].astype(np.int64), listed_share[mine].astype(float)
        else:
            node = np.flatnonzero(home == nat).astype(np.int64)
            share = weight[node] / weight[node].sum() if len(node) else weight[node]
        nats += [nat] * len(node)
        where.append(node)
        shares.append(share)
    return pd.DataFrame(
        {
            "nationality": pd.Series(nats, dtype=object),
            "node": np.concatenate([np.zeros(0, np.int64), *where]),
            "share": np.concatenate([np.zeros(0), *shares]),
        }
    )
