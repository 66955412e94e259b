"""Departure: who sets out today, and as what kind of migrant.

The push to leave sets a *pool* of would-be migrants per nationality and day: the scenario's
``departures`` times its ``push`` index (and the month's ``drivers``), the policies'
multipliers, and the calendar (:mod:`migmodel.rules.season`). Of the pool, the share that
actually sets out depends on what people at home expect an attempt to bring (Todaro 1969:
migration responds to *expected* gains, the chance of getting in and staying times what it
is worth, net of the cost of getting there)::

    share = (B / B₀)^elasticity · exp(-cost_weight · (V - V₀))        (at most max_factor)

``B`` is the believed chance of staying in the US at home (:mod:`~migmodel.rules.beliefs`),
averaged over the nationality's asylum seekers and evaders, and ``V`` the expected generalised
cost (time, money, danger, enforcement) of the journey from the origin, the log-sum of route
choice (:mod:`migmodel.routes`); ``B₀`` and ``V₀`` are their values at the start, for which
the scenario's ``departures`` are set. So a harsher regime at the border deters departures
once the news reaches home, and a door rumoured to open draws a surge. Elasticity 1 makes
departures proportional to the chance of success, as in Todaro's model; Hanson & Spilimbergo
(1999) and Angelucci (2012) find departures from Mexico respond to border enforcement and
relative wages with elasticities below 1 in magnitude (``docs/ODD.md`` gives the values used).

Legal pathways (:meth:`~migmodel.policy.Policy.divert`) take some of those about to leave.
Each migrant is an asylum seeker with the nationality's ``asylum_seeker_share``, otherwise an
evader (:data:`~migmodel.population.KINDS`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from migmodel.measures import M
from migmodel.patterns import FLOW_PATTERNS, NATIONALITIES
from migmodel.population import ASYLUM, EVADER, KINDS, WAITING
from migmodel.route_ids import NO_ROUTE
from migmodel.rules.season import departure_factor

if TYPE_CHECKING:
    from migmodel.model import MigrationModel

_BUDGET_SIGMA = 0.5
"""Log-normal spread of journey budgets (judgement)."""


def route_value(model: MigrationModel) -> np.ndarray:
    """Return the expected generalised cost from each origin row to the border, kinds mixed."""
    value = model.routes.value.reshape(len(NATIONALITIES), len(KINDS), -1)
    nat, node = model.origin_nat, model.origin_node
    asylum = model.asylum_share[nat]
    return asylum * value[nat, ASYLUM, node] + (1 - asylum) * value[nat, EVADER, node]


def willing(model: MigrationModel) -> np.ndarray:
    """Return, per origin row, the share of the pool that sets out today."""
    c = model.scenario["departure_choice"]
    mix = model.kind_mix
    believed = (mix * model.beliefs.home).sum(axis=1)
    reference = (mix * model.beliefs.reference).sum(axis=1)
    ratio = np.divide(believed, reference, out=np.ones_like(believed), where=reference > 0)
    expected = ratio[model.origin_nat] ** c["elasticity"]
    cost = np.exp(-c["cost_weight"] * (model.journey_cost - model.route_reference))
    return np.minimum(expected * cost, c["max_factor"])


def depart(model: MigrationModel) -> None:
    """Create today's new migrants at their origins."""
    s = model.scenario
    per_year = model.wanting
    if model.drivers is not None:
        per_year = per_year * model.drivers.at(model.date)
    calendar = departure_factor(model.date, seasonal=bool(s["seasonal"]))
    leaving = per_year * model.levers.departures * calendar / 365.25
    anyone = leaving.any()
    for policy, strength in zip(model.policies, model.regime.strengths, strict=True):
        if strength > 0 and anyone:
            diverted = policy.divert(leaving.copy(), strength, model)
            if diverted is not None:
                diverted = np.clip(diverted, 0.0, leaving)
                leaving = leaving - diverted
                anyone = leaving.any()
                model.counts[model.day, :, M["legal_entries"]] += np.bincount(
                    model.nat_pattern, weights=diverted, minlength=len(FLOW_PATTERNS)
                )
    if not anyone:  # nobody leaves today: no draws to make
        return
    rate = leaving[model.origin_nat] * model.origin_share * willing(model)
    parties = rate / model.people_per_party
    add_migrants(model, np.repeat(np.arange(rate.size), model.rng.poisson(parties)))


def add_migrants(model: MigrationModel, origins: np.ndarray | int) -> np.ndarray:
    """Put new migrants at origin rows, ready to leave on the current day; return their ids.

    Args:
        model: the model.
        origins: for each new migrant, its row in the origin table; or a number of migrants
            to spread over the origins in proportion to the scenario's departures.
    """
    rng = model.rng
    if isinstance(origins, int | np.integer):
        s = model.scenario
        weight = np.array([s["departures"][n] for n in NATIONALITIES])[model.origin_nat]
        weight = weight * model.origin_share
        origins = rng.choice(weight.size, size=int(origins), p=weight / weight.sum())
    n = origins.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    nat = model.origin_nat[origins]
    pattern = model.nat_pattern[nat]
    party = 1 + rng.poisson(model.party_mean[pattern] - 1.0)
    budget = model.budget_median[pattern] * np.exp(_BUDGET_SIGMA * rng.standard_normal(n))
    kind = np.where(rng.random(n) < model.asylum_share[nat], ASYLUM, EVADER)
    node = model.origin_node[origins]
    ids = model.pop.add(
        n,
        origin=node,
        nationality=nat,
        pattern=pattern,
        kind=kind,
        group=nat * len(KINDS) + kind,
        people=party * model.scenario.people_per_agent,
        budget=budget,
        node=node,
        edge=-1,
        status=WAITING,
        path=model.paths.extend(np.full(n, NO_ROUTE), node),
        depart_day=model.day,
        end_day=-1,
        queued=-1,
    )
    model.schedule.add(ids, model.day, model.day)
    if model.diary is not None:
        model.diary.note(
            model,
            ids,
            "leaves",
            node,
            lambda k: (
                f"{KINDS[kind[k]].replace('_', ' ')}, "
                f"{'alone' if party[k] == 1 else f'in a party of {party[k]}'}, "
                f"{budget[k]:,.0f} USD each"
            ),
        )
    return ids
