"""Words and numbers as people read them: outcome names, amounts with units, signed percentages.

Plain functions (no widgets), shared by the app, the worksheet and the teacher's pages, so
that one outcome or one lever reads the same everywhere.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from migmodel.inputs import Number, ScenarioError
from migmodel.measures import MAIN_MEASURES, MEASURE, outcome_label
from migmodel.patterns import PATTERN_LABELS

if TYPE_CHECKING:
    import pandas as pd

MEASURE_NAMES: dict[str, str] = {key: MEASURE[key].label for key in MAIN_MEASURES}
"""Readable names of the outcomes a lesson records and the Comparison table shows."""
PATTERN_NAMES: dict[str, str] = PATTERN_LABELS
STATUS_NAMES: dict[str, str] = {
    "travelling": "travelling",
    "waiting": "waiting",
    "released_in_us": "released in the US to pursue a claim",
    "evaded_into_us": "in the US, never encountered",
    "entered_legally": "entered the US legally",
    "returned": "returned",
    "died": "dead or missing",
    "settled_in_mexico": "settled in Mexico",
}
"""What a migrant's status means, in words (keys: :data:`migmodel.population.STATUSES`)."""


FEW_AGENTS = 10
"""A difference resting on fewer agents than this is flagged (†) as a few agents' worth."""


def few_agents(difference: float, people_per_agent: float) -> bool:
    """Return whether a non-zero difference rests on fewer than :data:`FEW_AGENTS` agents."""
    return difference != 0 and abs(difference) < FEW_AGENTS * people_per_agent


def few_agents_note(people_per_agent: float) -> str:
    """Return the footnote of the † mark, with the people it stands for."""
    return (
        f"† fewer than {FEW_AGENTS} agents ({FEW_AGENTS * people_per_agent:,.0f} people): "
        "a few agents' decisions, not a measured effect."
    )


outcome_name = outcome_label
"""Return the readable name of an outcome (:func:`migmodel.measures.outcome_label`)."""


def signed_percent(relative: float) -> str:
    """Return a ratio as a signed percentage to one decimal (0.123 → ``+12.3%``); "" for NaN."""
    if relative is None or not math.isfinite(relative):
        return ""
    return f"{100 * relative:+.1f}%"


def whole(value: float, signed: bool = False) -> str:
    """Return a count with thousands separators (``1,450``; signed: ``+1,450``)."""
    if value is None or not math.isfinite(value):
        return ""
    return f"{value:+,.0f}" if signed else f"{value:,.0f}"


def money(usd: float) -> str:
    """Return dollars the short way: ``$333 M``, ``$1.5 bn``, ``$20 k``."""
    for size, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(usd) >= size:
            return f"${usd / size:,.3g} {suffix}"
    return f"${usd:,.0f}"


def _plain(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.3g}"


_UNITS = {
    "share": lambda v: f"{100 * v:.0f}%" if round(100 * v, 6).is_integer() else f"{100 * v:.1f}%",
    "USD/year": lambda v: f"{money(v)} a year",
    "visas/year": lambda v: f"{_plain(v)} visas a year",
    "people/day": lambda v: f"{_plain(v)} a day",
    "people/month": lambda v: f"{_plain(v)} a month",
    "days": lambda v: f"{_plain(v)} days",
    "years": lambda v: f"{_plain(v)} years",
    "×": lambda v: f"×{v:.2f}",
    "× cut": lambda v: f"{v:.2f} × the cut",
    "0–1": lambda v: f"{v:.2f}",
}


def amount(value: float, unit: str) -> str:
    """Return a lever's value with its unit, as people read it (``$333 M a year``)."""
    shown = _UNITS.get(unit)
    return shown(value) if shown else f"{_plain(value)} {unit}".rstrip()


def allowed(parameter: Number) -> str:
    """Return the allowed range in the lever's own units: ``from $0 a year to $10 bn a year``."""
    low, high = (amount(v, parameter.unit) for v in (parameter.low, parameter.high))
    return f"from {low} to {high}"


def parse_number(label: str, text: str, parameter: Number) -> float | int:
    """Read what a user typed into a number field: ``1,450``, ``333e6``, ``$333M``, ``50%``.

    Raises:
        ScenarioError: the text is not a finite number, or it is out of range; the message
            says what is allowed.
    """
    raw = str(text).strip().replace(",", "").replace("_", "").replace("$", "").replace(" ", "")
    scale = 1.0
    for suffix, factor in (("bn", 1e9), ("M", 1e6), ("k", 1e3), ("%", 0.01)):
        if raw.endswith(suffix):
            raw, scale = raw[: -len(suffix)], factor
            break
    try:
        value = float(raw) * scale
    except ValueError:
        value = math.nan
    problem = ""
    if not math.isfinite(value):
        problem = "is not a number"
    elif parameter.integer and not value.is_integer():
        problem = "must be a whole number"
    elif not parameter.low <= value <= parameter.high:
        problem = "is out of range"
    if problem:
        raise ScenarioError(f"{label}: {text!r} {problem}; allowed {allowed(parameter)}")
    return int(value) if parameter.integer else value


def slider_step(parameter: Number, value: float) -> float | None:
    """Return a round slider step on whose grid the range ends and ``value`` all lie.

    A slider snaps its value to its grid; with this step a value the user did not touch is
    never moved (the default 1 of a 0–3 range would otherwise become 0.99). None: no round
    step fits, use a number field.
    """
    span = parameter.high - parameter.low
    for step in (1, 0.5, 0.25, 0.1, 0.05, 0.02, 0.01, 0.005, 0.001):
        if step > span / 20:
            continue
        if all(abs(x / step - round(x / step)) < 1e-6 for x in (span, value - parameter.low)):
            return step
    return None


__all__ = [
    "FEW_AGENTS",
    "MEASURE_NAMES",
    "STATUS_NAMES",
    "allowed",
    "amount",
    "few_agents",
    "few_agents_note",
    "money",
    "outcome_name",
    "parse_number",
    "signed_percent",
    "slider_step",
    "whole",
]


def record_table(records: pd.DataFrame) -> tuple[str, list[str], list[list[str]]]:
    """The numbers recorded at one step, as people read them: caption, headers, rows.

    Readable outcome names, counts with separators, signed differences and a signed %
    change to one decimal; the 95% interval when there are several seeds. A difference
    resting on fewer than :data:`~migmodel.views.text.FEW_AGENTS` agents is marked †, and
    the caption says what that means.
    """
    change = "before" in records
    what = str(records["measure"].iloc[0])
    if change:
        headers = ["outcome", "before", "after", "change"]
        first, second = "before", "after"
    elif "reference" in records:
        headers = ["outcome", "reference run", "your run", "difference"]
        first, second = "reference", "current"
    else:
        return (
            what,
            ["outcome", "your run"],
            [[str(r["name"]), whole(r["current"])] for _, r in records.iterrows()],
        )
    interval = "low" in records
    headers += ["95% interval"] * interval + ["% change"]
    rows, flagged = [], False
    for _, r in records.iterrows():
        few = few_agents(r["difference"], r.get("people_per_agent", 0))
        flagged |= few
        difference = whole(r["difference"], True) + " †" * few
        cells = [str(r["name"]), whole(r[first]), whole(r[second]), difference]
        if interval:
            cells.append(f"{whole(r['low'], True)} to {whole(r['high'], True)}")
        rows.append([*cells, signed_percent(r["relative"]) or "n/a (from 0)"])
    if flagged:
        what += ". " + few_agents_note(float(records["people_per_agent"].iloc[0]))
    return what, headers, rows
