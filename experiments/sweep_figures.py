"""The figures of a sweep's report, drawn with Matplotlib from :mod:`experiments.study`'s tables.

Each function returns a :class:`~matplotlib.figure.Figure`; :mod:`experiments.analysis`
saves it next to the report.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.report_text import label, number, people, short
from experiments.study import Study, by_lever
from experiments.sweep_plan import Factor

DPI = 110
"""Resolution of every saved figure."""


def grid_figure(study: Study, factors: list[Factor]) -> Figure:
    """Each outcome against the first factor, one line per value of the second, with intervals."""
    sweep = study.sweep
    half = study.half_width()
    fig, axes = _panels(len(sweep.summaries))
    x_factor = factors[0]
    line_factor = factors[1] if len(factors) > 1 else None
    line_values = list(line_factor.grid() or ()) if line_factor else [None]
    colours = colours_for(len(line_values))
    for k, (ax, outcome) in enumerate(zip(axes, sweep.summaries, strict=False)):
        means = by_lever(study, factors[:1] if line_factor is None else factors[:2], k, half)
        for value, colour in zip(line_values, colours, strict=True):
            g = means if line_factor is None else means.xs(value, level=line_factor.name)
            ax.errorbar(
                g.index, g["mean"], yerr=g["half"], color=colour, marker="o", ms=3, capsize=2,
                label=None if line_factor is None else number(value),
            )  # fmt: skip
        ax.set_title(label(outcome), fontsize=9)
        ax.set_xlabel(short(x_factor.name), fontsize=8)
        people_axis(ax)
    if line_factor is not None:
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(
            handles,
            labels,
            loc="outside lower center",
            ncols=len(labels),
            title=short(line_factor.name),
            fontsize=7,
            title_fontsize=7,
        )
    fig.suptitle(f"{sweep.name}: mean over seeds, 95% intervals", fontsize=10)
    return fig


def indices_figure(
    study: Study, table: pd.DataFrame, columns: tuple, heads: dict[str, str]
) -> Figure:
    """Bars of two indices per factor with their intervals, one panel per outcome."""
    sweep = study.sweep
    fig, axes = _panels(len(sweep.summaries), height=0.35 * len(sweep.factors) + 1.2, width=4.4)
    labels = [short(f.name) for f in sweep.factors]
    y = np.arange(len(labels))
    colours = colours_for(2)
    for ax, outcome in zip(axes, sweep.summaries, strict=False):
        rows = table[table["outcome"] == outcome] if len(table) else table
        ax.set_title(label(outcome), fontsize=9)
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


def scatter_figure(study: Study) -> Figure:
    """Each point's mean outcome against each factor: up to four outcomes, one row each."""
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
                ax.set_xlabel(short(name), fontsize=7)
            if j == 0:
                ax.set_ylabel(label(outcome), fontsize=7)
                people_axis(ax)
            ax.tick_params(labelsize=6)
    return fig


def series_figure(study: Study, mean: pd.DataFrame) -> Figure:
    """The first recorded series over time, one line per value of the first lever (at most 6)."""
    sweep = study.sweep
    period, measure = sweep.frequency, sweep.series[0]
    lever = (sweep.levers or sweep.factors)[0]
    fig = Figure(figsize=(7, 3.2), layout="constrained")
    ax = fig.subplots()
    values = list(mean.columns)
    chosen = (
        values if len(values) <= 6 else [values[int(i)] for i in np.linspace(0, len(values) - 1, 6)]
    )
    for value, colour in zip(chosen, colours_for(len(chosen)), strict=True):
        ax.plot(mean.index, mean[value], color=colour, marker=".", label=number(value))
    ax.legend(title=short(lever.name), fontsize=7, title_fontsize=7)
    ax.set_title(f"{label(measure)} by {period.replace('_', ' ')}, all flow patterns", fontsize=9)
    people_axis(ax)
    return fig


def colours_for(n: int) -> list[Any]:
    """Return ``n`` colours spread over viridis (one mid colour if ``n`` is 1)."""
    from matplotlib import colormaps

    cmap = colormaps["viridis"]
    return [cmap(x) for x in np.linspace(0.05, 0.85, n)] if n > 1 else [cmap(0.3)]


def people_axis(ax: Any) -> None:
    """Label an axis's ticks as counts of people (``12k``, ``1.5M``), in small type."""
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: people(v)))
    ax.tick_params(labelsize=7)


def _panels(n: int, height: float = 2.6, width: float = 3.6) -> tuple[Figure, list[Any]]:
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(width * cols, height * rows + 0.4), layout="constrained")
    axes = list(np.ravel(fig.subplots(rows, cols, squeeze=False)))
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]
