"""The queue in northern Mexico: cross, wait for an appointment, settle in Mexico, or go home.

Whoever is at a border crossing and ready to go on (arrived, back after an expulsion, or
deciding again after waiting) chooses among four options by a logit on what each is believed
to bring (a judgement on the form, in the spirit of random-utility models of migration)::

    u_cross  = believed chance of staying after crossing irregularly (border beliefs,
               by nationality and kind: :mod:`migmodel.rules.beliefs`)
    u_wait   = min(1, horizon · appointments a day / people queueing) - wait_cost
               (only while appointments are offered or announced)
    u_settle = settle_value        (stay and work in Mexico)
    u_home   = home_value          (go back)
    P(option) ∝ exp(sensitivity · u)

Those who wait join the queue (keeping their place when they decide again) and decide again
after ``decide_days``. Port-of-entry appointments (``parole``'s ``appointments_per_day``, CBP
One from January 2023) go to the queue first come, first served: an appointment is a legal
entry that CBP still counts as a southwest-border encounter. The people queueing are the
``waiting_at_border`` stock. The May 2023 rule's presumption against those who crossed
without an appointment and the January 2023 returns to Mexico lower ``u_cross``, so people
wait instead of crossing: the holding that earlier versions set with a ``hold_share`` now
follows from the decision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from migmodel.diary import days
from migmodel.population import LEGAL, RETURNED, SETTLED, WAITING

if TYPE_CHECKING:
    from migmodel.model import MigrationModel

OPTIONS = ("cross", "wait", "settle", "home")
"""What someone at the border may do, in the order of the logit's columns."""


class Queue:
    """People waiting at the border for a port appointment, in the order they joined."""

    def __init__(self) -> None:
        self._ids: list[np.ndarray] = []
        self._joined: list[np.ndarray] = []
        self.credit = 0.0
        """Appointment places carried to the next day (a party is never split)."""

    def join(self, ids: np.ndarray, day: int) -> None:
        """Append ``ids``, who joined on ``day``."""
        if ids.size:
            self._ids.append(ids)
            self._joined.append(np.full(ids.size, day, dtype=np.int32))

    def take(self, model: MigrationModel, capacity: float) -> np.ndarray:
        """Remove and return the first people in the queue, up to ``capacity`` people."""
        pop, taken = model.pop, []
        budget = capacity + self.credit
        while self._ids and budget > 0:
            ids, joined = self._ids[0], self._joined[0]
            valid = pop.queued[ids] == joined  # still queueing since then
            ids, joined = ids[valid], joined[valid]
            fits = np.cumsum(pop.people[ids]) <= budget
            k = int(fits.sum()) if fits.all() else int(np.argmin(fits))
            taken.append(ids[:k])
            budget -= float(pop.people[ids[:k]].sum())
            if k < ids.size:
                self._ids[0], self._joined[0] = ids[k:], joined[k:]
                break
            self._ids.pop(0)
            self._joined.pop(0)
        self.credit = budget if self._ids else 0.0
        return np.concatenate(taken) if taken else np.zeros(0, dtype=np.int64)


def decide(model: MigrationModel, ids: np.ndarray) -> np.ndarray:
    """Let people at the border choose; return those who cross now."""
    if ids.size == 0:
        return ids
    c, pop = model.scenario["border_choice"], model.pop
    nat, kind, node = pop.nationality[ids], pop.kind[ids], pop.node[ids]
    offered = model.announced.appointments[0]
    u = np.empty((ids.size, len(OPTIONS)))
    u[:, 0] = model.beliefs.border[nat, kind]
    queueing = model.waiting.sum()
    chance = min(1.0, c["horizon_days"] * offered / (queueing + 1.0))
    u[:, 1] = chance - c["wait_cost"] if offered > 0 else -np.inf
    u[:, 2], u[:, 3] = c["settle_value"], c["home_value"]
    weight = np.exp(c["sensitivity"] * (u - u.max(axis=1, keepdims=True)))
    cum = np.cumsum(weight / weight.sum(axis=1, keepdims=True), axis=1)
    choice = (model.rng.random(ids.size)[:, None] > cum[:, :-1]).sum(axis=1)

    chosen = np.bincount(choice, minlength=len(OPTIONS))  # most days some are not chosen
    was_queueing = pop.queued[ids] >= 0
    if was_queueing.any():
        leaving = ids[was_queueing & (choice != 1)]
        model.waiting -= model.people_by_pattern(leaving)
        pop.queued[leaving] = -1
    joins = ids[:0]
    if chosen[1]:
        joins = ids[~was_queueing & (choice == 1)]
        pop.queued[joins] = model.day
        model.queue.join(joins, model.day)
        model.waiting += model.people_by_pattern(joins)
        waits = ids[choice == 1]
        pop.status[waits] = WAITING
        model.schedule.add(waits, model.day + int(c["decide_days"]), model.day)
    settles = ids[choice == 2] if chosen[2] else ids[:0]
    model.count("settled_in_mexico", settles)
    model.finish(settles, SETTLED)
    home = ids[choice == 3] if chosen[3] else ids[:0]
    pop.node[home] = pop.origin[home]
    model.finish(home, RETURNED)
    if model.diary is not None:
        model.diary.note(
            model, joins, "queues", pop.node[joins], lambda k: days(int(c["decide_days"]))
        )
        model.diary.note(model, settles, "settles", node[choice == 2])
        model.diary.note(model, home, "goes_home", node[choice == 3])
    return ids[choice == 0]


def give_appointments(model: MigrationModel) -> None:
    """Give today's port appointments to the people queueing, first come, first served."""
    capacity = float(model.levers.appointments[0])
    if capacity <= 0 and not model.queue.credit:
        return
    ids = model.queue.take(model, capacity)
    if ids.size == 0:
        return
    pop = model.pop
    model.waiting -= model.people_by_pattern(ids)
    pop.queued[ids] = -1
    people = pop.people[ids]
    model.count("us_encounters", ids)
    model.count("legal_entries", ids)
    model.port_encounters[model.day] += np.bincount(
        pop.nationality[ids], weights=people, minlength=model.port_encounters.shape[1]
    )
    model.finish(ids, LEGAL)
    if model.diary is not None:
        model.diary.note(model, ids, "appointment", pop.node[ids])
