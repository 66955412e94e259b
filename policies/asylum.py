"""The consequence regime at the US border: who is removed, where to, and who tries again.

Title 42 (20 March 2020 – 11 May 2023) expelled most encountered Mexicans and Northern Triangle
nationals to Mexico within hours, with no penalty, so many tried again: CBP counted 7% of FY2019
crossings as repeat crossings of people stopped in the previous year and 27% in FY2021 (AP, 22
October 2021); few Venezuelans, Cubans or Nicaraguans could be expelled (under 1% in 2021–22).
From 12 May 2023 the Circumvention of Lawful Pathways rule presumed asylum ineligibility for
those who crossed without using a lawful pathway, and removal under Title 8 carries a bar on
re-entry, so fewer try again; the June 2024 proclamation tightened it further
(`policy_events.csv`). Migrants learn the regime from its announcement (at the border at once,
at home after a lag) and from the outcomes of those before them, and choose to leave, to cross
or to wait accordingly (:mod:`migmodel.rules.beliefs`, :mod:`migmodel.rules.queue`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from migmodel.inputs import Number
from migmodel.patterns import FLOW_PATTERNS
from migmodel.policy import Levers, Policy

if TYPE_CHECKING:
    from migmodel.model import MigrationModel

_CRISIS = FLOW_PATTERNS.index("crisis_states")
_NORTHERN_TRIANGLE = FLOW_PATTERNS.index("northern_triangle")


class AsylumRule(Policy):
    """The consequence regime at the US border: removal or expulsion, where to, and re-attempts.

    Sets the share of encountered people removed or expelled (``removal_share``; for
    crisis-state nationals, whom few countries take back, ``crisis_states_removal_share``),
    never below the scenario's own share; the share of removed Northern Triangle nationals
    expelled to the Mexican side of the border rather than flown home (``expel_to_mexico``:
    1 under Title 42, since Mexico took them back); and multiplies the share of removed people
    who try again (``reattempt_multiplier``: above 1 for quick expulsions with no penalty such
    as Title 42, below 1 for removals that carry a bar on re-entry). People waiting at the
    border weigh the harsher odds against waiting for an appointment
    (:mod:`migmodel.rules.queue`).
    """

    name = "asylum_rule"
    steady = True
    parameters: ClassVar[dict[str, Number]] = {
        "removal_share": Number(
            0.7, 0, 1, "share", "share of encounters removed or expelled (other patterns)"
        ),
        "crisis_states_removal_share": Number(
            0.2, 0, 1, "share", "share of crisis-state nationals removed or expelled"
        ),
        "expel_to_mexico": Number(
            0.0,
            0,
            1,
            "share",
            "share of removed Northern Triangle nationals put on the Mexican side (Title 42: 1)",
        ),
        "reattempt_multiplier": Number(
            1.0, 0, 3, "×", "multiplies the share of removed people who try again"
        ),
    }

    def apply(self, levers: Levers, strength: float, model: MigrationModel) -> None:  # noqa: D102
        pattern = model.nat_pattern
        target = (pattern == _CRISIS) * self.crisis_states_removal_share + (
            pattern != _CRISIS
        ) * self.removal_share
        now = levers.removal_share
        levers.removal_share[:] = now + (target - now).clip(0.0, None) * strength
        nt = pattern == _NORTHERN_TRIANGLE
        levers.expel_to_mexico[nt] += (self.expel_to_mexico - levers.expel_to_mexico[nt]).clip(
            0.0, None
        ) * strength
        factor = 1 + (self.reattempt_multiplier - 1) * strength
        levers.border_reattempt_share[:] = (levers.border_reattempt_share * factor).clip(0, 1)
