"""What policies can move: the levers of one day, as arrays over edges, nationalities and patterns.

A leaf module (NumPy only), so that the model can import it without importing the policies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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
        removal_share: per flow pattern, share of US encounters removed or expelled.
        border_reattempt_share: per flow pattern, share of removed people who try again.
        border_hold: per flow pattern, chance that someone about to cross the US border
            irregularly waits in Mexico instead (for a legal pathway) and looks again later.
    """

    apprehension: np.ndarray
    cost: np.ndarray
    travel_days: np.ndarray
    hazard: np.ndarray
    interdiction: np.ndarray
    departures: np.ndarray
    removal_share: np.ndarray
    border_reattempt_share: np.ndarray
    border_hold: np.ndarray

    def copy(self) -> Levers:
        """Return an independent copy."""
        return Levers(**{k: v.copy() for k, v in self.__dict__.items()})

    def equals(self, other: Levers) -> bool:
        """Return whether every lever has the same values as in ``other``."""
        return all(np.array_equal(v, other.__dict__[k]) for k, v in self.__dict__.items())
