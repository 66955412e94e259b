"""The geography of migmodel: a directed network of places and the routes between them.

A network is a folder of plain files a user can read and edit: ``nodes.csv`` (places),
``edges.csv`` (directed legs with mode, distance, days, cost, hazard and enforcing authority)
and optionally ``access.csv`` (dated entry regimes: legs a nationality may not use in a
period), ``origins.csv`` (where onward movers set out) and ``countries.geojson`` (outlines
for maps). The default network is in :data:`DATA_DIR`; its sources are listed in
``data/ATTRIBUTION.md``.

Example::

    from geo import load_network

    net = load_network()                     # or load_network("path/to/folder")
    net.nodes, net.edges                     # pandas DataFrames
    net.distance_to_border_days()            # fewest travel days to the US, per node
    net.closed_legs(["VEN"], date)           # legs Venezuelans may not use that day
    net.origin_shares(["VEN", "GTM"])        # where each nationality sets out, with shares
"""

from geo.errors import NetworkError
from geo.loader import load_network
from geo.network import Network
from geo.schema import AUTHORITIES, DATA_DIR, KINDS, MODES

__all__ = [
    "AUTHORITIES",
    "DATA_DIR",
    "KINDS",
    "MODES",
    "Network",
    "NetworkError",
    "load_network",
]
