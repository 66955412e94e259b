"""Moving on: the next leg, paying for it, or stopping to work.

Everyone ready to move at a border crossing first decides whether to cross at all
(:mod:`migmodel.rules.queue`). Then each chooses a leg by route choice for its nationality and
kind (:mod:`migmodel.routes`; legs closed to a nationality by an entry regime are never
chosen), pays its cost (asylum seekers pay no smuggler to cross into the US, since they
surrender to the Border Patrol) or, if the money has run out, works where they are for
``work.days`` and earns ``work.income_usd`` before going on; then sets off and is due at the
other end after the leg's travel days.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from migmodel.diary import days
from migmodel.population import TRAVELLING
from migmodel.rules import queue

if TYPE_CHECKING:
    from migmodel.model import MigrationModel


def move(model: MigrationModel, ids: np.ndarray) -> None:
    """Let migrants ready to move choose a leg, pay and set off."""
    if ids.size == 0:
        return
    pop = model.pop
    node = pop.node[ids]
    at_border = model.is_crossing[node]
    if at_border.any():
        ids = np.concatenate([ids[~at_border], queue.decide(model, ids[at_border])])
        node = pop.node[ids]
    group = model.group(ids)
    edge = model.routes.choose(group, node, model.rng.random(ids.size))
    price = model.cost[group, edge]
    broke = pop.budget[ids] < price
    if broke.any():  # work where they are, then go on
        work = model.scenario["work"]
        stuck, spell = ids[broke], max(1, int(work["days"]))
        pop.budget[stuck] += work["income_usd"]
        model.schedule.add(stuck, model.day + spell, model.day)
        if model.diary is not None:
            model.diary.note(model, stuck, "works", node[broke], lambda k: days(spell))
        ids, node, edge, price = ids[~broke], node[~broke], edge[~broke], price[~broke]
    starting = ids[node == pop.origin[ids]]
    if starting.size:
        model.count("departures", starting)
        pop.attempts[starting] += 1
        model.in_transit += model.people_by_pattern(starting)
    pop.budget[ids] -= price
    people = pop.people[ids]
    model.count("smuggling_revenue_usd", ids, price * people)
    model.flows[model.day] += np.bincount(edge, weights=people, minlength=len(model.src))
    pop.edge[ids], pop.status[ids] = edge, TRAVELLING
    model.schedule.add(ids, model.day + model.travel_days[edge], model.day)
    if model.diary is not None:
        model.diary.note(model, ids, "sets_off", node, model.leg(edge, paid=price))
