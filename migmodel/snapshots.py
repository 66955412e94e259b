"""Weekly snapshots: people under way by place, status and flow pattern, and beliefs.

Counting every agent every day would cost as much as the model itself at full scale, so the
model takes a snapshot once a week (every seventh day from the start date): it looks only at
the agents still under way (those that ended their journey are dropped from the list as it
goes), and at the beliefs, which are a small table.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from migmodel.patterns import FLOW_PATTERNS
from migmodel.population import FINAL, TRAVELLING

if TYPE_CHECKING:
    from migmodel.model import MigrationModel

STOCK_STATUSES: tuple[str, ...] = ("travelling", "waiting", "queueing")
"""Statuses in the stocks: on a leg, at a place, at the border waiting for an appointment."""
WEEK = 7


class Snapshots:
    """The weekly stocks and beliefs of one run."""

    def __init__(self) -> None:
        self.dates: list[dt.date] = []
        self.stocks: list[np.ndarray] = []
        """Per snapshot: people by node × :data:`STOCK_STATUSES` × flow pattern."""
        self.border: list[np.ndarray] = []
        self.home: list[np.ndarray] = []
        self._active = np.zeros(0, dtype=np.int64)
        self._seen = 0

    def due(self, model: MigrationModel) -> bool:
        """Return whether today is a snapshot day (every seventh day from the start date)."""
        since = model.day - model.spinup
        return since >= 0 and since % WEEK == 0

    def take(self, model: MigrationModel) -> None:
        """Record today's stocks and beliefs."""
        pop = model.pop
        active = np.concatenate([self._active, np.arange(self._seen, pop.n)])
        active = active[~FINAL[pop.status[active]]]
        self._active, self._seen = active, pop.n
        status = np.where(pop.status[active] == TRAVELLING, 0, 1)
        status[pop.queued[active] >= 0] = 2
        cells = (len(STOCK_STATUSES), len(FLOW_PATTERNS))
        key = (pop.node[active].astype(np.int64) * cells[0] + status) * cells[1]
        key += pop.pattern[active]
        size = model.n_nodes * cells[0] * cells[1]
        counts = np.bincount(key, weights=pop.people[active], minlength=size)
        self.dates.append(model.date)
        self.stocks.append(counts.reshape(model.n_nodes, *cells))
        self.border.append(model.beliefs.border.copy())
        self.home.append(model.beliefs.home.copy())
