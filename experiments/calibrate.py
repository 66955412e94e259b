"""``migmodel calibrate``: fit the historical scenario to the data, with its uncertainty.

A calibration file (``experiments/calibration/*.toml``; format in its ``README.md``) names a
base scenario, the last month of data the fit may use (``fit_until``), the drivers model's
dated shifts, the priors of the uncertain parameters, the inference's settings and the weight
of each target series of :mod:`experiments.observed`. The fit has two stages, both run on one
Dask cluster (local, or a scheduler's address; :mod:`experiments.evaluator`):

1. **Drivers** (:mod:`migmodel.drivers`): per nationality a level, a trend and dated shifts,
   fitted in the logarithm to US encounters by nationality and fiscal year and to monthly
   totals (:func:`fit_drivers`: Gauss–Newton rounds, ridge priors on trends and shifts). A
   handful of numbers per nationality against one figure per year, so the fit can fail.
2. **Inference** (:mod:`experiments.inference`): approximate Bayesian computation (``pyabc``;
   one generation of rejection ABC in the committed fits) over the behaviour parameters, the
   lever effect sizes and a level multiplier of the drivers per flow pattern, with the
   objective below as its distance.

Objective (the distance): for each series, the mean over its targets inside the fit window
of the squared log ratio simulated ÷ observed (for the policy responses, the squared
difference of the month-on-month changes), times the series' weight, summed.

Written beside the calibration file: ``OUT/parameters.toml`` (the posterior median, the drivers'
coefficients and provenance), ``OUT/posterior.parquet`` (equally weighted posterior draws),
``OUT/push.csv`` (the drivers), ``OUT/trace.csv`` (every generation of the inference),
``OUT/fit.csv`` (observed and simulated at the posterior median) and ``OUT/behaviour.toml``
(the median and draws of the parameters another scenario can take: :func:`write_behaviour`).
A scenario uses it with ``calibration = "..."``, and its posterior draws with ``draw = k``.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console

from experiments.calibration_file import Calibration, CalibrationError, load_calibration
from experiments.evaluator import Job, evaluator
from experiments.fitting import TARGET_TABLES, compare, objective
from experiments.inference import infer
from experiments.observed import data_version, measured, observed
from migmodel.calibration import calibrated
from migmodel.drivers import DriversModel
from migmodel.inputs import read_toml
from migmodel.outputs import staged
from migmodel.patterns import NATIONALITIES
from migmodel.results import Results
from migmodel.scenario import scenario_from_dict
from migmodel.simulate import __version__

__all__ = [
    "Calibration",
    "CalibrationError",
    "calibrate",
    "compare",
    "load_calibration",
    "objective",
    "recorded",
    "reproduce",
]


# ------------------------------------------------------------------------------ the fit
def calibrate(
    calibration: Calibration,
    workers: int | None = None,
    console: Console | None = None,
    scheduler: str | None = None,
    targets: pd.DataFrame | None = None,
) -> Path:
    """Fit the drivers, infer the posterior, write the results; return the folder.

    Args:
        calibration: the validated calibration file.
        workers: local Dask workers (default: CPUs), or
        scheduler: the address of a running Dask scheduler.
        console: where progress is printed.
        targets: the figures to fit (default :func:`~experiments.observed.observed`; tests give
            figures simulated with known parameters).
    """
    console = console or Console(stderr=True, highlight=False)
    targets = observed() if targets is None else targets
    start = _now()
    with (
        tempfile.TemporaryDirectory() as tmp,
        evaluator(workers, scheduler, console) as runner,
    ):
        console.print(f"calibrating {calibration.name} on a {runner.described}")
        drivers_file = Path(tmp) / "push.csv"
        values = calibration.start_values()

        def evaluate(
            coefficients: dict[str, float], point: dict[str, float]
        ) -> tuple[pd.DataFrame, pd.DataFrame]:
            calibration.write_drivers(coefficients, drivers_file)
            scenario = calibration.scenario(point, drivers_file)
            runs = runner.map(
                [Job(scenario, seed, tables=TARGET_TABLES) for seed in calibration.seeds]
            )
            table = compare(targets, measured(runs), calibration.fit_until)
            return table, encounters_by_month(runs)

        coefficients = fit_drivers(calibration, values, evaluate, console)
        calibration.write_drivers(coefficients, drivers_file)
        posterior, settings = infer(calibration, drivers_file, targets, runner, console)
        point = posterior.drop(columns="draw").median().to_dict() if len(posterior) else values
        table = evaluate(coefficients, point)[0]
    return _write(calibration, coefficients, point, posterior, table, settings, start)


def fit_drivers(
    calibration: Calibration,
    values: dict[str, float],
    evaluate: Any,
    console: Console,
) -> dict[str, float]:
    """Fit the drivers' coefficients to US encounters by nationality and year and by month.

    Each round runs the model (``evaluate(coefficients, values)``: the comparison table and
    the simulated encounters by month and nationality) and takes a Gauss–Newton step on the
    log errors of the in-sample figures of two series:

    * encounters by fiscal year and nationality: the fiscal year's basis row;
    * monthly total encounters: the nationalities' basis rows, weighted by their simulated
      shares of that month (the derivative of a log sum).

    The step is the maximum a posteriori fit under Gaussian priors: each figure's log error
    has a standard deviation of ``error_sd``, each trend ``trend_sd`` a year and each shift
    ``shift_sd`` around zero, levels are free (ridge regression; Hoerl & Kennard 1970,
    *Technometrics* 12:55). Log errors are bounded to ×¼–×4 (×100 in the first round, from
    push 1), so that seed noise in small flows cannot run away. The model is noisy, so the
    round whose run fitted best is kept, not the last.
    """
    model = calibration.drivers_model()
    prior = calibration.drivers_prior
    coefficients = dict.fromkeys(model.names, 0.0)
    best: tuple[float, dict[str, float]] = (np.inf, coefficients)
    for k in range(calibration.driver_rounds):
        table, monthly = evaluate(coefficients, values)
        x, y = _drivers_rows(model, table, monthly)
        bound = np.log(100.0 if k == 0 else 4.0)
        y = np.clip(y, -bound, bound)
        miss = float(np.sqrt(np.mean(y**2)))
        console.print(f"drivers round {k + 1}: rms log error of the fitted figures {miss:.3f}")
        if miss < best[0]:
            best = (miss, coefficients)
        beta = np.array(list(coefficients.values()))
        sd = np.array([prior.get(name.split(".")[0], np.inf) for name in model.names])
        penalty = np.diag(prior["error"] / sd)
        a = np.vstack([x, penalty])
        b = np.concatenate([y + x @ beta, np.zeros(len(beta))])
        beta = np.linalg.lstsq(a, b, rcond=None)[0]
        coefficients = dict(zip(model.names, beta.tolist(), strict=True))
    return best[1]


def _drivers_rows(
    model: DriversModel, table: pd.DataFrame, monthly: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Return the drivers fit's design rows and log errors (observed ÷ simulated)."""
    fit = table[table["in_sample"]]
    years = fit[fit["series"] == "encounters_fy_nationality"]
    months = fit[(fit["series"] == "encounters_month") & fit["period"].isin(monthly.index)]
    rows = [model.year_basis(int(p), g) for p, g in zip(years.period, years.group, strict=True)]
    for month in months.period:
        share = monthly.loc[month].to_numpy(float)
        share = share / share.sum() if share.sum() > 0 else np.full(len(share), 1 / len(share))
        basis = np.array([model.month_basis(month, n) for n in NATIONALITIES])
        rows.append(share @ basis)
    both = pd.concat([years, months])
    y = np.log(both["observed"].to_numpy(float) / both["simulated"].clip(lower=1).to_numpy(float))
    return np.array(rows), y


def encounters_by_month(runs: list[Results]) -> pd.DataFrame:
    """Return the runs' mean US encounters by month (``YYYY-MM``) and nationality."""
    frames = []
    for results in runs:
        enc = results.encounters
        month = enc["date"].dt.to_period("M").astype(str)
        frames.append(
            enc.assign(month=month)
            .pivot_table(
                index="month", columns="nationality", values="us_encounters", aggfunc="sum"
            )
            .reindex(columns=list(NATIONALITIES), fill_value=0.0)
        )
    return pd.concat(frames).groupby(level=0).sum() / len(frames)


# ------------------------------------------------------------------------------ writing
def _write(
    calibration: Calibration,
    coefficients: dict[str, float],
    point: dict[str, float],
    posterior: pd.DataFrame,
    table: pd.DataFrame,
    settings: dict[str, Any],
    start: str,
) -> Path:
    """Write the calibration's folder (drivers, draws, trace, fit, parameters, behaviour).

    ``settings`` loses its ``generations`` (written to ``trace.csv``); the rest goes into the
    provenance. Returns the folder written.
    """
    with staged(calibration.out) as out:  # written aside, put in place whole
        calibration.write_drivers(coefficients, out / "push.csv")
        concrete = calibration.concrete(point)
        drawn = _write_draws(calibration, posterior, out / "posterior.parquet")
        pd.DataFrame(settings.pop("generations", [])).to_csv(out / "trace.csv", index=False)
        table.to_csv(out / "fit.csv", index=False, float_format="%.6g")
        value, terms = objective(table, calibration.weights)
        free = len(coefficients) + len(calibration.priors)
        provenance = _provenance(calibration, value, free, table, settings, start)
        lines = [
            f"# Calibrated by `migmodel calibrate {calibration.source.name}` "
            f"({calibration.name}): do not edit by hand.",
            f"# {calibration.description}".rstrip(),
            'drivers = "push.csv"',
            *(['posterior = "posterior.parquet"'] if drawn else []),
            "",
            "[parameters]  # the posterior median of each",
            *(f'"{k}" = {float(v)!r}' for k, v in concrete.items()),
            "",
            "[drivers_model]  # log push = level + trend × years from March 2022 + shifts",
            *(f'"{k}" = {float(v)!r}' for k, v in coefficients.items()),
            "",
            "[provenance]",
            *(f"{k} = {json.dumps(v)}" for k, v in provenance.items()),
            "",
            "[provenance.objective_terms]",
            *(f"{k} = {float(v)!r}" for k, v in terms.items()),
            "",
        ]
        (out / "parameters.toml").write_text("\n".join(lines), encoding="utf-8")
        write_behaviour(out)
    return calibration.out


def _write_draws(calibration: Calibration, posterior: pd.DataFrame, path: Path) -> bool:
    """Write the posterior draws, each expanded to concrete parameters, if there are any.

    Returns:
        Whether ``path`` was written (not when there are no draws).
    """
    if not len(posterior):
        return False
    expanded = [
        calibration.concrete(row) for row in posterior.drop(columns="draw").to_dict("records")
    ]
    draws = pd.concat([posterior[["draw"]], pd.DataFrame(expanded)], axis=1)
    draws.to_parquet(path, index=False)
    return True


def _provenance(
    calibration: Calibration,
    value: float,
    free: int,
    table: pd.DataFrame,
    settings: dict[str, Any],
    start: str,
) -> dict[str, Any]:
    """Return the ``[provenance]`` of ``parameters.toml``: what was fitted, to what, how, when.

    Args:
        calibration: the calibration fitted.
        value: its objective.
        free: the number of free parameters (drivers' coefficients and priors).
        table: the fit's table (its ``in_sample`` rows are the data points).
        settings: the inference's settings (without its generations).
        start: when the calibration started.
    """
    return {
        "calibration": calibration.source.name,
        "calibration_hash": calibration.fingerprint(),
        "data_version": data_version(),
        "objective": value,
        "fit_until": calibration.fit_until,
        "run_until": calibration.run_until.isoformat(),
        "seeds": list(calibration.seeds),
        "people_per_agent": calibration.people_per_agent,
        "free_parameters": free,
        "data_points": len(table[table["in_sample"]]),
        **settings,
        "migmodel_version": __version__,
        "started": start,
        "finished": _now(),
    }


SCENARIO_OWN = ("push.", "policies.")  # the calibrated scenario's own push and policy instances


def write_behaviour(out: Path) -> Path:
    """Write ``OUT/behaviour.toml``: the posterior of the parameters any scenario can take.

    It holds the median and names the draws of the parameters that belong to no nationality's
    push and no policy instance of the calibrated scenario (the behaviour parameters and the
    levels of enforcement), so that another scenario (``baseline``) can name it as its
    ``calibration`` and carry their uncertainty into its effects.
    """
    written = read_toml(out / "parameters.toml", CalibrationError)
    shared = {k: v for k, v in written["parameters"].items() if not k.startswith(SCENARIO_OWN)}
    lines = [
        f"# The behaviour parameters of {out.name}/parameters.toml, for scenarios with their own",
        "# push and policies (written by `migmodel calibrate`: do not edit by hand).",
        *(['posterior = "posterior.parquet"'] if "posterior" in written else []),
        "",
        "[parameters]  # the posterior median of each",
        *(f'"{k}" = {float(v)!r}' for k, v in shared.items()),
        "",
    ]
    path = out / "behaviour.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def recorded(calibration: Calibration) -> dict[str, Any]:
    """Return the provenance recorded in the calibration's ``parameters.toml``."""
    return read_toml(calibration.out / "parameters.toml", CalibrationError)["provenance"]


def reproduce(calibration: Calibration) -> tuple[float, pd.DataFrame]:
    """Rerun the written calibration's posterior median on its recorded seeds and scale.

    Returns:
        The objective and the comparison table: equal to what ``calibrate`` recorded.
    """
    raw = calibrated(calibration.base.to_dict(), calibration.out / "parameters.toml")
    raw["people_per_agent"] = recorded(calibration)["people_per_agent"]
    raw["days"] = (calibration.run_until - calibration.base.start).days + 1
    scenario = scenario_from_dict(raw, source=calibration.base.source)
    with evaluator(0) as runner:  # in this process
        runs = runner.map([Job(scenario, seed, tables=TARGET_TABLES) for seed in calibration.seeds])
    table = compare(observed(), measured(runs), calibration.fit_until)
    return objective(table, calibration.weights)[0], table


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
