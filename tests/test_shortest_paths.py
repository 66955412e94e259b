"""Shortest paths and the travel order of the network (geo/shortest_paths.py), by hand."""

from __future__ import annotations

import numpy as np

from geo.shortest_paths import shortest_to_targets, travel_order

# 0 → 1 → 3 takes 2 + 2 days, 0 → 2 → 3 takes 1 + 5, 2 → 4 → 3 takes 1 + 1; 5 reaches nothing
SRC = np.array([0, 1, 0, 2, 2, 4])
DST = np.array([1, 3, 2, 3, 4, 3])
DAYS = np.array([2.0, 2.0, 1.0, 5.0, 1.0, 1.0])


def test_shortest_distance_to_the_nearest_target_worked_by_hand():
    dist = shortest_to_targets(6, SRC, DST, DAYS, np.array([3]))
    # 0: min(2 + 2, 1 + 5, 1 + 1 + 1) = 3; 2: min(5, 1 + 1) = 2
    assert dist[:5].tolist() == [3.0, 2.0, 2.0, 0.0, 1.0]
    assert np.isinf(dist[5])


def test_several_targets_each_node_takes_the_nearest():
    dist = shortest_to_targets(6, SRC, DST, DAYS, np.array([3, 1]))
    assert dist[:5].tolist() == [2.0, 0.0, 2.0, 0.0, 1.0]


def test_edges_point_one_way_a_target_does_not_reach_back():
    dist = shortest_to_targets(3, np.array([0, 1]), np.array([1, 2]), np.ones(2), np.array([1]))
    assert dist.tolist() == [1.0, 0.0, np.inf]


def test_travel_order_puts_every_edge_forward():
    order, cycle = travel_order(6, SRC, DST)
    position = {node: i for i, node in enumerate(order.tolist())}
    assert cycle == [] and sorted(position) == list(range(6))
    assert all(position[s] < position[d] for s, d in zip(SRC, DST, strict=True))


def test_travel_order_names_a_cycle():
    src, dst = np.array([0, 1, 2, 3]), np.array([1, 2, 1, 1])  # 1 → 2 → 1
    order, cycle = travel_order(4, src, dst)
    assert order.tolist() == [3, 0] or order.tolist() == [0, 3]
    assert sorted(cycle) == [1, 2]
