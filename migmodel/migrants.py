"""The migrants of a model, filtered by status, flow pattern, nationality or place.

The model keeps its migrants in NumPy columns (:mod:`migmodel.population`), not as Mesa agent
objects: one agent per person over five years is millions of agents, and a day's decisions are
taken for all those facing one at once (``docs/ODD.md``, "Why columns"). ``model.migrants(...)``
gives a :class:`Migrants` view over them::

    model.migrants(status="waiting", pattern="crisis_states", place="tapachula")
    view.to_frame()   # one row per migrant, as a pandas DataFrame
    view.agents()     # the same migrants as a Mesa AgentSet of Migrant agents
    len(view), view.people

A view is lazy: it holds the filter, not the rows, and reads the columns each time it is used,
so a view kept while the model steps always shows the migrants as they are now.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from mesa.agent import AgentSet

from migmodel.agents import Migrant
from migmodel.inputs import unknown_key
from migmodel.patterns import FLOW_PATTERNS, NATIONALITIES
from migmodel.population import FINAL, KINDS, STATUSES

if TYPE_CHECKING:
    from migmodel.model import MigrationModel

UNDER_WAY = "under_way"
"""A status filter meaning travelling or waiting: every migrant whose journey has not ended."""


class Migrants:
    """A lazy, filtered view of a model's migrants (see :meth:`MigrationModel.migrants`).

    Args:
        model: the model whose migrants to show.
        status: a status of :data:`~migmodel.population.STATUSES`, ``"under_way"``, or a
            list of them; None for any.
        pattern: a flow pattern or a list of them; None for any.
        nationality: an ISO3 nationality or a list of them; None for any.
        place: a place id of the network (where the migrant is, or the place it left while
            travelling) or a list of them; None for any.

    Raises:
        ValueError: a name that is not a status, pattern, nationality or place; the message
            lists what is allowed.
    """

    def __init__(
        self,
        model: MigrationModel,
        status: str | Iterable[str] | None = None,
        pattern: str | Iterable[str] | None = None,
        nationality: str | Iterable[str] | None = None,
        place: str | Iterable[str] | None = None,
    ) -> None:
        self.model = model
        self._shown = {
            k: v
            for k, v in (
                ("status", status),
                ("pattern", pattern),
                ("nationality", nationality),
                ("place", place),
            )
            if v is not None
        }
        places = tuple(model.network.nodes["id"])
        self._filters = {
            column: _codes(name, value, allowed)
            for name, column, value, allowed in (
                ("status", "status", status, (*STATUSES, UNDER_WAY)),
                ("pattern", "pattern", pattern, FLOW_PATTERNS),
                ("nationality", "nationality", nationality, NATIONALITIES),
                ("place", "node", place, places),
            )
            if value is not None
        }
        if "status" in self._filters:  # under_way: the statuses that end no journey
            wanted = self._filters["status"]
            if len(STATUSES) in wanted:
                under_way = np.flatnonzero(~FINAL)
                self._filters["status"] = np.union1d(wanted[wanted < len(STATUSES)], under_way)

    @property
    def rows(self) -> np.ndarray:
        """The rows of the migrants shown now (indices into ``model.pop``)."""
        pop = self.model.pop
        keep = np.ones(pop.n, dtype=bool)
        for column, codes in self._filters.items():
            keep &= np.isin(pop.column(column), codes)
        return np.flatnonzero(keep)

    def __len__(self) -> int:
        return int(self.rows.size)

    def __iter__(self) -> Iterator[Migrant]:
        return (self.model.migrant(int(row)) for row in self.rows)

    @property
    def people(self) -> float:
        """The people these migrants stand for."""
        return float(self.model.pop.column("people")[self.rows].sum())

    def agents(self) -> AgentSet:
        """Return these migrants as a Mesa ``AgentSet`` of :class:`~migmodel.agents.Migrant`.

        Each agent reads its row when asked, so ``agents.select(...)``, ``agents.agg(...)``
        and ``agents.get("status")`` work as in any Mesa model. Mesa registers every agent
        made with ``model.agents``, so those shown here join it (once each). One Python
        object per migrant: for many thousands, :meth:`to_frame` is far faster.
        """
        return AgentSet(list(self), random=self.model.random)

    def to_frame(self) -> pd.DataFrame:
        """Return one row per migrant shown now, indexed by its row in ``model.pop``.

        Columns: ``nationality``, ``flow_pattern``, ``kind``, ``status``, ``place``,
        ``origin``, ``people``, ``budget_usd`` (per person), ``depart_date``, ``attempts``
        and ``us_encounters``.
        """
        pop, rows = self.model.pop, self.rows
        ids = self.model.network.nodes["id"].to_numpy()

        def coded(column: str, labels: Iterable[str]) -> pd.Categorical:
            return pd.Categorical.from_codes(pop.column(column)[rows], categories=list(labels))

        depart = pop.column("depart_day")[rows]
        return pd.DataFrame(
            {
                "nationality": coded("nationality", NATIONALITIES),
                "flow_pattern": coded("pattern", FLOW_PATTERNS),
                "kind": coded("kind", KINDS),
                "status": coded("status", STATUSES),
                "place": ids[pop.column("node")[rows]],
                "origin": ids[pop.column("origin")[rows]],
                "people": pop.column("people")[rows].astype(float),
                "budget_usd": pop.column("budget")[rows].astype(float),
                "depart_date": pd.Timestamp(self.model.first_date)
                + pd.to_timedelta(depart, unit="D"),
                "attempts": pop.column("attempts")[rows],
                "us_encounters": pop.column("encounters")[rows],
            },
            index=pd.Index(rows, name="row"),
        )

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self._shown.items()) or "all"
        return f"Migrants({shown}: {len(self)} agents, {self.people:,.0f} people)"


def _codes(what: str, value: str | Iterable[str], allowed: tuple[str, ...]) -> np.ndarray:
    """Return the integer codes of the names in ``value`` (one name or several)."""
    names = [value] if isinstance(value, str) else list(value)
    for name in names:
        if name not in allowed:
            raise ValueError(unknown_key(what, str(name), allowed).replace("key", what, 1))
    return np.array([allowed.index(name) for name in names], dtype=np.int64)
