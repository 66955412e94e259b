"""Measure how a sweep scales: runs per minute on 1 and 2 local workers, memory per worker.

Usage::

    .venv/bin/python scripts/sweep_scaling.py [SWEEP] [--repeats N]

Runs ``migmodel sweep SWEEP`` (default: the 100-run example grid) with ``--workers 1`` and
``--workers 2``, alternately, ``--repeats`` times each, into temporary folders, and prints one
line per session and a summary: runs per minute (from the first submission to the last
result, after the cluster has started), efficiency = rate(2) / (2 · rate(1)), peak memory per
worker, wall time of the whole command, and the CPU time *other* processes used meanwhile
(anything above a few percent means the figures are disturbed by other work on the machine).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def busy_seconds() -> float:
    """CPU seconds spent by the whole machine so far (user + system, all CPUs)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def session(sweep: Path, workers: int, folder: Path) -> dict:
    """Run one sweep session and return its figures."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    mine_before = children.ru_utime + children.ru_stime
    busy_before, started = busy_seconds(), time.perf_counter()
    command = [sys.executable, "-m", "migmodel", "sweep", str(sweep), "--out", str(folder)]
    subprocess.run([*command, "--workers", str(workers), "--quiet"], check=True, cwd=ROOT)
    wall = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    mine = children.ru_utime + children.ru_stime - mine_before
    other = max(0.0, busy_seconds() - busy_before - mine)
    entry = json.loads((folder / "sessions.jsonl").read_text().splitlines()[-1])
    return {
        "workers": workers,
        "runs": entry["ran"],
        "runs_per_minute": round(entry["runs_per_minute"], 1),
        "sweep_seconds": round(entry["seconds"], 1),
        "startup_seconds": round(entry["startup_seconds"], 1),
        "wall_seconds": round(wall, 1),
        "peak_mb_per_worker": sorted(entry["worker_peak_mb"].values()),
        "other_cpu_share": round(other / (wall * (os.cpu_count() or 1)), 3),
    }


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = ROOT / "experiments" / "sweeps" / "enforcement_x_visas.toml"
    parser.add_argument("sweep", nargs="?", type=Path, default=default)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeats):
            for workers in (1, 2):
                figures = session(args.sweep, workers, Path(tmp) / f"w{workers}-{i}")
                print(json.dumps(figures), flush=True)
                results.append(figures)
    rate = {
        w: statistics.median(r["runs_per_minute"] for r in results if r["workers"] == w)
        for w in (1, 2)
    }
    print(
        f"median runs/min: 1 worker {rate[1]:.1f}, 2 workers {rate[2]:.1f}; "
        f"efficiency {rate[2] / (2 * rate[1]):.1%}"
    )


if __name__ == "__main__":
    main()
