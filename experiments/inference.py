"""Parameter uncertainty by approximate Bayesian computation (ABC-SMC, ``pyabc``).

Why ABC-SMC with ``pyabc``: the model has no likelihood, only runs; ABC needs nothing but runs
and a distance, and sequential Monte Carlo (Toni et al. 2009, *J. R. Soc. Interface* 6:187)
spends them where the posterior is. ``pyabc`` (Schälte et al. 2022, *JOSS* 7:4304) is
maintained, adapts the tolerance each generation, and has a Dask sampler, so the same command
runs on a laptop's local cluster or at a scheduler's address. History matching with
emulators (Bijak et al. 2021) would need fewer runs, but an emulator per series is a second
model to validate; at two seconds a run, ABC's budget fits a laptop (``scripts/bench_inference``).

With ``generations = 1`` it is rejection ABC: the prior's draws whose distance is below the
``quantile`` of a calibration sample's are kept, with equal weights. The committed fits use that:
in 13 dimensions the importance weights of later generations concentrated on a few particles
(an effective sample size of 1.1 of 80 after four generations).

The distance is the calibration's objective (:func:`experiments.fitting.objective`): the
weighted mean squared log ratio of simulated to observed over the in-sample targets. Priors
are uniform over each ``[priors]`` range. Each evaluation runs one seed, fixed by the
parameter values, so seed noise is part of what ABC accounts for. The final population is
resampled into equally weighted draws (``posterior.parquet``); ``draw = k`` in a scenario
takes the k-th.

Proposals are drawn from NumPy's global generator, seeded by ``[abc] seed``; with more than
one worker, runs finish in an order the operating system decides, so two inferences agree in
distribution, not digit for digit. The written posterior is data: every later use of it is
exactly reproducible.
"""

from __future__ import annotations

import tempfile
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console

from experiments.calibration_file import Calibration, Inference
from experiments.evaluator import Evaluator, Job, perform
from experiments.fitting import TARGET_TABLES, draw_seed, losses, period_end
from experiments.observed import measured


def infer(
    calibration: Calibration,
    drivers: Path,
    targets: pd.DataFrame,
    runner: Evaluator,
    console: Console,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Run ABC-SMC where ``runner`` runs; return the posterior draws and the settings to record.

    Returns:
        A table with a ``draw`` column (1, 2, ...) and one column per prior, and a dict of
        settings (method, evaluations, acceptance, tolerance, generations' table).
    """
    names = list(calibration.priors)
    abc = calibration.abc
    if not names or abc.evaluations == 0 or abc.generations == 0:
        return pd.DataFrame(columns=["draw", *names]), {"method": "drivers only (no inference)"}
    import pyabc

    keys = _in_sample(calibration, targets)
    prior = pyabc.Distribution(
        {
            f"p{i}": pyabc.RV("uniform", lo, hi - lo)
            for i, (lo, hi) in enumerate(calibration.priors.values())
        }
    )
    model = partial(_simulate, calibration=calibration, drivers=drivers, keys=keys, names=names)
    distance = partial(_distance, series=keys["series"], weights=calibration.weights)
    sampler = _sampler(runner)
    np.random.seed(abc.seed)  # noqa: NPY002 (pyabc draws from the global generator)
    eps = pyabc.QuantileEpsilon(alpha=abc.quantile)
    smc = pyabc.ABCSMC(
        model, prior, distance, population_size=abc.population, sampler=sampler, eps=eps
    )
    with tempfile.TemporaryDirectory() as tmp:
        smc.new(f"sqlite:///{Path(tmp) / 'abc.db'}", {"sim": keys["observed"].to_numpy(float)})
        history = smc.run(
            max_nr_populations=abc.generations, max_total_nr_simulations=abc.evaluations
        )
        particles, weights = history.get_distribution(m=0, t=history.max_t)
        generations = history.get_all_populations()
        evaluations = int(history.total_nr_simulations)
        ess = [_ess(history.get_distribution(m=0, t=t)[1]) for t in range(history.max_t + 1)]
    posterior = _posterior(particles, weights, names, abc)
    table = _generations_table(generations, ess)
    console.print(f"ABC-SMC: {evaluations} evaluations, {len(table)} generations")
    return posterior, _settings(abc, table, evaluations, pyabc.__version__)


def _posterior(
    particles: pd.DataFrame, weights: Any, names: list[str], abc: Inference
) -> pd.DataFrame:
    """Draw ``abc.draws`` particles by their weights (seeded by ``abc.seed``).

    Returns:
        A table with a ``draw`` column (1, 2, ...) and one column per prior in ``names``.
    """
    rng = np.random.default_rng(abc.seed)
    pick = rng.choice(len(particles), size=abc.draws, p=np.asarray(weights) / np.sum(weights))
    draws = particles.iloc[pick][[f"p{i}" for i in range(len(names))]].to_numpy()
    posterior = pd.DataFrame(draws, columns=names)
    posterior.insert(0, "draw", np.arange(1, abc.draws + 1))
    return posterior


def _generations_table(generations: pd.DataFrame, ess: list[float]) -> pd.DataFrame:
    """Return one row per generation (pyabc's calibration population, ``t`` < 0, left out)."""
    generations = generations[generations["t"] >= 0]
    return pd.DataFrame(
        {
            "generation": generations["t"].to_numpy(int) + 1,
            "evaluations": generations["samples"].to_numpy(int),
            "accepted": generations["particles"].to_numpy(int),
            "tolerance": generations["epsilon"].to_numpy(float),
            "effective_sample_size": ess,
        }
    )


def _settings(
    abc: Inference, table: pd.DataFrame, evaluations: int, version: str
) -> dict[str, Any]:
    """Return the inference's settings to record, from its generations' ``table``."""
    return {
        "method": "drivers: ridge (Gauss-Newton) fit in the log; parameters: ABC-SMC (pyabc "
        f"{version}), uniform priors, tolerance at the {abc.quantile:g} quantile of "
        "the last generation's distances, multivariate normal moves",
        "evaluations": evaluations,
        "abc_population": abc.population,
        "abc_generations": len(table),
        "abc_quantile": abc.quantile,
        "abc_people_per_agent": abc.people_per_agent,
        "acceptance": round(float(table["accepted"].sum() / max(table["evaluations"].sum(), 1)), 4),
        "final_tolerance": float(table["tolerance"].iat[-1]),
        "final_effective_sample_size": round(float(table["effective_sample_size"].iat[-1]), 1),
        "draws": abc.draws,
        "generations": table.to_dict("records"),
    }


def _sampler(runner: Evaluator) -> Any:
    """Return pyabc's sampler for the evaluator: its Dask client's, or this process's."""
    import pyabc

    if runner.client is None:
        return pyabc.sampler.SingleCoreSampler()
    return pyabc.sampler.DaskDistributedSampler(runner.client, batch_size=1)


def _in_sample(calibration: Calibration, targets: pd.DataFrame) -> pd.DataFrame:
    """Return the weighted series' targets inside the fit window, in a fixed order."""
    ends = [period_end(s, p) for s, p in zip(targets["series"], targets["period"], strict=True)]
    keep = (np.array(ends) <= calibration.fit_until) & targets["series"].isin(
        list(calibration.weights)
    )
    return targets[keep].reset_index(drop=True)[["series", "period", "group", "observed"]]


def _simulate(
    parameters: dict[str, float],
    calibration: Calibration,
    drivers: Path,
    keys: pd.DataFrame,
    names: list[str],
) -> dict[str, np.ndarray]:
    """Run the model at ``parameters`` (on a worker); return the in-sample figures."""
    values = {name: float(parameters[f"p{i}"]) for i, name in enumerate(names)}
    scenario = calibration.scenario(values, drivers, calibration.abc.people_per_agent)
    sim = measured([perform(Job(scenario, draw_seed(values), tables=TARGET_TABLES))])
    table = keys.merge(sim, on=["series", "period", "group"], how="left")
    return {"sim": table["simulated"].to_numpy(float)}


def _distance(
    x: dict[str, np.ndarray], x0: dict[str, np.ndarray], series: pd.Series, weights: dict
) -> float:
    """The objective between simulated ``x`` and observed ``x0``, per-series means weighted."""
    loss = pd.Series(losses(series, pd.Series(x["sim"]), pd.Series(x0["sim"])))
    return float(
        sum(w * loss[series == s].mean() for s, w in weights.items() if (series == s).any())
    )


def _ess(weights: np.ndarray) -> float:
    """Return the effective sample size of importance weights, (Σw)² / Σw² (Kish)."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / (w**2).sum())
