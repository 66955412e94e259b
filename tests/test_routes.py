"""Route choice (migmodel/routes.py) and route ids (migmodel/route_ids.py), on hand-worked cases.

The diamond network used throughout, one group of migrants, costs in brackets::

        (1)  1  (1)
      0 ----->-----  3   (3: the border)
        (2)  2  (0.5)

Edges: e0 = 0→1 (1), e1 = 0→2 (2), e2 = 1→3 (1), e3 = 2→3 (0.5). With sensitivity θ the
expected cost to the border is V(3) = 0, V(1) = 1, V(2) = 0.5 and
V(0) = −log(e^−θ·2 + e^−θ·2.5)/θ; at θ = 1, V(0) = 1.525923 and the choice at 0 is e0 with
probability 1/(1 + e^−0.5) = 0.622459, e1 with 0.377541.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from migmodel.route_ids import NO_ROUTE, Paths
from migmodel.routes import RouteTable

SRC = np.array([0, 0, 1, 2])
DST = np.array([1, 2, 3, 3])
ORDER = np.array([3, 1, 2, 0])  # every edge points to an earlier node: the border first
COST = np.array([[1.0, 2.0, 1.0, 0.5]])


def table(cost: np.ndarray = COST, sensitivity: float = 1.0) -> RouteTable:
    return RouteTable(SRC, DST, ORDER, cost, sensitivity, n_nodes=4)


def test_expected_cost_to_the_border_is_the_log_sum_worked_by_hand():
    routes = table()
    assert routes.value[0].tolist() == pytest.approx([1.525923, 1.0, 0.5, 0.0], abs=1e-6)
    assert routes.value[0, 0] == pytest.approx(-math.log(math.exp(-2) + math.exp(-2.5)))


def test_choice_probabilities_are_the_logit_of_cost_plus_value_ahead():
    routes = table()
    assert routes.probabilities(0, 0) == pytest.approx({0: 0.622459, 1: 0.377541}, abs=1e-6)
    assert routes.probabilities(0, 1) == {2: 1.0}
    assert routes.probabilities(0, 3) == {}  # the border: no onward edge


def test_sensitivity_zero_chooses_at_random_and_large_chooses_the_cheapest():
    assert table(sensitivity=0.0).probabilities(0, 0) == {0: 0.5, 1: 0.5}
    assert table(sensitivity=0.0).value[0, 0] == 2.0  # the cheapest route
    assert table(sensitivity=50.0).probabilities(0, 0)[0] == pytest.approx(1.0, abs=1e-10)


def test_dearer_leg_shifts_people_to_the_other_route_the_balloon_effect():
    # e0 costs 1 + d more: P(e0) = 1 / (1 + exp(-(0.5 - d)))
    for d in (0.0, 0.5, 2.0):
        cost = COST + np.array([[d, 0, 0, 0]])
        expected = 1 / (1 + math.exp(-(0.5 - d)))
        assert table(cost).probabilities(0, 0)[0] == pytest.approx(expected, abs=1e-9)


def test_each_group_has_its_own_costs_and_a_closed_leg_is_never_chosen():
    closed = COST.copy()
    closed[0, 0] = 1e6  # as the model closes a leg to a nationality
    routes = table(np.vstack([COST, closed]))
    assert routes.probabilities(0, 0)[0] == pytest.approx(0.622459, abs=1e-6)
    assert routes.probabilities(1, 0) == {0: 0.0, 1: 1.0}


def test_choose_maps_uniform_draws_onto_the_cumulative_probabilities():
    routes = table()
    group = np.zeros(5, dtype=np.int8)
    node = np.array([0, 0, 0, 1, 2])
    draws = np.array([0.0, 0.6, 0.7, 0.3, 0.99])
    assert routes.choose(group, node, draws).tolist() == [0, 0, 1, 2, 3]
    many = np.random.default_rng(0).random(100_000)
    chosen = routes.choose(np.zeros(many.size, np.int8), np.zeros(many.size, np.int64), many)
    assert (chosen == 0).mean() == pytest.approx(0.622459, abs=0.005)


def test_route_ids_spell_each_route_back_first_place_first():
    paths = Paths()
    start = np.full(3, NO_ROUTE)
    one = paths.extend(start, np.array([0, 0, 5]))
    two = paths.extend(one, np.array([1, 2, 6]))
    three = paths.extend(two[:2], np.array([3, 3]))
    assert paths.nodes_of(int(three[0])) == [0, 1, 3]
    assert paths.nodes_of(int(three[1])) == [0, 2, 3]
    assert paths.nodes_of(int(two[2])) == [5, 6]
    assert paths.nodes_of(int(NO_ROUTE)) == []
    assert paths.spell(np.array([three[0], two[2]])).tolist() == [[0, 1, 3], [-1, 5, 6]]
    assert one[0] == one[1] and two[0] != two[1]  # the same places, the same id
    again = paths.extend(np.full(1, NO_ROUTE), np.array([0]))
    assert again[0] == one[0]  # ids depend on the places alone, not on when they were made


def test_route_ids_and_routes_do_not_depend_on_the_size_of_the_cache():
    def walk(paths: Paths) -> np.ndarray:
        rng = np.random.default_rng(0)
        current = np.full(500, NO_ROUTE)
        for _ in range(8):
            current = paths.extend(current, rng.integers(0, 60, current.size))
            current[rng.random(current.size) < 0.1] = NO_ROUTE  # some start again
        return current

    small, large = Paths(agents=1), Paths()  # 4,096 slots (many collisions) and 2M
    ids_small, ids_large = walk(small), walk(large)
    assert np.array_equal(ids_small, ids_large)
    assert np.array_equal(small.spell(ids_small), large.spell(ids_large))
