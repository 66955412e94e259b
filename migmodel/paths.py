"""Routes taken, stored once each: every agent holds the id of the route it has followed so far.

Routes share their beginnings, so they form a tree (a trie) of places: a route id names a
place and the id of the route before it. Extending the routes of a whole batch of agents is
one dictionary look-up per distinct (route, next place) pair, not per agent, and a million
journeys over a few thousand distinct routes cost a few megabytes.
"""

from __future__ import annotations

import numpy as np


class Paths:
    """A trie of routes over node indices."""

    def __init__(self, n_nodes: int) -> None:
        self._n_nodes = n_nodes
        self._child: dict[int, int] = {}
        self.parent: list[int] = []
        self.node: list[int] = []

    def extend(self, paths: np.ndarray, nodes: np.ndarray) -> np.ndarray:
        """Return the ids of ``paths`` each followed by the matching place in ``nodes``.

        Args:
            paths: route ids, or -1 for "no route yet".
            nodes: node indices to append, same length.
        """
        keys = (paths.astype(np.int64) + 1) * self._n_nodes + nodes
        unique, inverse = np.unique(keys, return_inverse=True)
        ids = np.empty(unique.size, dtype=np.int32)
        for i, key in enumerate(unique.tolist()):
            found = self._child.get(key)
            if found is None:
                found = len(self.node)
                self._child[key] = found
                self.parent.append(key // self._n_nodes - 1)
                self.node.append(key % self._n_nodes)
            ids[i] = found
        return ids[inverse]

    def nodes_of(self, path: int) -> list[int]:
        """Return the node indices of one route, first place first."""
        out = []
        while path >= 0:
            out.append(self.node[path])
            path = self.parent[path]
        return out[::-1]
