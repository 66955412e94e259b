"""Run a sweep on Dask: every point × seed through :func:`migmodel.run`, each run recorded at once.

The runs go to an evaluator (:mod:`experiments.evaluator`): a local cluster (``workers``
processes on this machine, one thread each: the model holds Python's GIL, so threads would not
run in parallel) or an existing cluster given its scheduler's address. Each run is one Dask
task; the client writes each result to the folder's Parquet dataset as soon as it arrives
(:mod:`experiments.dataset`), so a sweep stopped at any moment keeps every finished run, and
``resume`` runs only the missing ones. Seeds come from the sweep file alone, never from time
or from which worker ran what, so the results do not depend on the number of workers or on
the cluster.

A run that raises is recorded with its error (``status=failed``) and the sweep goes on.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import traceback
from collections.abc import Callable
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
from experiments.evaluator import evaluator, worker_name
from experiments.sweep_plan import Run, Sweep, SweepError
from experiments.sweepfile import load_sweep
from migmodel.compare import outcomes
from migmodel.results import Results
from migmodel.scenario import Scenario
from migmodel.simulate import __version__, run


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
    row["worker"] = worker_name()
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
        SweepError: the sweep file or the folder is unfit.
        ClusterError: the cluster cannot be reached (:mod:`experiments.evaluator`).
    """
    console = console or Console(stderr=True)
    sweep = load_sweep(sweep_file)
    folder = _writable_folder(Path(out))
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


def _writable_folder(folder: Path) -> Path:
    """Return ``folder``, created if need be.

    Raises:
        SweepError: it is a file, or cannot be created or written in.
    """
    if folder.exists() and not folder.is_dir():
        raise SweepError(f"--out {folder} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise SweepError(f"--out {folder}: cannot create it ({err.strerror})") from None
    if not os.access(folder, os.W_OK):
        raise SweepError(f"--out {folder}: cannot write in it")
    return folder


def plan_table(sweep: Sweep) -> Table:
    """Return a table of a sweep's factors and the size of its design (``--check``)."""
    plan = sweep.plan
    table = Table(
        title=f"[bold]{sweep.name}[/]: {sweep.design.method} design, "
        f"{len(plan.unique)} points × {sweep.replicate_words()} = {len(plan.runs)} runs "
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
    schema = dataset.runs_schema(sweep)
    began = time.perf_counter()
    with evaluator(workers, scheduler, console) as runner:
        summary.cluster = runner.described
        summary.workers = runner.workers
        runner.warm_up()  # workers import migmodel before the clock starts
        summary.startup_seconds = time.perf_counter() - began
        start()
        with _progress(sweep.name, console, show) as bar:
            task_id = bar.add_task("sweep", total=len(todo), failed=0)
            started = time.perf_counter()
            key = sweep.fingerprint()
            tasks = [
                Task(
                    r,
                    sweep.scenario(r.values, r.draw),
                    sweep.summaries,
                    sweep.series,
                    sweep.frequency,
                )
                for r in todo
            ]
            keys = [f"migmodel-{key}-{r.run_id}" for r in todo]
            for done in runner.as_finished(execute, tasks, keys):
                r = todo[done.index]
                if done.error is None:
                    row, series = done.value
                else:  # the task itself was lost, e.g. its worker died
                    row, series = {**_row(r), **_failure(done.error), "finished": _now()}, None
                dataset.write_run(folder, schema, row, series)
                _count(summary, r, row)
                bar.update(task_id, advance=1, failed=summary.failed)
            summary.seconds = time.perf_counter() - started
        summary.worker_peak_mb = runner.peak_memory_mb()


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


def _count(summary: Summary, r: Run, row: dict[str, Any]) -> None:
    """Count a finished run as ok or failed, keeping the first five errors."""
    summary.ran += 1
    if row.get("error") is None:
        summary.ok += 1
        return
    summary.failed += 1
    if len(summary.errors) < 5:
        summary.errors.append(f"{r.run_id} (seed {r.seed}): {row['error']}")


def _row(r: Run) -> dict[str, Any]:
    return {
        "run_id": r.run_id,
        "point": r.point,
        "replicate": r.replicate,
        "seed": r.seed,
        **({"draw": r.draw} if r.draw else {}),
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


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
