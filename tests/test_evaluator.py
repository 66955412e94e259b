"""The one evaluator: the same results in this process and on real Dask clusters.

Every cluster here is real: a ``LocalCluster`` the evaluator starts (1 or 2 worker processes)
and one the test starts and hands over by its scheduler's address. The runs are short and
coarse (30 days, 1 agent = 5,000 people), so the file takes well under a minute of runs.
"""

from __future__ import annotations

import logging
import math
import socket
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

from experiments.evaluator import (
    ClusterError,
    Job,
    address_problem,
    evaluator,
    perform,
)
from experiments.fitting import TARGET_TABLES
from migmodel.cli import main
from migmodel.compare import outcomes
from migmodel.scenario import load_scenario

QUIET = Console(quiet=True)
SWEEPS = Path(__file__).resolve().parent.parent / "experiments" / "sweeps"


def jobs() -> list[Job]:
    """Two scenarios × two seeds, measured on the worker, and one run with only its targets'
    tables."""
    base = load_scenario("baseline").replace(days=30, people_per_agent=5000)
    tighter = base.replace(enforcement={**base["enforcement"], "mexico_interior": 0.05})
    made = [Job(s, seed, outcomes) for s in (base, tighter) for seed in (1, 2)]
    return [*made, Job(base, 3, tables=TARGET_TABLES)]


def same(a: list, b: list) -> None:
    """Assert two lists of measured results are identical, value for value."""
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        if isinstance(x, pd.Series):
            pd.testing.assert_series_equal(x, y, check_exact=True)
        else:  # the targets' tables only
            pd.testing.assert_frame_equal(x.daily, y.daily, check_exact=True)
            pd.testing.assert_frame_equal(x.encounters, y.encounters, check_exact=True)
            assert len(x.daily) and len(x.encounters)
            assert x.journeys.empty and x.stocks.empty and y.beliefs.empty


@pytest.fixture(scope="module")
def sequential() -> list:
    with evaluator(0, console=QUIET) as runner:
        assert runner.client is None and runner.workers == 1
        return runner.map(jobs())


def test_the_runs_differ_by_seed_and_scenario(sequential):
    totals = [s["departures"] for s in sequential[:4]]
    assert len(set(totals)) == 4  # else the comparisons below would prove little


@pytest.mark.parametrize("workers", [1, 2])
def test_a_local_cluster_gives_the_sequential_results_in_order(sequential, workers):
    with evaluator(workers, console=QUIET) as runner:
        assert runner.described == f"local cluster of {workers} worker{'s' * (workers > 1)}"
        assert runner.workers == workers
        same(runner.map(jobs()), sequential)
        if workers == 2:  # as they finish, then put back in order by index
            done = list(runner.as_finished(perform, jobs()))
            assert sorted(d.index for d in done) == list(range(len(sequential)))
            same([d.value for d in sorted(done)], sequential)
        assert runner.peak_memory_mb()  # one figure per worker


def test_a_scheduler_address_gives_the_sequential_results(sequential):
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster:
        address = cluster.scheduler_address
        with evaluator(scheduler=address, console=QUIET) as runner:
            assert runner.described == f"scheduler {address}"
            same(runner.map(jobs()), sequential)


@pytest.mark.parametrize("workers", [0, 2])
def test_a_failing_item_is_reported_and_the_others_go_on(workers):
    with evaluator(workers, console=QUIET) as runner:
        done = sorted(runner.as_finished(math.sqrt, [4.0, -1.0, 9.0]))
        assert [(d.index, d.value) for d in done] == [(0, 2.0), (1, None), (2, 3.0)]
        assert isinstance(done[1].error, ValueError) and done[0].error is None
        with pytest.raises(ValueError, match="math domain error"):
            runner.apply(math.sqrt, [4.0, -1.0])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("nonsense", "not a scheduler address (missing port number"),
        ("tcp://127.0.0.1:99999", "port 99999 is out of range"),
        ("tcp://127.0.0.1:{port}", "nothing listens on port {port} of 127.0.0.1"),
        ("foo://10.0.0.5:8786", "cannot connect (unknown address scheme 'foo'"),
    ],
)
def test_a_bad_scheduler_address_gets_one_clear_message(tmp_path, capsys, address, message):
    port = _free_port()
    address, message = address.format(port=port), message.format(port=port)
    with (
        pytest.raises(ClusterError, match=f"^--scheduler {address}: "),
        evaluator(scheduler=address, console=QUIET),
    ):
        pass
    sweep = SWEEPS / "enforcement_x_visas.toml"
    assert main(["sweep", str(sweep), "--out", str(tmp_path / "o"), "--scheduler", address]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "o" / "sweep.json").exists()  # a failed connection leaves no trace


def test_an_unknown_host_is_named():
    assert address_problem("tcp://no-such-host.invalid:8786") == (
        "no host named 'no-such-host.invalid' can be found"
    )
