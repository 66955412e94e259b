"""``migmodel sweep`` end to end: real Dask clusters, a real SIGKILL, a real scheduler.

Every sweep here is a real ``migmodel sweep`` subprocess on a real Dask cluster (a
``LocalCluster``, or a scheduler and a worker started by the test on 127.0.0.1). The runs are
short (60 days, 1 agent = 1,000 people) so the file takes well under two minutes.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from experiments.dataset import read_runs, read_series
from experiments.sweepfile import load_sweep
from migmodel.cli import main
from migmodel.compare import outcomes
from migmodel.registry import ENTRY_POINT_GROUP
from migmodel.simulate import run

SWEEP = """
name = "tiny"
description = "Two levers on a short, coarse FY2022"
scenario = "baseline"
seeds = 6
[base]
days = 60
spinup_days = 30
people_per_agent = 1000
[levers]
"policies.mexico_southern_border.intensity" = [0, 1]
"policies.temporary_worker_visas.extra_visas_per_year" = [0, 400000]
[outcomes]
summaries = ["us_encounters", "mexico_apprehensions", "legal_entries", "deaths"]
series = ["us_encounters", "legal_entries"]
"""
RUNS = 2 * 2 * 6
TIMING = ["seconds", "worker", "finished"]  # how long and where: the only columns that may differ

FAILING_PLUGIN = '''
"""A policy that fails when asked to: a real failure inside a real run."""
from typing import ClassVar

from migmodel.inputs import Number
from migmodel.policy import Policy


class Fragile(Policy):
    """Raises during setup when ``fail`` is above one half (test plugin)."""

    name = "fragile"
    parameters: ClassVar = {"fail": Number(0, 0, 1, "0-1", "fail above 0.5")}

    def setup(self, model):
        if self.fail > 0.5:
            raise RuntimeError("deliberate failure for the sweep test")
'''


def migmodel(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "migmodel", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def table(folder: Path) -> pd.DataFrame:
    """The runs without their timing columns, in a fixed order."""
    runs = read_runs(folder).drop(columns=TIMING)
    return runs.sort_values("run_id").reset_index(drop=True)


def series(folder: Path) -> pd.DataFrame:
    data = read_series(folder)
    return data.sort_values(list(data.columns[:3])).reset_index(drop=True)


def run_files(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / "runs").rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def sweep_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sweep") / "tiny.toml"
    path.write_text(SWEEP)
    return path


@pytest.fixture(scope="module")
def reference(sweep_file, tmp_path_factory):
    """The uninterrupted sweep on a local cluster of 2 workers, progress bar forced on."""
    out = tmp_path_factory.mktemp("ref") / "tiny"
    tty = {"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1", "NO_COLOR": "1", "COLUMNS": "120"}
    done = migmodel("sweep", str(sweep_file), "--out", str(out), "--workers", "2", env=tty)
    return out, done


def test_a_small_sweep_end_to_end_on_a_local_cluster(reference, sweep_file):
    out, done = reference
    assert done.returncode == 0, done.stderr
    assert f"{RUNS}/{RUNS} runs, 0 failed" in done.stderr  # the progress bar
    assert f"tiny: {RUNS} runs: {RUNS} ran ({RUNS} ok, 0 failed), 0 skipped" in done.stderr
    assert "local cluster of 2 workers" in done.stderr and "peak memory per worker" in done.stderr
    sweep = load_sweep(sweep_file)
    runs = read_runs(out)
    assert sorted(runs["run_id"]) == sorted(r.run_id for r in sweep.plan.runs)
    assert (runs["status"] == "ok").all() and runs["error"].isna().all()
    assert runs["worker"].nunique() == 2  # both workers ran some
    # a run of the sweep is exactly migmodel.run on the scenario with the levers set
    last = sweep.plan.runs[-1]
    results = run(sweep.scenario(last.values), last.seed)
    row = runs.set_index("run_id").loc[last.run_id]
    expected = outcomes(results)[list(sweep.summaries)]
    assert row[list(sweep.summaries)].astype(float).equals(expected)
    assert row["legal_entries"] > 0 and row["policies.mexico_southern_border.intensity"] == 1
    monthly = results.monthly()
    mine = read_series(out).query("run_id == @last.run_id")
    assert mine["us_encounters"].tolist() == monthly["us_encounters"].astype(float).tolist()
    session = json.loads((out / "sessions.jsonl").read_text().splitlines()[-1])
    assert session["ran"] == RUNS and session["workers"] == 2
    # the analysis of a grid: tables by lever, a figure, the report
    analysed = migmodel("analyze", str(out))
    assert analysed.returncode == 0, analysed.stderr
    report = (out / "report.md").read_text()
    assert (
        "## Outcomes by lever" in report and "![Outcomes by lever](figures/by_lever.png)" in report
    )
    assert f"**Recorded**: {RUNS} ok, 0 failed, 0 not run yet" in report
    assert (out / "figures" / "by_lever.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "figures" / "series.png").is_file()
    by_point = pd.read_csv(out / "tables" / "by_point.csv")
    means = runs.groupby("point")["us_encounters"].mean()
    assert by_point["us_encounters"].to_numpy() == pytest.approx(means.to_numpy())
    assert (by_point["us_encounters.low"] <= by_point["us_encounters"]).all()


def test_one_and_two_workers_give_identical_results(reference, sweep_file, tmp_path):
    out = tmp_path / "one"
    done = migmodel("sweep", str(sweep_file), "--out", str(out), "--workers", "1", "--quiet")
    assert done.returncode == 0, done.stderr
    assert read_runs(out)["worker"].nunique() == 1
    pd.testing.assert_frame_equal(table(out), table(reference[0]))
    pd.testing.assert_frame_equal(series(out), series(reference[0]))


def test_a_sweep_killed_mid_run_resumes_with_every_run_once(reference, sweep_file, tmp_path):
    out = tmp_path / "killed"
    log = open(tmp_path / "log.txt", "w")  # closed below
    command = [sys.executable, "-m", "migmodel", "sweep", str(sweep_file), "--out", str(out)]
    process = subprocess.Popen([*command, "--workers", "1", "--quiet"], stdout=log, stderr=log)
    done_dir = out / "runs" / "status=ok"
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and process.poll() is None:
            if done_dir.is_dir() and len(list(done_dir.glob("*.parquet"))) >= 5:
                break
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=60) == -signal.SIGKILL  # killed, not finished
    finally:
        log.close()
    before = run_files(out)
    assert 5 <= len(before) < RUNS, before
    for path in done_dir.glob("*.parquet"):  # every file that counts is whole
        assert pq.read_table(path).num_rows == 1
    # without --resume the folder is refused and left as it is
    refused = migmodel("sweep", str(sweep_file), "--out", str(out), "--workers", "1")
    assert refused.returncode == 1 and "pass --resume" in refused.stderr
    assert "Traceback" not in refused.stderr and run_files(out) == before
    resumed = migmodel(
        "sweep", str(sweep_file), "--out", str(out), "--workers", "2", "--resume", "--quiet"
    )
    assert resumed.returncode == 0, resumed.stderr
    n = len(before)
    assert f"{RUNS - n} ran ({RUNS - n} ok, 0 failed), {n} skipped" in resumed.stderr
    assert len(run_files(out)) == RUNS and not list(out.rglob(".*.tmp"))
    pd.testing.assert_frame_equal(table(out), table(reference[0]))  # nothing lost or doubled
    pd.testing.assert_frame_equal(series(out), series(reference[0]))
    again = migmodel("sweep", str(sweep_file), "--out", str(out), "--resume", "--quiet")
    assert again.returncode == 0 and f"0 ran (0 ok, 0 failed), {RUNS} skipped" in again.stderr


def test_a_changed_sweep_file_is_refused_on_resume(reference, sweep_file, tmp_path, capsys):
    out = reference[0]
    before = run_files(out)
    changed = tmp_path / "tiny.toml"
    changed.write_text(SWEEP.replace("seeds = 6", "seeds = 7"))
    assert main(["sweep", str(changed), "--out", str(out), "--resume"]) == 1
    message = capsys.readouterr().err
    assert "holds a different sweep than this file describes (seeds: [0, 1, 2, 3, 4, 5]" in message
    assert "choose another --out" in message
    assert run_files(out) == before


@pytest.fixture
def plugin_path(tmp_path: Path) -> Path:
    """A third-party policy package laid out as pip would: module + dist-info."""
    folder = tmp_path / "plugin"
    folder.mkdir()
    (folder / "fragile_pkg.py").write_text(FAILING_PLUGIN)
    info = folder / "fragile_pkg-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fragile-pkg\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nfragile = fragile_pkg:Fragile\n"
    )
    return folder


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(plugin_path, tmp_path):
    text = SWEEP.split("[levers]")[0].replace("seeds = 6", "seeds = 2")
    text += '[levers]\n"policies.fragile.fail" = [0, 1]\n[outcomes]\nsummaries = ["deaths"]\n'
    sweep_file = tmp_path / "fragile.toml"
    sweep_file.write_text(text)
    out = tmp_path / "out"
    env = {"PYTHONPATH": str(plugin_path)}  # the workers find the plugin as the client does
    done = migmodel("sweep", str(sweep_file), "--out", str(out), "--workers", "2", env=env)
    assert done.returncode == 0, done.stderr
    assert "4 runs: 4 ran (2 ok, 2 failed), 0 skipped" in done.stderr
    assert "RuntimeError: deliberate failure for the sweep test" in done.stderr
    runs = read_runs(out).set_index("policies.fragile.fail")
    failed, ok = runs.loc[[1.0]], runs.loc[[0.0]]
    assert (failed["status"] == "failed").all() and failed["deaths"].isna().all()
    assert (failed["error"] == "RuntimeError: deliberate failure for the sweep test").all()
    assert failed["traceback"].str.contains("in setup").all()
    assert (ok["status"] == "ok").all() and ok["error"].isna().all() and ok["deaths"].notna().all()
    retried = migmodel("sweep", str(sweep_file), "--out", str(out), "--retry-failed", env=env)
    assert retried.returncode == 0, retried.stderr
    assert "4 runs: 2 ran (0 ok, 2 failed), 2 skipped" in retried.stderr
    assert len(run_files(out)) == 4 and len(read_runs(out)) == 4  # recorded once each
    analysed = migmodel("analyze", str(out), "--report", str(tmp_path / "report"), env=env)
    assert analysed.returncode == 0, analysed.stderr
    report = (tmp_path / "report" / "report.md").read_text()
    assert "**Recorded**: 2 ok, 2 failed" in report
    assert "2 × `RuntimeError: deliberate failure for the sweep test`" in report


def test_a_sweep_on_a_scheduler_started_on_localhost(reference, sweep_file, tmp_path):
    dask = shutil.which("dask", path=str(Path(sys.executable).parent)) or "dask"
    info = tmp_path / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen(
        [dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
         "--scheduler-file", str(info)],
        **quiet,
    )  # fmt: skip
    worker = None
    try:
        deadline = time.monotonic() + 120
        while not info.exists() and time.monotonic() < deadline and scheduler.poll() is None:
            time.sleep(0.1)
        address = json.loads(info.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        worker = subprocess.Popen(
            [dask, "worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard"],
            **quiet,
        )
        out = tmp_path / "remote"
        done = migmodel("sweep", str(sweep_file), "--out", str(out), "--scheduler", address)
        assert done.returncode == 0, done.stderr
        assert f"{RUNS} ran ({RUNS} ok, 0 failed)" in done.stderr
        assert f"scheduler {address}" in done.stderr
        pd.testing.assert_frame_equal(table(out), table(reference[0]))
        pd.testing.assert_frame_equal(series(out), series(reference[0]))
    finally:
        for process in (worker, scheduler):
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sweep", "{dir}/nowhere.toml", "--out", "{dir}/o"], "nowhere.toml: no such sweep file"),
        (["sweep", "{file}"], "--out DIR is required"),
        (["sweep", "{file}", "--out", "{file}"], "is a file, not a folder"),
        (["sweep", "{file}", "--out", "{dir}/foreign"], "is not empty and holds no sweep"),
        (["analyze", "{dir}/missing"], "missing: no such folder"),
        (["analyze", "{dir}/foreign"], "holds no sweep (no sweep.json)"),
    ],
)
def test_bad_requests_get_one_message_and_touch_nothing(tmp_path, capsys, args, message):
    sweep_file = tmp_path / "tiny.toml"
    sweep_file.write_text(SWEEP)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    args = [a.format(dir=tmp_path, file=sweep_file) for a in args]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]  # not even a lock file
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"], "not allowed with argument"),
        (["--workers", "0"], "0 must be at least 1"),
    ],
)
def test_bad_flags_are_refused_by_the_parser(tmp_path, capsys, flags, message):
    with pytest.raises(SystemExit) as stop:
        main(["sweep", str(tmp_path / "s.toml"), "--out", str(tmp_path / "o"), *flags])
    assert stop.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_check_shows_the_plan_without_running(sweep_file, capsys):
    assert main(["sweep", str(sweep_file), "--check"]) == 0
    out = capsys.readouterr().out
    assert "grid design, 4 points × 6 seeds = 24 runs" in out
    assert "policies.mexico_southern_border.intensity" in out


def test_sweep_file_errors_reach_the_user_as_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(textwrap.dedent(SWEEP).replace("[0, 1]", "[0, 1.5]"))
    assert main(["sweep", str(bad), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: bad.toml: levers policies.mexico_southern_border.intensity")
    assert "1.5 is out of range: allowed 0 ≤ value ≤ 1" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "o").exists()
