"""Scenario files: loading, ``extends``, and one clear message for each kind of mistake."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from migmodel import ScenarioError, builtin_scenarios, load_scenario
from migmodel.scenario import PARAMETERS


def write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_baseline_loads_with_documented_defaults():
    s = load_scenario("baseline")
    assert s.name == "baseline"
    assert s.start == dt.date(2021, 10, 1)
    assert s.days == 365 and s.people_per_agent == 200
    assert s["enforcement"]["mexico_rail"] == PARAMETERS["enforcement"].defaults["mexico_rail"]
    written = load_scenario("baseline", calibration=False)  # the defaults, before calibration
    assert written["enforcement"] == PARAMETERS["enforcement"].defaults
    assert "baseline" in builtin_scenarios()


def test_extends_overrides_only_the_given_keys(tmp_path):
    path = write(tmp_path, 'extends = "baseline"\ndays = 30\n[enforcement]\nmexico_south = 0.2\n')
    s = load_scenario(path)
    base = load_scenario("baseline")
    assert s.name == "s" and s.days == 30 and s.start == base.start
    assert s["enforcement"]["mexico_south"] == 0.2
    assert s["enforcement"]["mexico_interior"] == base["enforcement"]["mexico_interior"]


def test_a_path_relative_extends_and_network(tmp_path):
    write(tmp_path, 'start = 2020-01-01\nnetwork = "net"\n', "parent.toml")
    s = load_scenario(write(tmp_path, 'extends = "parent.toml"\n'))
    assert s.network == (tmp_path / "net").resolve()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'extends = "baseline"\nmexico_south = 0.2\n',
            r"s\.toml: scenario: unknown key 'mexico_south'; allowed: .*enforcement",
        ),
        (
            'extends = "baseline"\n[enforcement]\nmexico_sout = 0.2\n',
            r"unknown key 'mexico_sout' \(did you mean 'mexico_south'\?\)",
        ),
        (
            'extends = "baseline"\n[enforcement]\nmexico_south = 1.5\n',
            r"\[enforcement\] mexico_south = 1\.5 is out of range: "
            r"allowed 0 ≤ value ≤ 1 probability",
        ),
        ('extends = "baseline"\ndays = 0\n', r"days = 0 is out of range: allowed 1 ≤ value"),
        (  # not a table, under a calibration that sets one of its keys
            'extends = "baseline"\nenforcement = 0.5\n',
            r"\[enforcement\] must be a table of darien",
        ),
        ('extends = "baseline"\ndays = "ten"\n', r"days = 'ten' must be an integer"),
        ('extends = "baseline"\nstart = "yesterday"\n', r"start = 'yesterday' must be a date"),
        ("days = 10\n", r"start is missing"),
        ('extends = "baselin"\n', r"extends = 'baselin': no built-in scenario 'baselin'"),
        ('extends = "baseline"\n[departures]\nXYZ = 5\n', r"unknown key 'XYZ'.*GTM"),
        ("days = = 3\n", r"s\.toml: not valid TOML"),
        (
            'extends = "baseline"\n[[policies]]\nname = "no_such_policy"\n',
            r"\[\[policies\]\] #1: unknown policy 'no_such_policy'",
        ),
    ],
)
def test_bad_files_get_one_clear_message(tmp_path, text, message):
    with pytest.raises(ScenarioError, match=message) as info:
        load_scenario(write(tmp_path, text))
    assert "\n" not in str(info.value)


def test_missing_file_and_unknown_name():
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario("does/not/exist.toml")
    with pytest.raises(ScenarioError, match=r"no built-in scenario 'nope'; built-in: .*baseline"):
        load_scenario("nope")


def test_extends_loop_is_reported(tmp_path):
    write(tmp_path, 'extends = "b.toml"\nstart = 2020-01-01\n', "a.toml")
    write(tmp_path, 'extends = "a.toml"\n', "b.toml")
    with pytest.raises(ScenarioError, match="extends itself in a loop"):
        load_scenario(tmp_path / "a.toml")


def test_replace_validates_and_round_trips():
    s = load_scenario("baseline")
    assert s.replace(days=12).days == 12
    with pytest.raises(ScenarioError, match="people_per_agent = 0"):
        s.replace(people_per_agent=0)
    from migmodel.scenario import scenario_from_dict

    assert scenario_from_dict(s.to_dict()).values == s.values


def test_set_changes_parameters_by_the_names_sweep_files_use():
    import numpy as np

    base = load_scenario("baseline")
    changed = base.set(
        {
            "route_choice.sensitivity": np.float64(1.5),
            "push.HND": 2,
            "days": np.int64(30),
            "policies.mexico_southern_border.intensity": 0.8,
        }
    )
    assert changed["route_choice"] == {**base["route_choice"], "sensitivity": 1.5}
    assert changed["push"]["HND"] == 2.0 and changed.days == 30
    assert [(p.name, p.params) for p in changed.policies] == [
        ("mexico_southern_border", {"intensity": 0.8})
    ]
    assert base.set({}) == base
    twice = changed.set({"policies.mexico_southern_border.intensity": 0.2})
    assert [p.params for p in twice.policies] == [{"intensity": 0.2}]  # the same table
    with pytest.raises(ScenarioError, match="did you mean 'sensitivity'"):
        base.set({"route_choice.sensitivty": 1.0})
    with pytest.raises(ScenarioError, match="out of range"):
        base.set({"policies.mexico_southern_border.intensity": 3})
    with pytest.raises(ScenarioError, match="must be an integer"):
        base.set({"days": 2.5})


def test_set_takes_a_posterior_draw_first_and_keeps_the_calibration():
    drawn = load_scenario("historical").set({"draw": 3, "days": 100})
    assert (drawn.draw, drawn.days) == (3, 100)
    assert drawn.calibration == load_scenario("historical").calibration
    assert drawn.values == load_scenario("historical", draw=3).replace(days=100).values
