"""The checked network: node and edge tables plus the views the engine and the maps need."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geo.paths import shortest_to_targets, travel_order
from geo.schema import COUNTRIES_FILE, DATA_DIR

if TYPE_CHECKING:
    import geopandas as gpd


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
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame
    node_index: dict[str, int]
    source: Path

    def __repr__(self) -> str:
        return f"Network({len(self.nodes)} nodes, {len(self.edges)} edges, from {self.source})"

    def origins(self) -> pd.DataFrame:
        """Return the nodes people depart from: those with a nationality.

        Returns:
            A copy of those rows of :attr:`nodes`, keeping the node indices as index.
        """
        return self.nodes[self.nodes["nationality"] != ""].copy()

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
