"""Posterior draws everywhere a number is reported: compare, the CLI and sweeps."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.calibrate import write_behaviour
from experiments.dataset import read_runs
from experiments.sweepfile import load_sweep
from migmodel import load_scenario
from migmodel.calibration import calibrated
from migmodel.cli import main
from migmodel.compare import compare_scenarios, outcomes
from migmodel.inputs import ScenarioError
from migmodel.simulate import run

CALIBRATED = Path(__file__).resolve().parent.parent / "experiments" / "calibration"
SHORT = {"days": 40, "people_per_agent": 4000, "spinup_days": 30}
VISAS = {"name": "temporary_worker_visas"}


def uncalibrated(folder: Path) -> Path:
    """Write a scenario that names no calibration (every built-in one names one)."""
    path = folder / "plain.toml"
    path.write_text('name = "plain"\nstart = 2021-10-01\ndays = 40\npeople_per_agent = 4000\n')
    return path


def test_compare_on_two_draws_splits_the_spread_between_parameters_and_seeds():
    a = load_scenario("historical").replace(**SHORT)
    b = a.replace(policies=[*a.to_dict()["policies"], VISAS])
    table = compare_scenarios(a, b, seeds=[1, 2], draws=[1, 2])
    assert {"difference", "low", "high", "from_draws"} <= set(table.columns)
    shares = table["from_draws"].dropna()
    assert len(shares) and shares.between(0, 1).all()
    moved = table.loc["departures"]
    assert moved["low"] <= moved["difference"] <= moved["high"]
    # draws are not seeds: the same seed on another draw gives other outcomes
    same_seed = compare_scenarios(a, a, seeds=[1], draws=[1, 2])
    assert (same_seed["difference"] == 0).all()  # paired: A against A is exactly zero
    assert not np.allclose(same_seed.loc["departures", "a"], table.loc["departures", "a"])


def test_the_compare_command_reports_draws_and_refuses_them_without_a_calibration(tmp_path, capsys):
    variant = tmp_path / "visas.toml"
    variant.write_text(
        'extends = "historical"\n'
        f'calibration = "{CALIBRATED / "historical" / "parameters.toml"}"\n'
        '[[policies]]\nname = "temporary_worker_visas"\n'
    )
    args = ["--seeds", "1", "--days", "40", "--people-per-agent", "4000", "--quiet"]
    assert main(["compare", "historical", str(variant), "--draws", "2", *args]) == 0
    out = capsys.readouterr().out
    assert "draws 1–2" in out and "from draws" in out
    assert main(["compare", "baseline", "enforcement", "--draws", "2", *args]) == 0
    assert "from draws" in capsys.readouterr().out  # baseline takes historical's behaviour
    plain = str(uncalibrated(tmp_path))
    assert main(["compare", plain, plain, "--draws", "2", *args]) == 1
    err = capsys.readouterr().err
    assert "has no calibration" in err and "Traceback" not in err


def test_a_sweep_can_sample_posterior_draws_as_an_uncertainty(tmp_path):
    path = tmp_path / "draws.toml"
    path.write_text(
        'name = "draws"\nscenario = "historical"\nseeds = [1]\n'
        "[base]\ndays = 40\npeople_per_agent = 4000\n"
        "[uncertainties]\ndraw = [1, 2, 3]\n"
        '[design]\nmethod = "grid"\n'
    )
    sweep = load_sweep(path)
    third = sweep.scenario({"draw": 3})
    expected = load_scenario("historical", draw=3).replace(days=40, people_per_agent=4000)
    assert third.values == expected.values and third.draw == 3
    bad = tmp_path / "bad.toml"
    bad.write_text(path.read_text().replace('"historical"', f'"{uncalibrated(tmp_path)}"'))
    with pytest.raises(Exception, match="has no calibration"):
        load_sweep(bad)


def test_the_apps_ensemble_can_run_posterior_draws_labelled_as_such(tmp_path):
    from migmodel.views.session import Session, Settings

    settings = Settings(
        scenario="historical", mode="ensemble", ensemble_size=2, draws=True, people_per_agent=5000
    )
    session = Session(settings)
    assert [(r.side, r.seed, r.draw) for r in session.runs] == [
        ("current", 1, 1), ("current", 2, 2), ("reference", 1, 1), ("reference", 2, 2),
    ]  # fmt: skip
    first, second = (r.model.scenario for r in session.runs[:2])
    assert first.draw == 1 and second.draw == 2 and first.values != second.values
    settings = Settings(scenario="baseline", mode="ensemble", ensemble_size=2, draws=True)
    assert {r.draw for r in Session(settings).runs} == {1, 2}  # historical's behaviour draws
    settings = Settings(scenario=str(uncalibrated(tmp_path)), mode="ensemble", ensemble_size=2)
    plain = Session(dataclasses.replace(settings, draws=True))
    assert {r.draw for r in plain.runs} == {0}  # no calibration: seeds only


def test_a_scenario_file_and_replace_can_name_a_draw(tmp_path):
    path = tmp_path / "drawn.toml"
    path.write_text(
        'extends = "historical"\n'
        f'calibration = "{CALIBRATED / "historical" / "parameters.toml"}"\n'
        "draw = 4\n"
    )
    fourth = load_scenario("historical", draw=4)
    assert load_scenario(path).values == fourth.values
    assert (
        load_scenario("historical").replace(draw=4, days=30).values
        == fourth.replace(days=30).values
    )
    with pytest.raises(Exception, match=r"draw = 0\.5 must be an integer"):
        load_scenario("historical").with_draw(0.5)


def test_baseline_takes_the_behaviour_posterior_of_historical_and_nothing_else(tmp_path):
    posterior = pd.read_parquet(CALIBRATED / "historical" / "posterior.parquet")
    fifth = posterior[posterior["draw"] == 5].iloc[0]
    drawn, written = load_scenario("baseline", draw=5), load_scenario("baseline", calibration=False)
    assert drawn["departure_choice"]["elasticity"] == fifth["departure_choice.elasticity"]
    assert drawn["enforcement"]["us_border"] == fifth["enforcement.us_border"]
    changed = {k for k, v in drawn.to_dict().items() if v != written.to_dict()[k]}
    assert changed == {"enforcement", "beliefs", "departure_choice", "border_choice"}  # no push
    # the committed behaviour.toml is what calibrate writes from the committed parameters.toml
    copy = tmp_path / "historical"
    shutil.copytree(CALIBRATED / "historical", copy)
    (copy / "behaviour.toml").unlink()
    committed = (CALIBRATED / "historical" / "behaviour.toml").read_text()
    assert write_behaviour(copy).read_text() == committed
    assert "push." not in committed and "policies." not in committed


def test_a_calibration_file_setting_a_parameter_its_posterior_lacks_is_refused(tmp_path):
    copy = tmp_path / "historical"
    shutil.copytree(CALIBRATED / "historical", copy)
    behaviour = copy / "behaviour.toml"
    behaviour.write_text(behaviour.read_text() + '"route_choice.sensitivity" = 2.0\n')
    plain = load_scenario("baseline", calibration=False).to_dict()
    assert calibrated(plain, behaviour)["route_choice"]["sensitivity"] == 2.0  # the median: fine
    with pytest.raises(ScenarioError, match=r"no column 'route_choice\.sensitivity'"):
        calibrated(plain, behaviour, draw=1)


def test_a_file_extending_a_calibrated_scenario_keeps_its_own_values_on_every_draw(tmp_path):
    path = tmp_path / "own.toml"
    path.write_text('extends = "baseline"\n[enforcement]\nmexico_south = 0.2\n')
    mine, fifth = load_scenario(path), load_scenario("baseline", draw=5)
    assert mine.own == ("enforcement.mexico_south",)
    for scenario in (mine, mine.with_draw(5), mine.replace(days=30).with_draw(5)):
        assert scenario["enforcement"]["mexico_south"] == 0.2  # the file's own value
    assert mine.with_draw(5)["enforcement"]["us_border"] == fifth["enforcement"]["us_border"]
    assert load_scenario("historical").own == ()  # a file's values under its own calibration


def test_a_sweep_runs_posterior_draws_on_every_seed_and_its_effects_span_both(tmp_path):
    path = tmp_path / "drawn.toml"
    path.write_text(
        'name = "drawn"\nscenario = "baseline"\nseeds = 2\ndraws = 2\n'
        "[base]\ndays = 30\npeople_per_agent = 5000\n"
        '[levers]\n"policies.mexico_southern_border.intensity" = [0, 1]\n'
        '[outcomes]\nsummaries = ["us_encounters", "mexico_apprehensions"]\n'
    )
    sweep = load_sweep(path)
    assert sweep.replicates == ((1, 0), (1, 1), (2, 0), (2, 1))
    out, report = tmp_path / "out", tmp_path / "report"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "2", "--quiet"]) == 0
    runs = read_runs(out).set_index(["point", "draw", "seed"])
    assert len(runs) == 8 and (runs["status"] == "ok").all()
    policy = sweep.scenario({"policies.mexico_southern_border.intensity": 1.0}, draw=2)
    expected = outcomes(run(policy, 1))["mexico_apprehensions"]
    assert runs.loc[(1, 2, 1), "mexico_apprehensions"] == expected  # the draw was run
    assert main(["analyze", str(out), "--report", str(report)]) == 0
    text = (report / "report.md").read_text()
    assert (
        "2 posterior draws × 2 seeds" in text and "draws 1–2 of historical/behaviour.toml" in text
    )
    assert "2.5th to 97.5th percentiles" in text
    plain = tmp_path / "plain_sweep.toml"
    plain.write_text(path.read_text().replace('"baseline"', f'"{uncalibrated(tmp_path)}"'))
    with pytest.raises(Exception, match="has no calibration"):
        load_sweep(plain)
    path.write_text(path.read_text().replace("draws = 2", "draws = -1"))
    with pytest.raises(Exception, match="a number of posterior draws"):
        load_sweep(path)
