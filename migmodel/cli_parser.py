"""The ``migmodel`` command's words: its commands, their arguments and their help.

:func:`parser` only describes the command line; :mod:`migmodel.cli` does what each command
says (the parsed arguments name the command in ``args.command``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from migmodel.scenario import builtin_scenarios
from migmodel.simulate import __version__


def parser() -> argparse.ArgumentParser:
    """Return the parser of the whole command line, one sub-parser per command."""
    top = argparse.ArgumentParser(
        prog="migmodel",
        description="Agent-based model of irregular migration to the US southwest border.",
    )
    top.add_argument("--version", action="version", version=f"migmodel {__version__}")
    top.add_argument(
        "--debug", action="store_true", help="show the traceback of an error, for bug reports"
    )
    sub = top.add_subparsers(metavar="COMMAND")
    scenario_help = f"built-in name ({', '.join(builtin_scenarios())}) or path to a TOML file"
    _run(sub, scenario_help)
    sub.add_parser("policies", help="list every policy with its parameters")
    _compare(sub, scenario_help)
    _sweep(sub)
    p = sub.add_parser("analyze", help="sensitivity indices, tables, plots and a report of a sweep")
    p.add_argument("folder", type=Path, help="a sweep's results folder (migmodel sweep --out)")
    p.add_argument("--report", type=Path, help="write the report here (default: the folder)")
    _calibrate(sub)
    _validation(sub)
    p = sub.add_parser("validate", help="check a scenario and its network without running")
    p.add_argument("scenario", help=scenario_help)
    p.add_argument(
        "--show",
        action="store_true",
        help="print every parameter: value, default, allowed range, unit and help",
    )
    _bench(sub, scenario_help)
    for name, command in sub.choices.items():
        command.set_defaults(command=name)
    return top


def positive_int(text: str) -> int:
    """Return ``text`` as a whole number ≥ 1, or tell argparse what is wrong with it."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be at least 1")
    return value


def _run(sub: argparse._SubParsersAction, scenario_help: str) -> None:
    p = sub.add_parser("run", help="run a scenario and write its results as Parquet")
    p.add_argument("scenario", help=scenario_help)
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1, as in the app)")
    p.add_argument("--out", type=Path, help="folder for the results (default: none written)")
    p.add_argument("--csv", action="store_true", help="also write CSV files")
    p.add_argument("--overwrite", action="store_true", help="replace results already in --out")
    p.add_argument("--days", type=positive_int, help="override the scenario's length")
    p.add_argument("--people-per-agent", type=positive_int, help="override the scenario's scale")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _compare(sub: argparse._SubParsersAction, scenario_help: str) -> None:
    p = sub.add_parser("compare", help="run two scenarios on the same seeds; show the difference")
    p.add_argument("a", help=f"the reference scenario: {scenario_help}")
    p.add_argument("b", help="the scenario compared with it (same forms)")
    p.add_argument("--seeds", type=positive_int, default=5, help="seeds 0..N-1 (default 5)")
    p.add_argument(
        "--draws",
        type=positive_int,
        help="posterior draws 1..M of calibrated scenarios (e.g. historical): the interval "
        "then carries parameter uncertainty too",
    )
    p.add_argument("--days", type=positive_int, help="override both scenarios' length")
    p.add_argument("--people-per-agent", type=positive_int, help="override both scales")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _sweep(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sweep", help="run a sweep file on Dask; each run appended to Parquet")
    p.add_argument("sweep", type=Path, help="sweep file (TOML; see experiments/README.md)")
    p.add_argument("--out", type=Path, help="results folder (a partitioned Parquet dataset)")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--workers", type=positive_int, help="local worker processes (default: CPUs)"
    )
    where.add_argument(
        "--scheduler", metavar="ADDRESS", help="existing cluster, e.g. tcp://host:8786"
    )
    p.add_argument("--resume", action="store_true", help="continue the sweep in --out")
    p.add_argument("--retry-failed", action="store_true", help="resume, re-running failed runs")
    p.add_argument("--check", action="store_true", help="validate and show the plan; run nothing")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _calibrate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("calibrate", help="fit the drivers and infer the posterior from the data")
    p.add_argument("calibration", type=Path, help="calibration file (experiments/calibration/)")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--workers", type=positive_int, help="local worker processes (default: CPUs)"
    )
    where.add_argument(
        "--scheduler", help="address of a running Dask scheduler (a trusted cluster)"
    )


def _validation(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validation", help="run the validation report (simulated vs observed)")
    p.add_argument("--draws", type=positive_int, default=20, help="posterior draws per calibration")
    p.add_argument("--seeds", type=positive_int, default=1, help="seeds per draw")
    p.add_argument(
        "--out",
        type=Path,
        default=Path("results/validation"),
        help="report folder (default results/validation; `make validation` rewrites the "
        "tracked report in experiments/reports/validation)",
    )
    p.add_argument("--workers", type=positive_int, help="local worker processes (default: CPUs)")


def _bench(sub: argparse._SubParsersAction, scenario_help: str) -> None:
    p = sub.add_parser("bench", help="measure speed: N agents leave on day 0 of the baseline")
    p.add_argument("--agents", type=positive_int, default=20_000)
    p.add_argument("--days", type=positive_int, default=100)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--scenario", default="baseline", help=scenario_help)
    p.add_argument("--json", action="store_true", help="print one JSON line")
