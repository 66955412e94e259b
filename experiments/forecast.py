"""Forecasts scored honestly: rolling origins, naive forecasts and the scaled error.

A *rolling-origin* forecast (Tashman 2000, *Int. J. Forecasting* 16:437) fits the model on data
up to an origin (September 2021, September 2022) and forecasts the fiscal year after it. Its
errors are scaled by those of two naive forecasts made from the same origin (Hyndman &
Koehler 2006, *Int. J. Forecasting* 22:679):

* **persistence**: every month of the forecast year equals the origin's last month (for
  fiscal years: the next year equals the last);
* **seasonal naive**: each month equals the same month a year earlier (for fiscal years, which
  have no season, it is persistence again).

The score is the mean absolute error of the model's forecast divided by that of the naive
forecast over the same months (a *scaled* error, as MASE; Hyndman & Koehler scale by the
naive method's in-sample error, here the scale is its out-of-sample error over the same
months, so below 1 means the model beat that naive forecast on those months).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NAIVE = ("persistence", "seasonal naive")
"""The naive forecasts every model forecast is scored against."""


def scaled_error(actual: np.ndarray, forecast: np.ndarray, naive: np.ndarray) -> float:
    """Return mean |actual − forecast| ÷ mean |actual − naive| (NaN if the naive is perfect)."""
    actual, forecast, naive = (np.asarray(x, dtype=float) for x in (actual, forecast, naive))
    scale = np.mean(np.abs(actual - naive))
    return float(np.mean(np.abs(actual - forecast)) / scale) if scale > 0 else float("nan")


def naive_monthly(series: pd.Series, origin: str, months: list[str]) -> dict[str, np.ndarray]:
    """Return the naive forecasts of ``months`` from a monthly ``series`` known to ``origin``.

    Args:
        series: observed values indexed by month ``YYYY-MM``.
        origin: the last month known.
        months: the months to forecast.
    """
    last = float(series[origin])
    year_before = [str(pd.Period(m, freq="M") - 12) for m in months]
    return {
        "persistence": np.full(len(months), last),
        "seasonal naive": series.reindex(year_before).to_numpy(float),
    }


def naive_yearly(table: pd.DataFrame, year: int) -> dict[str, np.ndarray]:
    """Return the naive forecasts of fiscal year ``year`` from ``table`` (years × groups)."""
    last = table.loc[year - 1].to_numpy(float)
    return {"persistence": last, "seasonal naive": last}


def scores(
    actual: np.ndarray, forecast: np.ndarray, naive: dict[str, np.ndarray]
) -> dict[str, float]:
    """Return the scaled error of ``forecast`` against each naive forecast."""
    return {name: scaled_error(actual, forecast, values) for name, values in naive.items()}


def coverage(actual: np.ndarray, low: np.ndarray, high: np.ndarray) -> float:
    """Return the share of ``actual`` values inside ``[low, high]``."""
    actual, low, high = (np.asarray(x, dtype=float) for x in (actual, low, high))
    return float(np.mean((actual >= low) & (actual <= high)))


Z90 = 1.6449
"""The standard normal's 95th percentile: a 90% interval is ±Z90 standard deviations."""


def discrepancy(series: pd.Series, observed: pd.Series, simulated: pd.Series) -> pd.Series:
    """Return each series' discrepancy: the root mean square of its in-sample log errors.

    The model's runs spread by parameter and seed uncertainty only; the data also differ from
    the model by what it leaves out (within-year spikes, reporting). That *model discrepancy*
    (Kennedy & O'Hagan 2001, *J. R. Stat. Soc. B* 63:425) is estimated per series as the root
    mean square of log observed ÷ median over the fit's in-sample figures (for the policy
    responses, which are changes, of observed − median). Give only in-sample rows.
    """
    response = series.to_numpy() == "response"
    sim, obs = simulated.to_numpy(float), observed.to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        error = np.where(response, obs - sim, np.log(obs / np.maximum(sim, 1.0)))
    frame = pd.DataFrame({"series": series.to_numpy(), "e2": error**2})
    return np.sqrt(frame.groupby("series")["e2"].mean())


def widen(
    median: np.ndarray, low: np.ndarray, high: np.ndarray, sd: np.ndarray, additive: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Return the 90% predictive interval: the runs' interval and a discrepancy ``sd`` together.

    Each side's half-width (in the logarithm, or in the value's own units if ``additive``)
    is combined in quadrature with ``Z90 × sd``: the two are independent, roughly normal.
    """
    median, low, high, sd = (np.asarray(x, dtype=float) for x in (median, low, high, sd))
    if additive:
        down = np.sqrt((median - low) ** 2 + (Z90 * sd) ** 2)
        up = np.sqrt((high - median) ** 2 + (Z90 * sd) ** 2)
        return median - down, median + up
    floor = np.maximum(median, 1.0)
    down = np.sqrt(np.log(floor / np.maximum(low, 1.0)) ** 2 + (Z90 * sd) ** 2)
    up = np.sqrt(np.log(np.maximum(high, 1.0) / floor) ** 2 + (Z90 * sd) ** 2)
    return floor * np.exp(-down), floor * np.exp(up)
