"""What the data say, in the model's terms, and the same figures measured on runs.

Every calibration target is a *series* of figures with a period and a group (a flow pattern,
a nationality or ``total``), read from ``experiments/data/`` (sources in its ``SOURCES.md``)
and counted into the four flow patterns as :mod:`migmodel.patterns` says:

* ``encounters_fy``: US southwest-border encounters (USBP + OFO) by fiscal year and pattern,
  FY2020–FY2023 (CBP_NW_GDI);
* ``encounters_fy_nationality``: the same by the model's twelve nationalities (``OTH`` = every
  citizenship the model does not name);
* ``encounters_month``: monthly totals, October 2019 – September 2023 (CBP_NW_GDI);
* ``darien_year``: Darién crossings by calendar year, 2021–2023, for the two patterns that
  cross it (PA_SNM_GDI: crisis states; other Americas + outside the Americas =
  transcontinental);
* ``mexico_year``: people presented to Mexico's migration authority (INM), October–December
  2019 and calendar years 2020–2022 (MX_UPM_GDI, monthly series): the model's apprehensions in
  Mexico;
* ``deaths_year``: dead and missing on the Central American route, calendar years 2020–2023
  (IOM_MMP_GDI), compared in order of magnitude only;
* ``response``: month-on-month change of total encounters at two dated policy events,
  December 2022 → January 2023 (CHNV measures) and May → June 2023 (end of Title 42)
  (`policy_events.csv`).

:func:`observed` returns them all as one tidy table; :func:`measured` returns the same rows
from runs (mean, lowest and highest over seeds).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from migmodel.patterns import FLOW_PATTERNS, NATIONALITIES, NATIONALITY_PATTERN
from migmodel.results import Results, fiscal_year

DATA_DIR = Path(__file__).resolve().parent.parent / "experiments" / "data"
"""The calibration data, as copied into the project (sources in ``SOURCES.md``)."""

FILES = (
    "cbp_sw_encounters_fy.csv",
    "cbp_sw_encounters_monthly.csv",
    "darien_crossings.csv",
    "mexico_inm_presentations_monthly.csv",
    "migrant_deaths.csv",
    "policy_events.csv",
)
"""The data files the targets are read from (their hashes are the data version)."""

SERIES: dict[str, str] = {
    "encounters_fy": "US encounters by fiscal year and flow pattern",
    "encounters_fy_nationality": "US encounters by fiscal year and nationality",
    "encounters_month": "US encounters by month (total)",
    "darien_year": "Darién crossings by year and flow pattern",
    "mexico_year": "apprehensions in Mexico (INM presentations) by year",
    "deaths_year": "dead and missing on the way by year",
    "response": "month-on-month change of US encounters at a policy event",
}
"""Every target series, with what it measures."""

EVENTS: dict[str, tuple[str, str]] = {
    "CHNV measures, Jan 2023": ("2022-12", "2023-01"),
    "end of Title 42, May 2023": ("2023-05", "2023-06"),
}
"""Dated policy events whose month-on-month response is a target: (month before, after)."""

_CBP_PATTERN = {
    "1_northern_triangle": "northern_triangle",
    "3_crisis_state": "crisis_states",
    "4_mexico": "mexican",
}
_DARIEN_PATTERN = {
    "GROUP:3_crisis_state": "crisis_states",
    "GROUP:2_extra_continental": "transcontinental",
    "GROUP:other_americas": "transcontinental",
}
_DEATHS = "Central American Route (MMP route label), all countries"
_MEXICO_FIRST = "2019-10"  # the historical run starts in October 2019


def data_version(data_dir: Path = DATA_DIR) -> str:
    """Return a short hash of the target data files: it changes when any of them does."""
    digest = hashlib.sha256()
    for name in FILES:
        digest.update(name.encode())
        digest.update((data_dir / name).read_bytes())
    return digest.hexdigest()[:12]


def observed(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """Return every target figure: columns ``series``, ``period``, ``group``, ``observed``."""
    parts = [
        _frame("encounters_fy", _fy_by_pattern(data_dir)),
        _frame("encounters_fy_nationality", _fy_by_nationality(data_dir)),
        _frame("encounters_month", _monthly_totals(data_dir)),
        _frame("darien_year", _darien(data_dir)),
        _frame("mexico_year", _mexico(data_dir)),
        _frame("deaths_year", _deaths(data_dir)),
    ]
    return _with_responses(pd.concat(parts, ignore_index=True))


def measured(runs: Sequence[Results]) -> pd.DataFrame:
    """Return the target figures measured on runs: mean, lowest and highest over the runs.

    Periods a run does not cover completely are left out (a fiscal year or calendar year
    counts only if every day of it was simulated).
    """
    stacked = measured_each(runs)
    keys = ["series", "period", "group"]
    out = stacked.groupby(keys, sort=False)["value"].agg(["mean", "min", "max", "count"])
    out = out[out["count"] == len(runs)].drop(columns="count")
    return out.rename(columns={"mean": "simulated", "min": "low", "max": "high"}).reset_index()


def measured_each(runs: Sequence[Results]) -> pd.DataFrame:
    """Return every run's target figures: ``run`` (0, 1, ...), series, period, group, value."""
    each = [_measure(r) for r in runs]
    return pd.concat(each, keys=range(len(each)), names=["run"]).reset_index(level="run")


# ---------------------------------------------------------------------------------- the data
def _frame(series: str, wide: pd.DataFrame) -> pd.DataFrame:
    """Turn a table indexed by period with one column per group into target rows.

    Rows run period by period, groups in the table's column order (as ``DataFrame.stack``,
    without its cost: a run's figures are measured after every calibration run).
    """
    periods, groups = len(wide.index), len(wide.columns)
    return pd.DataFrame(
        {
            "series": series,
            "period": pd.Series(np.repeat(wide.index.astype(str), groups), dtype=str),
            "group": pd.Series(np.tile(wide.columns.astype(str), periods), dtype=str),
            "observed": wide.to_numpy().ravel(),
        }
    )


def _read(data_dir: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(data_dir / name)


def _fy_by_nationality(data_dir: Path) -> pd.DataFrame:
    fy = _read(data_dir, "cbp_sw_encounters_fy.csv")
    fy = fy[(fy["fiscal_year"] >= 2020) & (fy["source"] == "CBP_NW_GDI")]  # one copy each
    total = fy[fy["citizenship"] == "TOTAL"].set_index("fiscal_year")["encounters"]
    named = fy[fy["iso3"].isin(NATIONALITIES)]
    table = named.pivot_table(index="fiscal_year", columns="iso3", values="encounters")
    table["OTH"] = total - table.sum(axis=1)
    return table[list(NATIONALITIES)]


def _fy_by_pattern(data_dir: Path) -> pd.DataFrame:
    by_nat = _fy_by_nationality(data_dir)
    return by_nat.T.groupby(NATIONALITY_PATTERN).sum().T[list(FLOW_PATTERNS)]


def _monthly_totals(data_dir: Path) -> pd.DataFrame:
    monthly = _read(data_dir, "cbp_sw_encounters_monthly.csv")
    monthly = monthly[monthly["month"] >= "2019-10"].set_index("month")
    return monthly[["total_usbp_plus_ofo"]].rename(columns={"total_usbp_plus_ofo": "total"})


def _darien(data_dir: Path) -> pd.DataFrame:
    darien = _read(data_dir, "darien_crossings.csv")
    darien = darien[darien["nationality"].isin(_DARIEN_PATTERN) & (darien["year"] >= 2021)]
    darien = darien.assign(group=darien["nationality"].map(_DARIEN_PATTERN))
    return darien.pivot_table(index="year", columns="group", values="crossings", aggfunc="sum")


def _mexico(data_dir: Path) -> pd.DataFrame:
    monthly = _read(data_dir, "mexico_inm_presentations_monthly.csv")
    monthly = monthly[(monthly["month"] >= _MEXICO_FIRST) & (monthly["month"] <= "2022-12")]
    period = monthly["month"].map(_mexico_period)
    return monthly.groupby(period)["events_total"].sum().to_frame("total")


def _mexico_period(month: str) -> str:
    """Return the Mexican target period of a month: ``2019-Q4`` or the calendar year."""
    return f"{month[:4]}-Q4" if month[:4] == _MEXICO_FIRST[:4] else month[:4]


def _deaths(data_dir: Path) -> pd.DataFrame:
    deaths = _read(data_dir, "migrant_deaths.csv")
    deaths = deaths[(deaths["geography"] == _DEATHS) & deaths["year"].between(2020, 2023)]
    return deaths.set_index("year")[["dead_and_missing"]].rename(
        columns={"dead_and_missing": "total"}
    )


# ---------------------------------------------------------------------------------- the runs
_MEASURES = ["us_encounters", "darien_crossings", "mexico_apprehensions", "deaths"]
"""The daily measures the targets use."""


def _measure(results: Results) -> pd.DataFrame:
    """Return one run's figures for every target it covers: series, period, group, value.

    Days are summed into months first; a longer period counts only if every one of its
    months was simulated whole.
    """
    daily = results.daily
    month = daily["date"].dt.to_period("M").rename("month")
    sums = daily.groupby([month, daily["flow_pattern"]], observed=True)[_MEASURES].sum()
    days = daily.groupby(month)["date"].nunique()
    whole = days.index[days.to_numpy() == days.index.days_in_month]
    months = sums.unstack("flow_pattern", fill_value=0.0).reindex(whole, fill_value=0.0)
    calendar = pd.Series(months.index.year, index=months.index)
    fiscal = calendar + (months.index.month >= 10)
    encounters = months["us_encounters"].reindex(columns=list(FLOW_PATTERNS), fill_value=0.0)
    darien = months["darien_crossings"].reindex(
        columns=["crisis_states", "transcontinental"], fill_value=0.0
    )
    text = months.index.strftime("%Y-%m")
    mexico = months["mexico_apprehensions"].sum(axis=1)
    in_window = (text >= _MEXICO_FIRST) & (text <= "2022-12")
    mexico_period = pd.Series(text[in_window].map(_mexico_period), index=mexico.index[in_window])
    parts = [
        _frame("encounters_fy", _whole(encounters, fiscal, 12)),
        _frame("encounters_fy_nationality", _by_nationality(results.encounters, fiscal)),
        _frame("encounters_month", encounters.sum(axis=1).set_axis(text).to_frame("total")),
        _frame("darien_year", _whole(darien, calendar, 12)),
        _frame("mexico_year", _whole(mexico[in_window].to_frame("total"), mexico_period, None)),
        _frame("deaths_year", _whole(months["deaths"].sum(axis=1).to_frame("total"), calendar, 12)),
    ]
    table = _with_responses(pd.concat(parts, ignore_index=True))
    return table.rename(columns={"observed": "value"})


def _whole(months: pd.DataFrame, period: pd.Series, length: int | None) -> pd.DataFrame:
    """Sum whole months by ``period``, keeping the periods all of whose months are there.

    ``length`` is every period's number of months, or None for the Mexican periods (three
    months for ``2019-Q4``, else twelve).
    """
    grouped = months.groupby(period.to_numpy())
    counts = grouped.size()
    need = [length or (3 if str(key).endswith("-Q4") else 12) for key in counts.index]
    return grouped.sum()[counts.to_numpy() == np.array(need)]


def _by_nationality(encounters: pd.DataFrame, fiscal: pd.Series) -> pd.DataFrame:
    """Sum US encounters by fiscal year and nationality, for the fiscal years simulated whole."""
    complete = fiscal.value_counts()
    years = complete.index[complete.to_numpy() == 12]
    year = fiscal_year(encounters["date"])
    keep = year.isin(years).to_numpy()
    table = (
        encounters["us_encounters"][keep]
        .groupby([year[keep].rename("period"), encounters["nationality"][keep]])
        .sum()
    )
    return table.unstack("nationality").reindex(columns=list(NATIONALITIES), fill_value=0.0)


def _with_responses(table: pd.DataFrame) -> pd.DataFrame:
    """Add the month-on-month change at each event of :data:`EVENTS` the monthly rows cover."""
    months = table[table["series"] == "encounters_month"].set_index("period")["observed"]
    responses = {
        name: months[after] / months[before] - 1
        for name, (before, after) in EVENTS.items()
        if before in months.index and after in months.index
    }
    if not responses:
        return table
    response = pd.Series(responses).rename_axis("period").to_frame("total")
    return pd.concat([table, _frame("response", response)], ignore_index=True)
