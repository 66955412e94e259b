"""The policy contract: the levers a policy may move, and the base class every policy derives from.

A policy declares typed parameters (:class:`~migmodel.inputs.Number`: unit, range, default,
help) and is switched on by a scenario's ``[[policies]]`` table with an optional schedule
(``announced``, ``start``, ``end``, ``ramp_days``). Each simulated day the model asks every
policy for its *strength* (0 before ``start`` and after ``end``, rising linearly to 1 over
``ramp_days``) and, where it is above 0, calls two hooks:

* :meth:`Policy.apply` moves :class:`Levers`: per-edge multipliers of apprehension, cost,
  travel time and hazard; per-nationality multipliers of departures; the US-border
  consequence mix. Route choice then reacts to the changed edges, which is how enforcement on
  one route displaces people to others.
* :meth:`Policy.divert` takes would-be irregular migrants about to leave and returns how many
  of them take a legal pathway instead (temporary-worker visas, parole).

From its ``announced`` date (by default its ``start``) people *expect* the policy in full:
the model builds a second set of levers, the announced ones, from which migrants' beliefs take
their anchor (:mod:`migmodel.rules.beliefs`). People at the border learn at once, people at
home after a lag.

The engine knows policies only through this contract. The built-in policies (the
``policies`` package) and those of any other package subclass :class:`Policy` and register
the class under the entry-point group ``migmodel.policies`` (:mod:`migmodel.registry`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from migmodel.inputs import Number

if TYPE_CHECKING:
    from migmodel.model import MigrationModel


@dataclass
class Levers:
    """What policies can change on a given day; the model starts each day from neutral values.

    Attributes:
        apprehension: per edge, multiplier of the apprehension chance.
        cost: per edge, multiplier of the cost in USD.
        travel_days: per edge, multiplier of the travel time.
        hazard: per edge, multiplier of the death chance.
        interdiction: per edge, chance added to the apprehension chance (for edges whose
            authority does not apprehend at baseline, such as the Darién or flights).
        departures: per nationality, multiplier of would-be departures.
        removal_share: per nationality, share of US encounters removed or expelled.
        expel_to_mexico: per nationality, share of those removed who are sent to the Mexican
            side of the border (Title 42 expulsions, returns under the January 2023 measures)
            rather than flown to their country.
        border_reattempt_share: per flow pattern, share of removed people who try again.
        mexico_deportation: per flow pattern, share of people apprehended in Mexico who are
            deported to their country.
        mexico_relocation: per flow pattern, share of people apprehended in Mexico who are
            moved to southern Mexico (the rest are released with a document).
        appointments: port-of-entry appointments a day (one value), given to the people
            waiting at the border, first come first served.
    """

    apprehension: np.ndarray
    cost: np.ndarray
    travel_days: np.ndarray
    hazard: np.ndarray
    interdiction: np.ndarray
    departures: np.ndarray
    removal_share: np.ndarray
    expel_to_mexico: np.ndarray
    border_reattempt_share: np.ndarray
    mexico_deportation: np.ndarray
    mexico_relocation: np.ndarray
    appointments: np.ndarray

    def copy(self) -> Levers:
        """Return an independent copy."""
        return Levers(**{k: v.copy() for k, v in self.__dict__.items()})

    def equals(self, other: Levers) -> bool:
        """Return whether every lever has the same values as in ``other``."""
        return all(np.array_equal(v, other.__dict__[k]) for k, v in self.__dict__.items())


class Policy:
    """Base of all policies: a name, declared parameters, a schedule and two hooks.

    Subclasses set :attr:`name` and :attr:`parameters`, document in their docstring what the
    policy does and which seed recommendation it models, and override :meth:`apply` and/or
    :meth:`divert`. Parameter values are available as attributes, e.g. ``self.intensity``.
    """

    name: ClassVar[str] = ""
    parameters: ClassVar[dict[str, Number]] = {}
    order: ClassVar[int] = 0
    """Policies apply in scenario order within the same ``order``, lower ``order`` first."""
    steady: ClassVar[bool] = False
    """Whether :meth:`apply` moves the levers by the strength alone (given the model's set-up),
    so that the model may keep them while no strength changes. A policy whose levers also
    move with the date, or with anything else the model does, leaves it False."""

    def __init__(
        self,
        start: dt.date | None = None,
        end: dt.date | None = None,
        ramp_days: int = 0,
        announced: dt.date | None = None,
        **params: Any,
    ) -> None:
        self.start, self.end, self.ramp_days = start, end, ramp_days
        self.announced = announced
        values = {k: p.default for k, p in self.parameters.items()}
        values.update(params)
        self.params = values
        for key, value in values.items():
            setattr(self, key, value)

    def strength(self, date: dt.date) -> float:
        """Return how fully the policy is in force on ``date``, from 0 to 1."""
        if (self.start and date < self.start) or (self.end and date > self.end):
            return 0.0
        if self.ramp_days and self.start:
            return min(1.0, ((date - self.start).days + 1) / self.ramp_days)
        return 1.0

    def announcing(self, date: dt.date) -> bool:
        """Return whether ``date`` is after the announcement and before the start."""
        return bool(self.announced and self.start and self.announced <= date < self.start)

    def expected_strength(self, date: dt.date) -> float:
        """Return how fully people expect the policy on ``date``: 1 once it is announced."""
        return 1.0 if self.announcing(date) else self.strength(date)

    def setup(self, model: MigrationModel) -> None:
        """Prepare anything that depends on the network or scenario (called once)."""

    def apply(self, levers: Levers, strength: float, model: MigrationModel) -> None:
        """Move today's levers in place; ``strength`` is in (0, 1]."""

    def divert(
        self, leaving: np.ndarray, strength: float, model: MigrationModel
    ) -> np.ndarray | None:
        """Return people per nationality who take a legal pathway instead of leaving.

        Args:
            leaving: people per nationality about to leave irregularly today.
            strength: how fully the policy is in force, in (0, 1].
            model: the running model.

        Returns:
            People per nationality diverted (each at most ``leaving``), or None for none.
        """
        return None

    @classmethod
    def summary(cls) -> str:
        """Return the first line of the policy's docstring."""
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""
