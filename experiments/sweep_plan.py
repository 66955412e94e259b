"""A sweep as data: its factors, the design laid out as points and runs, and their ids.

:mod:`experiments.sweepfile` reads and checks a sweep file into a :class:`Sweep`; the runner
(:mod:`experiments.sweep`), the results folder (:mod:`experiments.dataset`) and the report
(:mod:`experiments.analysis`) use the :class:`Sweep` and its :class:`Plan`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from experiments import report_text
from experiments.designs import Axis, Design, count, points
from migmodel.inputs import Number, ScenarioError
from migmodel.scenario import Scenario

KINDS = {"levers": "lever", "uncertainties": "uncertainty"}
"""The tables of a sweep file that hold factors, and the kind of factor each holds."""

MAX_RUNS = 100_000
"""The most runs a sweep may plan unless ``MIGMODEL_MAX_RUNS`` raises the limit."""
MAX_RUNS_ENV = "MIGMODEL_MAX_RUNS"


class SweepError(ScenarioError):
    """A sweep file, or a request about its results, is invalid; the message is for the user."""


@dataclass(frozen=True)
class Factor:
    """One lever or uncertainty: where it lives in a scenario and the values it takes.

    Attributes:
        name: its address in a scenario, e.g. ``policies.mexico_southern_border.intensity``.
        kind: ``lever`` or ``uncertainty``.
        number: the declared parameter (unit, range, help, whether whole).
        values: listed values (grid designs), or None for a range.
        low: the range's low end (or the smallest value).
        high: the range's high end (or the largest value).
        steps: a grid over a range: this many evenly spaced values.
    """

    name: str
    kind: str
    number: Number
    values: tuple[float, ...] | None
    low: float
    high: float
    steps: int | None = None

    def grid(self) -> tuple[float, ...] | None:
        """Return the values a grid takes: the listed ones, or ``steps`` across the range."""
        if self.values is not None:
            return self.values
        if self.steps is None:
            return None
        grid = np.linspace(self.low, self.high, self.steps)
        if self.number.integer:
            grid = np.unique(np.round(grid))
        return tuple(float(v) for v in grid)

    def axis(self) -> Axis:
        """Return the factor as a design sees it."""
        return Axis(self.name, self.low, self.high, self.grid(), self.number.integer)

    def to_dict(self) -> dict[str, Any]:
        """Return the factor's values as a sweep file writes them."""
        if self.values is not None:
            return {"values": list(self.values)}
        out: dict[str, Any] = {"range": [self.low, self.high]}
        if self.steps is not None:
            out["steps"] = self.steps
        return out

    def describe(self) -> str:
        """Return the values in words, e.g. ``0, 0.5, 1`` or ``0.25 – 1``."""
        if self.values is not None:
            return ", ".join(report_text.number(v) for v in self.values)
        steps = f" in {self.steps} steps" if self.steps else ""
        return f"{report_text.number(self.low)} – {report_text.number(self.high)}{steps}"


@dataclass(frozen=True)
class Run:
    """One run of a sweep: a point of the design, a seed and (with ``draws``) a posterior draw.

    Attributes:
        run_id: a hash of the point's values, the seed and the draw; the same in every session.
        point: index of the point among the sweep's distinct points.
        replicate: index of the (draw, seed) pair among the sweep's :attr:`Sweep.replicates`.
        seed: the model's random seed.
        values: the factors' values at the point.
        draw: the calibration's posterior draw (0: its median).
    """

    run_id: str
    point: int
    replicate: int
    seed: int
    values: dict[str, float]
    draw: int = 0


@dataclass(frozen=True)
class Plan:
    """The design laid out: its rows, the distinct points and the runs.

    Attributes:
        matrix: the design's rows (one per design point, in the design's order; rows may
            repeat), one column per factor.
        row_point: for each row, the index of its distinct point.
        unique: the distinct points, one row each.
        runs: every distinct point × every replicate (seed, or posterior draw × seed).
    """

    matrix: np.ndarray
    row_point: np.ndarray
    unique: np.ndarray
    runs: tuple[Run, ...]


@dataclass(frozen=True)
class Sweep:
    """A validated sweep: a base scenario, factors, a design, seeds and outcomes.

    With ``draws``, every point runs each of the base scenario's posterior draws on every seed:
    the replicates are then (draw, seed) pairs, and an effect's interval spans both.
    """

    name: str
    description: str
    base: Scenario
    factors: tuple[Factor, ...]
    design: Design
    seeds: tuple[int, ...]
    summaries: tuple[str, ...]
    series: tuple[str, ...] = ()
    frequency: str = "month"
    source: Path | None = None
    draws: tuple[int, ...] = ()

    @property
    def replicates(self) -> tuple[tuple[int, int], ...]:
        """The (draw, seed) pairs every point runs; the draw is 0 without ``draws``."""
        return tuple((draw, seed) for draw in self.draws or (0,) for seed in self.seeds)

    def replicate_words(self) -> str:
        """Return what each point runs, e.g. ``5 seeds`` or ``10 posterior draws × 2 seeds``."""
        seeds = f"{len(self.seeds)} seed{'s' * (len(self.seeds) > 1)}"
        return f"{len(self.draws)} posterior draws × {seeds}" if self.draws else seeds

    @property
    def levers(self) -> tuple[Factor, ...]:
        """The factors that are policy choices."""
        return tuple(f for f in self.factors if f.kind == "lever")

    @property
    def uncertainties(self) -> tuple[Factor, ...]:
        """The factors that are uncertain model parameters."""
        return tuple(f for f in self.factors if f.kind == "uncertainty")

    @functools.cached_property
    def plan(self) -> Plan:
        """The design's rows, distinct points and runs (computed once)."""
        matrix = points(self.design, [f.axis() for f in self.factors])
        index: dict[tuple[float, ...], int] = {}
        row_point = np.empty(len(matrix), dtype=np.int64)
        for i, row in enumerate(matrix.tolist()):
            row_point[i] = index.setdefault(tuple(row), len(index))
        unique = np.array(list(index), dtype=float).reshape(len(index), len(self.factors))
        names = [f.name for f in self.factors]
        runs = tuple(
            Run(run_id(values, seed, draw), p, r, seed, values, draw)
            for p, row in enumerate(unique.tolist())
            for values in [dict(zip(names, row, strict=True))]
            for r, (draw, seed) in enumerate(self.replicates)
        )
        return Plan(matrix, row_point, unique, runs)

    def count(self) -> int:
        """Return the number of design points (with repeats), without sampling."""
        return count(self.design, [f.axis() for f in self.factors])

    def scenario(self, values: Mapping[str, float], draw: int = 0) -> Scenario:
        """Return the base scenario with the factors set to ``values``, validated.

        The factors are set by name with :meth:`~migmodel.scenario.Scenario.set`; ``draw``
        (a run's, or a ``draw`` factor) takes the calibration's posterior draw first.
        """
        base = self.base.with_draw(draw) if draw else self.base
        return base.set({f.name: values[f.name] for f in self.factors})

    def spec(self) -> dict[str, Any]:
        """Return everything that decides the runs and their results, as JSON-ready data."""
        spec = {
            "base": self.base.to_dict(),
            **({"calibration": str(self.base.calibration)} if self.base.calibration else {}),
            **{
                kind: {f.name: f.to_dict() for f in self.factors if f.kind == KINDS[kind]}
                for kind in KINDS
            },
            "design": self.design.to_dict(),
            "seeds": list(self.seeds),
            **({"draws": list(self.draws)} if self.draws else {}),
            "outcomes": {
                "summaries": list(self.summaries),
                "series": list(self.series),
                "frequency": self.frequency,
            },
        }
        return json.loads(json.dumps(spec, default=str))

    def fingerprint(self) -> str:
        """Return a hash of :meth:`spec`: equal for sweeps that make the same runs."""
        text = json.dumps(self.spec(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def run_id(values: Mapping[str, float], seed: int, draw: int = 0) -> str:
    """Return a run's stable id: a hash of its factors' values, its seed and its draw."""
    key: dict[str, Any] = {"values": {k: float(v) for k, v in values.items()}, "seed": int(seed)}
    if draw:  # without draws, the ids of earlier sweeps stay the same
        key["draw"] = int(draw)
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]


def max_runs() -> int:
    """Return the most runs a sweep may plan: ``MIGMODEL_MAX_RUNS``, default 100,000."""
    text = os.environ.get(MAX_RUNS_ENV, "").strip()
    if not text:
        return MAX_RUNS
    if not text.isdigit() or int(text) < 1:
        raise SweepError(f"{MAX_RUNS_ENV} = {text!r} must be a whole number ≥ 1")
    return int(text)


def check_size(sweep: Sweep) -> None:
    """Refuse a plan larger than :func:`max_runs`, counted before any point is built."""
    if sweep.design.method == "grid":  # at most: rounding may merge an integer's steps
        size = math.prod(
            len(f.values) if f.values is not None else (f.steps or 0) for f in sweep.factors
        )
    else:
        size = sweep.count()
    runs = size * len(sweep.replicates)
    if runs > max_runs():
        raise SweepError(
            f"the design makes {size:,} points × {len(sweep.replicates):,} replicates = {runs:,} "
            f"runs, more than the limit of {max_runs():,}; use fewer values, steps or "
            f"samples, or raise the limit with {MAX_RUNS_ENV}={runs}"
        )
