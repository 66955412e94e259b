"""Shortest paths on the network, written out so the geography needs no graph library."""

from __future__ import annotations

import heapq

import numpy as np


def shortest_to_targets(
    n_nodes: int,
    src: np.ndarray,
    dst: np.ndarray,
    weight: np.ndarray,
    targets: np.ndarray,
) -> np.ndarray:
    """Length of the shortest directed path from every node to the nearest target.

    Dijkstra's algorithm run backwards from all targets at once, over reversed edges.

    Args:
        n_nodes: number of nodes; nodes are the integers ``0 .. n_nodes - 1``.
        src: source node of each edge.
        dst: target node of each edge.
        weight: non-negative length of each edge.
        targets: indices of the target nodes (distance 0).

    Returns:
        A float array of length ``n_nodes``: the distance, or ``inf`` where no target can be
        reached.
    """
    incoming: list[list[tuple[int, float]]] = [[] for _ in range(n_nodes)]
    for s, d, w in zip(src.tolist(), dst.tolist(), weight.tolist(), strict=True):
        incoming[d].append((s, float(w)))
    dist = np.full(n_nodes, np.inf)
    heap: list[tuple[float, int]] = []
    for t in np.asarray(targets, dtype=int).tolist():
        dist[t] = 0.0
        heap.append((0.0, t))
    heapq.heapify(heap)
    while heap:
        d, node = heapq.heappop(heap)
        if d > dist[node]:
            continue
        for prev, w in incoming[node]:
            nd = d + w
            if nd < dist[prev]:
                dist[prev] = nd
                heapq.heappush(heap, (nd, prev))
    return dist


def travel_order(n_nodes: int, src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Order the nodes so that every edge points from an earlier to a later node.

    Kahn's algorithm. Edges point the way migrants travel, so a network without cycles has
    such an order; route choice works back along it from the border.

    Args:
        n_nodes: number of nodes.
        src: source node of each edge.
        dst: target node of each edge.

    Returns:
        ``(order, cycle)``: the node order (origins first) and, if the edges form a cycle, the
        nodes of one cycle (else an empty list; the order then omits the nodes on or behind it).
    """
    indegree = np.bincount(dst, minlength=n_nodes)
    outgoing: list[list[int]] = [[] for _ in range(n_nodes)]
    for s, d in zip(src.tolist(), dst.tolist(), strict=True):
        outgoing[s].append(d)
    ready = [i for i in range(n_nodes) if indegree[i] == 0]
    order: list[int] = []
    while ready:
        node = ready.pop()
        order.append(node)
        for nxt in outgoing[node]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                ready.append(nxt)
    if len(order) == n_nodes:
        return np.array(order), []
    # every left-over node still has a left-over predecessor: walk back until one repeats
    left = set(range(n_nodes)) - set(order)
    incoming: list[list[int]] = [[] for _ in range(n_nodes)]
    for s, d in zip(src.tolist(), dst.tolist(), strict=True):
        incoming[d].append(s)
    node, seen = min(left), []
    while node not in seen:
        seen.append(node)
        node = next(p for p in incoming[node] if p in left)
    return np.array(order), seen[seen.index(node) :][::-1]
