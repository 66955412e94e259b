"""Ctrl-C on a sweep: a real SIGINT to the whole process group (as a terminal sends it).

The command prints one line and exits 130; no traceback from the Dask workers; the runs
finished before the interrupt are kept, and ``--resume`` skips them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq

RUNS = 36  # 3 points × 12 seeds
SWEEP = """
name = "interrupted"
scenario = "baseline"
seeds = 12
[base]
days = 120
people_per_agent = 4000
[levers]
"policies.mexico_southern_border.intensity" = [0, 0.5, 1]
[outcomes]
summaries = ["us_encounters"]
"""


def _finished(out: Path) -> int:
    files = list((out / "runs").glob("status=ok/*.parquet"))
    return sum(pq.read_metadata(f).num_rows for f in files)


def test_ctrl_c_on_a_sweep_prints_one_line_and_keeps_finished_runs(tmp_path: Path) -> None:
    (tmp_path / "s.toml").write_text(SWEEP)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "migmodel", "sweep", "s.toml", "--out", "out", "--quiet"]
    process = subprocess.Popen(
        [*command, "--workers", "1"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        if (out / "runs").is_dir() and _finished(out) >= 1:
            break
        time.sleep(0.5)
    assert process.poll() is None, process.communicate()  # runs long enough to be caught
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130
    assert err.strip().splitlines() == ["interrupted: work finished so far is kept"]
    kept = _finished(out)
    assert 1 <= kept < RUNS
    done = subprocess.run(
        [*command, "--resume", "--workers", "1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert f"{RUNS - kept} ran" in done.stderr or f"{kept} skipped" in done.stderr
    assert _finished(out) == RUNS
    assert f"{kept} already done" in done.stderr or _finished(out) == RUNS
