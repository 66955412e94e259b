"""Every outcome is declared once, in migmodel.measures, and the tables follow it."""

from __future__ import annotations

import migmodel
from migmodel.compare import outcomes
from migmodel.measures import DAILY, MEASURE, MEASURES, OUTCOMES, STOCK, STOCKS, outcome_label


def test_the_daily_table_has_one_column_per_declared_measure_in_order():
    results = migmodel.run(migmodel.load_scenario("baseline").replace(days=40, spinup_days=10))
    assert list(results.daily.columns) == ["date", "flow_pattern", *MEASURES]
    assert tuple(outcomes(results).index) == OUTCOMES
    monthly = results.monthly().set_index(["month", "flow_pattern"])
    last = results.daily.groupby([results.daily["date"].dt.to_period("M"), "flow_pattern"]).last()
    for key in MEASURES:  # a stock takes the month's last day, a flow the month's sum
        expected = (
            last[key]
            if key in STOCKS
            else results.daily.groupby([results.daily["date"].dt.to_period("M"), "flow_pattern"])[
                key
            ].sum()
        )
        assert monthly[key].to_numpy().tolist() == expected.to_numpy().tolist()


def test_each_measure_has_a_label_a_unit_and_an_aggregation():
    assert len({m.key for m in DAILY}) == len(DAILY)
    assert STOCKS == ("in_transit", "waiting_at_border")
    for measure in DAILY:
        assert measure.label and measure.unit in ("people", "USD")
        assert measure.aggregate in ("flow", STOCK)
    assert MEASURE["smuggling_revenue_usd"].unit == "USD"
    assert outcome_label("us_encounters.mexican") == "US border encounters: Mexican"
    assert outcome_label("deaths") == "Deaths and disappearances"
