"""Arrival and hazard: what happens to migrants at the end of a leg.

Each migrant reaching the end of a leg today may die or go missing on it (the leg's
``hazard``, raised by policies that push people onto riskier ways) or be apprehended by the
authority that polices it (its apprehension chance for the migrant's nationality and kind:
asylum seekers crossing into the US are always encountered, since they surrender). The
apprehended face that authority's consequences (:mod:`migmodel.rules.mexico`,
:mod:`migmodel.rules.us_border`). The others arrive: those reaching the US have evaded the
Border Patrol; the rest wait at the place if it makes people wait (documents, a smuggler)
and move on (:mod:`migmodel.rules.moving`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from geo import AUTHORITIES
from migmodel.diary import days
from migmodel.population import DIED, WAITING
from migmodel.rules import mexico, us_border

if TYPE_CHECKING:
    from migmodel.model import MigrationModel

MEXICO = [AUTHORITIES.index(a) for a in ("mexico_south", "mexico_interior", "mexico_rail")]
"""Mexico's authorities: the INM and National Guard at the southern border, inland, on trains."""
US = AUTHORITIES.index("us_border")
DARIEN = AUTHORITIES.index("darien")


def arrive(model: MigrationModel, ids: np.ndarray) -> np.ndarray:
    """Handle migrants reaching the end of their leg; return those ready to move on."""
    if ids.size == 0:
        return ids
    pop = model.pop
    edge = pop.edge[ids]
    draw = model.rng.random((2, ids.size))
    died = draw[0] < model.hazard[edge]
    caught = ~died & (draw[1] < model.apprehension[model.group(ids), edge])
    stopped = died | caught
    if stopped.any():  # most days nobody is: skip the selections
        if died.any():
            dead = ids[died]
            model.finish(dead, DIED)
            model.count("deaths", dead)
            if model.diary is not None:
                model.diary.note(model, dead, "dies", model.src[edge[died]], model.leg(edge[died]))
        if caught.any():
            at_us = caught & model.us_edge[edge]
            in_transit = caught & ~at_us
            us_border.encountered(model, ids[at_us], edge[at_us])
            mexico.apprehended(model, ids[in_transit], edge[in_transit])
        ok = ~stopped
        ids, edge = ids[ok], edge[ok]

    node = model.dst[edge]
    pop.node[ids], pop.edge[ids] = node, -1
    pop.path[ids] = model.paths.extend(pop.path[ids], node)
    model.count("darien_crossings", ids[model.authority[edge] == DARIEN])
    arrived = model.is_destination[node]
    if arrived.any():
        us_border.evaded(model, ids[arrived], node[arrived])
        ids, node = ids[~arrived], node[~arrived]
    wait = model.wait_days[node]
    pop.status[ids] = WAITING
    waits = wait > 0
    if model.diary is not None:
        model.diary.note(model, ids, "arrives", node)
        model.diary.note(model, ids[waits], "waits", node[waits], lambda k: days(wait[waits][k]))
    if waits.any():
        model.schedule.add(ids[waits], model.day + wait[waits], model.day)
        return ids[~waits]
    return ids
