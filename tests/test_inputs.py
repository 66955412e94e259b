"""Valid-looking inputs the run could not handle, refused before it starts; safe reads;
``extends`` across folders."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from migmodel.model import MigrationModel
from migmodel.preflight import check_runnable
from migmodel.scenario import SCENARIO_DIR, ScenarioError, load_scenario

EXPERIMENTS = SCENARIO_DIR.parent


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("start", ["9999-12-01", "0001-01-01", "2263-01-01"])
def test_start_dates_the_run_cannot_handle_are_refused(tmp_path: Path, start: str) -> None:
    path = _write(tmp_path / "s.toml", f'extends = "baseline"\nstart = {start}\n')
    with pytest.raises(ScenarioError, match="out of range: allowed 1900-01-01 to 2200-12-31"):
        load_scenario(path)


def test_a_run_too_large_for_memory_is_refused_with_the_estimate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(
        tmp_path / "big.toml",
        'extends = "baseline"\npeople_per_agent = 1\n[push]\nHND = 100\nGTM = 100\n',
    )
    scenario = load_scenario(path)
    monkeypatch.setenv("MIGMODEL_MEMORY_LIMIT_MB", "4096")
    with pytest.raises(ScenarioError, match=r"about [\d,]+ agents .* GB of memory"):
        check_runnable(scenario)
    with pytest.raises(ScenarioError, match="raise people_per_agent"):
        MigrationModel(scenario, seed=1)  # the model refuses it too, before allocating


def test_the_baseline_fits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIGMODEL_MEMORY_LIMIT_MB", "4096")
    assert check_runnable(load_scenario("baseline")).name == "baseline"


@pytest.mark.parametrize("key", ["drivers", "calibration"])
def test_devices_and_pipes_are_not_read(tmp_path: Path, key: str) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for target, what in (("/dev/zero", "not a regular file"), (fifo, "not a regular file")):
        path = _write(tmp_path / "s.toml", f'extends = "baseline"\n{key} = "{target}"\n')
        with pytest.raises(ScenarioError, match=what):
            load_scenario(path)


def test_files_larger_than_the_limit_are_not_read(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    with big.open("wb") as f:
        f.truncate(5 * 1024 * 1024)  # sparse: 5 MB of NULs, above the 4 MB TOML limit
    with pytest.raises(ScenarioError, match="larger than the limit"):
        load_scenario(big)


def test_deep_nesting_and_long_extends_chains_are_refused(tmp_path: Path) -> None:
    deep = _write(tmp_path / "deep.toml", 'extends = "baseline"\nx = ' + "[" * 3000 + "\n")
    with pytest.raises(ScenarioError, match="deep"):
        load_scenario(deep)
    _write(tmp_path / "c0.toml", 'extends = "baseline"\n')
    for k in range(1, 60):
        _write(tmp_path / f"c{k}.toml", f'extends = "c{k - 1}.toml"\n')
    with pytest.raises(ScenarioError, match="extends chain longer than 32"):
        load_scenario(tmp_path / "c59.toml")
    assert load_scenario(tmp_path / "c20.toml").days == 365  # 21 files deep is fine


def test_a_scenario_anywhere_can_extend_historical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # neither the file's folder nor the built-in one
    mine = tmp_path / "elsewhere" / "mine.toml"
    mine.parent.mkdir()
    _write(mine, 'extends = "historical"\nname = "mine"\ndays = 30\n')
    scenario, historical = load_scenario(mine), load_scenario("historical")
    assert scenario.calibration == historical.calibration
    assert scenario.drivers == historical.drivers is not None
    assert scenario["enforcement"] == historical["enforcement"]  # calibrated values set


def test_relative_paths_follow_the_file_that_names_them(tmp_path: Path) -> None:
    """A parent's ``drivers`` is found from the parent's folder, through a chain."""
    parent_dir = tmp_path / "a" / "b"
    parent_dir.mkdir(parents=True)
    shutil.copy(EXPERIMENTS / "calibration" / "historical" / "push.csv", parent_dir / "push.csv")
    _write(parent_dir / "parent.toml", 'extends = "baseline"\ndrivers = "push.csv"\n')
    _write(tmp_path / "a" / "middle.toml", 'extends = "b/parent.toml"\n')
    child = _write(tmp_path / "child.toml", 'extends = "a/middle.toml"\n')
    assert load_scenario(child).drivers == (parent_dir / "push.csv").resolve()


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "multi.toml",
        'extends = "baseline"\ndays = nan\nnmae = 1\n[enforcement]\nmexico_interor = 1\n'
        "us_border = 7\n",
    )
    with pytest.raises(ScenarioError) as found:
        load_scenario(path)
    problems = found.value.problems
    assert len(problems) == 4 and all(p.startswith("multi.toml: ") for p in problems)
    assert "[enforcement] mexico_interor" in problems[2]  # the TOML section is kept
    assert "\n" not in str(found.value)


@pytest.mark.parametrize("out", ["../elsewhere", "/tmp/anywhere", "."])
def test_a_calibration_writes_only_inside_its_own_folder(tmp_path: Path, out: str) -> None:
    from experiments.calibrate import CalibrationError, load_calibration

    text = (EXPERIMENTS / "calibration" / "tiny.toml").read_text()
    path = _write(tmp_path / "tiny.toml", text.replace('out = "tiny_out"', f'out = "{out}"'))
    with pytest.raises(CalibrationError, match="must name a folder inside"):
        load_calibration(path)
    ok = _write(tmp_path / "ok.toml", text.replace('out = "tiny_out"', 'out = "a/b"'))
    assert load_calibration(ok).out == (tmp_path / "a" / "b").resolve()


def test_sweep_plans_are_counted_before_they_are_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from experiments.sweepfile import SweepError, load_sweep

    grid = (
        'scenario = "baseline"\n[levers]\n'
        '"policies.mexico_southern_border.intensity" = { range = [0, 1], steps = 100 }\n'
        '"route_choice.sensitivity" = { range = [0.25, 1.0], steps = 100 }\n'
        '"enforcement.us_border" = { range = [0, 1], steps = 100 }\n'
        '"enforcement.darien" = { range = [0, 1], steps = STEPS }\n'
    )
    huge = _write(tmp_path / "huge.toml", grid.replace("STEPS", str(10**12)))
    with pytest.raises(SweepError, match="1,000,000,000,000,000,000 runs, more than the limit"):
        load_sweep(huge)  # counted, not built: 10^18 points would need exabytes
    small = _write(tmp_path / "small.toml", grid.replace("STEPS", "2").replace("100 }", "10 }"))
    with pytest.raises(SweepError, match="MIGMODEL_MAX_RUNS=2000"):
        monkeypatch.setenv("MIGMODEL_MAX_RUNS", "1000")
        load_sweep(small)
    monkeypatch.setenv("MIGMODEL_MAX_RUNS", "2000")
    assert len(load_sweep(small).plan.runs) == 2000
