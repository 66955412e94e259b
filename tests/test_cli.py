"""The ``migmodel`` command end to end, as a user runs it (a real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd

from migmodel import Results, load_scenario, run


def migmodel(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "migmodel", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_run_writes_parquet_that_reads_back_equal(tmp_path):
    out = tmp_path / "res"
    done = migmodel("run", "baseline", "--seed", "3", "--days", "60", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "us encounters" in done.stdout and "northern triangle" in done.stdout
    back = Results.from_parquet(out)
    again = run(load_scenario("baseline").replace(days=60), seed=3)
    pd.testing.assert_frame_equal(back.daily, again.daily)
    pd.testing.assert_frame_equal(back.journeys, again.journeys)
    pd.testing.assert_frame_equal(back.encounters, again.encounters)
    assert back.seed == 3 and back.scenario.values == again.scenario.values
    meta = json.loads((out / "run.json").read_text())
    assert meta["scenario"]["name"] == "baseline" and "migmodel_version" in meta


def test_run_refuses_to_overwrite_results(tmp_path):
    out = tmp_path / "res"
    assert migmodel("run", "baseline", "--days", "5", "--out", str(out), "--quiet").returncode == 0
    before = (out / "daily.parquet").read_bytes()
    done = migmodel("run", "baseline", "--days", "7", "--out", str(out), "--quiet")
    assert done.returncode == 1
    assert "already holds results; pass --overwrite" in done.stderr
    assert (out / "daily.parquet").read_bytes() == before


def test_validate_good_and_broken(tmp_path):
    ok = migmodel("validate", "baseline")
    assert ok.returncode == 0 and "valid" in ok.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "baseline"\n[enforcement]\nmexico_south = 7\n')
    done = migmodel("validate", str(bad))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "mexico_south = 7" in lines[0] and "Traceback" not in done.stderr


def test_validate_reports_a_broken_network(tmp_path):
    net = tmp_path / "net"
    net.mkdir()
    from geo import DATA_DIR

    for f in ("nodes.csv", "edges.csv"):
        (net / f).write_text((DATA_DIR / f).read_text())
    edges = pd.read_csv(net / "edges.csv", dtype=str, keep_default_na=False)
    edges.loc[4, "target"] = "atlantis"
    edges.to_csv(net / "edges.csv", index=False)
    scen = tmp_path / "s.toml"
    scen.write_text('extends = "baseline"\nnetwork = "net"\n')
    done = migmodel("validate", str(scen))
    assert done.returncode == 1
    assert "edges.csv row 6" in done.stderr and "atlantis" in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_flag_is_one_message():
    done = migmodel("run", "baseline", "--days", "-3")
    assert done.returncode == 2 and "must be at least 1" in done.stderr
    assert "Traceback" not in done.stderr


def test_bench_prints_one_json_line():
    done = migmodel("bench", "--agents", "2000", "--days", "30", "--json")
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["agents"] == 2000 and figures["days"] == 30
    assert figures["agent_days_per_s"] > 0 and figures["peak_rss_mb"] > 0
    assert figures["seconds"] > 0
