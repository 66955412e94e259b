"""``run(scenario, seed)``: the one function the CLI, sweeps, calibration, tests and app share."""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version

import numpy as np
import pandas as pd

from migmodel.model import MEASURES, MigrationModel
from migmodel.patterns import FLOW_PATTERNS, NATIONALITIES, NATIONALITY_PATTERN
from migmodel.population import FINAL, STATUSES
from migmodel.results import Results
from migmodel.scenario import Scenario

try:
    __version__ = version("migmodel")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"


def run(
    scenario: Scenario, seed: int = 0, progress: Callable[[int, int], None] | None = None
) -> Results:
    """Simulate a scenario from its start date for its number of days.

    Args:
        scenario: a validated scenario (see :func:`migmodel.load_scenario`).
        seed: random seed; the same scenario and seed give identical results in any process.
        progress: called as ``progress(days_done, days_total)`` after each day.

    Returns:
        The run's :class:`~migmodel.results.Results`.
    """
    model = MigrationModel(scenario, seed=seed)
    while model.day < model.total_days:
        model.step()
        if progress is not None:
            progress(model.day, model.total_days)
    return collect(model)


def collect(model: MigrationModel) -> Results:
    """Turn a model's state and counters into :class:`~migmodel.results.Results`."""
    first, days = model.spinup, max(0, model.day - model.spinup)  # report from the start date
    dates = pd.date_range(model.scenario.start, periods=days, freq="D").as_unit("ns")
    counts = model.counts[first : first + days]
    daily = pd.DataFrame(
        counts.reshape(days * len(FLOW_PATTERNS), len(MEASURES)), columns=list(MEASURES)
    )
    daily.insert(
        0, "flow_pattern", pd.Categorical(np.tile(FLOW_PATTERNS, days), categories=FLOW_PATTERNS)
    )
    daily.insert(0, "date", np.repeat(dates.to_numpy(), len(FLOW_PATTERNS)))
    return Results(
        daily=daily,
        journeys=_journeys(model),
        encounters=_encounters(model, dates),
        scenario=model.scenario,
        seed=model.seed,
        version=__version__,
    )


def _journeys(model: MigrationModel) -> pd.DataFrame:
    pop, ids = model.pop, model.network.nodes["id"].to_numpy()
    status = pop.column("status")
    end = pop.column("end_day")
    path = pop.column("path")
    used, codes = np.unique(path, return_inverse=True)
    routes = [" > ".join(ids[model.paths.nodes_of(p)]) for p in used.tolist()]
    outcome = np.where(FINAL[status], status, len(STATUSES))
    return pd.DataFrame(
        {
            "agent": np.arange(pop.n),
            "origin": pd.Categorical.from_codes(pop.column("origin"), categories=ids),
            "nationality": pd.Categorical.from_codes(
                pop.column("nationality"), categories=NATIONALITIES
            ),
            "flow_pattern": pd.Categorical.from_codes(
                pop.column("pattern"), categories=FLOW_PATTERNS
            ),
            "people": pop.column("people").astype(float),
            "depart_date": pd.Timestamp(model.first_date)
            + pd.to_timedelta(pop.column("depart_day"), unit="D"),
            "days": np.where(end >= 0, end, model.day) - pop.column("depart_day"),
            "attempts": pop.column("attempts"),
            "us_encounters": pop.column("encounters"),
            "outcome": pd.Categorical.from_codes(outcome, categories=[*STATUSES, "under_way"]),
            "route": pd.Categorical.from_codes(codes.ravel(), categories=routes),
        }
    )


def _encounters(model: MigrationModel, dates: pd.DatetimeIndex) -> pd.DataFrame:
    day, nat, node = np.nonzero(model.encounters[model.spinup : model.day])
    nationality = np.array(NATIONALITIES)[nat]
    return pd.DataFrame(
        {
            "date": dates[day],
            "nationality": nationality,
            "flow_pattern": [NATIONALITY_PATTERN[n] for n in nationality],
            "crossing": model.network.nodes["id"].to_numpy()[node],
            "us_encounters": model.encounters[model.spinup + day, nat, node],
        }
    )
