"""The US border: encounters, their consequences, and those who get through unseen.

CBP counts an *encounter* each time someone is met crossing between the ports or presenting
at a port: an event, not a person, so repeat crossings count again. Asylum seekers cross to be
encountered; evaders are encountered with the leg's apprehension chance and otherwise enter
unseen. After an encounter, by nationality and period (the levers; ``asylum_rule``, ``parole``
and ``us_border`` move them):

* a share ``removal_share`` is **removed or expelled**; of those, ``expel_to_mexico`` are put
  on the Mexican side of the crossing they tried (Title 42 expulsions of Mexicans and Northern
  Triangle nationals, 2020–2023; returns of Cubans, Haitians, Nicaraguans and Venezuelans
  under the January 2023 measures) and the others are flown to their country (removal under
  Title 8). Mexicans are always returned to Mexico at the border. A share
  ``border_reattempt_share`` tries again (less where a rule bars re-entry: ``asylum_rule``'s
  ``reattempt_multiplier``): those flown home set out again after ``reattempt_delay_days``;
  those put back in Mexico decide again at the border (:mod:`migmodel.rules.queue`) after
  ``border_retry_days``, and their smuggler's fee covers the new attempt (smugglers took
  expelled migrants back across, often the same day they were expelled: Reuters, 12 November
  2020 and 10 March 2021; that the fee covers it is a judgement);
* the others are **released** with a notice to appear, to pursue their claim.

Every outcome (released, evaded, removed) is news that the border's beliefs learn from
(:mod:`migmodel.rules.beliefs`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from geo import AUTHORITIES
from migmodel.patterns import FLOW_PATTERNS
from migmodel.population import EVADED, RELEASED

if TYPE_CHECKING:
    from migmodel.model import MigrationModel

_US = AUTHORITIES.index("us_border")
_MEXICAN = FLOW_PATTERNS.index("mexican")


def encountered(model: MigrationModel, ids: np.ndarray, edge: np.ndarray) -> None:
    """Count the US encounters of ``ids`` on ``edge`` and apply their consequences."""
    if ids.size == 0:
        return
    pop = model.pop
    crossing = model.src[edge]
    nat, people = pop.nationality[ids], pop.people[ids]
    model.count("us_encounters", ids)
    pop.encounters[ids] += 1
    today = model.encounters[model.day]  # nationality × node
    where = nat.astype(np.int64) * today.shape[1] + crossing
    today += np.bincount(where, people, today.size).reshape(today.shape)
    if model.diary is not None:
        model.diary.note(model, ids, "encountered", crossing)
    removed = model.rng.random(ids.size) < model.levers.removal_share[nat]
    model.beliefs.observe(nat, pop.kind[ids], people, (~removed).astype(float))
    if not removed.all():
        free = ids[~removed]
        model.count("released_in_us", free)
        model.count_consequence(_US, "released_in_us", free)
        model.finish(free, RELEASED)
        if model.diary is not None:
            model.diary.note(model, free, "released", crossing[~removed])
    if not removed.any():
        return

    out, where = ids[removed], crossing[removed]
    to_mexico = (pop.pattern[out] == _MEXICAN) | (
        model.rng.random(out.size) < model.levers.expel_to_mexico[nat[removed]]
    )
    back = out[to_mexico]  # the fee paid covers the next attempt from the same place
    pop.budget[back] += model.cost[model.group(back), edge[removed][to_mexico]]
    model.count_consequence(_US, "expelled_to_mexico", out[to_mexico])
    model.count_consequence(_US, "removed_by_flight", out[~to_mexico])
    retry = model.levers.border_reattempt_share
    for sent, place, at_border in (
        (to_mexico, where, True),
        (~to_mexico, pop.origin[out], False),
    ):
        model.send_back(out[sent], place[sent], retry[pop.pattern[out[sent]]], at_border)


def evaded(model: MigrationModel, ids: np.ndarray, node: np.ndarray) -> None:
    """Count ``ids``, who reached the US at ``node`` without being encountered."""
    if ids.size == 0:
        return
    pop = model.pop
    model.count("evaded_into_us", ids)
    model.beliefs.observe(pop.nationality[ids], pop.kind[ids], pop.people[ids], np.ones(ids.size))
    model.finish(ids, EVADED)
    if model.diary is not None:
        model.diary.note(model, ids, "enters_us", node)
