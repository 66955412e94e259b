"""Aggregation to months and US fiscal years, and Parquet round trips."""

from __future__ import annotations

import pandas as pd
import pytest

from migmodel import Results, load_scenario, run
from migmodel.results import fiscal_year


def test_fiscal_year_starts_in_october():
    dates = pd.Series(pd.to_datetime(["2021-09-30", "2021-10-01", "2022-09-30", "2022-10-01"]))
    assert fiscal_year(dates).tolist() == [2021, 2022, 2022, 2023]


@pytest.fixture(scope="module")
def results():
    # Aug 2022 – Nov 2022: spans FY2022/FY2023 and four months
    return run(load_scenario("baseline").replace(start="2022-08-15", days=100), seed=2)


def test_monthly_and_fiscal_sums_equal_daily_sums(results: Results):
    daily = results.daily.groupby("flow_pattern", observed=True)["us_encounters"].sum()
    monthly = results.monthly()
    fy = results.fiscal_years()
    assert sorted(monthly["month"].dt.month.unique()) == [8, 9, 10, 11]
    assert sorted(fy["fiscal_year"].unique()) == [2022, 2023]
    for table in (monthly, fy):
        sums = table.groupby("flow_pattern", observed=True)["us_encounters"].sum()
        pd.testing.assert_series_equal(sums, daily, check_names=False)
    assert len(results.daily) == 100 * 4


def test_in_transit_is_a_stock_taken_at_period_end(results: Results):
    fy = results.fiscal_years().set_index(["fiscal_year", "flow_pattern"])["in_transit"]
    last = results.daily[results.daily["date"] == "2022-09-30"].set_index("flow_pattern")
    for pattern, value in last["in_transit"].items():
        assert fy[(2022, pattern)] == value


def test_parquet_round_trip_with_csv(results: Results, tmp_path):
    results.to_parquet(tmp_path, csv=True)
    back = Results.from_parquet(tmp_path)
    pd.testing.assert_frame_equal(back.daily, results.daily)
    pd.testing.assert_frame_equal(back.journeys, results.journeys)
    assert (tmp_path / "journeys.csv").exists()
    assert back.scenario.start == results.scenario.start
