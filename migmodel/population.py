"""The migrants' state, one row per agent, held as NumPy columns.

Every agent is a row: where it comes from, who it is, where it is, what it is doing and what
happened to it. Keeping the population in columns lets each day's decisions be made for all
the agents that face one at once (see ``docs/ODD.md``, "Scheduling"); :class:`~migmodel.agents.
Migrant` gives a Mesa-agent view of one row.
"""

from __future__ import annotations

import numpy as np

STATUSES: tuple[str, ...] = (
    "travelling",  # on an edge between two places
    "waiting",  # at a place: documents, a smuggler, an appointment, work, or before re-trying
    "released_in_us",  # encountered at the US border and released to pursue a claim
    "evaded_into_us",  # crossed into the US without being encountered
    "entered_legally",  # at a port of entry with an appointment
    "returned",  # removed or deported and did not try again, or went home from the border
    "died",  # died or went missing on the way
    "settled_in_mexico",  # gave up crossing and stayed to live and work in Mexico
)
"""Agent statuses, in the order used for integer codes; all but the first two end a journey."""

TRAVELLING, WAITING, RELEASED, EVADED, LEGAL, RETURNED, DIED, SETTLED = range(len(STATUSES))
FINAL = np.array([False, False, *[True] * (len(STATUSES) - 2)])

KINDS: tuple[str, ...] = ("asylum_seeker", "evader")
"""How a migrant means to cross the US border: asylum seekers surrender to the Border Patrol
(being encountered is their goal, and they pay no smuggler to cross); evaders pay smugglers
and avoid it. People with an appointment are asylum seekers or evaders who waited for one."""
ASYLUM, EVADER = range(len(KINDS))

_COLUMNS: dict[str, type] = {
    "origin": np.int16,  # node index of the origin
    "nationality": np.int8,
    "pattern": np.int8,
    "kind": np.int8,  # index into KINDS
    "group": np.int8,  # route-choice group: nationality × kind (MigrationModel.group)
    "people": np.float32,  # people the agent stands for: party size × people per agent
    "budget": np.float32,  # USD per person left
    "node": np.int16,  # current node (the node it left, while travelling)
    "edge": np.int16,  # current edge while travelling, else -1
    "status": np.int8,
    "path": np.uint64,  # id of the route of the current attempt (see :mod:`migmodel.route_ids`)
    "depart_day": np.int32,
    "end_day": np.int32,  # day the journey ended, -1 while under way
    "attempts": np.int16,
    "encounters": np.int16,  # US border encounters so far
    "queued": np.int32,  # day it joined the queue for a port appointment, -1 if not in it
}


class Population:
    """Growable columns of agent state; ``len(pop)`` is the number of agents so far."""

    def __init__(self, capacity: int = 1024) -> None:
        self.n = 0
        self._cap = max(16, capacity)
        for name, dtype in _COLUMNS.items():
            setattr(self, name, np.zeros(self._cap, dtype=dtype))

    def __len__(self) -> int:
        return self.n

    def add(self, count: int, **values: np.ndarray | int | float) -> np.ndarray:
        """Append ``count`` agents with the given column values; return their ids."""
        if self.n + count > self._cap:
            self._grow(self.n + count)
        rows = slice(self.n, self.n + count)
        for name, value in values.items():
            getattr(self, name)[rows] = value
        self.n += count
        return np.arange(rows.start, rows.stop)

    def column(self, name: str) -> np.ndarray:
        """Return the filled part of one column (a view)."""
        return getattr(self, name)[: self.n]

    def _grow(self, need: int) -> None:
        self._cap = max(need, int(self._cap * 1.5))
        for name in _COLUMNS:
            old = getattr(self, name)
            new = np.zeros(self._cap, dtype=old.dtype)
            new[: self.n] = old[: self.n]
            setattr(self, name, new)
