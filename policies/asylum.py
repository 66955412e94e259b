"""The consequence regime at the US border: who is removed after an encounter, who tries again.

Title 42 (March 2020 – 11 May 2023) expelled most encountered Mexicans and Northern Triangle
nationals to Mexico within hours, so many tried again (DESIGN.md: repeat crossings, mostly by
Mexicans); few Venezuelans, Cubans or Nicaraguans could be expelled. From 12 May 2023 the
Circumvention of Lawful Pathways rule made asylum harder for those who crossed irregularly
and removal under Title 8 carries a five-year bar, so fewer try again; the June 2024
proclamation tightened it further (`policy_events.csv`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from migmodel.patterns import FLOW_PATTERNS
from migmodel.schema import Number
from policies.base import Levers, Policy
from policies.registry import register

if TYPE_CHECKING:
    from migmodel.model import MigrationModel

_CRISIS = FLOW_PATTERNS.index("crisis_states")


@register
class AsylumRule(Policy):
    """The consequence regime at the US border: removal or expulsion, and re-attempts.

    Sets the share of encountered people removed or expelled (``removal_share``; for
    crisis-state nationals, whom few countries take back, ``crisis_states_removal_share``),
    never below the scenario's own share, and multiplies the share of removed people who try
    again (``reattempt_multiplier``: above 1 for quick expulsions with no penalty such as
    Title 42, below 1 for removals that carry a bar on re-entry). A rule that presumes asylum
    ineligibility for those who did not use a port appointment (May 2023) also makes some wait
    in Mexico for one rather than cross (``hold_share``, as for parole).
    """

    name = "asylum_rule"
    parameters: ClassVar[dict[str, Number]] = {
        "removal_share": Number(
            0.7, 0, 1, "share", "share of encounters removed or expelled (other patterns)"
        ),
        "crisis_states_removal_share": Number(
            0.2, 0, 1, "share", "share of crisis-state nationals removed or expelled"
        ),
        "reattempt_multiplier": Number(
            1.0, 0, 3, "×", "multiplies the share of removed people who try again"
        ),
        "hold_share": Number(
            0.0,
            0,
            0.99,
            "share",
            "chance that someone about to cross irregularly waits in Mexico for a port "
            "appointment instead (and looks again a month later)",
        ),
    }

    def apply(self, levers: Levers, strength: float, model: MigrationModel) -> None:  # noqa: D102
        for pattern in range(len(FLOW_PATTERNS)):
            target = self.crisis_states_removal_share if pattern == _CRISIS else self.removal_share
            now = levers.removal_share[pattern]
            levers.removal_share[pattern] = now + max(0.0, target - now) * strength
        factor = 1 + (self.reattempt_multiplier - 1) * strength
        levers.border_reattempt_share[:] = (levers.border_reattempt_share * factor).clip(0, 1)
        np.maximum(levers.border_hold, self.hold_share * strength, out=levers.border_hold)
