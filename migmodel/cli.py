"""The ``migmodel`` command: run, validate and benchmark scenarios from a terminal.

Examples::

    migmodel run baseline --seed 1 --out results/baseline-1
    migmodel validate my_scenario.toml
    migmodel policies
    migmodel compare baseline enforcement --seeds 10
    migmodel sweep experiments/sweeps/enforcement_x_visas.toml --out results/sweeps/grid
    migmodel analyze results/sweeps/grid
    migmodel bench --agents 20000 --days 100 --json

The commands and their arguments are declared in :mod:`migmodel.cli_parser`, the tables they
print in :mod:`migmodel.cli_tables`; this module does what each command asks.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from geo import NetworkError, load_network
from migmodel import cli_parser
from migmodel.cli_tables import (
    consequences,
    difference_table,
    parameter_table,
    policy_table,
    summary,
)
from migmodel.compare import compare_scenarios
from migmodel.model import MigrationModel
from migmodel.outputs import OutputError, check_folder, staged
from migmodel.patterns import NATIONALITIES
from migmodel.preflight import check_runnable
from migmodel.registry import available
from migmodel.results import TABLES
from migmodel.scenario import Scenario, ScenarioError, load_scenario
from migmodel.simulate import __version__, collect, run


class UserError(Exception):
    """A problem with what the user asked for; printed as one line, exit code 1."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    User errors print one line each (``--debug`` adds the traceback); Ctrl-C prints one line
    and returns 130.
    """
    parser = cli_parser.parser()
    args = parser.parse_args(argv)
    if getattr(args, "command", None) is None:  # `migmodel` alone: list the commands
        parser.print_help()
        return 0
    err = Console(stderr=True, highlight=False)
    try:
        return COMMANDS[args.command](args)
    except (ScenarioError, NetworkError, UserError, OutputError) as problem:
        if args.debug:
            err.print_exception()
        for line in getattr(problem, "problems", None) or [str(problem)]:
            err.print(f"[bold red]error:[/] {escape(line)}", soft_wrap=True)
        return 1
    except KeyboardInterrupt:
        if args.debug:
            err.print_exception()
        err.print("interrupted: work finished so far is kept", soft_wrap=True)
        return 130


def _load(args: argparse.Namespace, name: str | None = None) -> Scenario:
    scenario = load_scenario(name or args.scenario)
    changes = {}
    if getattr(args, "days", None):
        changes["days"] = args.days
    if getattr(args, "people_per_agent", None):
        changes["people_per_agent"] = args.people_per_agent
    return scenario.replace(**changes) if changes else scenario


RUN_FILES = ("run.json", *(f"{t}.{x}" for t in TABLES for x in ("parquet", "csv")))
"""The files ``migmodel run --out`` writes; a folder holding others is refused."""


def _check_out(scenario: Scenario, out: Path | None, overwrite: bool, csv: bool) -> None:
    """Fail before running, not after, if the results could not be written."""
    if out is None:
        return
    from migmodel.drivers import load_drivers
    from migmodel.preflight import expected_agents

    drivers = load_drivers(scenario.drivers) if scenario.drivers else None
    need = expected_agents(scenario, drivers) * (120 if csv else 40) + 10_000_000
    check_folder(out, RUN_FILES, overwrite, need)


def _run(args: argparse.Namespace) -> int:
    scenario = _load(args)
    _check_out(scenario, args.out, args.overwrite, args.csv)
    console = Console(stderr=True)
    with Progress(
        TextColumn(f"[bold]{scenario.name}[/] seed {args.seed}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("days (incl. spin-up)"),
        TimeElapsedColumn(),
        console=console,
        disable=args.quiet,
    ) as bar:
        task = bar.add_task("run", total=scenario["spinup_days"] + scenario.days)
        results = run(scenario, args.seed, lambda done, _: bar.update(task, completed=done))
    # The finished model's objects refer to one another (Mesa's among them), so it waits for a
    # collection to be freed: at one agent per person it is 700 MB, not to be kept while the
    # tables are written (the run's peak memory fell from 2.07 to about 1.6 GiB).
    gc.collect()
    if args.out is not None:
        with staged(args.out) as folder:
            results.to_parquet(folder, csv=args.csv)
    out = Console()
    if not out.is_terminal:  # piped or captured: do not squeeze the table into 80 columns
        out.width = 110
    out.print(summary(results))
    if len(results.consequences):
        out.print(consequences(results))
    if args.out is not None:
        Console(stderr=True).print(f"results written to {args.out}")
    return 0


def _policies(args: argparse.Namespace) -> int:
    console = Console()
    if not console.is_terminal:
        console.width = 120
    for name, cls in available().items():
        console.print(policy_table(name, cls))
    return 0


def _compare(args: argparse.Namespace) -> int:
    a, b = _load(args, args.a), _load(args, args.b)
    with Progress(
        TextColumn(f"[bold]{a.name}[/] vs [bold]{b.name}[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=args.quiet,
    ) as bar:
        draws = range(1, args.draws + 1) if args.draws else ()
        task = bar.add_task("compare", total=args.seeds * (args.draws or 1))
        diff = compare_scenarios(
            a, b, range(args.seeds), lambda done, _: bar.update(task, completed=done), draws
        )
    table = difference_table(a, b, diff, args.seeds, args.draws)
    console = Console()
    if not console.is_terminal:
        console.width = 120
    console.print(table)
    return 0


def _sweep(args: argparse.Namespace) -> int:
    from experiments.sweep import plan_table, run_sweep
    from experiments.sweepfile import load_sweep

    if args.check:
        console = Console()
        if not console.is_terminal:
            console.width = 120
        console.print(plan_table(load_sweep(args.sweep)))
        return 0
    if args.out is None:
        raise UserError("--out DIR is required: the folder the runs are written to")
    done = run_sweep(
        args.sweep,
        args.out,
        workers=args.workers,
        scheduler=args.scheduler,
        resume=args.resume,
        retry_failed=args.retry_failed,
        progress=not args.quiet,
    )
    console = Console(stderr=True, highlight=False)
    for line in done.lines(args.out):
        console.print(line, soft_wrap=True)
    return 0


def _analyze(args: argparse.Namespace) -> int:
    from experiments.analysis import analyze

    report = analyze(args.folder, args.report)
    Console(stderr=True).print(f"report written to {report}")
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    from experiments.calibrate import calibrate, load_calibration, recorded

    calibration = load_calibration(args.calibration)
    out = calibrate(calibration, workers=args.workers, scheduler=args.scheduler)
    done = recorded(calibration)
    Console(stderr=True).print(
        f"objective {done['objective']:.4f} after {done['evaluations']} evaluations; "
        f"written to {out / 'parameters.toml'}"
    )
    return 0


def _validation(args: argparse.Namespace) -> int:
    from experiments.validation import build_report

    report = build_report(args.out, draws=args.draws, seeds=args.seeds, workers=args.workers)
    Console(stderr=True).print(f"report written to {report}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    scenario = check_runnable(_load(args))
    network = load_network(scenario.network)
    missing = sorted(set(NATIONALITIES) - set(network.origins()["nationality"]))
    console = Console()
    console.print(
        f"{scenario.source or scenario.name}: valid — {scenario.start} + {scenario.days} days, "
        f"{len(scenario.policies)} policies, network {network.source} "
        f"({len(network.nodes)} places, {len(network.edges)} routes)"
    )
    if missing:
        console.print(f"note: no origin for {', '.join(missing)}; they cannot depart")
    if args.show:
        if not console.is_terminal:
            console.width = 160
        console.print(parameter_table(scenario))
    return 0


def _bench(args: argparse.Namespace) -> int:
    """N agents leave on day 0 and are followed for T days; regular departures are off."""
    scenario = load_scenario(args.scenario)
    # push 0 stops regular departures; the N agents are spread over origins like departures
    scenario = scenario.replace(
        days=args.days,
        spinup_days=0,
        people_per_agent=1,
        push=dict.fromkeys(NATIONALITIES, 0.0),
    )
    model = MigrationModel(scenario, seed=args.seed)
    model.add_migrants(args.agents)
    started = time.perf_counter()
    model.run(args.days)
    seconds = time.perf_counter() - started
    collect(model)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "impl": "migmodel",
        "version": __version__,
        "agents": args.agents,
        "days": args.days,
        "seconds": round(seconds, 4),
        "agent_days_per_s": round(args.agents * args.days / seconds),
        "peak_rss_mb": round(peak, 1),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>18}: {value}")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": _run,
    "policies": _policies,
    "compare": _compare,
    "sweep": _sweep,
    "analyze": _analyze,
    "calibrate": _calibrate,
    "validation": _validation,
    "validate": _validate,
    "bench": _bench,
}
"""What each command does, by the name :func:`migmodel.cli_parser.parser` gives it."""


if __name__ == "__main__":
    sys.exit(main())
