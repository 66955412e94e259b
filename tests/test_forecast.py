"""Forecast scores: the scaled error and the naive forecasts, against numbers worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.forecast import (
    Z90,
    coverage,
    discrepancy,
    naive_monthly,
    naive_yearly,
    scaled_error,
    scores,
    widen,
)


def test_the_scaled_error_is_the_forecasts_mean_absolute_error_over_the_naive_ones():
    actual = np.array([100.0, 120.0, 90.0])
    model = np.array([110.0, 110.0, 100.0])  # errors 10, 10, 10: mean 10
    naive = np.array([80.0, 80.0, 80.0])  # errors 20, 40, 10: mean 70/3
    assert scaled_error(actual, model, naive) == pytest.approx(10 / (70 / 3))  # 0.4286
    assert scaled_error(actual, naive, naive) == 1.0
    assert np.isnan(scaled_error(actual, model, actual))  # a perfect naive forecast


def test_naive_forecasts_repeat_the_last_month_or_the_same_month_a_year_before():
    months = pd.period_range("2021-01", "2022-12", freq="M").astype(str)
    series = pd.Series(np.arange(24, dtype=float), index=months)  # Jan 2021 = 0, ..., Dec 2022 = 23
    naive = naive_monthly(series, "2021-09", ["2021-10", "2021-11", "2022-09"])
    assert list(naive["persistence"]) == [8.0, 8.0, 8.0]  # September 2021
    assert naive["seasonal naive"][2] == 8.0  # September 2021 for September 2022
    assert np.isnan(naive["seasonal naive"][0])  # October 2020: before the series


def test_yearly_naive_forecasts_repeat_last_year_and_scores_name_both():
    table = pd.DataFrame({"a": [10.0, 20.0], "b": [5.0, 5.0]}, index=[2021, 2022])
    naive = naive_yearly(table, 2022)
    assert list(naive["persistence"]) == [10.0, 5.0] == list(naive["seasonal naive"])
    got = scores(np.array([20.0, 5.0]), np.array([18.0, 6.0]), naive)
    assert got == {"persistence": pytest.approx(1.5 / 5.0), "seasonal naive": pytest.approx(0.3)}


def test_coverage_counts_the_values_inside_their_interval():
    assert coverage([1, 5, 9, 4], [0, 6, 8, 4], [2, 7, 10, 4]) == 0.75


def test_the_discrepancy_is_the_root_mean_square_of_in_sample_log_errors():
    series = pd.Series(["month", "month", "response", "response"])
    observed = pd.Series([200.0, 50.0, -0.2, 0.1])
    simulated = pd.Series([100.0, 100.0, 0.1, 0.2])  # ×2 and ×½; responses off by 0.3 and 0.1
    sd = discrepancy(series, observed, simulated)
    assert sd["month"] == pytest.approx(np.log(2))
    assert sd["response"] == pytest.approx(np.sqrt((0.3**2 + 0.1**2) / 2))


def test_the_predictive_interval_joins_the_runs_spread_and_the_discrepancy_in_quadrature():
    # no spread in the runs: the interval is the discrepancy's alone, ±Z90 σ in the log
    low, high = widen([100.0], [100.0], [100.0], [1 / Z90])
    assert low[0] == pytest.approx(100 / np.e) and high[0] == pytest.approx(100 * np.e)
    # runs ×/÷ e^0.3 and Z90 σ = 0.4: half-widths of 0.5 in the log (a 3-4-5 triangle)
    runs = 100 * np.exp(np.array([-0.3, 0.3]))
    low, high = widen([100.0], [runs[0]], [runs[1]], [0.4 / Z90])
    assert np.log(high[0] / 100) == pytest.approx(0.5) and np.log(100 / low[0]) == pytest.approx(
        0.5
    )
    # changes (the policy responses) widen in their own units
    low, high = widen([-0.3], [-0.33], [-0.26], [0.04 / Z90], additive=True)
    assert low[0] == pytest.approx(-0.3 - 0.05) and high[0] == pytest.approx(-0.3 + 0.04 * 2**0.5)
