"""Consequences of an apprehension in transit: in Mexico, and by the other authorities.

Mexico's INM (with the National Guard) apprehends migrants at its southern border, inland
and on the freight trains; these events are its "presentations" (MX_UPM_GDI). An apprehension
in Mexico ends in one of three ways, with shares per flow pattern (``mexico_deportation_share``,
``mexico_relocation_share``; the ``mexico_*`` policies move them):

* **deportation** or assisted return to the country of origin: about 28% of 2022's
  presentations (121,963 returns against 441,409 presentations, 85% of the returns to
  Guatemala, Honduras and El Salvador: ``mexico_expulsions.csv``,
  ``mexico_inm_presentations.csv``), so mostly Northern Triangle nationals, whom Mexico can
  return overland; some of those deported set out again (``transit_reattempt_share``);
* **relocation to the south**: taken back to Tapachula (:data:`RELOCATION_NODE`), where they
  start again, as the INM did on a large scale from 2021 (a judgement on the share);
* **release with a document** (an *oficio de salida* or a humanitarian visa): they go on from
  where they were stopped after :data:`RELEASE_DAYS`.

Everyone apprehended by the other transit authorities (Guatemala, Central America, Panama's
Darién interdiction) is sent back to their origin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from geo import AUTHORITIES
from migmodel.diary import days
from migmodel.population import WAITING

if TYPE_CHECKING:
    from migmodel.model import MigrationModel

_IN_MEXICO = np.isin(
    np.arange(len(AUTHORITIES)),
    [AUTHORITIES.index(a) for a in ("mexico_south", "mexico_interior", "mexico_rail")],
)
"""Which authorities are Mexico's (the INM and National Guard), by authority code."""
RELOCATION_NODE = "tapachula"
"""Where the INM takes people it relocates (buses from the north to Tapachula, 2021–2023)."""
RELEASE_DAYS = 3
"""Days between an apprehension ending in release with a document and going on (judgement)."""


def apprehended(model: MigrationModel, ids: np.ndarray, edge: np.ndarray) -> None:
    """Apply the consequences of apprehension by a transit authority on ``edge``."""
    if ids.size == 0:
        return
    pop = model.pop
    auth = model.authority[edge]
    place = model.src[edge]
    in_mexico = _IN_MEXICO[auth]
    model.count("mexico_apprehensions", ids[in_mexico])
    model.count("other_apprehensions", ids[~in_mexico])
    if model.diary is not None:
        model.diary.note(model, ids, "apprehended", place, lambda k: f"by {AUTHORITIES[auth[k]]}")
    pattern = pop.pattern[ids]
    deport_share = np.where(in_mexico, model.levers.mexico_deportation[pattern], 1.0)
    relocate_share = np.where(in_mexico, model.levers.mexico_relocation[pattern], 0.0)
    draw = model.rng.random(ids.size)
    deported = draw < deport_share
    relocated = ~deported & (draw < deport_share + relocate_share)
    south = model.relocation_node
    if south < 0:  # a network without the relocation node: released instead
        relocated[:] = False
    released = ~(deported | relocated)
    model.count_consequence(auth[deported], "deported", ids[deported])
    model.count_consequence(auth[relocated], "relocated_south", ids[relocated])
    model.count_consequence(auth[released], "released_with_document", ids[released])

    moved = ids[relocated | released]
    where = np.where(relocated, south, place)[relocated | released]
    pop.node[moved], pop.edge[moved], pop.status[moved] = where, -1, WAITING
    pop.path[moved] = model.paths.extend(pop.path[moved], where)
    model.schedule.add(moved, model.day + RELEASE_DAYS, model.day)
    if model.diary is not None:
        model.diary.note(model, ids[relocated], "relocated", where[relocated[relocated | released]])
        model.diary.note(
            model,
            ids[released],
            "released_in_mexico",
            place[released],
            lambda k: days(RELEASE_DAYS),
        )
    back = ids[deported]
    model.send_back(
        back,
        pop.origin[back],
        model.transit_reattempt_share[pop.pattern[back]],
        at_border=False,
    )
