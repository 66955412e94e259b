"""One way to run the model many times: in this process, or on a Dask cluster.

Sweeps (:mod:`experiments.sweep`), the calibration (:mod:`experiments.calibrate`: the drivers
fit's rounds and the inference's ``pyabc`` sampler) and the validation report
(:mod:`experiments.validation`) hand their runs to an :class:`Evaluator`, opened by
:func:`evaluator` in one of three ways:

* ``workers=0``: in this process, one run after another;
* ``workers=N`` (default one per CPU): a new local cluster of N worker processes, one thread
  each (the model holds Python's GIL, so threads would not run runs in parallel);
* ``scheduler=ADDRESS``: an existing cluster (its workers need migmodel installed).

A :class:`Job` is a scenario (its posterior draw included: :attr:`Scenario.draw`) and a seed,
and optionally a measure applied to the run's results on the worker, so that only what the
caller needs comes back. :meth:`Evaluator.map` returns the results in the jobs' order;
:meth:`Evaluator.as_finished` yields each as it finishes, for callers that record runs at
once. A run depends only on its scenario and seed, so the results are the same in this
process, on one worker or on many, on a local cluster or on a remote one.

A script that opens a local cluster must guard its work with ``if __name__ == "__main__":``
(the worker processes import the script).
"""

from __future__ import annotations

import contextlib
import logging
import os
import resource
import socket
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from rich.console import Console

from migmodel.inputs import ScenarioError
from migmodel.results import TABLES, Results
from migmodel.scenario import Scenario
from migmodel.simulate import __version__, run

CONNECT_TIMEOUT = "20s"
"""How long to try to reach an existing cluster's scheduler."""
PROBE_SECONDS = 10
"""How long to wait for a TCP answer at the scheduler's address before trying Dask."""
DASHBOARD_ENV = "MIGMODEL_DASHBOARD"
"""Where the local cluster's Dask dashboard listens: unset for 127.0.0.1 on a free port,
``off`` for none, or an address such as ``0.0.0.0:8787`` to let other machines see it (it has
no authentication: only on a trusted network)."""


class ClusterError(ScenarioError):
    """The cluster asked for cannot be used; the message is for the user."""


@dataclass(frozen=True)
class Job:
    """One run: a scenario and a seed, and what of its results to bring back.

    Attributes:
        scenario: the scenario (a calibration's posterior draw is part of it).
        seed: the run's seed.
        measure: applied to the run's :class:`Results` where it ran (a module-level function,
            so that it can be sent to a worker); ``None`` brings the results back whole.
        tables: the tables of the results to build (:func:`migmodel.run`'s ``tables``).
    """

    scenario: Scenario
    seed: int
    measure: Callable[[Results], Any] | None = None
    tables: tuple[str, ...] = TABLES


def perform(job: Job) -> Any:
    """Run one job (in this process or on a worker) and return its measured results."""
    results = run(job.scenario, job.seed, tables=job.tables)
    return results if job.measure is None else job.measure(results)


class Finished(NamedTuple):
    """One item done by :meth:`Evaluator.as_finished`: its index, and its value or error."""

    index: int
    value: Any
    error: BaseException | None


class Evaluator:
    """Runs jobs in this process (``client`` None) or on the Dask cluster of ``client``."""

    def __init__(self, client: Any | None, described: str) -> None:
        """Wrap a Dask client, or none for this process; ``described`` names where for people."""
        self.client = client
        self.described = described

    @property
    def workers(self) -> int:
        """Return the number of workers (1 in this process)."""
        if self.client is None:
            return 1
        return len(self.client.scheduler_info(n_workers=-1)["workers"])

    def map(self, jobs: Sequence[Job]) -> list[Any]:
        """Run the jobs; return their measured results in the jobs' order.

        Raises:
            Exception: the first job that failed, as it was raised.
        """
        return self.apply(perform, jobs)

    def apply(self, function: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        """Return ``[function(item) for item in items]``, computed where the jobs run."""
        if self.client is None:
            return [function(item) for item in items]
        return self.client.gather(self.client.map(function, list(items), pure=False))

    def as_finished(
        self,
        function: Callable[[Any], Any],
        items: Sequence[Any],
        keys: Sequence[str] | None = None,
    ) -> Iterator[Finished]:
        """Yield ``function(item)`` for each item as it finishes (in any order on a cluster).

        A failing item (or one whose worker died) yields its error instead of a value; the
        others go on. ``keys`` name the Dask tasks (unique; default: random).
        """
        if self.client is None:
            for index, item in enumerate(items):
                try:
                    value = function(item)
                except Exception as err:
                    yield Finished(index, None, err)
                else:
                    yield Finished(index, value, None)
            return
        from distributed import as_completed

        names = list(keys) if keys is not None else [None] * len(items)
        pending: dict[str, int] = {}
        futures = []
        for index, (item, key) in enumerate(zip(items, names, strict=True)):
            future = self.client.submit(function, item, key=key, pure=False)
            pending[future.key] = index
            futures.append(future)
        for future in as_completed(futures):
            index = pending.pop(future.key)
            try:
                value, error = future.result(), None
            except Exception as err:  # the item raised, or its worker died
                value, error = None, err
            future.release()
            yield Finished(index, value, error)

    def warm_up(self) -> None:
        """Have every worker import migmodel now, so that the first runs' clock is fair."""
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.run(_worker_info)

    def peak_memory_mb(self) -> dict[str, float]:
        """Return each worker's peak resident memory in MB (empty if it cannot be had)."""
        if self.client is None:
            return {"this process": round(_peak_memory_mb(), 1)}
        with contextlib.suppress(Exception):  # a figure for the record, never a failure
            peaks = self.client.run(_peak_memory_mb)
            return {str(k): round(v, 1) for k, v in sorted(peaks.items())}
        return {}


@contextlib.contextmanager
def evaluator(
    workers: int | None = None, scheduler: str | None = None, console: Console | None = None
) -> Iterator[Evaluator]:
    """Yield an evaluator: in this process (``workers=0``), on a local cluster or a scheduler.

    Args:
        workers: 0 for this process; else local worker processes (default: one per CPU).
        scheduler: the address of a running Dask scheduler (``workers`` is then ignored).
        console: where notes about the cluster's workers are printed (default: stderr).

    Raises:
        ClusterError: the scheduler cannot be reached, or its workers cannot run migmodel.
    """
    if scheduler is None and workers == 0:
        yield Evaluator(None, "this process (one run after another)")
        return
    with dask_client(workers, scheduler, console or Console(stderr=True)) as (client, how):
        yield Evaluator(client, how)


def dashboard_address() -> str | None:
    """Return the local cluster's dashboard address from :data:`DASHBOARD_ENV`."""
    value = os.environ.get(DASHBOARD_ENV, "").strip()
    if value.lower() in ("off", "none", "no", "0"):
        return None
    return value or "127.0.0.1:0"  # this machine only, any free port


@contextlib.contextmanager
def dask_client(workers: int | None, scheduler: str | None, console: Console) -> Iterator[tuple]:
    """Yield a Dask client on a new local cluster or on the scheduler at ``scheduler``.

    Yields:
        The client and a description of the cluster (``local cluster of 2 workers``).
    """
    if scheduler is not None:
        with _remote_client(scheduler) as client:
            _check_workers(client, scheduler, console)
            yield client, f"scheduler {scheduler}"
        return
    import dask
    from distributed import Client, LocalCluster

    n = workers or os.cpu_count() or 1
    with (
        # Dask sets MALLOC_TRIM_THRESHOLD_ in workers to hand freed memory back at once; for
        # runs that allocate and free large arrays that costs 15-20% of the run time in page
        # faults, so the local workers keep glibc's adaptive default. Each worker's statistical
        # profiler samples its stack every 10 ms, which costs runs 7% (scripts/bench_inference):
        # every 100 ms keeps the dashboard's profile at a tenth of the cost.
        dask.config.set(
            {
                "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                "distributed.worker.profile.interval": "100ms",
            }
        ),
        _interrupt_ignored(),  # by the workers started here: Ctrl-C is this process's to handle
    ):
        cluster = LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",  # scheduler and workers reachable from this machine only
            dashboard_address=dashboard_address() or "127.0.0.1:0",
            scheduler_kwargs={"dashboard": dashboard_address() is not None},
            silence_logs=logging.ERROR,
        )
    with cluster, Client(cluster) as client:
        try:
            yield client, f"local cluster of {n} worker{'s' if n > 1 else ''}"
        except KeyboardInterrupt:  # shut down quietly: one line from the command, no logs
            for name in ("distributed", "tornado", "asyncio"):
                logging.getLogger(name).setLevel(logging.CRITICAL + 1)
            raise


@contextlib.contextmanager
def _remote_client(address: str) -> Iterator[Any]:
    """Yield a client connected to the scheduler at ``address``, or say what is wrong."""
    from distributed import Client

    problem = address_problem(address)
    if problem is None:
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError, TypeError) as err:
            problem = f"cannot connect ({err})"
    if problem is not None:
        raise ClusterError(f"--scheduler {address}: {problem}")
    with client:
        yield client


def address_problem(address: str) -> str | None:
    """Return what is wrong with a scheduler's address, or None if a TCP port answers there.

    Checked before Dask tries (which would wait its whole timeout and then print a traceback
    while closing its half-made client): the form of the address, the host's name, the port.
    """
    from distributed.comm.addressing import parse_address, parse_host_port

    example = "give one such as tcp://10.0.0.5:8786"
    try:
        scheme, location = parse_address(address)
        if scheme not in ("tcp", "tls"):
            return None  # other transports: Dask's own connection says what is wrong
        host, port = parse_host_port(location)
    except ValueError as err:
        return f"not a scheduler address ({err}); {example}"
    if not 0 < int(port) < 65536:
        return f"port {port} is out of range (1–65535); {example}"
    try:
        with socket.create_connection((host, int(port)), timeout=PROBE_SECONDS):
            return None
    except socket.gaierror:
        return f"no host named {host!r} can be found"
    except ConnectionRefusedError:
        return f"nothing listens on port {port} of {host} (connection refused)"
    except TimeoutError:
        return f"{host}:{port} does not answer within {PROBE_SECONDS} s"
    except OSError as err:
        return f"cannot reach {host}:{port} ({err.strerror or err})"


@contextlib.contextmanager
def _interrupt_ignored() -> Iterator[None]:
    """Ignore SIGINT while child processes start (they inherit it), then restore it."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _check_workers(client: Any, address: str, console: Console) -> None:
    """Check the cluster's workers can run migmodel; say so if there are none yet."""
    try:
        info = client.run(_worker_info)
    except Exception as err:
        raise ClusterError(
            f"--scheduler {address}: the workers cannot run migmodel ({type(err).__name__}: "
            f"{err}); install migmodel {__version__} in the workers' environment"
        ) from None
    if not info:
        console.print(f"no workers at {address} yet: the runs wait until some join")
    versions = sorted({v["version"] for v in info.values()})
    if versions and versions != [__version__]:
        console.print(
            f"[yellow]note:[/] workers run migmodel {', '.join(versions)}, "
            f"this machine {__version__}"
        )
    if any(v["threads"] > 1 for v in info.values()):
        console.print(
            "[yellow]note:[/] some workers have several threads; the model holds the GIL, so "
            "runs in one worker do not run in parallel: prefer --nthreads 1 and more workers"
        )


def _worker_info(dask_worker: Any = None) -> dict[str, Any]:
    """Return what the client checks about a worker (``client.run`` passes the worker)."""
    threads = dask_worker.state.nthreads if dask_worker is not None else 1
    return {"version": __version__, "threads": threads}


def _peak_memory_mb() -> float:
    """Return this process's peak resident memory in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_name() -> str:
    """Return the Dask worker's address, or this process's id when not on a worker."""
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):  # not on a Dask worker
        return f"pid {os.getpid()}"
