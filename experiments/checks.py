"""Behaviour checks for the validation report: the border queue and deterrence.

* **The stock waiting at the border** against published estimates dated no later than
  September 2023 (the model is not fitted to them): the people queueing for a port
  appointment (``waiting_at_border``) and everyone under way at a border crossing (the
  ``stocks`` table), on the weeks of the estimates.
* **Deterrence**: in ``baseline``, a US-border rule that removes everyone who crosses
  irregularly, announced on a date and in force a month later, on paired seeds: departures in
  the 90 days from the announcement (95% interval of the paired difference), and whether
  anything moved before the announcement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd

from migmodel.compare import paired_difference
from migmodel.results import Results
from migmodel.scenario import load_scenario


class Estimate(NamedTuple):
    """A published estimate of people waiting in northern Mexico."""

    date: dt.date
    people: float
    what: str
    source: str


BORDER_ESTIMATES: tuple[Estimate, ...] = (
    Estimate(
        dt.date(2019, 8, 1),
        26_000,
        "asylum seekers on metering waitlists, 12 cities",
        "Strauss Center / USMEX, *Metering Update*, August 2019",
    ),
    Estimate(
        dt.date(2020, 2, 1),
        15_000,
        "asylum seekers on metering waitlists, 11 cities",
        "Strauss Center, *Metering Update*, February 2020",
    ),
    Estimate(
        dt.date(2023, 5, 11),
        60_000,
        "people 'in and around the immediate border area' as Title 42 ended",
        "USBP Chief R. Ortiz to CBS News, May 2023",
    ),
    Estimate(
        dt.date(2023, 8, 1),
        17_000,
        "people waiting in northern Baja California (mostly Tijuana)",
        "INM Baja California via Border Report, mid-2023 (date not confirmed)",
    ),
)
"""Estimates dated no later than September 2023; the metering lists of 2019–2020 held
asylum seekers waiting their turn at the ports, which the model has no mechanism for before
appointments began in January 2023."""


def border_stock(runs: list[Results]) -> pd.DataFrame:
    """Return the model's stocks on the week of each estimate, mean over ``runs``.

    Columns ``queueing`` (for a port appointment), ``at_crossings`` (everyone at a border
    crossing not on the move) and ``at_tijuana``; NaN for estimates before the runs start.
    """
    rows = []
    for estimate in BORDER_ESTIMATES:
        when = pd.Timestamp(estimate.date)
        found = {"queueing": [], "at_crossings": [], "at_tijuana": []}
        for r in runs if when >= runs[0].daily["date"].min() else []:
            daily = r.daily.groupby("date")["waiting_at_border"].sum()
            found["queueing"].append(float(daily.asof(when)))
            week = r.stocks.loc[r.stocks["date"] <= when, "date"].max()
            here = r.stocks[
                (r.stocks["date"] == week)
                & (r.stocks["kind"] == "crossing")
                & (r.stocks["status"] != "travelling")
            ]
            found["at_crossings"].append(float(here["people"].sum()))
            found["at_tijuana"].append(float(here.loc[here["place"] == "tijuana", "people"].sum()))
        means = {k: float(np.mean(v)) if v else float("nan") for k, v in found.items()}
        rows.append({**estimate._asdict(), **means})
    return pd.DataFrame(rows)


def deterrence(
    run_many: Callable[[list, list], list[Results]], seeds: int, people_per_agent: int = 200
) -> dict[str, float | str]:
    """Measure deterrence in ``baseline``: the paired fall in departures after an announcement.

    Args:
        run_many: ``run_many(scenarios, seeds)`` returns the runs (e.g. on a Dask cluster).
        seeds: paired seeds 1..N.
        people_per_agent: scale of the runs.

    Returns:
        The announcement date, mean and 95% interval of the paired difference in departures
        over the 90 days from it, the reference's departures, and whether every run was
        identical to its pair before the announcement (1.0) or not (0.0).
    """
    announced = dt.date(2022, 3, 1)
    base = load_scenario("baseline").replace(days=270, people_per_agent=people_per_agent)
    rule = {
        "name": "asylum_rule",
        "announced": announced,
        "start": announced + dt.timedelta(days=30),
        "removal_share": 1.0,
        "crisis_states_removal_share": 1.0,
    }
    ruled = base.replace(policies=[rule])
    ids = list(range(1, seeds + 1))
    runs = run_many([base] * seeds + [ruled] * seeds, ids + ids)
    window = (pd.Timestamp(announced), pd.Timestamp(announced + dt.timedelta(days=90)))

    def departures(r: Results) -> float:
        d = r.daily
        return float(d.loc[(d["date"] >= window[0]) & (d["date"] < window[1]), "departures"].sum())

    before = [
        a.daily[a.daily["date"] < window[0]].equals(b.daily[b.daily["date"] < window[0]])
        for a, b in zip(runs[:seeds], runs[seeds:], strict=True)
    ]
    summary = paired_difference(
        pd.DataFrame({"departures": [departures(r) for r in runs[:seeds]]}),
        pd.DataFrame({"departures": [departures(r) for r in runs[seeds:]]}),
    ).loc["departures"]
    return {
        "announced": announced.isoformat(),
        "reference": float(summary["a"]),
        "difference": float(summary["difference"]),
        "low": float(summary["low"]),
        "high": float(summary["high"]),
        "identical_before": float(all(before)),
    }
