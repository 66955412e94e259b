"""The validation report's figures.

Monthly encounters, fiscal years, other series, policy responses, the rolling-origin
forecasts and the posterior.

Drawn with matplotlib (no display needed) from the runs and the targets that
:mod:`experiments.validation` has computed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from experiments.forecast import widen
from experiments.observed import EVENTS
from migmodel.patterns import FLOW_PATTERNS
from migmodel.results import Results

LABEL = {p: p.replace("_", " ") for p in FLOW_PATTERNS}
COLOURS = {"calibrated": "#1f77b4", "origin_2021": "#2ca02c", "origin_2022": "#ff7f0e"}


def monthly_band(runs: list[Results], sd: float = 0.0) -> pd.DataFrame:
    """Monthly US encounters by pattern and total: median and 90% predictive interval.

    The interval is the runs' 5th to 95th percentile, widened by a model discrepancy ``sd``
    (log; :func:`~experiments.forecast.widen`).
    """
    frames = []
    for r in runs:
        m = r.monthly().pivot_table(
            index="month", columns="flow_pattern", values="us_encounters", observed=True
        )
        m["total"] = m.sum(axis=1)
        frames.append(m)
    stack = np.stack([f.to_numpy() for f in frames])
    cols = frames[0].columns
    out = {}
    low, median, high = np.quantile(stack, [0.05, 0.5, 0.95], axis=0)
    low, high = widen(median, low, high, np.full(median.shape, sd))
    for stat, values in (("median", median), ("low", low), ("high", high)):
        out[stat] = pd.DataFrame(values, index=frames[0].index, columns=cols)
    return pd.concat(out, axis=1)


def figures(
    folder: Path,
    targets: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    monthly: dict[str, pd.DataFrame],
    posterior: pd.DataFrame,
) -> dict[str, str]:
    """Draw the report's figures into ``folder``; return their paths, relative to it.

    Args:
        folder: where the PNG files go.
        targets: the observed targets (:func:`experiments.observed.observed`).
        tables: each fit's predictive table, ``calibrated`` first.
        monthly: each fit's monthly band (:func:`monthly_band`).
        posterior: the calibrated fit's posterior draws, one column per parameter.
    """
    obs_month = targets[targets["series"] == "encounters_month"]
    obs_month = obs_month.assign(month=pd.to_datetime(obs_month["period"] + "-01"))
    return {
        "monthly": _monthly(folder, obs_month, monthly),
        "fiscal_years": _fiscal_years(folder, tables),
        "other": _other(folder, tables["calibrated"]),
        "responses": _responses(folder, tables),
        "forecasts": _forecasts(folder, obs_month, monthly),
        "posterior": _posterior(folder, posterior),
    }


def _monthly(folder: Path, observed: pd.DataFrame, monthly: dict[str, pd.DataFrame]) -> str:
    """Monthly encounters: every fit's 90% band and median beside the data."""
    fig, ax = plt.subplots(figsize=(10, 4.2))
    for name, band in monthly.items():
        ax.fill_between(
            band.index,
            band["low"]["total"],
            band["high"]["total"],
            color=COLOURS[name],
            alpha=0.25,
            lw=0,
        )
        ax.plot(
            band.index,
            band["median"]["total"],
            color=COLOURS[name],
            label=f"simulated, {name.replace('_', ' ')} (band: 90%, draws × seeds)",
        )
    ax.plot(observed["month"], observed["observed"], "k.-", lw=1, ms=3, label="observed (CBP)")
    ax.axvline(pd.Timestamp("2023-10-01"), color="grey", ls=":")
    for name in ("origin_2021", "origin_2022"):
        ax.axvline(pd.Timestamp(f"{name[-4:]}-10-01"), color=COLOURS[name], ls=":")
    ax.text(
        pd.Timestamp("2023-10-15"),
        ax.get_ylim()[1] * 0.92,
        "no data after Sep 2023",
        fontsize=8,
        color="grey",
    )
    ax.set_ylabel("US southwest-border encounters a month")
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    return save(fig, folder / "monthly_encounters.png")


def _fiscal_years(folder: Path, tables: dict[str, pd.DataFrame]) -> str:
    """Encounters by fiscal year, one panel per flow pattern: each fit's interval, the data."""
    fig, axes = plt.subplots(1, 4, figsize=(12, 3.4), sharex=True)
    for ax, pattern in zip(axes, FLOW_PATTERNS, strict=True):
        for k, (name, table) in enumerate(tables.items()):
            rows = table[(table["series"] == "encounters_fy") & (table["group"] == pattern)]
            x = rows["period"].astype(int) + (k - 0.5) * 0.25
            ax.errorbar(
                x,
                rows["simulated"],
                yerr=[rows["simulated"] - rows["low"], rows["high"] - rows["simulated"]],
                fmt="o",
                ms=4,
                color=COLOURS[name],
                label=f"simulated, {name.replace('_', ' ')}",
            )
        rows = tables["calibrated"]
        rows = rows[(rows["series"] == "encounters_fy") & (rows["group"] == pattern)]
        ax.bar(
            rows["period"].astype(int),
            rows["observed"],
            width=0.6,
            color="#cccccc",
            label="observed",
        )
        ax.set_title(LABEL[pattern], fontsize=10)
        ax.grid(alpha=0.3, axis="y")
        ax.yaxis.set_major_formatter(lambda v, _: f"{v / 1e3:.0f}k")
    axes[0].set_ylabel("US encounters by fiscal year")
    axes[0].legend(fontsize=7)
    return save(fig, folder / "fiscal_years_by_pattern.png")


def _other(folder: Path, table: pd.DataFrame) -> str:
    """Darién crossings, apprehensions in Mexico and deaths: the calibrated fit and the data."""
    series = [
        ("darien_year", "Darién crossings"),
        ("mexico_year", "apprehensions in Mexico"),
        ("deaths_year", "dead and missing"),
    ]
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.4))
    for ax, (name, title) in zip(axes, series, strict=True):
        rows = table[table["series"] == name]
        labels = [
            f"{p}\n{g.replace('_', ' ')}" if g != "total" else p
            for p, g in zip(rows["period"], rows["group"], strict=True)
        ]
        x = np.arange(len(rows))
        ax.bar(x - 0.2, rows["observed"], 0.4, color="#cccccc", label="observed")
        ax.bar(
            x + 0.2,
            rows["simulated"],
            0.4,
            color=COLOURS["calibrated"],
            label="simulated",
            yerr=[rows["simulated"] - rows["low"], rows["high"] - rows["simulated"]],
        )
        ax.set_xticks(x, labels, fontsize=7)
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3, axis="y")
    axes[0].legend(fontsize=8)
    return save(fig, folder / "darien_mexico_deaths.png")


def _responses(folder: Path, tables: dict[str, pd.DataFrame]) -> str:
    """The policy responses observed, and simulated by each fit whose runs reach them."""
    table = tables["calibrated"]
    fig, ax = plt.subplots(figsize=(6, 3.4))
    names = list(EVENTS)
    x = np.arange(len(names))
    obs = [
        table[(table["series"] == "response") & (table["period"] == n)]["observed"].iat[0]
        for n in names
    ]
    ax.bar(x - 0.27, obs, 0.27, color="#cccccc", label="observed")
    with_events = {n: t for n, t in tables.items() if set(names) <= set(t["period"])}
    for k, (name, t) in enumerate(with_events.items()):  # fits whose runs reach the events
        rows = t[t["series"] == "response"].set_index("period").loc[names]
        ax.bar(
            x + k * 0.27,
            rows["simulated"],
            0.27,
            color=COLOURS[name],
            yerr=[rows["simulated"] - rows["low"], rows["high"] - rows["simulated"]],
            label=f"simulated, {name.replace('_', ' ')}",
        )
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(x, names, fontsize=8)
    ax.set_ylabel("month-on-month change")
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3, axis="y")
    return save(fig, folder / "policy_responses.png")


def _forecasts(folder: Path, observed: pd.DataFrame, monthly: dict[str, pd.DataFrame]) -> str:
    """Each rolling origin's forecast year beside the data (90% interval and median)."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.4))
    for ax, name in zip(axes, ("origin_2021", "origin_2022"), strict=True):
        year = int(name[-4:]) + 1
        start, end = pd.Timestamp(f"{year - 2}-10-01"), pd.Timestamp(f"{year}-09-30")
        band = monthly[name]
        band = band[(band.index >= pd.Timestamp(f"{year - 1}-10-01")) & (band.index <= end)]
        ax.fill_between(
            band.index,
            band["low"]["total"],
            band["high"]["total"],
            color=COLOURS[name],
            alpha=0.25,
            lw=0,
        )
        ax.plot(
            band.index, band["median"]["total"], color=COLOURS[name], label="forecast (median, 90%)"
        )
        obs = observed[(observed["month"] >= start) & (observed["month"] <= end)]
        ax.plot(obs["month"], obs["observed"], "k.-", lw=1, ms=3, label="observed (CBP)")
        ax.axvline(pd.Timestamp(f"{year - 1}-10-01"), color="grey", ls=":")
        ax.set_title(f"FY{year}, forecast from September {year - 1}", fontsize=10)
        ax.yaxis.set_major_formatter(lambda v, _: f"{v / 1e3:.0f}k")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, loc="upper left")
    return save(fig, folder / "forecasts.png")


def _posterior(folder: Path, draws: pd.DataFrame) -> str:
    """A histogram of each parameter's posterior draws."""
    names = list(draws.columns)
    cols = 4
    rows = max(1, -(-len(names) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(12, 2.2 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names, strict=False):
        ax.hist(draws[name], bins=15, color=COLOURS["calibrated"], alpha=0.8)
        ax.set_title(name.replace("policies.", ""), fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(names) :]:
        ax.axis("off")
    return save(fig, folder / "posterior.png")


def save(fig: Any, path: Path) -> str:
    """Write ``fig`` as a PNG without a software tag; return its path relative to the report."""
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return f"figures/{path.name}"
