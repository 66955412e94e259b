"""How fast the calibration's inference evaluates the model, on 1 and 2 Dask workers.

Each evaluation is what ABC-SMC runs for one particle (``experiments/inference.py``): the
historical scenario from its start (with spin-up) to the end of the fit window, at the
inference's scale (``[abc] people_per_agent``), measured against the in-sample targets.
Parameters are drawn from the priors. Prints evaluations per minute, the time 2,000 would
take, the workers' CPU seconds per evaluation and the load average before and after.

    .venv/bin/python scripts/bench_inference.py [--evaluations 40] [--calibration FILE]

Measured with ``--evaluations 60`` on the idle 2-core machine (load average below 2), four
runs: 33.0-37.3 evaluations a minute on 1 worker (1.62-1.81 CPU s each) and 65.8-68.7 on 2
(1.65-1.73 CPU s each), 2,000 in 29.1-30.4 min; at cec4408, 25.7 and 47.6 (42 min). The target,
2,000 in 30 min (67 a minute on 2 workers), was met in one run of four and missed by 0.6-1.3% in
the others (``experiments/calibration/README.md``, Speed).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from functools import partial
from pathlib import Path

import numpy as np
from rich.console import Console

from experiments.calibration_file import load_calibration
from experiments.evaluator import evaluator
from experiments.inference import _in_sample, _simulate
from experiments.observed import observed
from migmodel.inputs import read_toml

ROOT = Path(__file__).resolve().parent.parent
CALIBRATION = ROOT / "experiments" / "calibration" / "historical.toml"


def main() -> None:
    """Time the evaluations on 1 and 2 workers and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--evaluations", type=int, default=40)
    parser.add_argument("--calibration", type=Path, default=CALIBRATION)
    args = parser.parse_args()
    calibration = load_calibration(args.calibration)
    coefficients = read_toml(calibration.out / "parameters.toml")["drivers_model"]
    rng = np.random.default_rng(1)
    names = list(calibration.priors)
    samples = [
        {f"p{i}": rng.uniform(*calibration.priors[n]) for i, n in enumerate(names)}
        for _ in range(args.evaluations)
    ]
    keys = _in_sample(calibration, observed())
    print(
        f"{args.evaluations} evaluations of {calibration.name}: "
        f"{calibration.base.start} – {calibration.run_until} plus "
        f"{calibration.base['spinup_days']} days' spin-up, "
        f"{calibration.abc.people_per_agent:,} people per agent"
    )
    with tempfile.TemporaryDirectory() as tmp:
        drivers = calibration.write_drivers(coefficients, Path(tmp) / "push.csv")
        model = partial(_simulate, calibration=calibration, drivers=drivers, keys=keys, names=names)
        for workers in (1, 2):
            with evaluator(workers, console=Console(stderr=True)) as runner:  # as calibrate's
                runner.apply(model, samples[:workers])  # warm up
                load = os.getloadavg()[0]
                cpu = runner.client.run(time.process_time)
                start = time.perf_counter()
                runner.apply(model, samples)
                seconds = time.perf_counter() - start
                cpu = sum(t - cpu[w] for w, t in runner.client.run(time.process_time).items())
            rate = args.evaluations / seconds * 60
            print(
                f"{workers} worker{'s' if workers > 1 else ''}: {rate:.1f} evaluations a minute "
                f"({seconds / args.evaluations:.2f} s each); 2,000 would take "
                f"{2000 / rate:.0f} min; {cpu / args.evaluations:.2f} CPU s per evaluation "
                f"(load {load:.2f} before, {os.getloadavg()[0]:.2f} after)"
            )


if __name__ == "__main__":
    main()
