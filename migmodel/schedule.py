"""The event calendar: which migrants have their next decision on which day.

A migrant travelling a leg, waiting at a place or working costs nothing until the day of its
next event. The calendar keeps, for each future day, the arrays of migrants due that day, so
that every migrant with an event on a day is handled in one batch (``docs/ODD.md``,
"Scheduling").
"""

from __future__ import annotations

import itertools

import numpy as np

_FEW = 32
"""Batches up to this size are grouped by day in Python rather than sorted by NumPy."""


class Schedule:
    """Day → migrants due that day."""

    def __init__(self) -> None:
        # Each day's batches: arrays of ids, or lists of ids for the handfuls grouped in Python.
        self._due: dict[int, list[np.ndarray | list[int]]] = {}

    def add(self, ids: np.ndarray, when: np.ndarray | int, today: int) -> None:
        """Enter the next event of each migrant: on day ``when`` (one, or one per migrant).

        Migrants due on the same day keep the order they are given in.
        """
        if ids.size == 0:
            return
        if not isinstance(when, np.ndarray):  # one day for all
            self._due.setdefault(int(when), []).append(ids)
            return
        if ids.size <= _FEW:  # a handful: grouping them in Python is quicker than sorting
            days = when.tolist()
            if days.count(days[0]) == len(days):
                self._due.setdefault(days[0], []).append(ids)
                return
            rows: dict[int, list[int]] = {}
            for row, day in zip(ids.tolist(), days, strict=True):
                rows.setdefault(day, []).append(row)
            for day, group in rows.items():
                self._due.setdefault(day, []).append(group)
            return
        delay = when - today
        if delay.max() < 1 << 16:  # small integers: numpy sorts them by radix, in linear time
            delay = delay.astype(np.uint16)
        order = np.argsort(delay, kind="stable")
        when, ids = when[order], ids[order]
        starts = (when[1:] != when[:-1]).nonzero()[0] + 1
        bounds = [0, *starts.tolist(), ids.size]
        for a, b in itertools.pairwise(bounds):
            self._due.setdefault(int(when[a]), []).append(ids[a:b])

    def pop(self, day: int) -> np.ndarray | None:
        """Remove and return the migrants due on ``day`` (None if nobody is)."""
        due = self._due.pop(day, None)
        if due is None:
            return None
        if len(due) == 1 and isinstance(due[0], np.ndarray):
            return due[0]
        return np.concatenate(due)
