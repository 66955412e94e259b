"""Routes taken: every agent holds one number that identifies the route it has followed so far.

A route id is a rolling hash of the places visited: ``id(route + place) = id(route) · P +
place + 1`` in 64-bit arithmetic (wrapping), so extending the routes of a whole batch of
agents is two vectorised operations. Each new (route, place) step is also noted once, so any
route can be spelled out again; the notes are de-duplicated as they accumulate.

Two different routes share an id only if the hash collides: with a few million distinct
routes and 64-bit ids that chance is below one in a million per run.
"""

from __future__ import annotations

import numpy as np

_P = np.uint64(0x9E3779B97F4A7C15)  # odd multiplier (the 64-bit golden ratio)
_COMPACT = 1 << 20  # de-duplicate the notes when this many have piled up

NO_ROUTE = np.uint64(0)
"""The id of the empty route, before the first place."""


class Paths:
    """Route ids and the notes needed to spell routes out as lists of node indices."""

    def __init__(self) -> None:
        self._notes: list[np.ndarray] = []  # arrays of rows (route, parent route, node)
        self._pending = 0
        self._parent: dict[int, tuple[int, int]] | None = None

    def extend(self, paths: np.ndarray, nodes: np.ndarray) -> np.ndarray:
        """Return the ids of ``paths`` each followed by the matching place in ``nodes``.

        Args:
            paths: route ids (``NO_ROUTE`` for agents that have not started one).
            nodes: node indices to append, same length.
        """
        with np.errstate(over="ignore"):
            new = paths * _P + (nodes.astype(np.uint64) + np.uint64(1))
        if new.size:
            self._notes.append(np.stack([new, paths, nodes.astype(np.uint64)], axis=1))
            self._pending += new.size
            self._parent = None
            if self._pending > _COMPACT:
                self._compact()
        return new

    def _compact(self) -> None:
        notes = np.concatenate(self._notes)
        _, first = np.unique(notes[:, 0], return_index=True)
        self._notes = [notes[first]]
        self._pending = first.size

    def nodes_of(self, path: int) -> list[int]:
        """Return the node indices of one route, first place first."""
        if self._parent is None:
            self._compact()
            rows = self._notes[0].tolist() if self._notes else []
            self._parent = {route: (parent, node) for route, parent, node in rows}
        out = []
        while path != NO_ROUTE:
            path, node = self._parent[int(path)]
            out.append(node)
        return out[::-1]
