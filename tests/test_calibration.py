"""Calibration: drivers, targets, the fit end to end, the committed fit and the report."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.calibrate import (
    CalibrationError,
    calibrate,
    load_calibration,
    recorded,
    reproduce,
)
from migmodel import load_scenario, run
from migmodel.cli import main
from migmodel.drivers import load_drivers, monthly_push
from migmodel.observed import observed
from migmodel.patterns import NATIONALITIES
from migmodel.schema import ScenarioError

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


def test_monthly_push_interpolates_between_fiscal_years_and_holds_outside(tmp_path):
    levels = pd.DataFrame({"HND": [1.0, 4.0]}, index=[2021, 2022])
    drivers = monthly_push(levels, "2020-01", "2023-12")
    hnd = NATIONALITIES.index("HND")
    series = drivers.to_frame().set_index("month")["HND"]
    assert series["2020-01"] == series["2020-12"] == 1.0  # before FY2021's point: held
    assert series["2023-12"] == 4.0  # after the last point: held (the continuation rule)
    assert 1.8 < series["2021-09"] < 2.2  # about half-way in the logarithm: ×2
    assert series["2021-03":"2022-03"].is_monotonic_increasing
    assert (drivers.values[:, NATIONALITIES.index("GTM")] == 1).all()  # not given: 1
    back = load_drivers(drivers.write(tmp_path / "push.csv"))
    assert np.allclose(back.values[:, hnd], drivers.values[:, hnd], atol=1e-4)


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


def tiny(tmp_path: Path) -> Path:
    text = (CALIBRATION / "tiny.toml").read_text()
    path = tmp_path / "tiny.toml"
    path.write_text(text.replace('out = "tiny_out"', f'out = "{tmp_path / "out"}"'))
    return path


def test_the_calibration_pipeline_end_to_end_on_a_tiny_configuration(tmp_path):
    calibration = load_calibration(tiny(tmp_path))
    out = calibrate(calibration, workers=1)
    assert sorted(p.name for p in out.iterdir()) == [
        "fit.csv", "parameters.toml", "push.csv", "trace.csv",
    ]  # fmt: skip
    written = tomllib.loads((out / "parameters.toml").read_text())
    provenance = written["provenance"]
    assert set(written["parameters"]) == set(calibration.free)
    for name, value in written["parameters"].items():
        low, high = calibration.free[name]
        assert low <= value <= high
    assert provenance["evaluations"] == len(pd.read_csv(out / "trace.csv"))
    assert provenance["fit_until"] == "2020-09" and len(provenance["data_version"]) == 12
    trace = pd.read_csv(out / "trace.csv")
    assert provenance["objective"] <= trace["objective"].max()
    # The written values reproduce the recorded objective exactly (same seeds, same runs).
    value, table = reproduce(calibration)
    assert value == pytest.approx(provenance["objective"], rel=1e-12)
    assert table["in_sample"].any() and table[table["in_sample"]]["period"].max() <= "2020-09"
    # A scenario can use it.
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        f'extends = "historical"\ncalibration = "{out / "parameters.toml"}"\ndays = 10\n'
    )
    loaded = load_scenario(scenario)
    assert loaded.drivers == out / "push.csv"
    assert loaded["enforcement"]["mexico_interior"] == written["parameters"][
        "enforcement.mexico_interior"]  # fmt: skip


@pytest.mark.parametrize("name", ["historical", "holdout"])
def test_the_committed_calibrations_reproduce_their_recorded_objective(name):
    calibration = load_calibration(CALIBRATION / f"{name}.toml")
    value, _ = reproduce(calibration)
    assert value == pytest.approx(recorded(calibration)["objective"], rel=1e-9)


def test_historical_runs_to_september_2024_with_the_calibrated_values():
    scenario = load_scenario("historical")
    written = tomllib.loads((CALIBRATION / "historical" / "parameters.toml").read_text())
    assert scenario.calibration == CALIBRATION / "historical" / "parameters.toml"
    assert scenario.start.isoformat() == "2019-10-01"
    last = scenario.start + pd.Timedelta(days=scenario.days - 1)
    assert last >= pd.Timestamp("2024-09-30").date()
    fitted = written["parameters"]
    assert scenario["departure_choice"]["elasticity"] == fitted["departure_choice.elasticity"]
    rule = [p for p in scenario.policies if p.name == "asylum_rule"][1]  # the May 2023 rule
    key = "policies.asylum_rule#2.reattempt_multiplier"
    assert rule.params["reattempt_multiplier"] == fitted[key]
    assert load_scenario("historical", calibration=False).drivers is None


def test_the_validation_report_builds(tmp_path):
    from experiments.validation import build_report

    report = build_report(tmp_path, seeds=1, workers=1)
    text = report.read_text()
    for heading in ("## Targets", "## Errors, series by series", "## What was fitted to what",
                    "## What the model gets wrong"):  # fmt: skip
        assert heading in text
    assert "FY2023 by pattern, fitted on FY2020–FY2022" in text
    figures = sorted((tmp_path / "figures").glob("*.png"))
    assert len(figures) == 4
    for figure in figures:
        assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"figures/{figure.name}" in text
    table = pd.read_csv(tmp_path / "calibrated.csv")
    assert set(table["series"]) >= {"encounters_fy", "encounters_month", "darien_year",
                                    "mexico_year", "deaths_year", "response"}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('scenario = "historical"\nfit_until = "2023"\n', "must be a month written YYYY-MM"),
        ('scenario = "historical"\nfit_until = "2023-09"\n[free]\n"push.XX" = [0, 1]\n',
         "unknown key 'XX'"),
        ('scenario = "historical"\nfit_until = "2023-09"\n[free]\n"push.HND" = [2, 1]\n'
         "[weights]\nencounters_fy = 1\n", "low must be below high"),
        ('scenario = "historical"\nfit_until = "2023-09"\n[weights]\nencounter = 1\n',
         "did you mean"),
        ('scenario = "historical"\nfit_until = "2023-09"\nbogus = 1\n', "unknown key 'bogus'"),
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
