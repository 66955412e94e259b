"""Read a sweep's results back: sensitivity indices, outcomes by lever, plots and a report.

``analyze(DIR)`` writes, beside the data (or in another folder):

* ``report.md``: what was run, the indices or the tables by lever, the figures;
* ``tables/by_point.csv``: one row per point: its factors, and for each outcome the mean over
  seeds, the 95% interval of that mean and, for grids, the change from the reference point
  (every factor at its first value) paired by seed;
* ``tables/indices.csv``: Sobol' (first-order and total), Morris (μ*, σ) or delta indices
  with 95% confidence intervals, computed with SALib;
* ``figures/*.png``.

The numbers come from :mod:`experiments.study`, the figures from
:mod:`experiments.sweep_figures`; this module writes them into the report's sections with the
helpers of :mod:`experiments.report_text`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from experiments import dataset
from experiments import sweep_figures as figures
from experiments.report_text import (
    change,
    index,
    label,
    markdown_table,
    mean_and_half,
    number,
    seeds,
    short,
    text_table,
)
from experiments.study import (
    RESAMPLES,
    Study,
    by_factor,
    by_lever,
    indices,
    lever_effects,
    reference_values,
    series_by_lever,
)
from experiments.sweep_plan import Factor, Sweep, SweepError

__all__ = ["Study", "analyze", "indices"]

TITLES = {
    "sobol": "Sobol' indices",
    "morris": "Morris elementary effects",
    "latin": "Delta moment-independent indices",
}
"""The indices' section title, by design."""

EXPLAIN = {
    "sobol": "S1 is the share of the outcome's variance due to the factor alone; ST adds "
    "its interactions with the others. ST near 0: the factor hardly matters; ST well above "
    "S1: it matters through interactions.",
    "morris": "μ* is the mean absolute change in the outcome (people) when the factor moves "
    "one step of the grid (a fraction of its range), σ the spread of that change: high σ "
    "means the effect depends on the other factors (non-linear or interacting).",
    "latin": "δ measures how much knowing the factor changes the outcome's whole "
    "distribution (0: not at all); S1 is the share of variance due to it alone.",
}
"""What the indices mean, by design."""

COLUMNS = {
    "sobol": (("S1", "S1_conf"), ("ST", "ST_conf")),
    "morris": (("mu_star", "mu_star_conf"), ("sigma", None)),
    "latin": (("delta", "delta_conf"), ("S1", "S1_conf")),
}
"""The two indices each design reports: (column, its confidence column or None)."""

HEADS = {"mu_star": "μ*", "sigma": "σ", "delta": "δ"}
"""Column heads of the indices that are not written as their column's name."""


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
    parts = [_header(sweep, study)]
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
    _write_csv(study.by_point(), out, "by_point")
    path = out / "report.md"
    path.write_text("\n\n".join(p for p in parts if p).rstrip() + "\n", encoding="utf-8")
    return path


def _header(sweep: Sweep, study: Study) -> str:
    base, plan = sweep.base, sweep.plan
    ok, failed, missing = study.recorded()
    policies = ", ".join(p.name for p in base.policies) or "none"
    factors = text_table(
        ("factor", "kind", "values", "unit", "meaning"),
        (
            [f"`{f.name}`", f.kind, f.describe(), f.number.unit, f.number.help]
            for f in sweep.factors
        ),
    )
    lines = [
        f"# Sweep `{sweep.name}`",
        sweep.description,
        f"**Base scenario** `{base.name}`: {base.start} + {base.days} days (after a "
        f"{base['spinup_days']}-day spin-up), 1 agent = {base.people_per_agent:g} people; "
        f"policies switched on: {policies}.",
        f"**Design**: {_design_words(sweep)}; {len(plan.unique)} distinct points × "
        f"{sweep.replicate_words()} ({_draw_words(sweep)}{seeds(sweep.seeds)}, the same "
        "at every point) = "
        f"{study.expected} runs. "
        f"**Recorded**: {ok} ok, {failed} failed, {missing} not run yet.",
        factors,
        "**Seeds.** Every point runs the same seeds (common random numbers), so differences "
        "between points are not blurred by different random draws. A point's outcome is the "
        f"mean over its {'posterior draws and ' * bool(sweep.draws)}seeds; "
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
    effects = lever_effects(study)
    if effects.empty:
        return ""
    moves = effects.drop_duplicates(["factor", "value"])
    heads = [
        f"`{short(name)}` → {number(value)}" if name else "all of them"
        for name, value in zip(moves["factor"], moves["value"], strict=True)
    ]
    rows = [
        [label(outcome), *(change(r.difference, r.low, r.high) for r in group.itertuples())]
        for outcome, group in effects.groupby("outcome", sort=False)
    ]
    return (
        "## Effect of each lever\n\n"
        f"Change from the reference point ({_reference(study.sweep)}) when one factor moves "
        "to its last value and the others stay, and when all move together: the mean of the "
        + (
            "paired differences over the posterior draws and seeds, with the 2.5th to 97.5th "
            "percentiles of those differences (as `migmodel compare --draws`): the interval "
            "carries the parameters' uncertainty as well as the seeds'.\n\n"
            if study.sweep.draws
            else "paired differences over the seeds, with its 95% interval (Student's t, as "
            "`migmodel compare`). An interval that excludes 0 is an effect the seeds cannot "
            "explain.\n\n"
        )
        + markdown_table(["outcome", *heads], rows)
    )


def _grid_section(study: Study, out: Path) -> str:
    sweep = study.sweep
    factors = [f for f in sweep.factors if len(f.grid() or ()) > 1] or list(sweep.factors)
    half = study.half_width()
    paired = (
        "`tables/by_point.csv` also gives each point's change from the reference point "
        f"({_reference(sweep)}) paired by seed, with its 95% interval."
        if len(sweep.replicates) > 1
        else "With one seed per point there are no intervals."
    )
    parts = [
        "## Outcomes by lever",
        "People over the run; each cell is the mean over seeds ± the half-width of its 95% "
        f"interval. {paired}",
    ]
    for k, outcome in enumerate(sweep.summaries):
        table = _grid_table(study, factors, k, by_lever(study, factors, k, half))
        parts.append(f"### {label(outcome)}\n\n{table}")
    _save(figures.grid_figure(study, factors), out, "by_lever.png")
    parts.append("![Outcomes by lever](figures/by_lever.png)")
    return "\n\n".join(parts)


def _grid_table(study: Study, factors: list[Factor], k: int, means: pd.DataFrame) -> str:
    """Markdown table of outcome ``k``: first factor down, second across (others averaged)."""
    rows = factors[0]
    if len(factors) == 1:
        body = [[number(v), mean_and_half(m, h)] for v, (m, h) in means.iterrows()]
        return markdown_table([short(rows.name), label(study.sweep.summaries[k])], body)
    cols = factors[1]
    col_values = list(cols.grid() or ())
    body = [
        [
            number(v),
            *(
                mean_and_half(*means.loc[(v, c)]) if (v, c) in means.index else ""
                for c in col_values
            ),
        ]
        for v in rows.grid() or ()
    ]
    head = f"{short(rows.name)} \\ {short(cols.name)}"
    table = markdown_table([head, *(number(v) for v in col_values)], body)
    note = ""
    if len(factors) > 2:
        others = ", ".join(f"`{f.name}`" for f in factors[2:])
        note = f"\n\n(averaged over {others})"
    return f"Rows: `{rows.name}`; columns: `{cols.name}`.\n\n{table}{note}"


def _indices_section(study: Study, out: Path) -> str:
    method = study.sweep.design.method
    title = TITLES[method]
    if not study.complete:
        (out / "tables" / "indices.csv").unlink(missing_ok=True)  # never leave stale ones
        (out / "figures" / f"{method}_indices.png").unlink(missing_ok=True)
        return (
            f"## {title}\n\nNot computed: the indices need a result at every point of the "
            "design, and some points have none yet (see below). Run "
            "`migmodel sweep SWEEP --out DIR --resume` (with `--retry-failed` for failures)."
        )
    table = indices(study)
    _write_csv(table, out, "indices")
    parts = [
        f"## {title}",
        f"Computed with SALib on the points' mean over seeds; 95% confidence intervals from "
        f"{RESAMPLES[method]:,} bootstrap resamples. {EXPLAIN[method]}",
    ]
    noise = study.noise_share()
    for outcome in study.sweep.summaries:
        rows = table[table["outcome"] == outcome] if len(table) else table
        if not len(rows):
            parts.append(f"### {label(outcome)}\n\nNo variation across the design.")
            continue
        warning = _noise_warning(noise.get(outcome, 0), method)
        parts.append(f"### {label(outcome)}\n\n{warning}" + _indices_table(rows, method))
    name = f"{method}_indices.png"
    _save(figures.indices_figure(study, table, COLUMNS[method], HEADS), out, name)
    parts.append(f"![{title}](figures/{name})")
    return "\n\n".join(parts)


def _indices_table(rows: pd.DataFrame, method: str) -> str:
    """One outcome's indices: a row per factor, the design's two indices with their intervals."""
    columns = COLUMNS[method]
    heads = [HEADS.get(c, c) + (" (95% CI)" if e else "") for c, e in columns]
    body = [
        [
            f"`{row['factor']}`",
            *(index(row[c], row[e] if e else None, method == "morris") for c, e in columns),
        ]
        for _, row in rows.iterrows()
    ]
    return markdown_table(["factor", *heads], body)


def _noise_warning(share: float, method: str) -> str:
    """A warning when seed noise is most of the variance between points, else nothing."""
    if not share > 0.5:  # NaN too: one seed, or no variation
        return ""
    mark = " (S1 near 0 and ST near 1 for every factor is its mark)" * (method == "sobol")
    return (
        f"Seed noise is {share:.0%} of the variance between points here: "
        f"these indices mostly measure noise{mark}.\n\n"
    )


def _scatter_section(study: Study, out: Path) -> str:
    _save(figures.scatter_figure(study), out, "scatter.png")
    _write_csv(by_factor(study), out, "by_factor")
    return (
        "## Outcomes by factor\n\nEach dot is a point of the design (mean over seeds). "
        "`tables/by_factor.csv` gives each outcome's mean in each quarter of each factor's "
        "range.\n\n![Outcomes against each factor](figures/scatter.png)"
    )


def _series_section(study: Study, series: pd.DataFrame | None, out: Path) -> str:
    sweep = study.sweep
    if series is None or series.empty:
        return ""
    period, measure = sweep.frequency.replace("_", " "), sweep.series[0]
    lever = (sweep.levers or sweep.factors)[0]
    _save(figures.series_figure(study, series_by_lever(study, series)), out, "series.png")
    return (
        f"## Time series\n\nThe sweep recorded {', '.join(sweep.series)} by "
        f"{period} and flow pattern (`series/` in the results folder). "
        f"The figure shows {label(measure)} for each value of `{lever.name}`, averaged over "
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


def _draw_words(sweep: Sweep) -> str:
    """Name the posterior draws a sweep runs, or nothing."""
    if not sweep.draws:
        return ""
    calibration = sweep.base.calibration
    where = f"{calibration.parent.name}/{calibration.name}" if calibration else ""
    return f"draws {sweep.draws[0]}–{sweep.draws[-1]} of {where} on "


def _noise_words(study: Study) -> str:
    share = study.noise_share().dropna()
    if len(study.sweep.replicates) < 2:
        return "With one seed per point, seed noise cannot be told apart from the factors."
    if share.empty:
        return ""
    parts = ", ".join(f"{label(name)} {value:.0%}" for name, value in share.items())
    return (
        "Share of the variance between points' means that is left-over noise of the "
        f"{'posterior draws and ' * bool(study.sweep.draws)}seeds (the "
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
    return ", ".join(f"{short(name)} = {number(value)}" for name, value in reference_values(sweep))


def _save(figure: Figure, out: Path, name: str) -> None:
    figure.savefig(out / "figures" / name, dpi=figures.DPI)


def _write_csv(table: pd.DataFrame, out: Path, name: str) -> None:
    table.to_csv(out / "tables" / f"{name}.csv", index=False, float_format="%.10g")
