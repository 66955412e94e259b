"""Enforcement along the route: each policy makes some legs riskier, dearer or slower to use.

Every enforcement policy has one ``intensity`` in [0, 1]: 0 is no effort beyond the baseline,
1 the most that is plausible. At intensity *x* (times the schedule's strength) a policy
multiplies the apprehension chance of its legs by ``1 + apprehension_gain·x`` (and their
cost, travel time and hazard likewise), and may add ``interdiction·x`` to the chance of being
stopped where the authority apprehends nobody at baseline.

Migrants see the changed legs in their route choice (``migmodel/routes.py``), so enforcement on
one route shifts people to the others and raises the cost and risk they bear there: the
balloon effect follows from the rule. The gains are judgements that put intensity 1 near the
largest efforts on record (e.g. Mexico's southern-border operations of 2014 and 2019 and the
December 2023 surge, seed 004); ``docs/ODD.md`` gives each one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from migmodel.inputs import Number
from migmodel.patterns import NATIONALITIES
from migmodel.policy import Levers, Policy

if TYPE_CHECKING:
    from migmodel.model import MigrationModel

INTENSITY = Number(
    0.5, 0, 1, "0–1", "effort beyond the baseline: 0 = none, 1 = the most that is plausible"
)


def edge_mask(
    model: MigrationModel,
    authority: tuple[str, ...] = (),
    mode: tuple[str, ...] = (),
    between: tuple[str, str] | None = None,
) -> np.ndarray:
    """Return which legs match every condition given.

    Args:
        model: the model whose network to read.
        authority: legs enforced by one of these authorities.
        mode: legs of one of these modes.
        between: (country, country): legs from the first country into the second.
    """
    edges, nodes = model.network.edges, model.network.nodes
    mask = np.ones(len(edges), dtype=bool)
    if authority:
        mask &= edges["authority"].isin(authority).to_numpy()
    if mode:
        mask &= edges["mode"].isin(mode).to_numpy()
    if between:
        country = nodes["country"].to_numpy()
        mask &= (country[edges["src"]] == between[0]) & (country[edges["dst"]] == between[1])
    return mask


class EdgeEnforcement(Policy):
    """Base of the enforcement policies: gains applied to the legs :meth:`edges` selects."""

    parameters: ClassVar[dict[str, Number]] = {"intensity": INTENSITY}
    steady = True
    apprehension_gain: ClassVar[float] = 0.0
    cost_gain: ClassVar[float] = 0.0
    days_gain: ClassVar[float] = 0.0
    hazard_gain: ClassVar[float] = 0.0
    interdiction: ClassVar[float] = 0.0

    def edges(self, model: MigrationModel) -> np.ndarray:
        """Return the mask of the legs this policy acts on."""
        raise NotImplementedError

    def setup(self, model: MigrationModel) -> None:
        """Find the policy's legs once."""
        self.mask = self.edges(model)

    def apply(self, levers: Levers, strength: float, model: MigrationModel) -> None:
        """Raise apprehension, cost, time and hazard on the policy's legs."""
        x, m = self.intensity * strength, self.mask
        levers.apprehension[m] *= 1 + self.apprehension_gain * x
        levers.cost[m] *= 1 + self.cost_gain * x
        levers.travel_days[m] *= 1 + self.days_gain * x
        levers.hazard[m] *= 1 + self.hazard_gain * x
        levers.interdiction[m] += self.interdiction * x


class MexicoSouthernBorder(EdgeEnforcement):
    """Mexico's southern border: Guatemala–Mexico crossings, checkpoints in Chiapas and Tabasco.

    Seed 004 credits Mexico's enforcement on its southern border with the fall in US crossings
    of winter 2023–24 (an outcome after the data's end, left out on purpose). At intensity 1
    the apprehension chance on `mexico_south` legs is 5 times the baseline, smugglers charge
    50% more, and a third of those apprehended in Mexico who would have been released with a
    document are deported instead (judgement).
    """

    name = "mexico_southern_border"
    apprehension_gain, cost_gain = 4.0, 0.5
    deportation_gain: ClassVar[float] = 1 / 3

    def edges(self, model: MigrationModel) -> np.ndarray:  # noqa: D102
        return edge_mask(model, authority=("mexico_south",))

    def apply(self, levers: Levers, strength: float, model: MigrationModel) -> None:  # noqa: D102
        super().apply(levers, strength, model)
        released = 1 - levers.mexico_deportation - levers.mexico_relocation
        levers.mexico_deportation += released * self.deportation_gain * self.intensity * strength


class MexicoInterior(EdgeEnforcement):
    """Highway checkpoints inside Mexico (INM and National Guard).

    Seed 004's interior enforcement and smuggling-route disruption in northern Mexico. At
    intensity 1 the apprehension chance on `mexico_interior` legs is 4 times the baseline,
    their cost (bribes, smugglers' fees) 30% higher, and half of those apprehended in Mexico
    who would have been released with a document are taken back to southern Mexico instead,
    as the INM did by bus and plane from 2021 (judgement on the share).
    """

    name = "mexico_interior"
    apprehension_gain, cost_gain = 3.0, 0.3
    relocation_gain: ClassVar[float] = 0.5

    def edges(self, model: MigrationModel) -> np.ndarray:  # noqa: D102
        return edge_mask(model, authority=("mexico_interior",))

    def apply(self, levers: Levers, strength: float, model: MigrationModel) -> None:  # noqa: D102
        super().apply(levers, strength, model)
        released = 1 - levers.mexico_deportation - levers.mexico_relocation
        levers.mexico_relocation += released * self.relocation_gain * self.intensity * strength


class FreightRail(EdgeEnforcement):
    """Preventing migrants from boarding freight trains ("La Bestia").

    Seed 004's freight-train enforcement; Mexico announced such measures in July 2014
    (MPI_2014) and the main rail operator cut traffic in September 2023 (ALJAZEERA_2023). At
    intensity 1 the apprehension chance on rail legs is 5 times the baseline, boarding costs
    50% more and the risk of death doubles (boarding moving trains).
    """

    name = "freight_rail"
    apprehension_gain, cost_gain, hazard_gain = 4.0, 0.5, 1.0

    def edges(self, model: MigrationModel) -> np.ndarray:  # noqa: D102
        return edge_mask(model, authority=("mexico_rail",))


class Darien(EdgeEnforcement):
    """Disrupting the smuggling networks of the Darién: less throughput, more cost and time.

    Seed 004's smuggling-route disruption. Panama apprehends nobody in the jungle at baseline;
    at intensity 1 a fifth of those setting out are stopped and sent back, guides cost twice
    as much, the crossing takes half as long again and, on longer paths, is 50% deadlier.
    """

    name = "darien"
    cost_gain, days_gain, hazard_gain, interdiction = 1.0, 0.5, 0.5, 0.2

    def edges(self, model: MigrationModel) -> np.ndarray:  # noqa: D102
        return edge_mask(model, authority=("darien",))


class GuatemalaBorder(EdgeEnforcement):
    """Formalising the Guatemala–Mexico border: official crossings instead of informal ones.

    Seed 004's Mexico–Guatemala border formalisation. At intensity 1 informal crossings (the
    rafts on the Suchiate) are 7 times as likely to end in apprehension, official crossings
    are 30% cheaper (documents instead of bribes), and Guatemala's own controls apprehend
    twice as often.
    """

    name = "guatemala_border"

    def setup(self, model: MigrationModel) -> None:  # noqa: D102
        into_mexico = edge_mask(model, between=("GTM", "MEX"))
        self.informal = into_mexico & edge_mask(model, mode=("boat", "trail"))
        self.official = into_mexico & ~self.informal
        self.inside = edge_mask(model, authority=("guatemala",))

    def apply(self, levers: Levers, strength: float, model: MigrationModel) -> None:  # noqa: D102
        x = self.intensity * strength
        levers.apprehension[self.informal] *= 1 + 6.0 * x
        levers.cost[self.official] *= 1 - 0.3 * x
        levers.apprehension[self.inside] *= 1 + 1.0 * x


class UsBorder(EdgeEnforcement):
    """US enforcement between ports of entry: more crossings encountered, more consequences.

    At intensity 1 the chance that an evader's crossing ends in an encounter rises by 20% of
    itself (0.67 → 0.80 at baseline), the share of encountered people who are removed moves half way
    to 1, and half as many removed people try again. The harsher odds reach the origins as news
    (:mod:`migmodel.rules.beliefs`), so fewer set out: departures, encounters and returns fall.
    """

    name = "us_border"
    apprehension_gain = 0.2

    def edges(self, model: MigrationModel) -> np.ndarray:  # noqa: D102
        return edge_mask(model, authority=("us_border",))

    def apply(self, levers: Levers, strength: float, model: MigrationModel) -> None:  # noqa: D102
        super().apply(levers, strength, model)
        x = self.intensity * strength
        levers.removal_share += (1 - levers.removal_share) * 0.5 * x
        levers.border_reattempt_share *= 1 - 0.5 * x


class IntelligenceSharing(EdgeEnforcement):
    """Intelligence sharing and joint investigations of smuggling networks across the region.

    Seeds 000 and 004. It raises the effect of the other enforcement in force: at intensity 1
    every increase of an apprehension chance made by another policy is doubled, all
    apprehension chances rise by 25%, and smuggling at the US border and in the Darién costs
    20% more. It applies after the other policies.
    """

    name = "intelligence_sharing"
    order = 1

    def setup(self, model: MigrationModel) -> None:  # noqa: D102
        self.enforced = edge_mask(model) & (model.network.edges["authority"] != "none").to_numpy()
        self.smuggling = edge_mask(model, authority=("us_border", "darien"))

    def apply(self, levers: Levers, strength: float, model: MigrationModel) -> None:  # noqa: D102
        x, m = self.intensity * strength, self.enforced
        raised = np.maximum(levers.apprehension[m] - 1, 0)
        levers.apprehension[m] = (levers.apprehension[m] + raised * x) * (1 + 0.25 * x)
        levers.interdiction[m] *= 1 + x
        levers.cost[self.smuggling] *= 1 + 0.2 * x


class EntryVisas(EdgeEnforcement):
    """Visa regimes and outbound controls that cut trans-continental and crisis-state arrivals.

    Seed 004 recommends visa requirements in Ecuador (visa-free entry made Quito a gateway for
    travellers from outside the Americas) and Venezuelan outbound controls; air arrivals in
    Nicaragua (visa-free for Cubans and Haitians) are the other door. At intensity 1 half of
    those flying towards Central America or Mexico are refused boarding or turned back, the
    flights cost twice as much, arrivals from outside the Americas fall by half and Venezuelan
    departures by a fifth.
    """

    name = "entry_visas"
    cost_gain, interdiction = 1.0, 0.5
    departures_cut: ClassVar[dict[str, float]] = {"OTH": 0.5, "VEN": 0.2}

    def edges(self, model: MigrationModel) -> np.ndarray:  # noqa: D102
        return edge_mask(model, mode=("air",))

    def apply(self, levers: Levers, strength: float, model: MigrationModel) -> None:  # noqa: D102
        super().apply(levers, strength, model)
        x = self.intensity * strength
        for nationality, cut in self.departures_cut.items():
            levers.departures[NATIONALITIES.index(nationality)] *= 1 - cut * x
