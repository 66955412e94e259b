"""Calibration: drivers, targets, the fit end to end, the committed fit and the report."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from experiments.calibrate import (
    CalibrationError,
    calibrate,
    fit_drivers,
    load_calibration,
    recorded,
    reproduce,
)
from experiments.observed import measured, observed
from migmodel import load_scenario, run
from migmodel.cli import main
from migmodel.drivers import DriversModel, Shift, load_drivers
from migmodel.inputs import ScenarioError
from migmodel.patterns import NATIONALITIES

CALIBRATION = Path(__file__).resolve().parent.parent / "experiments" / "calibration"


def test_observed_targets_count_citizenships_into_the_patterns():
    targets = observed()
    fy = targets[targets["series"] == "encounters_fy"].pivot_table(
        index="period", columns="group", values="observed"
    )
    # CBP's published totals (SOURCES.md) are the sum of the four patterns.
    assert fy.sum(axis=1).to_dict() == {
        "2020": 458_088, "2021": 1_734_686, "2022": 2_378_944, "2023": 2_475_669,
    }  # fmt: skip
    assert fy.loc["2022", "mexican"] == 808_339
    response = targets[targets["series"] == "response"].set_index("period")["observed"]
    assert response["CHNV measures, Jan 2023"] == pytest.approx(-0.376, abs=0.001)
    assert response["end of Title 42, May 2023"] == pytest.approx(-0.301, abs=0.001)


def test_the_drivers_model_has_a_level_a_trend_shifts_and_a_damped_forecast(tmp_path):
    shift = Shift("Haiti 2021", ("HTI",), "2021-07")
    model = DriversModel(dt.date(2022, 3, 1), "2022-09", (shift,), damping=0.5)
    coefficients = {
        "level.HTI": np.log(2.0),
        "trend.HTI": 12 * np.log(1.1),
        "shift.Haiti 2021": np.log(3.0),
    }
    drivers = model.drivers(coefficients, "2021-01", "2022-12")
    hti = drivers.to_frame().set_index("month")["HTI"]
    # level 2 at the origin, growing 10% a month, times 3 from the shift's month on
    assert hti["2022-03"] == pytest.approx(2.0 * 3.0)
    assert hti["2022-04"] / hti["2022-03"] == pytest.approx(1.1)
    assert hti["2021-07"] / hti["2021-06"] == pytest.approx(1.1 * 3.0)
    # after the last data month the growth is damped: ×1.1^0.5, then ×1.1^0.25, ...
    assert hti["2022-10"] / hti["2022-09"] == pytest.approx(1.1**0.5)
    assert hti["2022-11"] / hti["2022-10"] == pytest.approx(1.1**0.25)
    assert (drivers.values[:, NATIONALITIES.index("GTM")] == 1).all()  # no coefficients: 1
    # a fiscal year's basis row averages its departures' months (September to August)
    row = model.year_basis(2021, "HTI")
    assert row[model.names.index("shift.Haiti 2021")] == pytest.approx(2 / 12)  # Jul, Aug
    back = load_drivers(drivers.write(tmp_path / "push.csv"))
    assert np.allclose(back.values, drivers.values, rtol=1e-3)


def _log_linear_world(model: DriversModel, truth: dict[str, float]):
    """Return an ``evaluate`` whose encounters are exactly the drivers (a log-linear world)."""
    years, months = range(2020, 2023), pd.period_range("2019-11", "2022-09", freq="M")

    def encounters(coefficients: dict[str, float]) -> tuple[dict, pd.DataFrame]:
        beta = np.array([coefficients.get(n, 0.0) for n in model.names])
        fy = {
            (str(y), n): 1000 * np.exp(model.year_basis(y, n) @ beta)
            for y in years
            for n in NATIONALITIES
        }
        monthly = pd.DataFrame(
            {n: [100 * np.exp(model.month_basis(str(m), n) @ beta) for m in months]
             for n in NATIONALITIES},
            index=months.astype(str),
        )  # fmt: skip
        return fy, monthly

    observed_fy, observed_monthly = encounters(truth)

    def evaluate(coefficients: dict[str, float], values: dict) -> tuple:
        fy, monthly = encounters(coefficients)
        rows = [
            ("encounters_fy_nationality", y, n, observed_fy[y, n], v) for (y, n), v in fy.items()
        ]
        rows += [
            ("encounters_month", m, "total", observed_monthly.loc[m].sum(), monthly.loc[m].sum())
            for m in monthly.index
        ]
        table = pd.DataFrame(rows, columns=["series", "period", "group", "observed", "simulated"])
        return table.assign(in_sample=True), monthly

    return evaluate


@pytest.mark.parametrize(("trend_sd", "recovered"), [(100.0, True), (0.001, False)])
def test_the_drivers_fit_recovers_known_drivers_and_its_prior_holds_trends_back(
    trend_sd, recovered
):
    calibration = load_calibration(CALIBRATION / "origin_2022.toml")
    prior = {"error": 0.25, "trend": trend_sd, "shift": 100.0}
    calibration = dataclasses.replace(calibration, drivers_prior=prior, driver_rounds=6)
    model = calibration.drivers_model()
    truth = {"level.VEN": 1.0, "trend.VEN": 0.8, "level.MEX": -0.5, "shift.Cuba 2021": 0.7}
    evaluate = _log_linear_world(model, truth)
    fitted = fit_drivers(calibration, {}, evaluate, Console(quiet=True))
    if recovered:  # a weak prior: every coefficient the data identify is found
        for name, value in truth.items():
            assert fitted[name] == pytest.approx(value, abs=0.02), name
    else:  # a tight prior: no trend; Venezuela's growth goes into its dated shift instead
        assert abs(fitted["trend.VEN"]) < 0.01
        assert fitted["shift.Venezuela onward 2021"] > 0.3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("month,HND\n2020-01,1\n2020-03,1\n", "consecutive"),
        ("month,XYZ\n2020-01,1\n", "unknown column 'XYZ'"),
        ("month,HND\n2020-01,-1\n", "HND in 2020-01 = -1 is out of range"),
        ("month,HND\nJanuary,1\n", "YYYY-MM"),
    ],
)
def test_bad_drivers_files_get_one_clear_message(tmp_path, text, message):
    (tmp_path / "push.csv").write_text(text)
    scenario = tmp_path / "s.toml"
    scenario.write_text('extends = "baseline"\ndrivers = "push.csv"\n')
    with pytest.raises(ScenarioError, match=message):
        load_scenario(scenario)


def test_drivers_read_again_are_a_fresh_copy_of_the_file_as_it_is_now(tmp_path):
    path = tmp_path / "push.csv"
    path.write_text("month,MEX\n2021-10,1\n2021-11,3\n")
    first = load_drivers(path)
    first.values[:] = 7.0  # a caller changing its copy changes no other copy
    assert load_drivers(path).values[:, NATIONALITIES.index("MEX")].tolist() == [1.0, 3.0]
    path.write_text("month,MEX\n2021-10,1\n2021-11,4\n")  # same size, maybe the same time
    assert load_drivers(path).values[:, NATIONALITIES.index("MEX")].tolist() == [1.0, 4.0]


def test_drivers_change_departures_month_by_month(tmp_path):
    (tmp_path / "push.csv").write_text("month,MEX\n2021-10,1\n2021-11,3\n")
    base = load_scenario("baseline").replace(days=61, people_per_agent=1000, spinup_days=0)
    driven = base.replace(drivers=str(tmp_path / "push.csv"))
    month = {
        name: r.monthly().query("flow_pattern == 'mexican'")["departures"].to_numpy()
        for name, r in (("base", run(base, 1)), ("driven", run(driven, 1)))
    }
    october, november = month["driven"] / month["base"]
    assert 0.85 < october < 1.15 and 2.6 < november < 3.4


def test_returns_to_mexico_cut_crisis_state_crossings_at_once():
    """The January 2023 measures: people already at the border stop crossing and queue."""
    base = load_scenario("baseline").replace(days=30, people_per_agent=500)
    measures = {
        "name": "parole",
        "start": base.start,
        "irregular_removal_share": 1.0,
        "appointments_per_day": 500,
        "apply_share": 0.0,
    }
    ruled = base.replace(policies=[measures])
    crossed = {}
    for key, scenario in (("base", base), ("ruled", ruled)):
        totals = run(scenario, 3).totals().loc["crisis_states"]
        crossed[key] = totals["us_encounters"] - totals["legal_entries"]  # not by appointment
    assert crossed["ruled"] < 0.4 * crossed["base"]  # in the first month


def tiny(tmp_path: Path, **changes: str) -> Path:
    text = (CALIBRATION / "tiny.toml").read_text()
    text = text.replace('out = "tiny_out"', f'out = "{tmp_path / "out"}"')
    for old, new in changes.items():
        text = text.replace(old, new)
    path = tmp_path / "tiny.toml"
    path.write_text(text)
    return path


def test_the_calibration_pipeline_end_to_end_on_a_tiny_configuration(tmp_path):
    calibration = load_calibration(tiny(tmp_path))
    out = calibrate(calibration, workers=2)
    assert sorted(p.name for p in out.iterdir()) == [
        "behaviour.toml", "fit.csv", "parameters.toml", "posterior.parquet", "push.csv",
        "trace.csv",
    ]  # fmt: skip
    written = tomllib.loads((out / "parameters.toml").read_text())
    provenance = written["provenance"]
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert list(posterior["draw"]) == list(range(1, calibration.abc.draws + 1))
    low, high = calibration.priors["enforcement.mexico_interior"]
    assert posterior["enforcement.mexico_interior"].between(low, high).all()
    assert written["parameters"]["enforcement.mexico_interior"] == pytest.approx(
        posterior["enforcement.mexico_interior"].median()
    )
    # the drivers multiplier is written as the push of each Northern Triangle nationality
    assert {"push.GTM", "push.HND", "push.SLV"} <= set(posterior.columns)
    assert provenance["evaluations"] >= calibration.abc.population
    assert provenance["free_parameters"] == len(written["drivers_model"]) + 2
    assert provenance["data_points"] > 0 and len(provenance["data_version"]) == 12
    trace = pd.read_csv(out / "trace.csv")
    assert list(trace.columns) == [
        "generation", "evaluations", "accepted", "tolerance", "effective_sample_size",
    ]  # fmt: skip
    assert (trace["effective_sample_size"] <= calibration.abc.population + 1e-9).all()
    assert trace["tolerance"].is_monotonic_decreasing
    # The written values reproduce the recorded objective exactly (same seeds, same runs).
    value, table = reproduce(calibration)
    assert value == pytest.approx(provenance["objective"], rel=1e-12)
    assert table["in_sample"].any() and table[table["in_sample"]]["period"].max() <= "2020-09"
    # A scenario can use it, and its draws.
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        f'extends = "historical"\ncalibration = "{out / "parameters.toml"}"\ndays = 10\n'
    )
    loaded = load_scenario(scenario)
    assert loaded.drivers == out / "push.csv"
    assert loaded["enforcement"]["mexico_interior"] == written["parameters"][
        "enforcement.mexico_interior"]  # fmt: skip
    third = load_scenario(scenario, draw=3)
    assert third.draw == 3
    assert (
        third["enforcement"]["mexico_interior"] == posterior.loc[2, "enforcement.mexico_interior"]
    )
    assert third["push"]["HND"] == posterior.loc[2, "push.HND"]
    with pytest.raises(
        ScenarioError, match=r"draw = 99 is not in posterior\.parquet: it has draws 1–8"
    ):
        load_scenario(scenario, draw=99)


def test_inference_recovers_a_known_parameter_from_runs_made_with_it(tmp_path):
    """ABC-SMC on a real Dask cluster finds the drivers multiplier the data were made with."""
    path = tiny(
        tmp_path,
        **{
            "rounds = 2": "rounds = 0",
            '"enforcement.mexico_interior" = [0.005, 0.06]\n': "",
            "population = 6": "population = 12",
            "generations = 2": "generations = 4",
            "evaluations = 30": "evaluations = 120",
            "draws = 8": "draws = 40",
        },
    )
    calibration = load_calibration(path)
    assert list(calibration.priors) == ["drivers.northern_triangle"]
    truth = calibration.scenario(
        {"drivers.northern_triangle": 1.5}, calibration.write_drivers({}, tmp_path / "d.csv")
    )
    # the "data": the mean of three runs made with the known value
    made = measured([run(truth, seed) for seed in (97, 98, 99)])
    made = made.rename(columns={"simulated": "observed"})[["series", "period", "group", "observed"]]
    out = calibrate(calibration, workers=1, targets=made)  # one worker: a repeatable run
    draws = pd.read_parquet(out / "posterior.parquet")["push.GTM"]
    # inside the posterior's support, give or take 0.1: twelve particles of one-seed runs at
    # 5,000 people per agent are noisy (on a loaded CI machine the support once began at 1.51)
    assert draws.min() - 0.1 <= 1.5 <= draws.max() + 0.1
    low, high = draws.quantile([0.05, 0.95])
    assert high - low < 0.9 * (2.0 - 0.5)  # narrower than the prior's 90% interval


@pytest.mark.parametrize("name", ["historical", "origin_2021", "origin_2022"])
def test_the_committed_calibrations_reproduce_their_recorded_objective(name):
    calibration = load_calibration(CALIBRATION / f"{name}.toml")
    value, _ = reproduce(calibration)
    assert value == pytest.approx(recorded(calibration)["objective"], rel=1e-9)


def test_historical_runs_to_september_2024_with_the_posterior_median():
    scenario = load_scenario("historical")
    written = tomllib.loads((CALIBRATION / "historical" / "parameters.toml").read_text())
    assert scenario.calibration == CALIBRATION / "historical" / "parameters.toml"
    assert scenario.start.isoformat() == "2019-10-01"
    last = scenario.start + pd.Timedelta(days=scenario.days - 1)
    assert last >= pd.Timestamp("2024-09-30").date()
    fitted = written["parameters"]
    posterior = pd.read_parquet(CALIBRATION / "historical" / "posterior.parquet")
    key = "departure_choice.elasticity"
    assert scenario["departure_choice"]["elasticity"] == fitted[key]
    assert fitted[key] == pytest.approx(posterior[key].median())
    rule = [p for p in scenario.policies if p.name == "asylum_rule"][1]  # the May 2023 rule
    key = "policies.asylum_rule#2.reattempt_multiplier"
    assert rule.params["reattempt_multiplier"] == fitted[key]
    assert load_scenario("historical", calibration=False).drivers is None


def test_a_draw_is_the_same_in_any_process():
    code = (
        "import hashlib, migmodel; "
        "s = migmodel.load_scenario('historical', draw=2).replace(days=40, people_per_agent=4000); "
        "print(hashlib.sha256(migmodel.run(s, 1).daily.to_csv().encode()).hexdigest())"
    )
    outputs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }  # fmt: skip
    here = load_scenario("historical", draw=2).replace(days=40, people_per_agent=4000)
    digest = hashlib.sha256(run(here, 1).daily.to_csv().encode()).hexdigest()
    assert outputs == {digest + "\n"}
    other = load_scenario("historical", draw=3).replace(days=40, people_per_agent=4000)
    assert other.values != here.values  # another draw, other values
    with pytest.raises(ScenarioError, match="has no calibration"):
        load_scenario("baseline", calibration=False).with_draw(1)


def test_the_validation_report_builds(tmp_path):
    from experiments.validation import build_report

    report = build_report(tmp_path, draws=2, seeds=1, workers=2)
    text = report.read_text()
    for heading in ("## Targets", "## Series by series", "## Forecasts against naive forecasts",
                    "## Checks at other levels", "## The posterior",
                    "## What the model gets wrong"):  # fmt: skip
        assert heading in text
    assert "FY2022 monthly totals from 2021-09" in text
    assert "FY2023 patterns by fiscal year from 2022-09" in text
    figures = sorted((tmp_path / "figures").glob("*.png"))
    assert len(figures) == 6
    for figure in figures:
        assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"figures/{figure.name}" in text
    table = pd.read_csv(tmp_path / "calibrated.csv")
    assert set(table["series"]) >= {"encounters_fy", "encounters_month", "darien_year",
                                    "mexico_year", "deaths_year", "response"}  # fmt: skip
    assert {"low", "simulated", "high", "inside"} <= set(table.columns)
    scores = pd.read_csv(tmp_path / "forecast_scores.csv")
    assert len(scores) == 4 and (scores["scaled error vs persistence"] > 0).all()
    posterior = pd.read_csv(tmp_path / "posterior.csv")
    assert set(posterior["parameter"]) == set(
        load_calibration(CALIBRATION / "historical.toml").priors
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('scenario = "historical"\nfit_until = "2023"\n', "must be a month written YYYY-MM"),
        ('scenario = "historical"\nfit_until = "2023-09"\n[priors]\n"push.XX" = [0, 1]\n',
         "unknown key 'XX'"),
        ('scenario = "historical"\nfit_until = "2023-09"\n[priors]\n"push.HND" = [2, 1]\n'
         "[weights]\nencounters_fy = 1\n", "low must be below high"),
        ('scenario = "historical"\nfit_until = "2023-09"\n[priors]\n"drivers.nt" = [1, 2]\n',
         "unknown key 'nt'"),
        ('scenario = "historical"\nfit_until = "2023-09"\n[abc]\npopulation = -1\n',
         r"\[abc\] population = -1 is out of range"),
        ('scenario = "historical"\nfit_until = "2023-09"\n[[drivers.shifts]]\nname = "x"\n'
         'nationalities = ["XX"]\nmonth = "2021-01"\n', "nationalities"),
        ('scenario = "historical"\nfit_until = "2023-09"\n[weights]\nencounter = 1\n',
         "did you mean"),
        ('scenario = "historical"\nfit_until = "2023-09"\nbogus = 1\n', "unknown key 'bogus'"),
        ('scenario = "historical"\nfit_until = "2023-09"\n[abc]\nquantile = 0\n',
         r"\[abc\] quantile = 0 is out of range: allowed 0.01"),
        ('scenario = "historical"\nfit_until = "2023-09"\n[drivers]\ntrend_sd = "wide"\n',
         r"\[drivers\] trend_sd = 'wide' must be a number"),
    ],
)  # fmt: skip
def test_bad_calibration_files_get_one_clear_message(tmp_path, capsys, text, message):
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(CalibrationError, match=message):
        load_calibration(path)
    assert main(["calibrate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "c.toml" in err and "Traceback" not in err


def test_a_calibration_file_naming_an_unknown_parameter_is_refused(tmp_path):
    shutil.copy(CALIBRATION / "historical" / "push.csv", tmp_path / "push.csv")
    (tmp_path / "p.toml").write_text('drivers = "push.csv"\n[parameters]\n"push.XYZ" = 1.0\n')
    (tmp_path / "s.toml").write_text('extends = "baseline"\ncalibration = "p.toml"\n')
    with pytest.raises(ScenarioError, match=r"calibration file p\.toml: .*unknown key 'XYZ'"):
        load_scenario(tmp_path / "s.toml")
