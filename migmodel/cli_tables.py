"""The tables the ``migmodel`` command prints.

A run's summary and consequences, a scenario's parameters (``migmodel validate --show``), a
policy's parameters (``migmodel policies``) and the difference between two scenarios
(``migmodel compare``). Each function turns results already computed into a Rich table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rich.markup import escape
from rich.table import Table

from migmodel.inputs import Number, range_end
from migmodel.measures import MAIN_MEASURES, STOCKS
from migmodel.policy import Policy
from migmodel.results import Results
from migmodel.scenario import PARAMETERS, Scenario

_SUMMARY = (*MAIN_MEASURES, "settled_in_mexico")


def summary(results: Results) -> Table:
    """A run's flows by flow pattern over the run, and its stocks on the last day."""
    s = results.scenario
    totals = results.totals()
    table = Table(
        title=f"{s.name}, seed {results.seed}: {s.start} + {s.days} days, "
        f"1 agent = {s.people_per_agent:g} people",
        title_justify="left",
    )
    table.add_column("people")
    for pattern in totals.index:
        table.add_column(str(pattern).replace("_", " "), justify="right")
    table.add_column("total", justify="right", style="bold")
    for col in _SUMMARY:
        values = totals[col]
        table.add_row(col.replace("_", " "), *(f"{v:,.0f}" for v in values), f"{values.sum():,.0f}")
    last = results.daily[results.daily["date"] == results.daily["date"].max()]
    for stock in STOCKS:
        values = last.set_index("flow_pattern")[stock].reindex(totals.index, fill_value=0)
        name = f"{stock.replace('_', ' ')} (last day)"
        table.add_row(name, *(f"{v:,.0f}" for v in values), f"{values.sum():,.0f}")
    return table


def consequences(results: Results) -> Table:
    """What apprehensions and encounters ended in, by authority, over the run."""
    found = results.consequences.pivot_table(
        index="consequence", columns="authority", values="people", aggfunc="sum", fill_value=0
    )
    table = Table(title="consequences (people)", title_justify="left")
    table.add_column("consequence")
    for authority in found.columns:
        table.add_column(str(authority).replace("_", " "), justify="right")
    for consequence, row in found.iterrows():
        table.add_row(str(consequence).replace("_", " "), *(f"{v:,.0f}" for v in row))
    return table


def parameter_table(scenario: Scenario) -> Table:
    """Every parameter of ``scenario``: value, default, allowed range, unit and help."""
    table = Table(title=f"{scenario.name}: parameters", title_justify="left")
    for column in ("parameter", "value", "default", "range", "unit", "help"):
        table.add_column(column, overflow="fold")
    for key, spec in PARAMETERS.items():
        if isinstance(spec, Number):
            rows = [(key, scenario[key], spec.default, spec, spec.help)]
        else:
            rows = [
                (f"{key}.{k}", v, spec.defaults.get(k, spec.value.default), spec.value, spec.help)
                for k, v in scenario[key].items()
            ]
        for name, value, default, number, help_text in rows:
            table.add_row(
                name,
                f"{value:g}",
                f"{default:g}",
                f"{range_end(number.low)} – {range_end(number.high)}",
                number.unit,
                escape(help_text),
            )
    return table


def policy_table(name: str, cls: type[Policy]) -> Table:
    """A policy's parameters (default, range, unit, help), and the timing every policy has."""
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
    return table


def difference_table(
    a: Scenario, b: Scenario, diff: pd.DataFrame, seeds: int, draws: int | None
) -> Table:
    """The outcomes of ``b`` against ``a`` (:func:`migmodel.compare.compare`'s table).

    Args:
        a: the reference scenario.
        b: the scenario compared with it.
        diff: one row per outcome: ``a``, ``b``, ``difference``, ``low``, ``high``,
            ``relative`` and, with draws, ``from_draws``.
        seeds: the seeds were 0 to ``seeds`` - 1.
        draws: the posterior draws were 1 to ``draws`` (None or 0: no draws).
    """
    what = (
        f"draws 1–{draws} × seeds 0–{seeds - 1} (mean, and 2.5–97.5 percentiles of "
        "the paired differences; 'from draws': share of their variance due to the parameters)"
        if draws
        else f"seeds 0–{seeds - 1} (mean and 95% interval of the paired differences)"
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
    return table
