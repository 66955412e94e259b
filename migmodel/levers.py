"""Today's levers and what they make of the network: step 1 of the day.

The policies in force set today's levers, and those announced but not yet in force set what
people *expect* (:class:`~migmodel.regime.Regime` builds both, again only when a strength
changes). When the levers in force change, or an entry regime of ``access.csv`` starts or
ends, every leg's effective attributes are worked out again for each route-choice group
(nationality × kind): apprehension chance, cost, travel days and hazard; and from them route
choice (:class:`~migmodel.routes.RouteTable`), the expected cost of the journey from each
origin (:func:`~migmodel.rules.departure.route_value`) and an evader's chance of a US
encounter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from migmodel.patterns import FLOW_PATTERNS, NATIONALITIES
from migmodel.policy import Levers
from migmodel.population import ASYLUM, KINDS
from migmodel.routes import RouteTable
from migmodel.rules import departure

if TYPE_CHECKING:
    from migmodel.model import MigrationModel

_CLOSED = 1e6
"""Generalised cost of a leg a nationality may not use: its choice probability is 0."""


def neutral_levers(model: MigrationModel) -> Levers:
    """Return the levers before any policy acts: the scenario's own values."""
    m, s = len(model.src), model.scenario

    def by_pattern(key: str) -> np.ndarray:
        return np.array([s[key][p] for p in FLOW_PATTERNS])

    def by_nationality(key: str) -> np.ndarray:
        return by_pattern(key)[model.nat_pattern]

    return Levers(
        apprehension=np.ones(m),
        cost=np.ones(m),
        travel_days=np.ones(m),
        hazard=np.ones(m),
        interdiction=np.zeros(m),
        departures=np.ones(len(NATIONALITIES)),
        removal_share=by_nationality("removal_share"),
        expel_to_mexico=by_nationality("expel_to_mexico_share"),
        border_reattempt_share=by_pattern("border_reattempt_share"),
        mexico_deportation=by_pattern("mexico_deportation_share"),
        mexico_relocation=by_pattern("mexico_relocation_share"),
        appointments=np.zeros(1),
    )


def update_levers(model: MigrationModel) -> None:
    """Set today's levers and announced levers; apply them if the levers in force changed."""
    changed = model.date in model.access_dates
    if model.policies:
        levers = model.regime.levers(model.date, announced=False)
        changed |= levers is not model.levers and not levers.equals(model.levers)
        if any(p.announcing(model.date) for p in model.policies):
            model.announced = model.regime.levers(model.date, announced=True)
        else:
            model.announced = levers
        if changed:
            apply_levers(model, levers)
    elif changed:
        apply_levers(model, model.levers)


def apply_levers(model: MigrationModel, levers: Levers) -> None:
    """Set the effective edge attributes from ``levers`` and rebuild route choice."""
    w = model.scenario["route_choice"]
    model.levers = levers
    chance = model.base_apprehension * levers.apprehension + levers.interdiction
    chance[np.ix_(model.group_kind == ASYLUM, model.us_edge)] = 1.0  # they surrender
    model.apprehension = np.clip(chance, 0.0, 1.0)
    model.cost = np.tile(model.base_cost * levers.cost, (model.group_kind.size, 1))
    model.cost[np.ix_(model.group_kind == ASYLUM, model.us_edge)] = 0.0  # no smuggler
    model.travel_days = np.maximum(1, np.rint(model.base_days * levers.travel_days)).astype(int)
    model.hazard = np.clip(model.base_hazard * levers.hazard, 0.0, 1.0)
    evading = model.apprehension * (model.group_kind[:, None] != ASYLUM)
    cost = (
        w["days_weight"] * model.travel_days
        + w["cost_weight"] * model.cost / 1000.0
        + w["risk_weight"] * model.hazard
        + w["enforcement_weight"] * np.where(model.us_edge, evading, model.apprehension)
    )
    closed = model.network.closed_legs(NATIONALITIES, model.date)
    cost = cost + _CLOSED * np.repeat(closed, len(KINDS), axis=0)
    model.routes = RouteTable(
        model.src, model.dst, model.travel_order, cost, w["sensitivity"], model.n_nodes
    )
    model.journey_cost = departure.route_value(model)
    """Expected generalised cost from each origin row to the border, under these levers."""
    us = model.apprehension[model.group_kind != ASYLUM][:, model.us_edge]
    model.us_encounter = us.mean(axis=1) if us.size else np.zeros(len(NATIONALITIES))
    """Chance that an evader's crossing ends in a US encounter, per nationality."""
