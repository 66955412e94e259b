"""The event calendar: which migrants have their next decision on which day.

A migrant travelling a leg, waiting at a place or working costs nothing until the day of its
next event. The calendar keeps, for each future day, the arrays of migrants due that day, so
that every migrant with an event on a day is handled in one batch (``docs/ODD.md``,
"Scheduling").
"""

from __future__ import annotations

import itertools

import numpy as np


class Schedule:
    """Day → migrants due that day."""

    def __init__(self) -> None:
        self._due: dict[int, list[np.ndarray]] = {}

    def add(self, ids: np.ndarray, when: np.ndarray | int, today: int) -> None:
        """Enter the next event of each migrant: on day ``when`` (one, or one per migrant)."""
        if ids.size == 0:
            return
        if np.isscalar(when):
            self._due.setdefault(int(when), []).append(ids)
            return
        delay = when - today
        low, high = int(delay.min()), int(delay.max())
        if low == high:  # all due the same day (often the case for a handful of migrants)
            self._due.setdefault(today + low, []).append(ids)
            return
        if high < 1 << 16:  # small integers: numpy sorts them by radix, in linear time
            delay = delay.astype(np.uint16)
        order = np.argsort(delay, kind="stable")
        when, ids = when[order], ids[order]
        bounds = [0, *(np.flatnonzero(np.diff(when)) + 1).tolist(), ids.size]
        for a, b in itertools.pairwise(bounds):
            self._due.setdefault(int(when[a]), []).append(ids[a:b])

    def pop(self, day: int) -> np.ndarray | None:
        """Remove and return the migrants due on ``day`` (None if nobody is)."""
        due = self._due.pop(day, None)
        if due is None:
            return None
        return np.concatenate(due) if len(due) > 1 else due[0]
