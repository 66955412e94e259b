"""Drivers: how the push to leave each country changes from month to month.

A scenario's ``push`` table is one number per nationality for the whole run. A scenario may
also name a *drivers* file, a CSV with one row per month and one column per nationality::

    month,GTM,HND,SLV,COL,ECU,PER,OTH,VEN,CUB,HTI,NIC,MEX
    2019-10,0.21,0.19,...

Each value multiplies that nationality's departures in that month, on top of ``push``. Before
the file's first month the first row applies, after its last month the last row: that is the
continuation rule of every drivers file. Missing nationality columns mean 1.

The historical drivers (``experiments/calibration/historical/push.csv``) are written by
``migmodel calibrate`` from a :class:`DriversModel`: per nationality a level, a trend and
dated shifts tied to named events (``docs/ODD.md`` §7.9 gives the derivation).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from geo.files import read_text
from migmodel.inputs import MAX_DATE, MIN_DATE, Number, ScenarioError
from migmodel.patterns import NATIONALITIES

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
    drivers = _parse(read_text(path, ScenarioError), Path(path).name)
    return Drivers(drivers.first, drivers.values.copy())


@functools.lru_cache(maxsize=8)
def _parse(text: str, name: str) -> Drivers:
    """Return the checked drivers written in ``text``, read from a file called ``name``.

    Cached by content: a calibration's every run reads the same file (twice: the scenario
    checks it, the model uses it), and parsing it costs 15 ms a time.
    """
    where = f"drivers file {name}"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(io.StringIO(text), dtype={"month": str}, index_col=False)
    except pd.errors.ParserWarning:
        raise ScenarioError(f"{where}: a row has more fields than the header") from None
    except (ValueError, pd.errors.ParserError) as err:
        detail = " ".join(str(err).split())[:200]
        raise ScenarioError(f"{where}: cannot be read as a CSV file ({detail})") from None
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
    years = written.str[:4].astype(int)
    if not years.between(MIN_DATE.year, MAX_DATE.year).all():
        month = written[~years.between(MIN_DATE.year, MAX_DATE.year)].iat[0]
        raise ScenarioError(
            f"{where}: month {month} is out of range: allowed {MIN_DATE.year}-01 to "
            f"{MAX_DATE.year}-12"
        )
    months = pd.PeriodIndex(written, freq="M")
    if len(months) > 1 and not (np.diff(months.asi8) == 1).all():
        raise ScenarioError(f"{where}: months must be consecutive, one row each, in order")
    values = np.ones((len(frame), len(NATIONALITIES)))
    month = frame["month"].tolist()
    for j, nat in enumerate(NATIONALITIES):
        if nat not in frame.columns:
            continue
        column = pd.to_numeric(frame[nat], errors="coerce").to_numpy(float)
        if np.isfinite(column).all() and ((column >= PUSH.low) & (column <= PUSH.high)).all():
            values[:, j] = column
            continue
        for k, value in enumerate(frame[nat].tolist()):  # find the bad value, for its message
            values[k, j] = PUSH.check(f"{where}: {nat} in {month[k]}", value)
    return Drivers(months[0].start_time.date(), values)


@dataclass(frozen=True)
class Shift:
    """A dated change in the push to leave some countries, tied to a named event."""

    name: str
    nationalities: tuple[str, ...]
    month: str
    source: str = ""


@dataclass(frozen=True)
class DriversModel:
    """Push by nationality from a few numbers: a level, a trend and dated shifts.

    For nationality *n* in month *t* (years from :attr:`origin`)::

        log push_n(t) = level_n + trend_n · t + Σ shift_s · [t ≥ month_s]   (shifts naming n)

    After :attr:`last` (the last month of data) the trend is damped: each further month adds
    ``damping`` times the previous month's growth (a damped trend, Gardner & McKenzie 1985,
    *Management Science* 31:1237), so forecasts neither stop dead nor grow for ever.

    Coefficients are named ``level.GTM``, ``trend.GTM`` and ``shift.<name>``.
    """

    origin: dt.date
    last: str
    shifts: tuple[Shift, ...]
    damping: float = 0.9

    @property
    def names(self) -> list[str]:
        """Return the coefficients' names, in the order of :meth:`basis`'s columns."""
        levels = [f"level.{n}" for n in NATIONALITIES]
        return [
            *levels,
            *(f"trend.{n}" for n in NATIONALITIES),
            *(f"shift.{s.name}" for s in self.shifts),
        ]

    def basis(self, months: pd.PeriodIndex, nationality: str) -> np.ndarray:
        """Return the design matrix (months × coefficients) of one nationality's log push."""
        last = pd.Period(self.last, freq="M")
        origin = pd.Period(self.origin, freq="M")
        steps = (np.minimum(months.asi8, last.ordinal) - origin.ordinal).astype(float)
        ahead = np.maximum(months.asi8 - last.ordinal, 0)
        phi = self.damping
        damped = phi * (1 - phi**ahead) / (1 - phi) if phi < 1 else ahead.astype(float)
        x = np.zeros((len(months), len(self.names)))
        j = NATIONALITIES.index(nationality)
        x[:, j] = 1.0
        x[:, len(NATIONALITIES) + j] = (steps + damped) / 12
        for k, shift in enumerate(self.shifts):
            if nationality in shift.nationalities:
                on = months.asi8 >= pd.Period(shift.month, freq="M").ordinal
                x[:, 2 * len(NATIONALITIES) + k] = on
        return x

    def drivers(self, coefficients: dict[str, float], first: str, last: str) -> Drivers:
        """Return the monthly drivers from ``first`` to ``last`` (``YYYY-MM``)."""
        months = pd.period_range(first, last, freq="M")
        beta = np.array([coefficients.get(name, 0.0) for name in self.names])
        values = np.column_stack([np.exp(self.basis(months, n) @ beta) for n in NATIONALITIES])
        return Drivers(months[0].start_time.date(), np.clip(values, 1e-3, 100.0))

    def month_basis(self, month: str, nationality: str) -> np.ndarray:
        """Return the basis row of a month's US encounters: their departures' month.

        A month's encounters left home about :data:`LEAD_DAYS` earlier, the month before.
        """
        before = pd.period_range(pd.Period(month, freq="M") - 1, periods=1, freq="M")
        return self.basis(before, nationality)[0]

    def year_basis(self, fiscal_year: int, nationality: str) -> np.ndarray:
        """Return the mean basis row over a fiscal year's departures.

        A fiscal year's US encounters left home about :data:`LEAD_DAYS` earlier, so the row
        averages the months from September to August before its end.
        """
        months = pd.period_range(f"{fiscal_year - 1}-09", f"{fiscal_year}-08", freq="M")
        return self.basis(months, nationality).mean(axis=0)
