"""Regional development: investment in the Northern Triangle that lowers the push to leave.

Seed 001 proposes a four-year, $4 billion US strategy for Guatemala, Honduras and El Salvador
(POLITIFACT_2025: $1 billion a year); seed 004 recommends regional development through energy
investment. The evidence (`experiments/data/development_aid_evidence.csv`) says the effect is
slow and small: aid must roughly double to cut emigration by about 15% (MEDAM_PB), its
capacity to deter migration is "small at best" (Clemens & Postel 2018, IZA_PP136), and in
poor countries emigration first rises with income, the migration hump (Clemens 2014 and 2020,
CGD_WP359, VOXDEV_2020), although the hump is not causal everywhere (WB_PRWP9518).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from migmodel.inputs import Number
from migmodel.patterns import NATIONALITIES
from migmodel.policy import Levers, Policy

if TYPE_CHECKING:
    from migmodel.model import MigrationModel

COUNTRIES = ("GTM", "HND", "SLV")


class RegionalDevelopment(Policy):
    """Development investment in the Northern Triangle: departures fall after a lag, less and less.

    For each country the full effect is a cut in departures of
    ``max_effect · usd / (usd + half_effect_usd)`` (diminishing returns: ``half_effect_usd`` a
    year gives half of ``max_effect``). Nothing changes for ``lag_years``; then the cut phases
    in over one year. With ``hump`` > 0, departures first *rise* during the lag by
    ``hump`` times the eventual cut, as rising incomes let more people afford the journey.
    Years count from the policy's ``start``, or from the scenario's start date if it has none.
    Defaults: $1 billion a year over the three countries (seed 001), a maximum cut of 15%
    (MEDAM_PB) reached half-way at $1 billion a year per country, a three-year lag.
    """

    name = "regional_development"
    parameters: ClassVar[dict[str, Number]] = {
        **{
            f"usd_per_year_{c.lower()}": Number(
                333e6, 0, 1e10, "USD/year", f"development investment in {c}"
            )
            for c in COUNTRIES
        },
        "max_effect": Number(
            0.15, 0, 1, "share", "largest cut in departures any amount can buy (MEDAM_PB: 15%)"
        ),
        "half_effect_usd": Number(
            1e9, 1e6, 1e11, "USD/year", "investment a year that buys half the largest cut"
        ),
        "lag_years": Number(3, 0, 20, "years", "years before departures start to fall"),
        "hump": Number(
            0.0, 0, 3, "× cut", "rise in departures during the lag, as a multiple of the cut"
        ),
    }

    def setup(self, model: MigrationModel) -> None:  # noqa: D102
        self.index = [NATIONALITIES.index(c) for c in COUNTRIES]
        usd = np.array([self.params[f"usd_per_year_{c.lower()}"] for c in COUNTRIES])
        self.cut = self.max_effect * usd / (usd + self.half_effect_usd)

    def apply(self, levers: Levers, strength: float, model: MigrationModel) -> None:  # noqa: D102
        years = (model.date - (self.start or model.scenario.start)).days / 365.25
        if years < self.lag_years:
            levers.departures[self.index] *= 1 + self.hump * self.cut * strength
        else:
            phase = min(1.0, years - self.lag_years)
            levers.departures[self.index] *= 1 - self.cut * phase * strength
