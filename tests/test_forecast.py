"""Forecast scores: the scaled error and the naive forecasts, against numbers worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.forecast import coverage, naive_monthly, naive_yearly, scaled_error, scores


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
