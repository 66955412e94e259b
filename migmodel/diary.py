"""The diary of followed migrants: every decision and event of their journeys, in order.

The model keeps no history per agent (that is what makes it fast); a :class:`Diary` records
one for the few migrants a user chooses to follow (``model.follow(rows)``). Since the same
scenario and seed give the same run, following a migrant from the first day (re-running the
model with the diary switched on) gives its whole journey exactly: that is what the app does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from migmodel.model import MigrationModel

EVENTS: dict[str, str] = {
    "leaves": "sets out from home",
    "sets_off": "sets off along a leg of the journey",
    "works": "has run out of money and stops to work",
    "queues": "waits at the border for a port appointment instead of crossing",
    "appointment": "enters the US at a port of entry with an appointment",
    "settles": "gives up crossing and settles in Mexico",
    "goes_home": "gives up at the border and goes home",
    "arrives": "arrives at a place",
    "waits": "waits at a place (documents, a smuggler, an appointment)",
    "dies": "dies or goes missing on the way",
    "apprehended": "is apprehended by a transit country's authorities",
    "relocated": "is taken back to southern Mexico",
    "released_in_mexico": "is released with a document and may go on",
    "encountered": "is encountered by US authorities at the border",
    "released": "is released in the US to pursue a claim",
    "sent_back": "is removed, expelled or deported",
    "tries_again": "will try again",
    "gives_up": "gives up and stays home",
    "enters_us": "enters the US without being encountered",
}
"""Every kind of diary entry, with what it means."""


def days(n: int) -> str:
    """Return ``"1 day"`` or ``"n days"``."""
    return "1 day" if n == 1 else f"{n} days"


@dataclass(frozen=True)
class Entry:
    """One event in the journey of one followed migrant."""

    day: int
    date: dt.date
    row: int
    event: str
    node: int
    place: str
    detail: str


class Diary:
    """Entries for the followed migrants, in the order they happened.

    Args:
        rows: the rows (agent ids) to follow.
    """

    def __init__(self, rows: Iterable[int]) -> None:
        self.rows = np.unique(np.fromiter(rows, dtype=np.int64))
        self.entries: list[Entry] = []

    def note(
        self,
        model: MigrationModel,
        ids: np.ndarray,
        event: str,
        nodes: np.ndarray,
        detail: Callable[[int], str] | None = None,
    ) -> None:
        """Record ``event`` for the followed migrants among ``ids``.

        Args:
            model: the model, for today's date and the place names.
            ids: the migrants the event happens to.
            event: a key of :data:`EVENTS`.
            nodes: where it happens, one node per id.
            detail: returns the detail text for position ``k`` in ``ids``.
        """
        if ids.size == 0:
            return
        hits = np.flatnonzero(np.isin(ids, self.rows))
        names = model.network.nodes["name"]
        for k in hits.tolist():
            self.entries.append(
                Entry(
                    day=model.day,
                    date=model.date,
                    row=int(ids[k]),
                    event=event,
                    node=int(nodes[k]),
                    place=str(names.iat[int(nodes[k])]),
                    detail=detail(k) if detail else "",
                )
            )

    def of(self, row: int) -> list[Entry]:
        """Return the entries of one migrant."""
        return [e for e in self.entries if e.row == row]
