"""Legal pathways: temporary-worker visas and parole take people off the irregular routes.

Both act through :meth:`~policies.base.Policy.divert`: each day, of the would-be irregular
migrants about to leave, some take the legal pathway instead, up to the places it offers.
They are counted as ``legal_entries`` and never travel the network. The share of would-be
migrants who would apply is a parameter: legal channels reduce irregular migration only as far
as people can and do use them (Clemens & Gough 2018, CGD_CLEMENS_GOUGH_2018).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from migmodel.inputs import Number
from migmodel.patterns import NATIONALITIES
from migmodel.policy import Levers, Policy

if TYPE_CHECKING:
    from migmodel.model import MigrationModel

_DAYS_PER_MONTH = 365.25 / 12
_NT = [NATIONALITIES.index(n) for n in ("GTM", "HND", "SLV")]
_MEX = NATIONALITIES.index("MEX")

H2B_STATUTORY_CAP = 66_000
"""H-2B visas per fiscal year set by statute (INA §214(g)); supplements come on top
(`h2b_caps_supplementals.csv`: 22,000 in FY2021, 55,000 in FY2022, 64,716 in FY2023–FY2025)."""


def _share_out(supply: float, demand: np.ndarray) -> np.ndarray:
    """Give ``supply`` places to ``demand`` in proportion, never more than demanded."""
    total = demand.sum()
    if total <= 0:
        return np.zeros_like(demand)
    return demand * min(1.0, supply / total)


class TemporaryWorkerVisas(Policy):
    """More H-2A/H-2B temporary-worker visas for Mexicans and Northern Triangle nationals.

    Seed 004 recommends expanding H-2A and H-2B visas with circular migration and
    reintegration support; seed 001 the same for Central Americans. Today's visas (about
    300,000 H-2A and 150,000 H-2B in FY2022, EPI_H2A/EPI_H2B; the H-2B statutory cap of
    66,000 plus supplements) are in the baseline already: ``extra_visas_per_year`` is on top.
    Each day, of the would-be irregular migrants of eligible nationalities, ``apply_share``
    apply; up to the day's visas (the set-aside reserved for the Northern Triangle, the rest for
    Mexicans) go legally instead. Visas start ``processing_days`` after the policy. Workers
    return at the end of their season (circular migration); with reintegration support a share
    ``reintegration`` of those who have been covered do not leave irregularly afterwards, which
    lowers the eligible nationalities' departures in proportion to the visas' coverage.
    """

    name = "temporary_worker_visas"
    steady = True
    parameters: ClassVar[dict[str, Number]] = {
        "extra_visas_per_year": Number(
            100_000, 0, 2_000_000, "visas/year", "visas on top of today's H-2A and H-2B"
        ),
        "northern_triangle_set_aside": Number(
            0.3,
            0,
            1,
            "share",
            "share of the extra visas reserved for GTM/HND/SLV (FY2023: 20,000 of 64,716)",
        ),
        "apply_share": Number(
            0.5, 0, 1, "share", "share of would-be irregular migrants who apply instead"
        ),
        "processing_days": Number(
            60, 0, 730, "days", "days from the policy's start to the first visas", integer=True
        ),
        "reintegration": Number(
            0.0, 0, 1, "share", "share of returning workers kept from re-migrating irregularly"
        ),
    }

    def strength(self, date: dt.date) -> float:
        """Return 0 until ``processing_days`` after the start, then the usual schedule."""
        return super().strength(date - dt.timedelta(days=self.processing_days))

    def divert(  # noqa: D102
        self, leaving: np.ndarray, strength: float, model: MigrationModel
    ) -> np.ndarray | None:
        per_day = self.extra_visas_per_year * strength / 365.25
        diverted = np.zeros_like(leaving)
        set_aside = self.northern_triangle_set_aside
        diverted[_NT] = _share_out(per_day * set_aside, self.apply_share * leaving[_NT])
        diverted[[_MEX]] = _share_out(per_day * (1 - set_aside), self.apply_share * leaving[[_MEX]])
        return diverted

    def apply(self, levers: Levers, strength: float, model: MigrationModel) -> None:  # noqa: D102
        if not self.reintegration:
            return
        s, set_aside = model.scenario, self.northern_triangle_set_aside
        for group, share in ((_NT, set_aside), ([_MEX], 1 - set_aside)):
            wanting = sum(
                s["departures"][NATIONALITIES[n]] * s["push"][NATIONALITIES[n]] for n in group
            )
            coverage = min(1.0, self.extra_visas_per_year * share / max(wanting, 1.0))
            levers.departures[group] *= 1 - self.reintegration * coverage * strength


class Parole(Policy):
    """Parole for Cubans, Haitians, Nicaraguans and Venezuelans, and port-of-entry appointments.

    The January 2023 measures (CBP_JAN23_PR; `policy_events.csv`; for Venezuelans alone from
    12 October 2022): up to 30,000 people a month from the four countries may fly in on parole
    with a US sponsor, while those who cross irregularly can be returned to Mexico, which
    agreed to take back up to 30,000 a month. Each month's quota per nationality goes to
    would-be irregular migrants at home who apply (``apply_share``), evenly over the days; of
    the nationalities with a quota, ``irregular_removal_share`` of those encountered crossing
    irregularly are returned to the Mexican side of the border. Port-of-entry appointments
    (CBP One, from January 2023: ``appointments_per_day``) go to the people waiting at the
    border, first come, first served (:mod:`migmodel.rules.queue`); CBP counts them as
    southwest-border encounters (Office of Field Operations encounters at ports of entry,
    CBP_NW_GDI; `experiments/data/SOURCES.md`). People in Mexico who hear that crossing now means
    return weigh waiting for an appointment, settling or going home instead: CHNV encounters
    fell from 91,000 in December 2022 to 22,000 in January 2023
    (`cbp_sw_encounters_monthly_by_citizenship.csv`).
    """

    name = "parole"
    steady = True
    parameters: ClassVar[dict[str, Number]] = {
        **{
            f"monthly_quota_{n.lower()}": Number(
                7_500, 0, 100_000, "people/month", f"parole places a month for {n} nationals"
            )
            for n in ("CUB", "HTI", "NIC", "VEN")
        },
        "apply_share": Number(
            0.5, 0, 1, "share", "share of would-be irregular migrants who seek the pathway"
        ),
        "appointments_per_day": Number(
            0, 0, 10_000, "people/day", "port-of-entry appointments (CBP One: 1,450 a day)"
        ),
        "irregular_removal_share": Number(
            0.3,
            0,
            1,
            "share",
            "share of nationals with a quota encountered crossing irregularly who are "
            "returned to Mexico",
        ),
    }

    def setup(self, model: MigrationModel) -> None:  # noqa: D102
        self.quota = np.zeros(len(NATIONALITIES))
        for n in ("CUB", "HTI", "NIC", "VEN"):
            self.quota[NATIONALITIES.index(n)] = self.params[f"monthly_quota_{n.lower()}"]

    def divert(  # noqa: D102
        self, leaving: np.ndarray, strength: float, model: MigrationModel
    ) -> np.ndarray | None:
        if not self.quota.any():
            return None
        return np.minimum(self.apply_share * leaving, self.quota * strength / _DAYS_PER_MONTH)

    def apply(self, levers: Levers, strength: float, model: MigrationModel) -> None:  # noqa: D102
        levers.appointments += self.appointments_per_day * strength
        covered = self.quota > 0
        removal = levers.removal_share[covered]
        levers.removal_share[covered] = (
            removal + (self.irregular_removal_share - removal).clip(0.0, None) * strength
        )
        levers.expel_to_mexico[covered] += (1.0 - levers.expel_to_mexico[covered]) * strength
