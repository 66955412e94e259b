"""Drivers: how the push to leave each country changes from month to month.

A scenario's ``push`` table is one number per nationality for the whole run. A scenario may
also name a *drivers* file, a CSV with one row per month and one column per nationality::

    month,GTM,HND,SLV,COL,ECU,PER,OTH,VEN,CUB,HTI,NIC,MEX
    2019-10,0.21,0.19,...

Each value multiplies that nationality's departures in that month, on top of ``push``. Before
the file's first month the first row applies, after its last month the last row: that is the
continuation rule of every drivers file. Missing nationality columns mean 1.

The historical drivers (``experiments/calibration/historical_push.csv``) are written by
``migmodel calibrate`` from the CBP citizenship series (:func:`monthly_push` turns levels by
fiscal year into months; ``docs/ODD.md`` §7.9 gives the derivation).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from migmodel.patterns import NATIONALITIES
from migmodel.schema import Number, ScenarioError

PUSH = Number(1, 0, 100, "× baseline", "monthly push index")
"""Allowed values in a drivers file."""

LEAD_DAYS = 30
"""Departures lead US encounters by about a month (median journey in the baseline run), so a
fiscal year's level is centred a month before the fiscal year's middle."""


@dataclass(frozen=True)
class Drivers:
    """Monthly push by nationality: ``values[k, n]`` for month ``first + k``, nationality ``n``."""

    first: dt.date
    values: np.ndarray

    def index(self, date: dt.date) -> int:
        """Return the row that applies on ``date`` (first/last row before/after the file)."""
        k = (date.year - self.first.year) * 12 + date.month - self.first.month
        return min(max(k, 0), len(self.values) - 1)

    def at(self, date: dt.date) -> np.ndarray:
        """Return the push of each nationality (in :data:`NATIONALITIES` order) on ``date``."""
        return self.values[self.index(date)]

    @property
    def peak(self) -> np.ndarray:
        """Return each nationality's highest monthly value (sizes the model's arrays)."""
        return self.values.max(axis=0)

    def to_frame(self) -> pd.DataFrame:
        """Return the drivers as a table: ``month`` (YYYY-MM) and one column per nationality."""
        months = pd.period_range(self.first, periods=len(self.values), freq="M")
        frame = pd.DataFrame(self.values, columns=list(NATIONALITIES))
        frame.insert(0, "month", months.strftime("%Y-%m"))
        return frame

    def write(self, path: str | Path) -> Path:
        """Write the drivers as CSV (values rounded to 4 decimals) and return the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.to_frame().round(4).to_csv(path, index=False)
        return path


def load_drivers(path: str | Path) -> Drivers:
    """Read and check a drivers CSV.

    Raises:
        ScenarioError: the file is missing or unreadable, a column or month is unknown, months
            are not consecutive, or a value is not a number in the allowed range.
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype={"month": str})
    except FileNotFoundError:
        raise ScenarioError(f"drivers = {str(path)!r}: no such file") from None
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise ScenarioError(f"drivers file {path.name}: cannot be read ({err})") from None
    where = f"drivers file {path.name}"
    if "month" not in frame.columns or frame.empty:
        raise ScenarioError(f"{where}: needs a 'month' column (YYYY-MM) and at least one row")
    unknown = [c for c in frame.columns if c != "month" and c not in NATIONALITIES]
    if unknown:
        raise ScenarioError(
            f"{where}: unknown column {unknown[0]!r}; allowed: month, {', '.join(NATIONALITIES)}"
        )
    written = frame["month"].astype(str)
    bad = written[~written.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")]
    if len(bad):
        raise ScenarioError(f"{where}: month {bad.iat[0]!r} must be written YYYY-MM")
    months = pd.PeriodIndex(written, freq="M")
    if len(months) > 1 and not (np.diff(months.asi8) == 1).all():
        raise ScenarioError(f"{where}: months must be consecutive, one row each, in order")
    values = np.ones((len(frame), len(NATIONALITIES)))
    month = frame["month"].tolist()
    for j, nat in enumerate(NATIONALITIES):
        if nat in frame.columns:
            for k, value in enumerate(frame[nat].tolist()):
                values[k, j] = PUSH.check(f"{where}: {nat} in {month[k]}", value)
    return Drivers(months[0].start_time.date(), values)


def monthly_push(levels: pd.DataFrame, first: str, last: str) -> Drivers:
    """Spread push levels by fiscal year over months.

    Each fiscal year's level is placed at its middle (1 April) less :data:`LEAD_DAYS`, and
    months in between are interpolated linearly in the logarithm (growth at a steady rate);
    months before the first or after the last fiscal year's point keep its level.

    Args:
        levels: index of fiscal years, one column per nationality.
        first: first month of the drivers, ``YYYY-MM``.
        last: last month, ``YYYY-MM``.

    Returns:
        The monthly drivers.
    """
    months = pd.period_range(first, last, freq="M")
    mid_month = months.to_timestamp() + pd.Timedelta(days=14)
    anchors = pd.to_datetime([f"{fy}-04-01" for fy in levels.index]) - pd.Timedelta(days=LEAD_DAYS)
    x, xp = mid_month.asi8.astype(float), anchors.asi8.astype(float)
    values = np.ones((len(months), len(NATIONALITIES)))
    for j, nat in enumerate(NATIONALITIES):
        if nat in levels.columns:
            log = np.log(np.maximum(levels[nat].to_numpy(float), 1e-3))
            values[:, j] = np.exp(np.interp(x, xp, log))
    return Drivers(months[0].start_time.date(), values)
