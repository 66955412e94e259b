"""What both stages of the calibration share: the comparison with the data and the objective.

The drivers fit (:mod:`experiments.calibrate`) and the inference (:mod:`experiments.inference`)
both measure runs against the targets of :mod:`experiments.observed`, so what they have in
common lives here and each imports it:

* :func:`period_end`, the last month a target covers (the fit window is a month);
* :func:`compare`, the observed and simulated figures side by side, in the window or not;
* :func:`losses` and :func:`objective`, the calibration's distance;
* :data:`TARGET_TABLES`, the tables a calibration's runs build (only what the targets use);
* :func:`draw_seed`, a run's seed fixed by its parameter values.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd

from experiments.observed import EVENTS


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


def losses(series: pd.Series, simulated: pd.Series, observed_: pd.Series) -> np.ndarray:
    """Return each target's loss: squared log ratio, or squared difference for responses.

    The ratio is bounded at a factor of 10 either way, so that one zero (a few agents' deaths
    at a coarse scale) cannot outweigh every other target.
    """
    sim, obs = np.nan_to_num(simulated.to_numpy(float)), observed_.to_numpy(float)
    ratio = np.clip(sim / obs, 0.1, 10.0)
    return np.where(series.to_numpy() == "response", (sim - obs) ** 2, np.log(ratio) ** 2)


def objective(table: pd.DataFrame, weights: dict[str, float]) -> tuple[float, dict[str, float]]:
    """Return the objective and its terms, from :func:`compare`'s in-sample rows."""
    rows = table[table["in_sample"]]
    loss = pd.Series(losses(rows["series"], rows["simulated"], rows["observed"]), rows.index)
    terms = {}
    for series, weight in weights.items():
        mine = loss[rows["series"] == series]
        if len(mine):
            terms[series] = float(weight * mine.mean())
    return float(sum(terms.values())), terms


TARGET_TABLES = ("daily", "encounters")
"""The tables of a run the targets are measured on (:func:`experiments.observed.measured`):
a calibration's runs build only these (:class:`experiments.evaluator.Job`'s ``tables``)."""


def draw_seed(values: dict[str, float]) -> int:
    """Return a run seed fixed by parameter values (the same values, the same seed)."""
    text = json.dumps({k: round(float(v), 12) for k, v in sorted(values.items())})
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)
