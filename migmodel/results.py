"""What a run produces: tidy tables of daily flows and of journeys, with their provenance.

* ``daily``: one row per date × flow pattern, every observable of
  :data:`~migmodel.measures.MEASURES` in people (``smuggling_revenue_usd`` in USD);
* ``journeys``: one row per agent: origin, nationality, pattern, people, route, days, outcome;
* ``encounters``: US border encounters by date, nationality and crossing (non-zero rows);
* ``edge_flows``: people setting off along each leg of the network over the run;
* ``stocks``: people under way by week, place (with its country and kind), status
  (travelling, waiting, queueing for an appointment) and flow pattern (non-zero rows);
* ``beliefs``: the believed chance of staying in the US after an irregular attempt, by week,
  nationality, kind of migrant and place (``border`` or ``home``);
* ``consequences``: people by date, authority and what their apprehension or encounter
  ended in (deported, relocated south, released with a document, expelled to Mexico, removed
  by flight, released in the US; non-zero rows).

``monthly()`` and ``fiscal_years()`` aggregate ``daily``; the US fiscal year runs October to
September and is named after the year it ends in (FY2022 = Oct 2021 – Sep 2022). Flows are
summed; ``in_transit`` is a stock and takes the period's last value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from migmodel.measures import STOCKS
from migmodel.scenario import Scenario, scenario_from_dict

TABLES = ("daily", "journeys", "encounters", "edge_flows", "stocks", "beliefs", "consequences")
"""The tables of a run, written as ``NAME.parquet``."""


@dataclass(frozen=True)
class Results:
    """The tables of one run, with the scenario, seed and package version that made them."""

    daily: pd.DataFrame
    journeys: pd.DataFrame
    encounters: pd.DataFrame
    edge_flows: pd.DataFrame
    stocks: pd.DataFrame
    beliefs: pd.DataFrame
    consequences: pd.DataFrame
    scenario: Scenario
    seed: int
    version: str

    def monthly(self) -> pd.DataFrame:
        """Return ``daily`` summed by calendar month (column ``month``, first day of month)."""
        return _aggregate(self.daily, self.daily["date"].dt.to_period("M").dt.start_time, "month")

    def fiscal_years(self) -> pd.DataFrame:
        """Return ``daily`` summed by US fiscal year (column ``fiscal_year``, e.g. 2022)."""
        return _aggregate(self.daily, fiscal_year(self.daily["date"]), "fiscal_year")

    def totals(self) -> pd.DataFrame:
        """Return each flow summed over the whole run, by flow pattern."""
        return totals(self.daily)

    def to_parquet(self, folder: str | Path, csv: bool = False) -> Path:
        """Write the tables and a ``run.json`` (scenario, seed, version) into ``folder``.

        Args:
            folder: created if missing; existing files of the same names are replaced.
            csv: also write each table as CSV.

        Returns:
            The folder.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name in TABLES:
            table: pd.DataFrame = getattr(self, name)
            table.to_parquet(folder / f"{name}.parquet", index=False)
            if csv:
                table.to_csv(folder / f"{name}.csv", index=False)
        meta = {
            "scenario": json.loads(self.scenario.to_json()),
            "seed": self.seed,
            **({"draw": self.scenario.draw} if self.scenario.draw else {}),
            "migmodel_version": self.version,
        }
        (folder / "run.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        return folder

    @classmethod
    def from_parquet(cls, folder: str | Path) -> Results:
        """Read back what :meth:`to_parquet` wrote."""
        folder = Path(folder)
        meta = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        return cls(
            **{name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES},
            scenario=scenario_from_dict(meta["scenario"]),
            seed=meta["seed"],
            version=meta["migmodel_version"],
        )


def totals(daily: pd.DataFrame) -> pd.DataFrame:
    """Return each flow of a ``daily`` table summed over its dates, by flow pattern."""
    flows = [c for c in daily.columns if c not in ("date", "flow_pattern", *STOCKS)]
    return daily.groupby("flow_pattern", observed=True)[flows].sum()


def fiscal_year(dates: pd.Series) -> pd.Series:
    """Return the US fiscal year of each date (October starts the next year's FY)."""
    return (dates.dt.year + (dates.dt.month >= 10)).rename("fiscal_year")


def _aggregate(daily: pd.DataFrame, key: pd.Series, name: str) -> pd.DataFrame:
    frame = daily.assign(**{name: key.to_numpy()})
    group = frame.groupby([name, "flow_pattern"], observed=True, sort=True)
    flows = [c for c in daily.columns if c not in ("date", "flow_pattern", *STOCKS)]
    out = group[flows].sum()
    for stock in STOCKS:
        out[stock] = group[stock].last()
    return out.reset_index()
