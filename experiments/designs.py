"""Experimental designs: which combinations of factor values a sweep runs.

* ``grid``: every combination of each factor's values (``itertools.product``), the first
  factor varying slowest;
* ``latin``: a Latin hypercube of ``samples`` points over the factors' ranges (SALib);
* ``sobol``: Saltelli's scheme on a scrambled Sobol' sequence, ``samples``·(D + 2) points, or
  ``samples``·(2D + 2) with second-order indices (SALib), for Sobol' indices;
* ``morris``: ``samples`` one-at-a-time trajectories of D + 1 points on a grid of ``levels``
  levels (SALib), for Morris' elementary effects.

Every design is deterministic: the samplers take the design's ``seed``, so the same sweep file
gives the same points on any machine. Integer parameters are rounded after sampling.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

METHODS = ("grid", "latin", "sobol", "morris")
"""The designs a sweep file may name."""

SAMPLED = ("latin", "sobol", "morris")
"""Designs that sample each factor from a range (the others take listed values)."""


@dataclass(frozen=True)
class Design:
    """How a sweep chooses its points.

    Attributes:
        method: one of :data:`METHODS`.
        samples: latin: points; sobol: the base sample N (a power of 2); morris: trajectories.
        second_order: sobol only: also sample for second-order indices.
        levels: morris only: the number of grid levels of each factor.
        seed: the sampler's seed.
    """

    method: str = "grid"
    samples: int = 0
    second_order: bool = False
    levels: int = 4
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Return the design as plain data (what a sweep file's ``[design]`` table holds)."""
        out: dict[str, Any] = {"method": self.method}
        if self.method in SAMPLED:
            out["samples"] = self.samples
            out["seed"] = self.seed
        if self.method == "sobol":
            out["second_order"] = self.second_order
        if self.method == "morris":
            out["levels"] = self.levels
        return out


@dataclass(frozen=True)
class Axis:
    """One factor as a design sees it: a name, a range or values, and whether it is whole."""

    name: str
    low: float
    high: float
    values: tuple[float, ...] | None = None
    integer: bool = False


def problem(axes: Sequence[Axis]) -> dict[str, Any]:
    """Return the SALib problem: factor names and bounds."""
    return {
        "num_vars": len(axes),
        "names": [a.name for a in axes],
        "bounds": [[a.low, a.high] for a in axes],
    }


def points(design: Design, axes: Sequence[Axis]) -> np.ndarray:
    """Return the design's points, one row per point and one column per factor.

    Rows come in the order the design's analysis expects (SALib's for sampled designs), and
    may repeat (e.g. Morris trajectories that cross); integer factors are rounded.
    """
    if design.method == "grid":
        grid = list(itertools.product(*(a.values or () for a in axes)))
        matrix = np.array(grid, dtype=float).reshape(len(grid), len(axes))
    elif design.method == "latin":
        from SALib.sample import latin

        matrix = latin.sample(problem(axes), design.samples, seed=design.seed)
    elif design.method == "sobol":
        from SALib.sample import sobol

        matrix = sobol.sample(
            problem(axes),
            design.samples,
            calc_second_order=design.second_order,
            scramble=True,
            seed=design.seed,
        )
    elif design.method == "morris":
        from SALib.sample import morris

        matrix = morris.sample(
            problem(axes), design.samples, num_levels=design.levels, seed=design.seed
        )
    else:  # the sweep file's validation names the allowed methods first
        raise ValueError(f"unknown design {design.method!r}")
    matrix = np.asarray(matrix, dtype=float)
    for j, axis in enumerate(axes):
        if axis.integer:
            matrix[:, j] = np.round(matrix[:, j])
    return matrix


def count(design: Design, axes: Sequence[Axis]) -> int:
    """Return the number of points :func:`points` gives, without sampling."""
    d = len(axes)
    if design.method == "grid":
        return math.prod(len(a.values or ()) for a in axes)  # exact: no overflow
    if design.method == "latin":
        return design.samples
    if design.method == "sobol":
        return design.samples * (2 * d + 2 if design.second_order else d + 2)
    return design.samples * (d + 1)
