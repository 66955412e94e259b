"""The ``migmodel`` command: run, validate and benchmark scenarios from a terminal.

Examples::

    migmodel run baseline --seed 1 --out results/baseline-1
    migmodel validate my_scenario.toml
    migmodel policies
    migmodel compare baseline enforcement --seeds 10
    migmodel sweep experiments/sweeps/enforcement_x_visas.toml --out results/sweeps/grid
    migmodel analyze results/sweeps/grid
    migmodel bench --agents 20000 --days 100 --json
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from geo import NetworkError, load_network
from migmodel.cli_tables import consequences, parameter_table, summary
from migmodel.compare import compare_scenarios
from migmodel.model import MigrationModel
from migmodel.outputs import OutputError, check_folder, staged
from migmodel.patterns import NATIONALITIES
from migmodel.preflight import check_runnable
from migmodel.registry import available
from migmodel.results import TABLES
from migmodel.scenario import Scenario, ScenarioError, builtin_scenarios, load_scenario
from migmodel.simulate import __version__, collect, run


class UserError(Exception):
    """A problem with what the user asked for; printed as one line, exit code 1."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    User errors print one line each (``--debug`` adds the traceback); Ctrl-C prints one line
    and returns 130.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:  # `migmodel` alone: list the commands
        parser.print_help()
        return 0
    err = Console(stderr=True, highlight=False)
    try:
        return args.func(args)
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="migmodel",
        description="Agent-based model of irregular migration to the US southwest border.",
    )
    parser.add_argument("--version", action="version", version=f"migmodel {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an error, for bug reports"
    )
    sub = parser.add_subparsers(metavar="COMMAND")
    scenario_help = f"built-in name ({', '.join(builtin_scenarios())}) or path to a TOML file"

    p = sub.add_parser("run", help="run a scenario and write its results as Parquet")
    p.add_argument("scenario", help=scenario_help)
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1, as in the app)")
    p.add_argument("--out", type=Path, help="folder for the results (default: none written)")
    p.add_argument("--csv", action="store_true", help="also write CSV files")
    p.add_argument("--overwrite", action="store_true", help="replace results already in --out")
    p.add_argument("--days", type=_positive_int, help="override the scenario's length")
    p.add_argument("--people-per-agent", type=_positive_int, help="override the scenario's scale")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_run)

    p = sub.add_parser("policies", help="list every policy with its parameters")
    p.set_defaults(func=_policies)

    p = sub.add_parser("compare", help="run two scenarios on the same seeds; show the difference")
    p.add_argument("a", help=f"the reference scenario: {scenario_help}")
    p.add_argument("b", help="the scenario compared with it (same forms)")
    p.add_argument("--seeds", type=_positive_int, default=5, help="seeds 0..N-1 (default 5)")
    p.add_argument(
        "--draws",
        type=_positive_int,
        help="posterior draws 1..M of calibrated scenarios (e.g. historical): the interval "
        "then carries parameter uncertainty too",
    )
    p.add_argument("--days", type=_positive_int, help="override both scenarios' length")
    p.add_argument("--people-per-agent", type=_positive_int, help="override both scales")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_compare)

    p = sub.add_parser("sweep", help="run a sweep file on Dask; each run appended to Parquet")
    p.add_argument("sweep", type=Path, help="sweep file (TOML; see experiments/README.md)")
    p.add_argument("--out", type=Path, help="results folder (a partitioned Parquet dataset)")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--workers", type=_positive_int, help="local worker processes (default: CPUs)"
    )
    where.add_argument(
        "--scheduler", metavar="ADDRESS", help="existing cluster, e.g. tcp://host:8786"
    )
    p.add_argument("--resume", action="store_true", help="continue the sweep in --out")
    p.add_argument("--retry-failed", action="store_true", help="resume, re-running failed runs")
    p.add_argument("--check", action="store_true", help="validate and show the plan; run nothing")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_sweep)

    p = sub.add_parser("analyze", help="sensitivity indices, tables, plots and a report of a sweep")
    p.add_argument("folder", type=Path, help="a sweep's results folder (migmodel sweep --out)")
    p.add_argument("--report", type=Path, help="write the report here (default: the folder)")
    p.set_defaults(func=_analyze)

    p = sub.add_parser("calibrate", help="fit the drivers and infer the posterior from the data")
    p.add_argument("calibration", type=Path, help="calibration file (experiments/calibration/)")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--workers", type=_positive_int, help="local worker processes (default: CPUs)"
    )
    where.add_argument(
        "--scheduler", help="address of a running Dask scheduler (a trusted cluster)"
    )
    p.set_defaults(func=_calibrate)

    p = sub.add_parser("validation", help="run the validation report (simulated vs observed)")
    p.add_argument(
        "--draws", type=_positive_int, default=20, help="posterior draws per calibration"
    )
    p.add_argument("--seeds", type=_positive_int, default=1, help="seeds per draw")
    p.add_argument(
        "--out",
        type=Path,
        default=Path("results/validation"),
        help="report folder (default results/validation; `make validation` rewrites the "
        "tracked report in experiments/reports/validation)",
    )
    p.add_argument("--workers", type=_positive_int, help="local worker processes (default: CPUs)")
    p.set_defaults(func=_validation)

    p = sub.add_parser("validate", help="check a scenario and its network without running")
    p.add_argument("scenario", help=scenario_help)
    p.add_argument(
        "--show",
        action="store_true",
        help="print every parameter: value, default, allowed range, unit and help",
    )
    p.set_defaults(func=_validate)

    p = sub.add_parser("bench", help="measure speed: N agents leave on day 0 of the baseline")
    p.add_argument("--agents", type=_positive_int, default=20_000)
    p.add_argument("--days", type=_positive_int, default=100)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--scenario", default="baseline", help=scenario_help)
    p.add_argument("--json", action="store_true", help="print one JSON line")
    p.set_defaults(func=_bench)
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be at least 1")
    return value


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
        table = Table(title=f"[bold]{name}[/]: {cls.summary()}", title_justify="left")
        for column in ("parameter", "default", "range", "unit", "help"):
            table.add_column(column, overflow="fold")
        for key, number in cls.parameters.items():
            table.add_row(
                key,
                f"{number.default:g}",
                f"{number.low:g} – {number.high:g}",
                number.unit,
                number.help,
            )
        table.add_row("start, end", "", "dates", "", "when it is in force (default: always)")
        table.add_row("ramp_days", "0", "≥ 0", "days", "days to reach full strength")
        console.print(table)
    return 0


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10_000 else f"{value:g}"


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
    what = (
        f"draws 1–{args.draws} × seeds 0–{args.seeds - 1} (mean, and 2.5–97.5 percentiles of "
        "the paired differences; 'from draws': share of their variance due to the parameters)"
        if draws
        else f"seeds 0–{args.seeds - 1} (mean and 95% interval of the paired differences)"
    )
    table = Table(
        title=f"{b.name} − {a.name}, people over {a.days} days, {what}", title_justify="left"
    )
    columns = ["outcome", a.name, b.name, "difference", "95% interval", "change"]
    for column in [*columns, *(["from draws"] if draws else [])]:
        table.add_column(column, justify="left" if column == "outcome" else "right")
    for outcome, row in diff.iterrows():
        interval = "" if np.isnan(row["low"]) else f"{row['low']:,.0f} to {row['high']:,.0f}"
        change = "" if np.isnan(row["relative"]) else f"{row['relative']:+.1%}"
        table.add_row(
            str(outcome).replace("_", " "),
            f"{row['a']:,.0f}",
            f"{row['b']:,.0f}",
            f"{row['difference']:+,.0f}",
            interval,
            change,
            *([f"{row['from_draws']:.0%}"] if draws else []),
        )
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
    for _ in range(args.days):
        model.step()
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


if __name__ == "__main__":
    sys.exit(main())
