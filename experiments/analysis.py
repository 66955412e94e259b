"""Read a sweep's results back: sensitivity indices, outcomes by lever, plots and a report.

``analyze(DIR)`` writes, beside the data (or in another folder):

* ``report.md``: what was run, the indices or the tables by lever, the figures;
* ``tables/by_point.csv``: one row per point: its factors, and for each outcome the mean over
  seeds, the 95% interval of that mean and, for grids, the change from the reference point
  (every factor at its first value) paired by seed;
* ``tables/indices.csv``: Sobol' (first-order and total), Morris (μ*, σ) or delta indices
  with 95% confidence intervals, computed with SALib;
* ``figures/*.png``.

Replicate seeds: a point's outcome is the mean over its seeds before the indices are
computed, so the indices describe the model's expected outcome; the report says how much of
the variation between points is left-over seed noise.
"""

from __future__ import annotations

import contextlib
import io
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from experiments import dataset
from experiments.designs import problem
from experiments.sweepfile import Factor, Sweep, SweepError
from migmodel.compare import paired_difference

RESAMPLES = {"sobol": 1000, "morris": 1000, "latin": 200}
"""Bootstrap resamples for the indices' confidence intervals (delta's bootstrap is slow)."""

LEVEL = 0.95
"""Confidence level of every interval."""

BOOTSTRAP_SEED = 1
"""Seed of SALib's bootstrap, so that the same results give the same intervals (SALib ignores
a seed of 0)."""


def analyze(folder: str | Path, report: str | Path | None = None) -> Path:
    """Analyse a sweep's results folder and write a report.

    Args:
        folder: the folder ``migmodel sweep --out`` wrote.
        report: where to write ``report.md``, ``tables/`` and ``figures/`` (default: the
            folder itself).

    Returns:
        The path of ``report.md``.

    Raises:
        SweepError: the folder is missing, holds no sweep or no finished run.
    """
    folder = Path(folder)
    sweep = dataset.read_sweep(folder)
    runs = dataset.read_runs(folder)
    out = Path(report) if report is not None else folder
    try:
        (out / "figures").mkdir(parents=True, exist_ok=True)
        (out / "tables").mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise SweepError(f"--report {out}: cannot write there ({err.strerror})") from None
    study = Study(sweep, runs)
    parts = [_header(sweep, study, folder)]
    if sweep.design.method == "grid":
        parts.append(_effects_section(study))
        parts.append(_grid_section(study, out))
    else:
        parts.append(_indices_section(study, out))
        parts.append(_scatter_section(study, out))
    if sweep.series:
        parts.append(_series_section(study, dataset.read_series(folder), out))
    parts.append(_failures_section(study))
    parts.append(_files_section(sweep, dataset.read_record(folder), folder, out))
    by_point = study.by_point()
    by_point.to_csv(out / "tables" / "by_point.csv", index=False, float_format="%.10g")
    path = out / "report.md"
    path.write_text("\n\n".join(p for p in parts if p).rstrip() + "\n", encoding="utf-8")
    return path


class Study:
    """A sweep's runs arranged by point and seed.

    Attributes:
        sweep: the sweep.
        runs: every recorded run (ok and failed).
        values: outcome values, shape (points, seeds, outcomes); NaN where a run is missing
            or failed.
        means: the mean over seeds of each point, shape (points, outcomes).
    """

    def __init__(self, sweep: Sweep, runs: pd.DataFrame) -> None:
        self.sweep, self.runs = sweep, runs
        plan = sweep.plan
        points, seeds = len(plan.unique), len(sweep.seeds)
        self.values = np.full((points, seeds, len(sweep.summaries)), np.nan)
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

    def half_width(self) -> np.ndarray:
        """Return the half-width of the 95% interval of each point's mean over seeds."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            sd = np.nanstd(self.values, axis=1, ddof=1)
            t = stats.t.ppf(0.5 + LEVEL / 2, np.maximum(self.n - 1, 1))
            return np.where(self.n > 1, t * sd / np.sqrt(np.maximum(self.n, 1)), np.nan)

    def noise_share(self) -> pd.Series:
        """Return, per outcome, the share of the variance of point means due to seed noise."""
        if len(self.sweep.seeds) < 2:
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
            if sweep.design.method == "grid" and len(sweep.seeds) > 1:
                change = self.paired_change(k)
                for column in ("difference", "low", "high"):
                    table[f"{name}.change.{column}"] = change[column].to_numpy()
        return table

    def paired_change(self, k: int) -> pd.DataFrame:
        """Return each point's change from point 0 in outcome ``k``, paired by seed."""
        reference = pd.DataFrame(self.values[0, :, k])
        rows = [
            paired_difference(reference, pd.DataFrame(self.values[p, :, k]), LEVEL).iloc[0]
            for p in range(len(self.values))
        ]
        return pd.DataFrame(rows).reset_index(drop=True)


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


def _header(sweep: Sweep, study: Study, folder: Path) -> str:
    base, plan = sweep.base, sweep.plan
    ok = int((study.runs["status"] == "ok").sum())
    failed = int((study.runs["status"] == "failed").sum())
    missing = study.expected - ok - failed
    policies = ", ".join(p.name for p in base.policies) or "none"
    seeds = _seeds(sweep.seeds)
    lines = [
        f"# Sweep `{sweep.name}`",
        sweep.description,
        f"**Base scenario** `{base.name}`: {base.start} + {base.days} days (after a "
        f"{base['spinup_days']}-day spin-up), 1 agent = {base.people_per_agent:g} people; "
        f"policies switched on: {policies}.",
        f"**Design**: {_design_words(sweep)}; {len(plan.unique)} distinct points × "
        f"{len(sweep.seeds)} seeds ({seeds}, the same at every point) = {study.expected} runs. "
        f"**Recorded**: {ok} ok, {failed} failed, {missing} not run yet.",
        "| factor | kind | values | unit | meaning |\n|---|---|---|---|---|\n"
        + "\n".join(
            f"| `{f.name}` | {f.kind} | {f.describe()} | {f.number.unit} | {f.number.help} |"
            for f in sweep.factors
        ),
        "**Seeds.** Every point runs the same seeds (common random numbers), so differences "
        "between points are not blurred by different random draws. A point's outcome is the "
        "mean over its seeds; "
        + (
            "the indices are computed on these means. "
            if sweep.design.method != "grid"
            else "the tables give it with the 95% interval of that mean. "
        )
        + _noise_words(study),
    ]
    return "\n\n".join(line for line in lines if line)


def _effects_section(study: Study) -> str:
    """Each lever alone from its first to its last value, and all together, paired by seed."""
    sweep, plan = study.sweep, study.sweep.plan
    moving = [j for j, f in enumerate(sweep.factors) if len(f.grid() or ()) > 1]
    if len(sweep.seeds) < 2 or not moving or not np.isfinite(study.values[0]).all():
        return ""
    first = plan.unique[0]
    last = np.array([(f.grid() or (f.low,))[-1] for f in sweep.factors])
    targets = []
    for j in moving:
        point = first.copy()
        point[j] = last[j]
        targets.append((f"`{_short(sweep.factors[j].name)}` → {_value(last[j])}", point))
    if len(moving) > 1:
        targets.append(
            ("all of them", np.where(np.isin(np.arange(len(last)), moving), last, first))
        )
    index = {tuple(row): p for p, row in enumerate(plan.unique.tolist())}
    header = "| outcome | " + " | ".join(t for t, _ in targets) + " |"
    lines = [header, "|---|" + "---:|" * len(targets)]
    for k, outcome in enumerate(sweep.summaries):
        change = study.paired_change(k)
        cells = []
        for _, point in targets:
            row = change.iloc[index[tuple(point.tolist())]]
            cells.append(_change(row["difference"], row["low"], row["high"]))
        lines.append(f"| {_label(outcome)} | " + " | ".join(cells) + " |")
    reference = _reference(sweep)
    return (
        "## Effect of each lever\n\n"
        f"Change from the reference point ({reference}) when one factor moves to its last "
        "value and the others stay, and when all move together: the mean of the paired "
        "differences over the seeds, with its 95% interval (Student's t, as `migmodel "
        "compare`). An interval that excludes 0 is an effect the seeds cannot explain.\n\n"
        + "\n".join(lines)
    )


def _grid_section(study: Study, out: Path) -> str:
    sweep = study.sweep
    factors = [f for f in sweep.factors if len(f.grid() or ()) > 1] or list(sweep.factors)
    half = study.half_width()
    paired = (
        "`tables/by_point.csv` also gives each point's change from the reference point "
        f"({_reference(sweep)}) paired by seed, with its 95% interval."
        if len(sweep.seeds) > 1
        else "With one seed per point there are no intervals."
    )
    parts = [
        "## Outcomes by lever",
        "People over the run; each cell is the mean over seeds ± the half-width of its 95% "
        f"interval. {paired}",
    ]
    for k, outcome in enumerate(sweep.summaries):
        parts.append(f"### {_label(outcome)}\n\n{_grid_table(study, factors, k, half)}")
    figure = _grid_figure(study, factors)
    figure.savefig(out / "figures" / "by_lever.png", dpi=110)
    parts.append("![Outcomes by lever](figures/by_lever.png)")
    return "\n\n".join(parts)


def _grid_table(study: Study, factors: list[Factor], k: int, half: np.ndarray) -> str:
    """Markdown table of outcome ``k``: first factor down, second across (others averaged)."""
    sweep, plan = study.sweep, study.sweep.plan
    names = [f.name for f in sweep.factors]
    frame = pd.DataFrame(plan.unique, columns=names)
    frame["mean"], frame["half"] = study.means[:, k], half[:, k]
    rows = factors[0]
    if len(factors) == 1:
        group = frame.groupby(rows.name)[["mean", "half"]].mean()
        header = f"| {_short(rows.name)} | {_label(sweep.summaries[k])} |\n|---|---:|"
        body = [f"| {_value(v)} | {_pm(m, h)} |" for v, (m, h) in group.iterrows()]
        return "\n".join([header, *body])
    cols = factors[1]
    group = frame.groupby([rows.name, cols.name])[["mean", "half"]].mean()
    col_values = list(cols.grid() or ())
    caption = f"Rows: `{rows.name}`; columns: `{cols.name}`.\n\n"
    header = (
        f"{caption}| {_short(rows.name)} \\ {_short(cols.name)} | "
        + " | ".join(_value(v) for v in col_values)
        + " |\n|---|"
        + "---:|" * len(col_values)
    )
    body = []
    for v in rows.grid() or ():
        cells = [_pm(*group.loc[(v, c)]) if (v, c) in group.index else "" for c in col_values]
        body.append(f"| {_value(v)} | " + " | ".join(cells) + " |")
    note = ""
    if len(factors) > 2:
        others = ", ".join(f"`{f.name}`" for f in factors[2:])
        note = f"\n\n(averaged over {others})"
    return "\n".join([header, *body]) + note


def _grid_figure(study: Study, factors: list[Factor]) -> Figure:
    sweep, plan = study.sweep, study.sweep.plan
    names = [f.name for f in sweep.factors]
    frame = pd.DataFrame(plan.unique, columns=names)
    half = study.half_width()
    fig, axes = _panels(len(sweep.summaries))
    x_factor = factors[0]
    line_factor = factors[1] if len(factors) > 1 else None
    line_values = list(line_factor.grid() or ()) if line_factor else [None]
    colours = _colours(len(line_values))
    for k, (ax, outcome) in enumerate(zip(axes, sweep.summaries, strict=False)):
        frame["mean"], frame["half"] = study.means[:, k], half[:, k]
        for value, colour in zip(line_values, colours, strict=True):
            sub = frame if line_factor is None else frame[frame[line_factor.name] == value]
            g = sub.groupby(x_factor.name)[["mean", "half"]].mean()
            label = None if line_factor is None else _value(value)
            ax.errorbar(
                g.index, g["mean"], yerr=g["half"], color=colour, marker="o", ms=3, capsize=2,
                label=label,
            )  # fmt: skip
        ax.set_title(_label(outcome), fontsize=9)
        ax.set_xlabel(_short(x_factor.name), fontsize=8)
        _people_axis(ax)
    if line_factor is not None:
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(
            handles,
            labels,
            loc="outside lower center",
            ncols=len(labels),
            title=_short(line_factor.name),
            fontsize=7,
            title_fontsize=7,
        )
    fig.suptitle(f"{sweep.name}: mean over seeds, 95% intervals", fontsize=10)
    return fig


def _indices_section(study: Study, out: Path) -> str:
    sweep, method = study.sweep, study.sweep.design.method
    title = {
        "sobol": "Sobol' indices",
        "morris": "Morris elementary effects",
        "latin": "Delta moment-independent indices",
    }[method]
    if not study.complete:
        (out / "tables" / "indices.csv").unlink(missing_ok=True)  # never leave stale ones
        (out / "figures" / f"{method}_indices.png").unlink(missing_ok=True)
        return (
            f"## {title}\n\nNot computed: the indices need a result at every point of the "
            "design, and some points have none yet (see below). Run "
            "`migmodel sweep SWEEP --out DIR --resume` (with `--retry-failed` for failures)."
        )
    table = indices(study)
    table.to_csv(out / "tables" / "indices.csv", index=False, float_format="%.10g")
    explain = {
        "sobol": "S1 is the share of the outcome's variance due to the factor alone; ST adds "
        "its interactions with the others. ST near 0: the factor hardly matters; ST well above "
        "S1: it matters through interactions.",
        "morris": "μ* is the mean absolute change in the outcome (people) when the factor moves "
        "one step of the grid (a fraction of its range), σ the spread of that change: high σ "
        "means the effect depends on the other factors (non-linear or interacting).",
        "latin": "δ measures how much knowing the factor changes the outcome's whole "
        "distribution (0: not at all); S1 is the share of variance due to it alone.",
    }[method]
    parts = [
        f"## {title}",
        f"Computed with SALib on the points' mean over seeds; 95% confidence intervals from "
        f"{RESAMPLES[method]:,} bootstrap resamples. {explain}",
    ]
    columns = {
        "sobol": (("S1", "S1_conf"), ("ST", "ST_conf")),
        "morris": (("mu_star", "mu_star_conf"), ("sigma", None)),
        "latin": (("delta", "delta_conf"), ("S1", "S1_conf")),
    }[method]
    heads = {"mu_star": "μ*", "sigma": "σ", "delta": "δ"}
    noise = study.noise_share()
    for outcome in sweep.summaries:
        rows = table[table["outcome"] == outcome] if len(table) else table
        if not len(rows):
            parts.append(f"### {_label(outcome)}\n\nNo variation across the design.")
            continue
        head = " | ".join(heads.get(c, c) + (" (95% CI)" if e else "") for c, e in columns)
        lines = [f"| factor | {head} |", "|---|" + "---:|" * len(columns)]
        for _, row in rows.iterrows():
            cells = [_index(row[c], row[e] if e else None, method) for c, e in columns]
            lines.append(f"| `{row['factor']}` | " + " | ".join(cells) + " |")
        warning = ""
        if noise.get(outcome, 0) > 0.5:
            warning = (
                f"Seed noise is {noise[outcome]:.0%} of the variance between points here: "
                "these indices mostly measure noise"
                + (" (S1 near 0 and ST near 1 for every factor is its mark)" * (method == "sobol"))
                + ".\n\n"
            )
        parts.append(f"### {_label(outcome)}\n\n{warning}" + "\n".join(lines))
    figure = _indices_figure(study, table, columns, heads)
    name = f"{method}_indices.png"
    figure.savefig(out / "figures" / name, dpi=110)
    parts.append(f"![{title}](figures/{name})")
    return "\n\n".join(parts)


def _indices_figure(study: Study, table: pd.DataFrame, columns: tuple, heads: dict) -> Figure:
    sweep = study.sweep
    fig, axes = _panels(len(sweep.summaries), height=0.35 * len(sweep.factors) + 1.2, width=4.4)
    labels = [_short(f.name) for f in sweep.factors]
    y = np.arange(len(labels))
    colours = _colours(2)
    for ax, outcome in zip(axes, sweep.summaries, strict=False):
        rows = table[table["outcome"] == outcome] if len(table) else table
        ax.set_title(_label(outcome), fontsize=9)
        if not len(rows):
            continue
        for i, ((column, error), colour) in enumerate(zip(columns, colours, strict=True)):
            values = rows[column].to_numpy()
            errors = rows[error].to_numpy() if error else None
            ax.barh(
                y + (i - 0.5) * 0.38, values, height=0.36, xerr=errors, color=colour,
                label=heads.get(column, column), capsize=2,
            )  # fmt: skip
        ax.set_yticks(y, labels, fontsize=7)
        ax.invert_yaxis()
        ax.axvline(0, color="0.5", lw=0.5)
    axes[0].legend(fontsize=7)
    fig.suptitle(f"{sweep.name}: sensitivity indices with 95% intervals", fontsize=10)
    return fig


def _scatter_section(study: Study, out: Path) -> str:
    sweep = study.sweep
    outcomes = list(sweep.summaries)[:4]
    fig = Figure(figsize=(2.4 * len(sweep.factors), 2.0 * len(outcomes)), layout="constrained")
    grid = fig.subplots(len(outcomes), len(sweep.factors), squeeze=False, sharey="row")
    names = [f.name for f in sweep.factors]
    for i, outcome in enumerate(outcomes):
        k = sweep.summaries.index(outcome)
        for j, name in enumerate(names):
            ax = grid[i][j]
            ax.scatter(sweep.plan.unique[:, j], study.means[:, k], s=4, alpha=0.6)
            if i == len(outcomes) - 1:
                ax.set_xlabel(_short(name), fontsize=7)
            if j == 0:
                ax.set_ylabel(_label(outcome), fontsize=7)
                _people_axis(ax)
            ax.tick_params(labelsize=6)
    fig.savefig(out / "figures" / "scatter.png", dpi=110)
    binned = _binned(study)
    binned.to_csv(out / "tables" / "by_factor.csv", index=False, float_format="%.10g")
    return (
        "## Outcomes by factor\n\nEach dot is a point of the design (mean over seeds). "
        "`tables/by_factor.csv` gives each outcome's mean in each quarter of each factor's "
        "range.\n\n![Outcomes against each factor](figures/scatter.png)"
    )


def _binned(study: Study) -> pd.DataFrame:
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


def _series_section(study: Study, series: pd.DataFrame | None, out: Path) -> str:
    sweep = study.sweep
    if series is None or series.empty:
        return ""
    period = sweep.frequency
    measure = sweep.series[0]
    runs = study.runs.set_index("run_id")
    lever = (sweep.levers or sweep.factors)[0]
    totals = series.groupby(["run_id", period])[measure].sum().reset_index()
    totals[lever.name] = runs.loc[totals["run_id"], lever.name].to_numpy()
    mean = totals.groupby([lever.name, period])[measure].mean().unstack(0)
    fig = Figure(figsize=(7, 3.2), layout="constrained")
    ax = fig.subplots()
    values = list(mean.columns)
    chosen = (
        values if len(values) <= 6 else [values[int(i)] for i in np.linspace(0, len(values) - 1, 6)]
    )
    for value, colour in zip(chosen, _colours(len(chosen)), strict=True):
        ax.plot(mean.index, mean[value], color=colour, marker=".", label=_value(value))
    ax.legend(title=_short(lever.name), fontsize=7, title_fontsize=7)
    ax.set_title(f"{_label(measure)} by {period.replace('_', ' ')}, all flow patterns", fontsize=9)
    _people_axis(ax)
    fig.savefig(out / "figures" / "series.png", dpi=110)
    return (
        f"## Time series\n\nThe sweep recorded {', '.join(sweep.series)} by "
        f"{period.replace('_', ' ')} and flow pattern (`series/` in the results folder). "
        f"The figure shows {_label(measure)} for each value of `{lever.name}`, averaged over "
        "the other factors and the seeds.\n\n![Time series](figures/series.png)"
    )


def _failures_section(study: Study) -> str:
    failed = study.runs[study.runs["status"] == "failed"]
    if failed.empty:
        return ""
    counts = failed["error"].value_counts()
    lines = "\n".join(f"- {n} × `{error}`" for error, n in counts.head(10).items())
    return (
        f"## Failed runs\n\n{len(failed)} runs failed; their errors and tracebacks are in the "
        f"dataset (`status=failed`). They are left out of the tables above.\n\n{lines}"
    )


def _files_section(sweep: Sweep, record: dict, folder: Path, out: Path) -> str:
    source = record.get("sweep_file") or f"{sweep.name}.toml"
    tables = ["`tables/by_point.csv`"]
    if sweep.design.method != "grid":
        tables += ["`tables/indices.csv`", "`tables/by_factor.csv`"]
    report = "" if out == folder else f" --report {out}"
    return (
        "## Files and how to reproduce\n\n"
        f"Tables: {', '.join(tables)}. Runs: `{folder}/runs/`, one Parquet file per run, "
        "partitioned by `status`. The sweep file is kept beside them as "
        "`sweep.toml`. To make the runs and this report again:\n\n"
        "```bash\n"
        f"migmodel sweep {source} --out {folder}\n"
        f"migmodel analyze {folder}{report}\n"
        "```"
    )


def _noise_words(study: Study) -> str:
    share = study.noise_share().dropna()
    if len(study.sweep.seeds) < 2:
        return "With one seed per point, seed noise cannot be told apart from the factors."
    if share.empty:
        return ""
    parts = ", ".join(f"{_label(name)} {value:.0%}" for name, value in share.items())
    return (
        "Share of the variance between points' means that is left-over seed noise (the "
        f"rest is the factors' doing): {parts}. Near 100%, the factors' effect on that outcome "
        "is lost in the noise: run more seeds or more people per agent."
    )


def _design_words(sweep: Sweep) -> str:
    d = sweep.design
    if d.method == "grid":
        return "full grid of every combination of the factors' values"
    if d.method == "sobol":
        order = "with" if d.second_order else "without"
        return (
            f"Saltelli's scheme on a scrambled Sobol' sequence, N = {d.samples} "
            f"({order} second-order indices), sampler seed {d.seed}"
        )
    if d.method == "morris":
        return f"Morris, {d.samples} trajectories on {d.levels} levels, sampler seed {d.seed}"
    return f"Latin hypercube of {d.samples} points, sampler seed {d.seed}"


def _reference(sweep: Sweep) -> str:
    return ", ".join(
        f"{_short(f.name)} = {_value((f.grid() or (f.low,))[0])}" for f in sweep.factors
    )


def _seeds(seeds: tuple[int, ...]) -> str:
    if seeds == tuple(range(seeds[0], seeds[0] + len(seeds))) and len(seeds) > 2:
        return f"seeds {seeds[0]}–{seeds[-1]}"
    return "seed" + ("s " if len(seeds) > 1 else " ") + ", ".join(map(str, seeds))


def _panels(n: int, height: float = 2.6, width: float = 3.6) -> tuple[Figure, list[Any]]:
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(width * cols, height * rows + 0.4), layout="constrained")
    axes = list(np.ravel(fig.subplots(rows, cols, squeeze=False)))
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]


def _colours(n: int) -> list[Any]:
    from matplotlib import colormaps

    cmap = colormaps["viridis"]
    return [cmap(x) for x in np.linspace(0.05, 0.85, n)] if n > 1 else [cmap(0.3)]


def _people_axis(ax: Any) -> None:
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _compact(v)))
    ax.tick_params(labelsize=7)


def _compact(v: float) -> str:
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:.3g}M"
    if a >= 1e3:
        return f"{v / 1e3:.3g}k"
    return f"{v:.3g}"


def _label(name: str) -> str:
    return name.replace("_", " ").replace(".", ": ")


def _short(name: str) -> str:
    return name.removeprefix("policies.")


def _value(v: Any) -> str:
    v = float(v)
    return f"{v:,.0f}" if abs(v) >= 10_000 else f"{v:g}"


def _pm(mean: float, half: float) -> str:
    if not np.isfinite(mean):
        return "–"
    return f"{mean:,.0f}" + (f" ± {half:,.0f}" if np.isfinite(half) else "")


def _change(mean: float, low: float, high: float) -> str:
    if not np.isfinite(mean):
        return "–"
    if not np.isfinite(low) or low == high:
        return f"{mean:+,.0f}"
    return f"{mean:+,.0f} ({low:+,.0f} to {high:+,.0f})"


def _index(value: float, error: float | None, method: str) -> str:
    fmt = "{:,.0f}" if method == "morris" else "{:.2f}"
    text = fmt.format(value)
    if error is not None and np.isfinite(error):
        text += f" ± {fmt.format(error)}"
    return text
