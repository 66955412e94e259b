"""Routes taken: every agent holds one number that identifies the route it has followed so far.

A route id is a rolling hash of the places visited: ``id(route + place) = id(route) · P +
place + 1`` in 64-bit arithmetic (wrapping), so extending the routes of a whole batch of
agents is two vectorised operations. Each new (route, place) step is also noted, so any
route can be spelled out again. Most steps repeat one already noted (many migrants take the
same roads), so a direct-mapped cache of recent ids filters them out before noting; the few
notes left are de-duplicated whenever they have doubled.

Two different routes share an id only if the hash collides: with a few million distinct
routes and 64-bit ids that chance is below one in a million per run.
"""

from __future__ import annotations

import numpy as np

_P = np.uint64(0x9E3779B97F4A7C15)  # odd multiplier (the 64-bit golden ratio)
_MIN_COMPACT = 1 << 20  # never de-duplicate fewer notes than this
_CACHE_BITS = 21  # at most 2M recent ids (32 MB with their owners)
_MIN_CACHE_BITS = 12
_SLOTS_PER_AGENT = 8  # the cache's size for a run of a given number of agents

_ONE = np.uint64(1)

NO_ROUTE = np.uint64(0)
"""The id of the empty route, before the first place."""


class Paths:
    """Route ids and the notes needed to spell routes out as lists of node indices.

    Args:
        agents: about how many agents the run will have, to size the cache of recent ids
            (a run with few agents then touches a few pages, not 32 MB); by default the
            largest cache. The ids and the routes spelled out do not depend on it.
    """

    def __init__(self, agents: int | None = None) -> None:
        bits = _CACHE_BITS
        if agents is not None:
            bits = min(_CACHE_BITS, max(_MIN_CACHE_BITS, (_SLOTS_PER_AGENT * agents).bit_length()))
        self._shift = np.uint64(64 - bits)
        self._notes: list[np.ndarray] = []  # arrays of rows (route, parent route, node)
        self._pending = 0  # rows noted since the last de-duplication
        self._kept = 0  # distinct rows kept by it
        self._sorted = True  # whether _notes is one array sorted by route id
        self._recent = np.zeros(1 << bits, dtype=np.uint64)  # ids certainly noted
        self._owner = np.zeros(1 << bits, dtype=np.int64)  # batch row that set the slot

    def extend(self, paths: np.ndarray, nodes: np.ndarray) -> np.ndarray:
        """Return the ids of ``paths`` each followed by the matching place in ``nodes``.

        Args:
            paths: route ids (``NO_ROUTE`` for agents that have not started one).
            nodes: node indices to append, same length.
        """
        if paths.size == 0:
            return np.zeros(0, dtype=np.uint64)
        # Arithmetic on uint64 arrays wraps around silently, as the hash wants.
        new = paths * _P
        new += nodes.astype(np.uint64)
        new += _ONE
        slot = ((new * _P) >> self._shift).astype(np.intp)
        fresh = (self._recent[slot] != new).nonzero()[0]
        if fresh.size:
            # Note each fresh id once. When a batch holds an id several times, the last row
            # to write its slot owns it and is the one noted; a row whose slot ends up holding
            # another id (a collision in the cache) is noted as well.
            where, ids = slot[fresh], new[fresh]
            self._recent[where], self._owner[where] = ids, fresh
            keep = fresh[(self._owner[where] == fresh) | (self._recent[where] != ids)]
            new_ids = new[keep]
            note = np.empty((new_ids.size, 3), dtype=np.uint64)
            note[:, 0], note[:, 1], note[:, 2] = new_ids, paths[keep], nodes[keep]
            self._notes.append(note)
            self._pending += new_ids.size
            self._sorted = False
            if self._pending > max(_MIN_COMPACT, self._kept):
                self._compact()
        return new

    def _compact(self) -> None:
        if self._sorted:
            return
        notes = np.concatenate(self._notes) if self._notes else np.zeros((0, 3), np.uint64)
        _, first = np.unique(notes[:, 0], return_index=True)  # sorted by route id
        self._notes = [notes[first]]
        self._kept, self._pending, self._sorted = first.size, 0, True

    def spell(self, paths: np.ndarray) -> np.ndarray:
        """Return the node indices of each route in ``paths``, one row per route.

        Rows are right-aligned: a route's last place is in the last column and shorter routes
        are padded with -1 at the front.
        """
        self._compact()
        table = self._notes[0] if self._notes else np.zeros((1, 3), np.uint64)
        keys = table[:, 0]
        current = np.array(paths, dtype=np.uint64)  # a copy: it is walked back
        steps = []  # steps[k]: the k-th place from the end, for the routes at least k+1 long
        active = np.flatnonzero(current != NO_ROUTE)
        while active.size:
            row = np.minimum(np.searchsorted(keys, current[active]), len(table) - 1)
            step = np.full(current.size, -1, dtype=np.int32)  # half the memory of int64
            step[active] = table[row, 2]
            steps.append(step)
            current[active] = table[row, 1]
            active = active[current[active] != NO_ROUTE]
        if not steps:
            return np.full((current.size, 0), -1, dtype=np.int32)
        return np.stack(steps[::-1], axis=1)

    def nodes_of(self, path: int) -> list[int]:
        """Return the node indices of one route, first place first."""
        row = self.spell(np.array([path], dtype=np.uint64))[0]
        return row[row >= 0].tolist()
