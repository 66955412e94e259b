"""The levers in force: what the policies set each day, worked out again only when it changes.

Each day every policy has a *strength* (0 when it is not in force, :meth:`~migmodel.policy.
Policy.strength`) and, from its announcement, an *expected strength*. The day's levers are the
scenario's neutral levers moved by every policy with a strength above 0, in the policies'
order (:meth:`~migmodel.policy.Policy.apply`); the announced levers likewise with the expected
strengths. On most days no strength changes, so the levers are the day before's: they are
rebuilt only when a strength changes, or every day while a policy whose levers move with the
date by themselves is in the scenario (one that is not :attr:`~migmodel.policy.Policy.steady`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from migmodel.policy import Levers
from migmodel.rules.beliefs import implied_chance

if TYPE_CHECKING:
    from migmodel.model import MigrationModel


class Regime:
    """Today's levers and announced levers of a model's policies, rebuilt only on a change.

    Args:
        model: the model, whose ``policies`` are set up.
        neutral: the levers before any policy acts (the scenario's own values).
    """

    def __init__(self, model: MigrationModel, neutral: Levers) -> None:
        self._model = model
        self._neutral = neutral
        self._steady = all(policy.steady for policy in model.policies)
        self._last: dict[bool, tuple[object, Levers]] = {}
        self._chances: tuple[Levers, Levers, np.ndarray, np.ndarray, np.ndarray] | None = None
        self.strengths: tuple[float, ...] = (0.0,) * len(model.policies)
        """Each policy's strength on the day of the last :meth:`levers` in force (today's)."""

    def levers(self, date: dt.date, announced: bool) -> Levers:
        """Return the levers in force on ``date`` (or, if ``announced``, those expected).

        The same object is returned as long as no policy's strength changes: callers must not
        change it.
        """
        policies, model = self._model.policies, self._model
        if announced:
            strengths = tuple(policy.expected_strength(date) for policy in policies)
        else:
            strengths = tuple(policy.strength(date) for policy in policies)
            self.strengths = strengths
        key = strengths if self._steady else (strengths, date)
        last = self._last.get(announced)
        if last is not None and last[0] == key:
            return last[1]
        levers = self._neutral.copy()
        for policy, strength in zip(policies, strengths, strict=True):
            if strength > 0:
                policy.apply(levers, strength, model)
        self._last[announced] = (key, levers)
        return levers

    def chances(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the chance of staying implied by the announced levers and by those in force.

        Both by nationality × kind (:func:`~migmodel.rules.beliefs.implied_chance`), with the
        chance of a US encounter computed when the levers were last applied; worked out again
        only when one of those changes.
        """
        m = self._model
        memo = self._chances
        if memo and memo[0] is m.announced and memo[1] is m.levers and memo[2] is m.us_encounter:
            return memo[3], memo[4]
        anchor = implied_chance(m.announced.removal_share, m.us_encounter)
        in_force = (
            anchor
            if m.announced is m.levers
            else implied_chance(m.levers.removal_share, m.us_encounter)
        )
        self._chances = (m.announced, m.levers, m.us_encounter, anchor, in_force)
        return anchor, in_force
