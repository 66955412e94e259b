"""Fuzzing in the suite: only the project's own one-line errors come out of the loaders.

A seeded mutation corpus (``tests/fuzzing.py``) for scenarios, drivers, networks, sweeps,
calibrations and lessons, Hypothesis property tests of the validators, and hostile command
lines. The suite runs about 1,300 mutated files and 900 Hypothesis examples; ``make fuzz``
runs many more (``MIGMODEL_FUZZ_CASES`` scales the suite's share).
"""

from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path
from typing import Any

import pytest
from fuzz_targets import run
from fuzzing import HOSTILE, dumps, outcome
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import NetworkError
from migmodel.cli import main
from migmodel.inputs import MAX_DATE, MIN_DATE, Number, ScenarioError, check_date
from migmodel.scenario import PARAMETERS, TOP_KEYS, load_scenario, scenario_from_dict

SCALE = float(os.environ.get("MIGMODEL_FUZZ_CASES", "1"))
CASES = {
    "scenario": 300,
    "drivers": 200,
    "network": 200,
    "sweep": 300,
    "calibration": 200,
    "lesson": 60,
}
SETTINGS = settings(
    max_examples=int(300 * SCALE),
    deadline=None,
    derandomize=True,  # seeded: the same examples on every machine
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.mark.parametrize("target", list(CASES))
def test_mutated_files_end_in_one_line_errors(target: str, tmp_path: Path) -> None:
    campaign = run((target,), int(CASES[target] * SCALE), seed=16, scratch=tmp_path)
    counts = campaign.counts[target]
    found = [
        f"{trace.strip().splitlines()[-1]}\n--- input:\n{text[:400]}"
        for _, text, trace in campaign.tracebacks
    ]
    assert not found, f"{campaign.line(target)}; first:\n{found[0]}"
    assert counts["error"] > 0 and counts["ok"] > 0  # the corpus reaches both outcomes


values = st.one_of(
    st.sampled_from(HOSTILE),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=20),
    st.booleans(),
    st.dates(),
    st.lists(st.integers(), max_size=3),
)


@SETTINGS
@given(value=values, low=st.floats(-1e6, 0), integer=st.booleans())
def test_numbers_are_finite_and_in_range_or_refused(value: Any, low: float, integer: bool) -> None:
    number = Number(0, low, 1e6, "people", "test", integer=integer)
    try:
        checked = number.check("key", value)
    except ScenarioError as err:
        assert str(err).startswith("key = ") and "\n" not in str(err)
        return
    assert math.isfinite(checked) and low <= checked <= 1e6
    assert isinstance(checked, int) == integer


@SETTINGS
@given(value=st.one_of(st.dates(), st.datetimes(), st.text(max_size=12), values))
def test_dates_are_in_the_supported_range_or_refused(value: Any) -> None:
    try:
        date = check_date("start", value)
    except ScenarioError as err:
        assert "\n" not in str(err)
        return
    assert isinstance(date, dt.date) and MIN_DATE <= date <= MAX_DATE


keys = st.sampled_from([*TOP_KEYS, "push", "policies", "nmae", "enforcement.x"])
scenario_data = st.dictionaries(
    keys,
    st.one_of(values, st.dictionaries(st.sampled_from(["GTM", "HND", "x", "name"]), values)),
    max_size=5,
)


@SETTINGS
@given(data=scenario_data)
def test_scenario_data_is_valid_or_refused_in_one_line(data: dict[str, Any]) -> None:
    data = {"start": dt.date(2021, 10, 1), **data}
    kind, message = outcome(lambda: scenario_from_dict(data))
    assert kind != "traceback", message


@SETTINGS
@given(changes=st.dictionaries(st.sampled_from(list(PARAMETERS)), values, max_size=3))
def test_scenario_files_are_valid_or_refused_in_one_line(
    changes: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("h") / "s.toml"
    path.write_text(dumps({"extends": "baseline", **changes}), encoding="utf-8")
    kind, message = outcome(lambda: load_scenario(path))
    assert kind != "traceback", message


HOSTILE_ARGS = [
    ["run", "baseline", "--days", "nan"],
    ["run", "baseline", "--days", "inf"],
    ["run", "baseline", "--days", "99999999999999999999"],
    ["run", "baseline", "--seed", "1e3"],
    ["run", "baseline", "--people-per-agent", "-1"],
    ["run", "no_such_scenario"],
    ["run", "x" * 300 + ".toml"],
    ["run", "a\x00b.toml"],
    ["run", "/dev/zero"],
    ["run", "/"],
    ["validate", "experiments"],
    ["compare", "baseline", "nope", "--seeds", "0"],
    ["sweep", "/dev/null", "--check"],
    ["sweep", "experiments/sweeps/enforcement_x_visas.toml"],
    ["analyze", "/nonexistent"],
    ["calibrate", "/etc/hostname"],
    ["bench", "--agents", "0"],
    ["nonsense"],
]


@pytest.mark.parametrize("argv", HOSTILE_ARGS, ids=lambda a: " ".join(a)[:40])
def test_the_command_line_answers_user_errors_without_a_traceback(
    argv: list[str], capsys: pytest.CaptureFixture
) -> None:
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse: a usage line and exit status 2
        code = exit_.code
    err = capsys.readouterr().err
    assert code in (1, 2), err
    assert "Traceback" not in err and err.strip()
    lines = err.strip().splitlines()
    assert "error" in lines[-1]  # argparse's usage, then one error line; or only the line
    assert code == 2 or len(lines) == 1


def test_project_errors_are_the_only_ones_allowed() -> None:
    assert outcome(lambda: (_ for _ in ()).throw(NetworkError("x")))[0] == "error"
    assert outcome(lambda: {}["missing"])[0] == "traceback"
