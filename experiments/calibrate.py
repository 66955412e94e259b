"""``migmodel calibrate``: fit the historical scenario to the data, and say how well it fits.

A calibration file (``experiments/calibration/*.toml``; format in its ``README.md``) names a
base scenario, the last month of data the fit may use (``fit_until``), the seeds and scale of
the runs, the free parameters with their ranges, and the weight of each target series of
:mod:`migmodel.observed`. The fit has three stages, each run on a local Dask cluster:

1. **Levels**: the push of each nationality in each fiscal year is set so the runs meet that
   year's US encounters of that nationality: starting from the data's own ratio to FY2022 (the
   year the baseline departures stand for), each round multiplies a level by observed ÷
   simulated. The levels become monthly drivers (:func:`migmodel.drivers.monthly_push`).
2. **Search**: a Latin hypercube over the free parameters' ranges, then Nelder–Mead (SciPy)
   from its best point, on the same seeds every time (common random numbers), minimising the
   objective.
3. **Levels** again with the fitted parameters. Stages 2 and 3 repeat ``cycles`` times (the
   hypercube only the first time), since levels and parameters move each other; the final
   objective is recorded.

Objective: for each series, the mean over its targets inside the fit window of the squared
log ratio simulated ÷ observed (for the policy responses, the squared difference of the
month-on-month changes), times the series' weight, summed. Runs average over the seeds first.

The result is written as data beside the calibration file: ``OUT/parameters.toml`` (values
and provenance: data version, objective, date, method), ``OUT/push.csv`` (drivers) and
``OUT/trace.csv`` (every evaluation). A scenario uses it with ``calibration = "..."``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console

from migmodel.drivers import monthly_push
from migmodel.observed import EVENTS, SERIES, data_version, measured, observed
from migmodel.patterns import NATIONALITIES
from migmodel.results import Results
from migmodel.scenario import (
    Scenario,
    calibrated,
    get_parameter,
    load_scenario,
    parameter,
    scenario_from_dict,
    set_parameter,
)
from migmodel.schema import (
    Number,
    ScenarioError,
    check_date,
    check_text,
    read_toml,
    unknown_key,
)
from migmodel.simulate import __version__, run

KEYS = (
    "name",
    "description",
    "scenario",
    "fit_until",
    "run_until",
    "people_per_agent",
    "seeds",
    "out",
    "levels",
    "search",
    "free",
    "weights",
)
BASE_YEAR = 2022
"""The fiscal year the scenario's ``departures`` stand for (push 1)."""


class CalibrationError(ScenarioError):
    """A calibration file is invalid; the message names the key and what is allowed."""


@dataclass(frozen=True)
class Calibration:
    """A validated calibration file."""

    name: str
    description: str
    base: Scenario
    fit_until: str
    run_until: dt.date
    people_per_agent: int
    seeds: tuple[int, ...]
    out: Path
    level_rounds: int
    cycles: int
    points: int
    refine: int
    search_seed: int
    free: dict[str, tuple[float, float]]
    weights: dict[str, float]
    source: Path

    def scenario(self, values: dict[str, float], drivers: Path) -> Scenario:
        """Return the base scenario with ``values`` set, the drivers and the run's scale."""
        raw = self.base.to_dict()
        for name, value in values.items():
            set_parameter(raw, name, int(value) if parameter(name).integer else float(value))
        raw["people_per_agent"] = self.people_per_agent
        raw["days"] = (self.run_until - self.base.start).days + 1
        raw["drivers"] = str(drivers)
        return scenario_from_dict(raw, source=self.base.source)

    def fingerprint(self) -> str:
        """Return a hash of the calibration file's text."""
        return hashlib.sha256(self.source.read_bytes()).hexdigest()[:12]


def load_calibration(path: str | Path) -> Calibration:
    """Read and validate a calibration file.

    Raises:
        CalibrationError: naming the file, the key, the value and what is allowed.
    """
    path = Path(path)
    raw = read_toml(path, CalibrationError)
    where = path.name
    for key in raw:
        if key not in KEYS:
            raise CalibrationError(f"{where}: {unknown_key('calibration', key, KEYS)}")
    try:
        base = load_scenario(
            _relative(path, check_text("scenario", raw.get("scenario", ""))), calibration=False
        )
        fit_until = _month("fit_until", raw.get("fit_until"))
        run_until = check_date("run_until", raw.get("run_until", "2023-12-31"))
        ppa = Number(200, 1, 100_000, "people", "people per agent", integer=True)
        seeds = raw.get("seeds", [1, 2])
        if (
            not isinstance(seeds, list)
            or not seeds
            or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in seeds)
        ):
            raise CalibrationError(f"seeds = {seeds!r} must be a list of whole numbers ≥ 0")
        levels, search = _table(raw, "levels"), _table(raw, "search")
        count = Number(0, 0, 10_000, "", "count", integer=True)
        free = {}
        for name, bounds in _table(raw, "free").items():
            number = parameter(name)
            if not isinstance(bounds, list) or len(bounds) != 2:
                raise CalibrationError(f"[free] {name} = {bounds!r} must be [low, high]")
            low, high = (number.check(f"[free] {name}", b) for b in bounds)
            if not low < high:
                raise CalibrationError(f"[free] {name} = {bounds!r}: low must be below high")
            free[name] = (float(low), float(high))
        weights = {}
        for series, weight in _table(raw, "weights").items():
            if series not in SERIES or series == "encounters_fy_nationality":
                allowed = [s for s in SERIES if s != "encounters_fy_nationality"]
                raise CalibrationError(unknown_key("[weights]", series, allowed))
            weights[series] = Number(1, 0, 100, "", "weight").check(f"[weights] {series}", weight)
        if not weights:
            raise CalibrationError("[weights] must give at least one series a weight")
        return Calibration(
            name=check_text("name", raw.get("name", path.stem)),
            description=check_text("description", raw.get("description", "")),
            base=base,
            fit_until=fit_until,
            run_until=run_until,
            people_per_agent=ppa.check("people_per_agent", raw.get("people_per_agent", 200)),
            seeds=tuple(seeds),
            out=_out(path, raw.get("out", path.stem)),
            level_rounds=count.check("[levels] rounds", levels.get("rounds", 3)),
            cycles=count.check("[search] cycles", search.get("cycles", 1)),
            points=count.check("[search] points", search.get("points", 0)),
            refine=count.check("[search] refine", search.get("refine", 0)),
            search_seed=count.check("[search] seed", search.get("seed", 1)),
            free=free,
            weights=weights,
            source=path.resolve(),
        )
    except ScenarioError as err:
        raise CalibrationError(f"{where}: {err}") from None
    except ValueError as err:
        raise CalibrationError(f"{where}: run_until: {err} (write YYYY-MM-DD)") from None


def _out(path: Path, value: Any) -> Path:
    """Return the output folder a calibration file names: inside the file's own folder."""
    folder = path.parent.resolve()
    out = (folder / check_text("out", value)).resolve()
    if out == folder or folder not in out.parents:
        raise CalibrationError(
            f"out = {value!r}: must name a folder inside {folder} (the calibration file's "
            "folder), e.g. out = \"historical\""
        )
    return out


def _table(raw: dict[str, Any], key: str) -> dict[str, Any]:
    """Return the table ``key`` of a calibration file (empty if absent)."""
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise CalibrationError(f"{key} = {value!r:.40} must be a table, e.g. [{key}]")
    return value


# ------------------------------------------------------------------------------ objective
def period_end(series: str, period: str) -> str:
    """Return the last month (``YYYY-MM``) a target's period covers."""
    if series == "response":
        return EVENTS[period][1]
    if series.startswith("encounters_fy"):
        return f"{period}-09"
    if series == "encounters_month":
        return period
    return f"{period[:4]}-12"  # calendar years and 2019-Q4


def compare(targets: pd.DataFrame, sim: pd.DataFrame, fit_until: str) -> pd.DataFrame:
    """Join observed and simulated figures; mark which targets are in the fit window."""
    table = targets.merge(sim, on=["series", "period", "group"], how="inner")
    ends = [period_end(s, p) for s, p in zip(table["series"], table["period"], strict=True)]
    table["in_sample"] = np.array(ends) <= fit_until
    table["error"] = np.where(
        table["series"] == "response",
        table["simulated"] - table["observed"],
        table["simulated"] / table["observed"] - 1,
    )
    return table


def objective(table: pd.DataFrame, weights: dict[str, float]) -> tuple[float, dict[str, float]]:
    """Return the objective and its terms, from :func:`compare`'s in-sample rows."""
    terms = {}
    for series, weight in weights.items():
        rows = table[(table["series"] == series) & table["in_sample"]]
        if rows.empty:
            continue
        if series == "response":
            loss = (rows["simulated"] - rows["observed"]) ** 2
        else:
            # Bounded at a factor of 10 either way, so that one zero (a few agents' deaths at a
            # coarse scale) cannot outweigh every other target.
            ratio = (rows["simulated"] / rows["observed"]).clip(0.1, 10.0)
            loss = np.log(ratio) ** 2
        terms[series] = float(weight * loss.mean())
    return float(sum(terms.values())), terms


# ------------------------------------------------------------------------------ the fit
@dataclass
class Fit:
    """The state of a calibration: levels, free values, the last comparison."""

    levels: pd.DataFrame
    values: dict[str, float]
    table: pd.DataFrame | None = None
    value: float = math.inf
    terms: dict[str, float] | None = None


def calibrate(
    calibration: Calibration, workers: int | None = None, console: Console | None = None
) -> Path:
    """Fit, write ``parameters.toml``, ``push.csv`` and ``trace.csv``; return the folder."""
    from experiments.sweep import dask_client

    console = console or Console(stderr=True, highlight=False)
    targets = observed()
    start = _now()
    trace: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp, dask_client(workers, None, console) as (client, how):
        console.print(f"calibrating {calibration.name} on a {how}")
        drivers_file = Path(tmp) / "push.csv"

        def evaluate(fit: Fit, stage: str) -> Fit:
            _write_drivers(calibration, fit.levels, drivers_file)
            scenario = calibration.scenario(fit.values, drivers_file)
            futures = client.map(
                _measure_one,
                [scenario] * len(calibration.seeds),
                list(calibration.seeds),
                pure=False,
            )
            table = compare(targets, measured(client.gather(futures)), calibration.fit_until)
            value, terms = objective(table, calibration.weights)
            trace.append({"stage": stage, **fit.values, "objective": value})
            return Fit(fit.levels, dict(fit.values), table, value, terms)

        fit = Fit(_initial_levels(targets, calibration.fit_until), _start_values(calibration))
        fit = _fit_levels(fit, calibration, evaluate, console)
        for cycle in range(calibration.cycles):
            fit = _search(fit, calibration, evaluate, console, latin=cycle == 0)
            fit = _fit_levels(fit, calibration, evaluate, console)
    return _write(calibration, fit, trace, start)


def _measure_one(scenario: Scenario, seed: int) -> Results:
    """Run one seed (on a worker) and return its results without the tables not measured."""
    results = run(scenario, seed)
    return dataclasses.replace(
        results, journeys=results.journeys.iloc[:0], edge_flows=results.edge_flows.iloc[:0]
    )


def _start_values(calibration: Calibration) -> dict[str, float]:
    """Return the base scenario's own value of each free parameter (clipped to its range)."""
    raw = calibration.base.to_dict()
    out = {}
    for name, (low, high) in calibration.free.items():
        out[name] = min(max(get_parameter(raw, name), low), high)
    return out


def _initial_levels(targets: pd.DataFrame, fit_until: str) -> pd.DataFrame:
    """Return push levels by fiscal year in the window: the data's ratio to FY2022."""
    by_nat = targets[targets["series"] == "encounters_fy_nationality"]
    table = by_nat.pivot_table(index="period", columns="group", values="observed")
    table.index = table.index.astype(int)
    levels = (table / table.loc[BASE_YEAR])[list(NATIONALITIES)]
    return levels[[f"{fy}-09" <= fit_until for fy in levels.index]]


def _fit_levels(fit: Fit, calibration: Calibration, evaluate: Callable, console: Console) -> Fit:
    for k in range(calibration.level_rounds):
        fit = evaluate(fit, f"levels {k + 1}")
        console.print(f"levels round {k + 1}: objective {fit.value:.4f}")
        table = fit.table
        rows = table[(table["series"] == "encounters_fy_nationality") & table["in_sample"]]
        ratio = rows.pivot_table(index="period", columns="group", values="observed") / (
            rows.pivot_table(index="period", columns="group", values="simulated").clip(lower=1)
        )
        ratio.index = ratio.index.astype(int)
        # Damped (square root) and bounded, so that seed noise in small flows cannot run away.
        step = np.sqrt(ratio.reindex_like(fit.levels).fillna(1.0).clip(0.25, 4.0))
        levels = fit.levels * step
        fit = Fit(levels.clip(1e-3, 100.0), fit.values)
    return evaluate(fit, "levels")


def _search(
    fit: Fit, calibration: Calibration, evaluate: Callable, console: Console, latin: bool
) -> Fit:
    """(Latin hypercube, then) Nelder–Mead from the best point so far, in the unit cube."""
    names = list(calibration.free)
    if not names:
        return fit
    low = np.array([calibration.free[n][0] for n in names])
    high = np.array([calibration.free[n][1] for n in names])
    best = fit

    def at(unit: np.ndarray, stage: str) -> Fit:
        nonlocal best
        values = dict(zip(names, low + np.clip(unit, 0, 1) * (high - low), strict=True))
        tried = evaluate(Fit(fit.levels, values), stage)
        if tried.value < best.value:
            best = tried
            console.print(f"{stage}: objective {tried.value:.4f} at {_show(values)}")
        return tried

    if latin and calibration.points:
        from scipy.stats import qmc

        sample = qmc.LatinHypercube(d=len(names), seed=calibration.search_seed)
        for unit in sample.random(calibration.points):
            at(unit, "search")
    if calibration.refine:
        from scipy.optimize import minimize

        start = (np.array([best.values[n] for n in names]) - low) / (high - low)
        options = {"maxfev": calibration.refine, "initial_simplex": _simplex(start)}
        minimize(lambda u: at(u, "refine").value, start, method="Nelder-Mead", options=options)
    return Fit(fit.levels, best.values)


def _simplex(start: np.ndarray, step: float = 0.15) -> np.ndarray:
    """Return a Nelder–Mead starting simplex around ``start`` that stays in the unit cube."""
    points = [start]
    for i in range(start.size):
        point = start.copy()
        point[i] = start[i] + step if start[i] + step <= 1 else start[i] - step
        points.append(point)
    return np.array(points)


def _show(values: dict[str, float]) -> str:
    return ", ".join(f"{k} = {v:.4g}" for k, v in values.items())


def _write_drivers(calibration: Calibration, levels: pd.DataFrame, path: Path) -> Path:
    first = calibration.base.start - dt.timedelta(days=calibration.base["spinup_days"])
    last = calibration.base.start + dt.timedelta(days=calibration.base.days - 1)
    return monthly_push(levels, first.strftime("%Y-%m"), last.strftime("%Y-%m")).write(path)


def _write(calibration: Calibration, fit: Fit, trace: list[dict[str, Any]], start: str) -> Path:
    out = calibration.out
    out.mkdir(parents=True, exist_ok=True)
    _write_drivers(calibration, fit.levels, out / "push.csv")
    pd.DataFrame(trace).to_csv(out / "trace.csv", index=False, float_format="%.6g")
    fit.table.to_csv(out / "fit.csv", index=False, float_format="%.6g")
    provenance = {
        "calibration": calibration.source.name,
        "calibration_hash": calibration.fingerprint(),
        "data_version": data_version(),
        "objective": fit.value,
        "objective_terms": fit.terms,
        "fit_until": calibration.fit_until,
        "run_until": calibration.run_until.isoformat(),
        "seeds": list(calibration.seeds),
        "people_per_agent": calibration.people_per_agent,
        "evaluations": len(trace),
        "method": "levels: multiplicative fixed point on FY encounters by nationality; "
        f"search: Latin hypercube ({calibration.points}) + Nelder-Mead ({calibration.refine})",
        "migmodel_version": __version__,
        "started": start,
        "finished": _now(),
    }
    lines = [
        f"# Calibrated by `migmodel calibrate {calibration.source.name}` "
        f"({calibration.name}): do not edit by hand.",
        f"# {calibration.description}".rstrip(),
        'drivers = "push.csv"',
        "",
        "[parameters]",
        *(f'"{k}" = {float(v)!r}' for k, v in fit.values.items()),
        "",
        "[provenance]",
        *(f"{k} = {json.dumps(v)}" for k, v in provenance.items() if not isinstance(v, dict)),
        "",
        "[provenance.objective_terms]",
        *(f"{k} = {float(v)!r}" for k, v in (fit.terms or {}).items()),
        "",
    ]
    (out / "parameters.toml").write_text("\n".join(lines), encoding="utf-8")
    return out


def recorded(calibration: Calibration) -> dict[str, Any]:
    """Return the provenance recorded in the calibration's ``parameters.toml``."""
    return read_toml(calibration.out / "parameters.toml", CalibrationError)["provenance"]


def reproduce(calibration: Calibration) -> tuple[float, pd.DataFrame]:
    """Rerun the written calibration on its recorded seeds and scale.

    Returns:
        The objective and the comparison table: equal to what ``calibrate`` recorded.
    """
    raw = calibrated(calibration.base.to_dict(), calibration.out / "parameters.toml")
    raw["people_per_agent"] = recorded(calibration)["people_per_agent"]
    raw["days"] = (calibration.run_until - calibration.base.start).days + 1
    scenario = scenario_from_dict(raw, source=calibration.base.source)
    runs = [_measure_one(scenario, seed) for seed in calibration.seeds]
    table = compare(observed(), measured(runs), calibration.fit_until)
    return objective(table, calibration.weights)[0], table


def _relative(path: Path, name: str) -> str:
    if name.endswith(".toml") or "/" in name:
        return str((path.parent / name).resolve())
    return name


def _month(key: str, value: Any) -> str:
    text = check_text(key, value if value is not None else "")
    try:
        dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        raise CalibrationError(f"{key} = {value!r} must be a month written YYYY-MM") from None
    return text


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
