"""The validation report: the historical scenario, with its parameter uncertainty, against data.

``migmodel validation`` (or ``make validation``) runs the ``historical`` scenario on posterior
draws of three calibrations (:mod:`experiments.calibrate`): the one it uses (data to September
2023) and two rolling origins (data to September 2021 and to September 2022, each forecasting
the fiscal year after). From those runs and :func:`experiments.observed.observed` it computes:

* posterior predictive intervals (5th–95th percentile over draws × seeds) of every target, and
  how often they cover the data;
* the forecasts' errors scaled by the naive forecasts' (:mod:`experiments.forecast`);
* the targets of earlier editions (pattern-years, policy responses, Darién, Mexico), the
  behaviour checks (:mod:`experiments.checks`) and the checks at other levels
  (:mod:`experiments.pattern_checks`);
* the posterior of each parameter;

and writes them (``validation.md`` by :mod:`experiments.validation_text`, figures by
:mod:`experiments.report_figures`, CSV tables) into the report folder. Everything in the
report is computed here; the prose says what it means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console

from experiments import pattern_checks
from experiments.calibrate import recorded
from experiments.calibration_file import Calibration, load_calibration
from experiments.checks import border_stock, deterrence
from experiments.evaluator import Job, evaluator
from experiments.fitting import compare
from experiments.forecast import (
    coverage,
    discrepancy,
    naive_monthly,
    naive_yearly,
    scores,
    widen,
)
from experiments.observed import DATA_DIR, measured_each, observed
from experiments.report_figures import figures, monthly_band
from migmodel.calibration import calibrated
from migmodel.outputs import check_folder, staged
from migmodel.patterns import NATIONALITY_PATTERN
from migmodel.results import Results
from migmodel.scenario import Scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parent
CALIBRATIONS = ROOT / "calibration"
DEFAULT_OUT = ROOT / "reports" / "validation"
FITS = {"calibrated": "historical", "origin_2021": "origin_2021", "origin_2022": "origin_2022"}
"""The calibrations the report runs: the scenario's own and the two rolling origins."""
KEYS = ["series", "period", "group"]
REPORT_FILES = (
    "validation.md",
    "figures",
    *(f"{name}.csv" for name in FITS),
    "forecast_scores.csv",
    "posterior.csv",
)
"""What the report folder holds (its marker first): a folder holding anything else is refused."""


@dataclass
class Fit:
    """One calibration's posterior predictive runs and what they say."""

    calibration: Calibration
    runs: list[Results] = field(default_factory=list)
    table: pd.DataFrame | None = None


def build_report(
    out: Path | None = None, draws: int = 20, seeds: int = 1, workers: int | None = None
) -> Path:
    """Run the posterior draws of every calibration and write the report.

    Args:
        out: report folder (default ``experiments/reports/validation``).
        draws: posterior draws 1..D of each calibration.
        seeds: seeds per draw (1..S); intervals are over draws × seeds.
        workers: local Dask workers (default: CPUs).

    Returns:
        The path of ``validation.md``.
    """
    from experiments.validation_text import markdown

    out = Path(out or DEFAULT_OUT)
    check_folder(out, REPORT_FILES, overwrite=True, what="--out")
    console = Console(stderr=True, highlight=False)
    fits = {name: Fit(load_calibration(CALIBRATIONS / f"{f}.toml")) for name, f in FITS.items()}
    targets = observed()
    pairs = [(k, s) for k in range(1, draws + 1) for s in range(1, seeds + 1)]
    checks = _run_fits(fits, pairs, max(draws // 2, 5), workers, console)
    for fit in fits.values():
        fit.table = predictive(targets, fit.runs, fit.calibration.fit_until)
    checks |= _pattern_checks(fits["calibrated"].runs)
    forecasts = {
        name: forecast_scores(targets, fit) for name, fit in fits.items() if name != "calibrated"
    }
    posterior = posterior_summary(fits["calibrated"].calibration)
    provenance = {name: recorded(fit.calibration) for name, fit in fits.items()}
    with staged(out) as folder:  # written aside, put in place whole (never half a report)
        (folder / "figures").mkdir()
        for name, fit in fits.items():
            fit.table.to_csv(folder / f"{name}.csv", index=False, float_format="%.6g")
        pd.DataFrame([r for f in forecasts.values() for r in f["rows"]]).to_csv(
            folder / "forecast_scores.csv", index=False, float_format="%.4g"
        )
        posterior.to_csv(folder / "posterior.csv", index=False, float_format="%.4g")
        drawn = figures(
            folder / "figures",
            targets,
            {name: fit.table for name, fit in fits.items()},
            {name: monthly_band(fit.runs, _monthly_sd(fit)) for name, fit in fits.items()},
            posterior_draws(fits["calibrated"].calibration),
        )
        text = markdown(fits, provenance, forecasts, posterior, drawn, checks, draws, seeds)
        (folder / "validation.md").write_text(text, encoding="utf-8")
    return out / "validation.md"


def _run_fits(
    fits: dict[str, Fit],
    pairs: list[tuple[int, int]],
    deterrence_draws: int,
    workers: int | None,
    console: Console,
) -> dict[str, Any]:
    """Run every fit's posterior draws × seeds (into ``fit.runs``) and the deterrence check.

    Args:
        fits: the calibrations, by name; their ``runs`` are set.
        pairs: the (draw, seed) pairs to run.
        deterrence_draws: draws of the deterrence check in baseline.
        workers: local Dask workers (default: CPUs).
        console: where progress is printed.

    Returns:
        The checks so far: ``{"deterrence": ...}``.
    """
    with evaluator(workers, None, console) as runner:
        console.print(
            f"running {len(pairs)} draws × seeds × {len(fits)} calibrations on a {runner.described}"
        )
        for name, fit in fits.items():
            fit.runs = runner.map(
                [Job(posterior_scenario(fit.calibration, name, k), s) for k, s in pairs]
            )
        console.print("deterrence in baseline")
        return {
            "deterrence": deterrence(
                lambda s, k: runner.map([Job(*job) for job in zip(s, k, strict=True)]),
                deterrence_draws,
            ),
        }


def _pattern_checks(main: list[Results]) -> dict[str, Any]:
    """Return the checks at other levels on the calibrated fit's runs ``main``."""
    return {
        "border": border_stock(main),
        "repeat": pattern_checks.repeat_share(main),
        "darien": pattern_checks.darien_by_nationality(main, DATA_DIR),
        "mexico": pattern_checks.mexico_by_pattern(main, DATA_DIR),
        "fee": pattern_checks.smuggling_fee(main),
    }


def posterior_scenario(calibration: Calibration, name: str, draw: int) -> Scenario:
    """Return the historical scenario at its own scale with posterior draw ``draw`` of a fit.

    The rolling origins' runs stop at the end of the fiscal year they forecast.
    """
    raw = calibrated(calibration.base.to_dict(), calibration.out / "parameters.toml", draw)
    if name != "calibrated":
        end = pd.Timestamp(f"{int(calibration.fit_until[:4]) + 1}-09-30").date()
        raw["days"] = (end - calibration.base.start).days + 1
    return scenario_from_dict(raw, source=calibration.base.source)


def predictive(targets: pd.DataFrame, runs: list[Results], fit_until: str) -> pd.DataFrame:
    """Return every target with its median and 90% posterior predictive interval.

    ``simulated`` is the runs' median; ``runs_low``/``runs_high`` their 5th and 95th
    percentiles (parameter and seed uncertainty); ``low``/``high`` the predictive interval,
    which adds the series' model discrepancy (:func:`~experiments.forecast.discrepancy`,
    estimated on this fit's in-sample figures only, ``discrepancy_sd``). ``inside`` says whether
    the observed value is within the predictive interval, ``inside_runs`` within the runs'.
    """
    each = measured_each(runs)
    counts = each.groupby(KEYS, sort=False)["value"].transform("count")
    each = each[counts == len(runs)]
    q = each.groupby(KEYS, sort=False)["value"].quantile([0.05, 0.5, 0.95]).unstack()
    q = q.rename(columns={0.05: "low", 0.5: "simulated", 0.95: "high"}).reset_index()
    table = compare(targets, q, fit_until)
    fitted = table[table["in_sample"]]
    sd = discrepancy(fitted["series"], fitted["observed"], fitted["simulated"])
    table["discrepancy_sd"] = table["series"].map(sd).fillna(0.0)
    table["runs_low"], table["runs_high"] = table["low"], table["high"]
    for additive, rows in (
        (False, table["series"] != "response"),
        (True, table["series"] == "response"),
    ):
        table.loc[rows, "low"], table.loc[rows, "high"] = widen(
            *(table.loc[rows, c] for c in ("simulated", "low", "high", "discrepancy_sd")), additive
        )
    table["inside"] = (table["observed"] >= table["low"]) & (table["observed"] <= table["high"])
    table["inside_runs"] = table["observed"].between(table["runs_low"], table["runs_high"])
    return table


def forecast_scores(targets: pd.DataFrame, fit: Fit) -> dict[str, Any]:
    """Score a rolling origin's forecast of the next fiscal year against the naive forecasts."""
    origin = fit.calibration.fit_until
    year = int(origin[:4]) + 1
    table = fit.table
    monthly_obs = targets[targets["series"] == "encounters_month"].set_index("period")["observed"]
    months = [str(p) for p in pd.period_range(f"{year - 1}-10", f"{year}-09", freq="M")]
    sim = table[table["series"] == "encounters_month"].set_index("period").loc[months]
    fy = targets[targets["series"] == "encounters_fy"].pivot_table(
        index="period", columns="group", values="observed"
    )
    fy.index = fy.index.astype(int)
    fy_sim = table[(table["series"] == "encounters_fy") & (table["period"] == str(year))]
    fy_sim = fy_sim.set_index("group").loc[fy.columns]
    rows = []
    for what, actual, median, naive, band in (
        (
            "monthly totals",
            sim["observed"],
            sim["simulated"],
            naive_monthly(monthly_obs, origin, months),
            sim,
        ),
        (
            "patterns by fiscal year",
            fy.loc[year],
            fy_sim["simulated"],
            naive_yearly(fy, year),
            fy_sim,
        ),
    ):
        scaled = scores(actual.to_numpy(), median.to_numpy(), naive)
        rows.append(
            {
                "origin": origin,
                "forecast": f"FY{year}",
                "what": what,
                "points": len(actual),
                **{f"scaled error vs {k}": v for k, v in scaled.items()},
                "coverage_90": coverage(actual, band["low"], band["high"]),
                "mean_abs_pct_error": float(
                    np.mean(np.abs(median.to_numpy() / actual.to_numpy() - 1))
                ),
            }
        )
    return {"year": year, "rows": rows, "monthly": sim, "patterns": fy_sim}


def posterior_draws(calibration: Calibration) -> pd.DataFrame:
    """Return the calibration's posterior draws as inferred (drivers as multipliers)."""
    path = calibration.out / "posterior.parquet"
    draws = pd.read_parquet(path) if path.exists() else pd.DataFrame()
    out = pd.DataFrame(index=draws.index)
    raw = calibration.base.to_dict()
    for name in calibration.priors:
        pattern = name.removeprefix("drivers.")
        if pattern == name:
            out[name] = draws[name]
        else:  # back from push.<n> to the pattern's multiplier
            nat = next(c for c in draws.columns if c.startswith("push.") and _pattern(c) == pattern)
            out[name] = draws[nat] / raw["push"][nat.removeprefix("push.")]
    return out


def posterior_summary(calibration: Calibration) -> pd.DataFrame:
    """Per parameter: prior range, posterior median and 90% interval, and piling at an edge.

    ``at_edge`` names the edge (``low``/``high``) if more than a quarter of the draws lie in the
    outer 5% of the range there, else is empty.
    """
    draws = posterior_draws(calibration)
    rows = []
    for name, (low, high) in calibration.priors.items():
        values = draws[name].to_numpy(float) if name in draws else np.array([np.nan])
        width = high - low
        edge = ""
        if np.mean(values <= low + 0.05 * width) > 0.25:
            edge = "low"
        elif np.mean(values >= high - 0.05 * width) > 0.25:
            edge = "high"
        rows.append(
            {
                "parameter": name,
                "prior_low": low,
                "prior_high": high,
                "median": float(np.nanmedian(values)),
                "p05": float(np.nanquantile(values, 0.05)),
                "p95": float(np.nanquantile(values, 0.95)),
                "at_edge": edge,
            }
        )
    return pd.DataFrame(rows)


def _monthly_sd(fit: Fit) -> float:
    """Return the discrepancy of the fit's monthly totals (log)."""
    months = fit.table[fit.table["series"] == "encounters_month"]
    return float(months["discrepancy_sd"].iat[0]) if len(months) else 0.0


def _pattern(column: str) -> str:
    return NATIONALITY_PATTERN[column.removeprefix("push.")]
