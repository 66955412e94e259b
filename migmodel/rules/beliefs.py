"""Beliefs: what would-be migrants expect an irregular attempt to bring, and how they learn.

Each decision (leaving home, crossing or waiting at the border) uses the believed chance
that an attempt ends in staying in the US: released to pursue a claim, or evading the Border
Patrol. Beliefs are kept per nationality and kind of migrant (asylum seeker or evader,
:data:`~migmodel.population.KINDS`) at two places, *the border* and *home*, not per agent:
everyone of a nationality at a place hears the same news (Flee's lesson, applied to beliefs).

**At the border** the belief is a beta-binomial estimate with forgetting (a judgement in the
spirit of Routes & Rumours, Hinsch & Bijak 2023, where agents pool what others report and
discount old news)::

    S ← λ·S + people of that nationality and kind who stayed today
    N ← λ·N + people whose attempt ended today (stayed, removed or expelled)
    belief = (S + a·anchor) / (N + a)        λ = exp(-1 / memory_days)

``anchor`` is what the *announced* rules imply (1 - removal share for asylum seekers, who
want to be encountered; 1 - P(encounter)·removal share for evaders), and ``a``
(``prior_people``) how many outcomes that announcement is worth. When a rule is announced
the anchor moves and the remembered outcomes are dropped: people at the border learn at once.
Between a rule's announcement and its start, today's outcomes (under the old rules) say
nothing about what the new rules will bring, so they are not learnt from.

**At home** the belief is the border belief of ``lag_days`` ago, times a noise redrawn each
week per nationality (log-normal, ``noise_sd``): news travels back through families and
networks with a delay and gets distorted on the way (Klabunde's network model of Mexico–US
migration; Hinsch & Bijak). An announcement therefore reaches home after the lag.
"""

from __future__ import annotations

from collections import deque

import numpy as np

_WEEK = 7


class Beliefs:
    """Believed chance of staying in the US after an irregular attempt, by nationality × kind.

    Args:
        anchor: chance implied by the rules in force at the start, shape (nationalities, kinds).
        memory_days: time scale over which old outcomes are forgotten.
        lag_days: days news takes to travel from the border to the origins.
        prior_people: how many outcomes an announced rule is worth.
        noise_sd: standard deviation of the weekly log-normal noise on home beliefs.
    """

    def __init__(
        self,
        anchor: np.ndarray,
        memory_days: float,
        lag_days: int,
        prior_people: float,
        noise_sd: float,
    ) -> None:
        self.anchor = anchor.astype(float).copy()
        self.reference = self.anchor.copy()
        """The beliefs the scenario's departures are set for (those at the start)."""
        self.border = self.anchor.copy()
        """Believed chance of staying, at the border (nationalities × kinds)."""
        self.home = self.anchor.copy()
        """Believed chance of staying, at home: the border's of ``lag_days`` ago, with noise."""
        self._decay = float(np.exp(-1.0 / max(memory_days, 1e-3)))
        self._prior = prior_people
        self._noise_sd = noise_sd
        self._noise = np.ones(anchor.shape[0])
        self._stayed = np.zeros_like(self.anchor)
        self._tried = np.zeros_like(self.anchor)
        self._today = np.zeros((2, *anchor.shape))
        self._past: deque[np.ndarray] = deque([self.anchor.copy()], maxlen=lag_days + 1)
        self._given: tuple[np.ndarray | None, np.ndarray | None] = (None, None)
        self._informative = np.ones(anchor.shape, dtype=bool)

    def observe(
        self, nationality: np.ndarray, kind: np.ndarray, people: np.ndarray, stayed: np.ndarray
    ) -> None:
        """Record ended attempts: who they were, how many people, whether they stayed."""
        if nationality.size == 0:
            return
        cells = self.anchor.size
        key = nationality.astype(np.int64) * self.anchor.shape[1] + kind
        shape = self.anchor.shape
        self._today[0] += np.bincount(key, people * stayed, cells).reshape(shape)
        self._today[1] += np.bincount(key, people, cells).reshape(shape)

    def update(
        self, day: int, anchor: np.ndarray, in_force: np.ndarray, rng: np.random.Generator
    ) -> None:
        """End the day: learn today's outcomes and any newly announced rule.

        Args:
            day: the model's day.
            anchor: the chance of staying the announced rules imply.
            in_force: the chance the rules in force imply; where it differs from ``anchor``
                a rule is announced but not yet in force, and outcomes are not learnt from.
            rng: the model's random number generator (for the noise).
        """
        # The model hands over the same two arrays until the levers change (Regime.chances):
        # only then can a rule be newly announced, or outcomes stop being informative.
        fresh = anchor is not self._given[0] or in_force is not self._given[1]
        if fresh:
            self._given = (anchor, in_force)
            self._informative = np.abs(anchor - in_force) <= 1e-9
        self._stayed = self._stayed * self._decay + self._today[0] * self._informative
        self._tried = self._tried * self._decay + self._today[1] * self._informative
        if fresh:
            announced = np.abs(anchor - self.anchor) > 1e-9
            self._stayed[announced] = 0.0
            self._tried[announced] = 0.0
            self.anchor = anchor.copy()
        self._today[:] = 0.0
        self.border = (self._stayed + self._prior * anchor) / (self._tried + self._prior)
        self._past.append(self.border)  # a new array each day, never changed in place
        if day % _WEEK == 0 and self._noise_sd > 0:
            self._noise = np.exp(self._noise_sd * rng.standard_normal(self._noise.size))
        # np.minimum(np.maximum(...)) is np.clip without its Python wrapper (daily, on 24 cells)
        self.home = np.minimum(np.maximum(self._past[0] * self._noise[:, None], 0.0), 1.0)


def implied_chance(removal: np.ndarray, encounter: np.ndarray) -> np.ndarray:
    """Return the chance of staying that rules imply, by nationality × kind.

    Args:
        removal: share of encountered people removed or expelled, per nationality.
        encounter: chance that an evader's crossing ends in an encounter, per nationality.

    Returns:
        Columns: asylum seekers (who are always encountered), evaders.
    """
    return np.stack([1.0 - removal, 1.0 - encounter * removal], axis=1)
