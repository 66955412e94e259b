"""Run a sweep on Dask: every point × seed through :func:`migmodel.run`, each run recorded at once.

The same code runs on a local cluster (``workers`` processes on this machine, one thread each:
the model holds Python's GIL, so threads would not run in parallel) and on an existing
cluster given its scheduler's address. Each run is one Dask task; the client writes each
result to the folder's Parquet dataset as soon as it arrives (:mod:`experiments.dataset`),
so a sweep stopped at any moment keeps every finished run, and ``resume`` runs only the
missing ones. Seeds come from the sweep file alone, never from time or from which worker ran
what, so the results do not depend on the number of workers or on the cluster.

A run that raises is recorded with its error (``status=failed``) and the sweep goes on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import resource
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from experiments import dataset
from experiments.sweep_plan import Run, Sweep, SweepError
from experiments.sweepfile import load_sweep
from migmodel.compare import outcomes
from migmodel.results import Results
from migmodel.scenario import Scenario
from migmodel.simulate import __version__, run

CONNECT_TIMEOUT = "20s"
"""How long to try to reach an existing cluster's scheduler."""


@dataclass(frozen=True)
class Task:
    """What a worker needs for one run: the scenario, the seed and what to record."""

    run: Run
    scenario: Scenario
    summaries: tuple[str, ...]
    series: tuple[str, ...]
    frequency: str


@dataclass
class Summary:
    """What a sweep session did, for the closing message and ``sessions.jsonl``."""

    sweep: str
    total: int
    skipped: int
    ran: int = 0
    ok: int = 0
    failed: int = 0
    workers: int = 0
    cluster: str = ""
    seconds: float = 0.0
    startup_seconds: float = 0.0
    worker_peak_mb: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def runs_per_minute(self) -> float:
        """Runs finished per minute, from the first submission to the last result."""
        return 60 * self.ran / self.seconds if self.seconds > 0 else float("nan")

    def lines(self, out: Path) -> list[str]:
        """Return the closing message: what ran, failed and was skipped; speed; memory."""
        lines = [
            f"{self.sweep}: {self.total} runs: {self.ran} ran ({self.ok} ok, {self.failed} "
            f"failed), {self.skipped} skipped (already in {out})"
        ]
        if self.ran:
            peaks = list(self.worker_peak_mb.values())
            memory = f"; peak memory per worker {min(peaks):,.0f}–{max(peaks):,.0f} MB"
            lines.append(
                f"{self.seconds:.1f} s on a {self.cluster} ({self.runs_per_minute:.1f} runs/min "
                f"after {self.startup_seconds:.1f} s to start){memory if peaks else ''}"
            )
        lines += [f"[red]failed[/] {error}" for error in self.errors]
        if self.failed > len(self.errors):
            lines.append(f"... and {self.failed - len(self.errors)} more failed runs")
        lines.append(f"results: {out / 'runs'}")
        return lines


def execute(task: Task) -> tuple[dict[str, Any], pd.DataFrame | None]:
    """Run one task (on a worker) and return its row and time series.

    Never raises for a failing run: the row then holds the error and its traceback.
    """
    started = time.perf_counter()
    row = _row(task.run)
    series = None
    try:
        results = run(task.scenario, task.run.seed)
        summary = outcomes(results)
        row.update({name: float(summary[name]) for name in task.summaries})
        if task.series:
            series = _series(results, task.run.run_id, task.series, task.frequency)
    except Exception as err:
        row.update(_failure(err))
        row["traceback"] = traceback.format_exc()
    row["seconds"] = time.perf_counter() - started
    row["worker"] = _worker_name()
    row["finished"] = _now()
    return row, series


def run_sweep(
    sweep_file: str | Path,
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    retry_failed: bool = False,
    console: Console | None = None,
    progress: bool = True,
) -> Summary:
    """Run a sweep file's runs on Dask and record each in ``out`` as it finishes.

    Args:
        sweep_file: the sweep file (TOML).
        out: the results folder (see :mod:`experiments.dataset`).
        workers: start a local cluster of this many worker processes (default: one per CPU).
        scheduler: connect to an existing cluster's scheduler at this address instead.
        resume: continue a sweep already in ``out``: skip the runs it holds.
        retry_failed: with ``resume``, run again the runs recorded as failed.
        console: where to draw the progress bar and messages (default: stderr).
        progress: draw a progress bar.

    Returns:
        What the session did.

    Raises:
        SweepError: the sweep file or the folder is unfit, or the cluster cannot be reached.
    """
    console = console or Console(stderr=True)
    sweep = load_sweep(sweep_file)
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise SweepError(f"--out {folder} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise SweepError(f"--out {folder}: cannot create it ({err.strerror})") from None
    if not os.access(folder, os.W_OK):
        raise SweepError(f"--out {folder}: cannot write in it")
    with dataset.locked(folder):
        existing = dataset.check_folder(folder, sweep, resume or retry_failed)
        done = dataset.recorded(folder)
        if retry_failed:
            done = {k: v for k, v in done.items() if v == "ok"}
        runs = sweep.plan.runs
        todo = [r for r in runs if r.run_id not in done]
        summary = Summary(sweep.name, total=len(runs), skipped=len(runs) - len(todo))

        def start() -> None:  # once the cluster answers: a failed connection leaves no trace
            if not existing:
                text = Path(sweep_file).read_text(encoding="utf-8")
                dataset.start_folder(folder, sweep, text, str(sweep_file))

        if todo:
            _run_all(sweep, todo, folder, summary, workers, scheduler, console, progress, start)
        entry = {**asdict(summary), "runs_per_minute": summary.runs_per_minute}
        dataset.log_session(folder, entry)
    return summary


def plan_table(sweep: Sweep) -> Table:
    """Return a table of a sweep's factors and the size of its design (``--check``)."""
    plan = sweep.plan
    table = Table(
        title=f"[bold]{sweep.name}[/]: {sweep.design.method} design, "
        f"{len(plan.unique)} points × {len(sweep.seeds)} seeds = {len(plan.runs)} runs "
        f"on {sweep.base.name} ({sweep.base.days} days, 1 agent = "
        f"{sweep.base.people_per_agent:g} people)",
        title_justify="left",
    )
    table.add_column("factor", no_wrap=True)
    for column in ("kind", "values", "unit", "help"):
        table.add_column(column, overflow="fold")
    for f in sweep.factors:
        table.add_row(f.name, f.kind, f.describe(), f.number.unit, f.number.help)
    return table


def _run_all(
    sweep: Sweep,
    todo: list[Run],
    folder: Path,
    summary: Summary,
    workers: int | None,
    scheduler: str | None,
    console: Console,
    show: bool,
    start: Callable[[], None],
) -> None:
    """Run ``todo`` on a Dask cluster, recording each run in ``folder`` as it finishes."""
    from distributed import as_completed

    schema = dataset.runs_schema(sweep)
    began = time.perf_counter()
    with dask_client(workers, scheduler, console) as (client, described):
        summary.cluster = described
        summary.workers = len(client.scheduler_info(n_workers=-1)["workers"])
        with contextlib.suppress(Exception):  # workers import migmodel before the clock starts
            client.run(_worker_info)
        summary.startup_seconds = time.perf_counter() - began
        start()
        with _progress(sweep.name, console, show) as bar:
            task_id = bar.add_task("sweep", total=len(todo), failed=0)
            started = time.perf_counter()
            pending = _submit(client, sweep, todo)
            for future in as_completed([f for _, f in pending.values()]):
                r, _ = pending.pop(future.key)
                try:
                    row, series = future.result()
                except Exception as err:  # the task itself was lost, e.g. its worker died
                    row, series = {**_row(r), **_failure(err), "finished": _now()}, None
                future.release()
                dataset.write_run(folder, schema, row, series)
                _count(summary, r, row)
                bar.update(task_id, advance=1, failed=summary.failed)
            summary.seconds = time.perf_counter() - started
        with contextlib.suppress(Exception):  # a figure for the record, never a failure
            peaks = client.run(_peak_memory_mb)
            summary.worker_peak_mb = {str(k): round(v, 1) for k, v in sorted(peaks.items())}


def _progress(name: str, console: Console, show: bool) -> Progress:
    """The sweep's progress bar: runs done and failed, time spent and left."""
    return Progress(
        TextColumn(f"[bold]{name}[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs, {task.fields[failed]} failed"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=console,
        disable=not show,
    )


def _submit(client: Any, sweep: Sweep, todo: list[Run]) -> dict[str, tuple[Run, Any]]:
    """Submit one task per run; return the run and future of each, by the future's key."""
    key = sweep.fingerprint()
    pending = {}
    for r in todo:
        task = Task(r, sweep.scenario(r.values), sweep.summaries, sweep.series, sweep.frequency)
        future = client.submit(execute, task, key=f"migmodel-{key}-{r.run_id}", pure=False)
        pending[future.key] = (r, future)
    return pending


def _count(summary: Summary, r: Run, row: dict[str, Any]) -> None:
    """Count a finished run as ok or failed, keeping the first five errors."""
    summary.ran += 1
    if row.get("error") is None:
        summary.ok += 1
        return
    summary.failed += 1
    if len(summary.errors) < 5:
        summary.errors.append(f"{r.run_id} (seed {r.seed}): {row['error']}")


DASHBOARD_ENV = "MIGMODEL_DASHBOARD"
"""Where the local cluster's Dask dashboard listens: unset for 127.0.0.1 on a free port,
``off`` for none, or an address such as ``0.0.0.0:8787`` to let other machines see it (it has
no authentication: only on a trusted network)."""


def dashboard_address() -> str | None:
    """Return the local cluster's dashboard address from :data:`DASHBOARD_ENV`."""
    value = os.environ.get(DASHBOARD_ENV, "").strip()
    if value.lower() in ("off", "none", "no", "0"):
        return None
    return value or "127.0.0.1:0"  # this machine only, any free port


@contextlib.contextmanager
def dask_client(workers: int | None, scheduler: str | None, console: Console) -> Iterator[tuple]:
    """Yield a Dask client on a new local cluster or on the scheduler at ``scheduler``."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError, TypeError) as err:
            raise SweepError(f"--scheduler {scheduler}: cannot connect ({err})") from None
        with client:
            _check_workers(client, scheduler, console)
            yield client, f"scheduler {scheduler}"
        return
    n = workers or os.cpu_count() or 1
    with (
        # Dask sets MALLOC_TRIM_THRESHOLD_ in workers to hand freed memory back at once; for
        # runs that allocate and free large arrays that costs 15-20% of the run time in page
        # faults, so the local workers keep glibc's adaptive default.
        dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}),
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
        raise SweepError(
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


def _row(r: Run) -> dict[str, Any]:
    return {
        "run_id": r.run_id,
        "point": r.point,
        "replicate": r.replicate,
        "seed": r.seed,
        **r.values,
        "seconds": np.nan,
        "worker": "",
        "migmodel_version": __version__,
        "error": None,
        "traceback": None,
    }


def _failure(err: BaseException) -> dict[str, Any]:
    message = str(err).strip().splitlines()
    return {"error": f"{type(err).__name__}: {message[0] if message else ''}".rstrip(": ")}


def _series(
    results: Results, run_id: str, measures: tuple[str, ...], frequency: str
) -> pd.DataFrame:
    table = results.monthly() if frequency == "month" else results.fiscal_years()
    out = table[[frequency, "flow_pattern", *measures]].astype({m: float for m in measures})
    out["flow_pattern"] = out["flow_pattern"].astype(str)
    out.insert(0, "run_id", run_id)
    return out


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):  # not on a Dask worker
        return f"pid {os.getpid()}"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
