"""A sweep's results arranged by point and seed, and the tables its report is made of.

Everything here is a number: :mod:`experiments.analysis` writes these tables as Markdown and
:mod:`experiments.sweep_figures` draws them.

Replicate seeds: a point's outcome is the mean over its seeds before the indices are
computed, so the indices describe the model's expected outcome; :meth:`Study.noise_share`
says how much of the variation between points is left-over seed noise. With posterior draws
(``draws`` in the sweep file) the replicates are (draw, seed) pairs, and a change's interval
spans the paired differences over both (2.5th to 97.5th percentiles, as ``migmodel compare
--draws``) rather than the confidence interval of their mean.
"""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from experiments.designs import problem
from experiments.sweep_plan import Factor, Sweep, SweepError
from migmodel.compare import draw_difference, paired_difference

RESAMPLES = {"sobol": 1000, "morris": 1000, "latin": 200}
"""Bootstrap resamples for the indices' confidence intervals (delta's bootstrap is slow)."""

LEVEL = 0.95
"""Confidence level of every interval."""

BOOTSTRAP_SEED = 1
"""Seed of SALib's bootstrap, so that the same results give the same intervals (SALib ignores
a seed of 0)."""


class Study:
    """A sweep's runs arranged by point and seed.

    Attributes:
        sweep: the sweep.
        runs: every recorded run (ok and failed).
        values: outcome values, shape (points, replicates, outcomes); NaN where a run is
            missing or failed.
        means: the mean over replicates of each point, shape (points, outcomes).
        n: the successful runs of each point and outcome, shape (points, outcomes).
    """

    def __init__(self, sweep: Sweep, runs: pd.DataFrame) -> None:
        self.sweep, self.runs = sweep, runs
        plan = sweep.plan
        points, replicates = len(plan.unique), len(sweep.replicates)
        self.values = np.full((points, replicates, len(sweep.summaries)), np.nan)
        ok = runs[runs["status"] == "ok"].set_index("run_id")
        for r in plan.runs:
            if r.run_id in ok.index:
                self.values[r.point, r.replicate] = ok.loc[r.run_id, list(sweep.summaries)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # points without any run: NaN
            self.means = np.nanmean(self.values, axis=1)
        self.n = np.isfinite(self.values).sum(axis=1)

    @property
    def expected(self) -> int:
        """Number of runs the sweep makes."""
        return len(self.sweep.plan.runs)

    @property
    def complete(self) -> bool:
        """Whether every point has at least one successful run."""
        return bool(np.isfinite(self.means).all())

    def recorded(self) -> tuple[int, int, int]:
        """Return the runs recorded ok, recorded failed, and not run yet."""
        ok = int((self.runs["status"] == "ok").sum())
        failed = int((self.runs["status"] == "failed").sum())
        return ok, failed, self.expected - ok - failed

    def half_width(self) -> np.ndarray:
        """Return the half-width of the 95% interval of each point's mean over seeds."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            sd = np.nanstd(self.values, axis=1, ddof=1)
            t = stats.t.ppf(0.5 + LEVEL / 2, np.maximum(self.n - 1, 1))
            return np.where(self.n > 1, t * sd / np.sqrt(np.maximum(self.n, 1)), np.nan)

    def noise_share(self) -> pd.Series:
        """Return, per outcome, the share of the variance of point means due to seed noise."""
        if len(self.sweep.replicates) < 2:
            return pd.Series(np.nan, index=list(self.sweep.summaries))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            within = np.nanmean(np.nanvar(self.values, axis=1, ddof=1) / self.n, axis=0)
            between = np.nanvar(self.means, axis=0, ddof=1)
            share = np.where(between > 0, np.minimum(within / between, 1.0), np.nan)
        return pd.Series(share, index=list(self.sweep.summaries))

    def by_point(self) -> pd.DataFrame:
        """Return one row per point: factors, runs, and each outcome's mean and interval."""
        sweep, plan = self.sweep, self.sweep.plan
        table = pd.DataFrame(plan.unique, columns=[f.name for f in sweep.factors])
        table.insert(0, "point", np.arange(len(table)))
        table["runs_ok"] = self.n.min(axis=1) if self.n.size else 0
        half = self.half_width()
        for k, name in enumerate(sweep.summaries):
            table[name] = self.means[:, k]
            table[f"{name}.low"] = self.means[:, k] - half[:, k]
            table[f"{name}.high"] = self.means[:, k] + half[:, k]
            if sweep.design.method == "grid" and len(sweep.replicates) > 1:
                change = self.paired_change(k)
                for column in ("difference", "low", "high"):
                    table[f"{name}.change.{column}"] = change[column].to_numpy()
        return table

    def paired_change(self, k: int) -> pd.DataFrame:
        """Return each point's change from point 0 in outcome ``k``, paired by replicate."""
        reference = pd.DataFrame(self.values[0, :, k])
        draws = pd.Series([draw for draw, _ in self.sweep.replicates])
        rows = [
            (
                draw_difference(reference, pd.DataFrame(self.values[p, :, k]), draws)
                if self.sweep.draws
                else paired_difference(reference, pd.DataFrame(self.values[p, :, k]), LEVEL)
            ).iloc[0]
            for p in range(len(self.values))
        ]
        return pd.DataFrame(rows).reset_index(drop=True)


def reference_values(sweep: Sweep) -> list[tuple[str, float]]:
    """Return the reference point: each factor at its first value (its low end if sampled)."""
    return [(f.name, (f.grid() or (f.low,))[0]) for f in sweep.factors]


def lever_effects(study: Study) -> pd.DataFrame:
    """Return each lever's effect alone, and all of them together, paired by seed.

    A move takes one factor from the reference point to its last value, the others staying,
    or every factor that takes several values to its last value at once (``factor`` is then
    empty). Each row gives an outcome's change under one move: the mean of the paired
    differences over the seeds and its 95% interval. The table is empty with one seed, with
    nothing to move, or without every run of the reference point.
    """
    sweep, plan = study.sweep, study.sweep.plan
    columns = ["outcome", "factor", "value", "difference", "low", "high"]
    moving = [j for j, f in enumerate(sweep.factors) if len(f.grid() or ()) > 1]
    if len(sweep.replicates) < 2 or not moving or not np.isfinite(study.values[0]).all():
        return pd.DataFrame(columns=columns)
    first = plan.unique[0]
    last = np.array([(f.grid() or (f.low,))[-1] for f in sweep.factors])
    moves = []
    for j in moving:
        point = first.copy()
        point[j] = last[j]
        moves.append((sweep.factors[j].name, last[j], point))
    if len(moving) > 1:
        together = np.where(np.isin(np.arange(len(last)), moving), last, first)
        moves.append(("", np.nan, together))
    index = {tuple(row): p for p, row in enumerate(plan.unique.tolist())}
    rows = []
    for k, outcome in enumerate(sweep.summaries):
        change = study.paired_change(k)
        for name, value, point in moves:
            row = change.iloc[index[tuple(point.tolist())]]
            rows.append([outcome, name, value, row["difference"], row["low"], row["high"]])
    return pd.DataFrame(rows, columns=columns)


def by_lever(study: Study, factors: list[Factor], k: int, half: np.ndarray) -> pd.DataFrame:
    """Return outcome ``k``'s mean and half-width by the first one or two of ``factors``.

    The other factors are averaged over. The index is the first factor's values, or its and
    the second's; the columns are ``mean`` and ``half``.
    """
    names = [f.name for f in study.sweep.factors]
    frame = pd.DataFrame(study.sweep.plan.unique, columns=names)
    frame["mean"], frame["half"] = study.means[:, k], half[:, k]
    keys = [f.name for f in factors[:2]]
    return frame.groupby(keys[0] if len(keys) == 1 else keys)[["mean", "half"]].mean()


def by_factor(study: Study) -> pd.DataFrame:
    """Return each outcome's mean over the points in each quarter of each factor's range."""
    sweep, rows = study.sweep, []
    for j, factor in enumerate(sweep.factors):
        edges = np.linspace(factor.low, factor.high, 5)
        which = np.clip(np.digitize(sweep.plan.unique[:, j], edges[1:-1]), 0, 3)
        for b in range(4):
            inside = which == b
            rows.append(
                {
                    "factor": factor.name,
                    "from": edges[b],
                    "to": edges[b + 1],
                    "points": int(inside.sum()),
                    **{
                        name: float(np.nanmean(study.means[inside, k])) if inside.any() else np.nan
                        for k, name in enumerate(sweep.summaries)
                    },
                }
            )
    return pd.DataFrame(rows)


def series_by_lever(study: Study, series: pd.DataFrame) -> pd.DataFrame:
    """Return the first recorded series by period (rows) and the first lever's value (columns).

    Each cell sums the flow patterns, then averages the runs at that lever value (over the
    other factors and the seeds).
    """
    sweep = study.sweep
    period, measure = sweep.frequency, sweep.series[0]
    lever = (sweep.levers or sweep.factors)[0]
    runs = study.runs.set_index("run_id")
    totals = series.groupby(["run_id", period])[measure].sum().reset_index()
    totals[lever.name] = runs.loc[totals["run_id"], lever.name].to_numpy()
    return totals.groupby([lever.name, period])[measure].mean().unstack(0)


def indices(study: Study) -> pd.DataFrame:
    """Return the design's sensitivity indices (SALib) for every outcome, with 95% intervals.

    Sobol designs give first-order and total indices (S1, ST), Morris designs μ* and σ, Latin
    hypercubes the delta moment-independent measure and S1. Each point's outcome is its mean
    over seeds.

    Raises:
        SweepError: the design is a grid, or some point has no successful run.
    """
    sweep, plan = study.sweep, study.sweep.plan
    if sweep.design.method == "grid":
        raise SweepError("a grid has no sensitivity indices; see the tables by lever")
    if not study.complete:
        raise SweepError("indices need every point of the design")
    spec = problem([f.axis() for f in sweep.factors])
    design, rows = sweep.design, []
    for k, outcome in enumerate(sweep.summaries):
        y = study.means[plan.row_point, k]
        if np.ptp(y) == 0:  # no variation: every index is 0/0
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = _salib(design.method, spec, plan.matrix, y, sweep)
        for j, factor in enumerate(sweep.factors):
            rows.append(
                {
                    "outcome": outcome,
                    "factor": factor.name,
                    "kind": factor.kind,
                    **{key: float(np.asarray(values)[j]) for key, values in found.items()},
                }
            )
    return pd.DataFrame(rows)


def _salib(method: str, spec: dict, x: np.ndarray, y: np.ndarray, sweep: Sweep) -> dict:
    seed = BOOTSTRAP_SEED
    if method == "sobol":
        from SALib.analyze import sobol

        found = sobol.analyze(
            spec,
            y,
            calc_second_order=sweep.design.second_order,
            num_resamples=RESAMPLES[method],
            conf_level=LEVEL,
            seed=seed,
        )
        keys = ("S1", "S1_conf", "ST", "ST_conf")
    elif method == "morris":
        from SALib.analyze import morris

        found = morris.analyze(
            spec,
            x,
            y,
            num_resamples=RESAMPLES[method],
            conf_level=LEVEL,
            num_levels=sweep.design.levels,
            seed=seed,
        )
        keys = ("mu", "mu_star", "mu_star_conf", "sigma")
    else:
        from SALib.analyze import delta

        # SALib's delta resets the warning filters and prints notes on its bins: keep them out
        formatwarning = warnings.formatwarning
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            found = dict(
                delta.analyze(
                    spec, x, y, num_resamples=RESAMPLES[method], conf_level=LEVEL, seed=seed
                )
            )
        warnings.formatwarning = formatwarning
        for key in ("delta", "delta_conf"):  # SALib >= 1.6 names the classic estimate "raw"
            found.setdefault(key, found.get(key.replace("delta", "delta_raw")))
        keys = ("delta", "delta_conf", "S1", "S1_conf")
    return {key: found[key] for key in keys}
