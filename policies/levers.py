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
