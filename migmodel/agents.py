"""Migrant: the Mesa agent view of one migrant (one row of the population).

The model keeps its migrants' state in columns (:mod:`migmodel.population`) so that a day's
decisions are taken for all the migrants facing one at once. ``model.migrant(i)`` returns a
:class:`Migrant`, a ``mesa.Agent`` whose attributes read and describe that row: what the app
follows on the map and what a user inspects in a notebook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from migmodel.patterns import FLOW_PATTERNS, NATIONALITIES
from migmodel.population import STATUSES

if TYPE_CHECKING:
    from migmodel.model import MigrationModel


class Migrant(mesa.Agent):
    """One migrant (a party of ``people`` people) as a Mesa agent.

    Args:
        model: the model the migrant belongs to.
        row: the migrant's row in ``model.pop``.
    """

    def __init__(self, model: MigrationModel, row: int) -> None:
        super().__init__(model)
        self.row = row

    def _get(self, column: str) -> int | float:
        return getattr(self.model.pop, column)[self.row].item()

    @property
    def nationality(self) -> str:
        """ISO3 nationality (``OTH``: outside the Americas or other South America)."""
        return NATIONALITIES[self._get("nationality")]

    @property
    def flow_pattern(self) -> str:
        """The seed-004 flow pattern."""
        return FLOW_PATTERNS[self._get("pattern")]

    @property
    def people(self) -> float:
        """How many people this agent stands for."""
        return self._get("people")

    @property
    def status(self) -> str:
        """Current status, one of :data:`~migmodel.population.STATUSES`."""
        return STATUSES[self._get("status")]

    @property
    def place(self) -> str:
        """Id of the place where the migrant is (or which it left, while travelling)."""
        return self.model.network.nodes["id"].iat[self._get("node")]

    @property
    def origin(self) -> str:
        """Id of the origin place."""
        return self.model.network.nodes["id"].iat[self._get("origin")]

    @property
    def budget_usd(self) -> float:
        """Money left per person, in USD."""
        return self._get("budget")

    @property
    def route(self) -> list[str]:
        """Ids of the places of the current attempt so far, first place first.

        A migrant sent back who tries again starts a new route where it was sent.
        """
        ids = self.model.network.nodes["id"].to_numpy()
        return [ids[n] for n in self.model.paths.nodes_of(self._get("path"))]

    def __repr__(self) -> str:
        return (
            f"Migrant({self.row}: {self.nationality} {self.flow_pattern}, {self.status} "
            f"at {self.place})"
        )
