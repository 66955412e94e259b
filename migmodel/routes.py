"""Route choice: which edge a migrant takes next, computed per place and group of migrants.

Every edge has a generalised cost for each group of migrants (a nationality and a kind of
migrant, asylum seeker or evader: their costs and the legs open to them differ)::

    cost = days_weight·days + cost_weight·USD/1000 + risk_weight·hazard
           + enforcement_weight·P(apprehension)

Edges point the way migrants travel and the network has no cycles (``geo`` checks both), so
the places can be ordered with every edge pointing forward. The expected cost from a place to
the border, ``V``, is the "log-sum" over its onward edges, and an edge is chosen with
probability ∝ exp(-sensitivity·(cost + V(next))): the recursive logit model of route choice
(Fosgerau, Frejinger & Karlstrom 2013) on a directed acyclic network. Everyone of the same group
at the same place faces the same probabilities (Flee's lesson), so they are computed
once per place and group, and re-computed only when a policy changes an edge. Raising
enforcement on one edge raises its cost and shifts choices to the alternatives: displacement
(the balloon effect) follows from the rule, not from a special case.
"""

from __future__ import annotations

import numpy as np


class RouteTable:
    """Choice probabilities of onward edges for every (group, place).

    Args:
        src: source node of each edge.
        dst: target node of each edge.
        order: the nodes, ordered so that every edge points to an earlier node.
        cost: generalised cost per group and edge, shape (groups, edges).
        sensitivity: the logit scale (per unit of generalised cost).
        n_nodes: number of nodes.
    """

    def __init__(
        self,
        src: np.ndarray,
        dst: np.ndarray,
        order: np.ndarray,
        cost: np.ndarray,
        sensitivity: float,
        n_nodes: int,
    ) -> None:
        n_groups = cost.shape[0]
        edges = np.argsort(src, kind="stable")
        value = np.zeros((n_groups, n_nodes))
        out_of = {u: edges[src[edges] == u] for u in np.unique(src[edges]).tolist()}
        for u in order.tolist():  # nearest to the border first, so V(next) is known
            out = out_of.get(u)
            if out is None:
                continue
            total = cost[:, out] + value[:, dst[out]]
            low = total.min(axis=1, keepdims=True)
            logsum = np.log(np.exp(-sensitivity * (total - low)).sum(axis=1))
            value[:, u] = low[:, 0] - logsum / sensitivity if sensitivity > 0 else low[:, 0]
        self.value = value
        """Expected generalised cost to the border, per group and node."""

        total = cost[:, edges] + value[:, dst[edges]] - value[:, src[edges]]
        prob = np.exp(-sensitivity * total) if sensitivity > 0 else np.ones_like(total)
        group = np.arange(n_groups)[:, None] * n_nodes + src[edges][None, :]
        flat_group, flat_prob = group.ravel(), prob.ravel()
        sums = np.bincount(flat_group, weights=flat_prob, minlength=n_groups * n_nodes)
        flat_prob = flat_prob / sums[flat_group]
        cum = np.cumsum(flat_prob)
        start = np.r_[0, np.flatnonzero(np.diff(flat_group)) + 1]
        cum -= np.repeat(cum[start] - flat_prob[start], np.diff(np.r_[start, cum.size]))
        last = np.r_[start[1:] - 1, cum.size - 1]
        cum[last] = 1.0
        self.keys = flat_group + cum
        """Group index plus cumulative probability: monotone, searched for a choice."""
        self.edge = np.tile(edges, n_groups)
        """The edge each key stands for."""
        self.prob = flat_prob.reshape(n_groups, edges.size)
        """Choice probability of each allowed edge (columns as ``edges``), per group."""
        self.edges = edges
        self._src = src[edges]
        self._n_nodes = n_nodes

    def choose(self, group: np.ndarray, node: np.ndarray, draws: np.ndarray) -> np.ndarray:
        """Return the edge chosen by each migrant, given uniform draws in [0, 1).

        Args:
            group: route-choice group of each migrant (``MigrationModel.group``).
            node: node index where each migrant stands.
            draws: one uniform random number per migrant.
        """
        key = group.astype(np.int64) * self._n_nodes + node
        return self.edge[np.searchsorted(self.keys, key + draws, side="right")]

    def probabilities(self, group: int, node: int) -> dict[int, float]:
        """Return {edge: choice probability} for one group at one node."""
        here = self._src == node
        return dict(zip(self.edges[here].tolist(), self.prob[group, here].tolist(), strict=True))
