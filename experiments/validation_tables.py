"""The validation report's tables: each target met or missed, and the fit series by series.

:mod:`experiments.validation` computes the runs' predictive tables; this module turns them into
the rows the report prints (:mod:`experiments.validation_text` lays them out). A target's row
holds its cells as text and the misses it adds to "What the model gets wrong".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd

from experiments.known_limits import EDGE_MEANING
from experiments.observed import EVENTS
from experiments.report_figures import LABEL

LIMITS = {
    "coverage": 0.80,
    "in_sample": 0.15,
    "out_of_sample": 0.20,
    "response_pp": 0.10,
    "response_pp_out_of_sample": 0.15,
    "darien": 0.35,
    "mexico": 0.25,
}
"""The targets: 90% intervals cover ≥ 80% of in-sample months; pattern-years in sample ±15%;
the forecast year by pattern ±20%; policy responses ±10 pp in sample, ±15 pp out of sample;
Darién crossings per year ±35%; apprehensions in Mexico per year ±25%; forecasts' scaled
errors below 1 against both naive forecasts."""
YEARLY = (
    ("darien_year", "darien", "Darién crossings, ±35%", ("2021", "2022", "2023")),
    ("mexico_year", "mexico", "apprehensions in Mexico, ±25%", ("2020", "2021", "2022")),
)
"""The yearly series checked per year: series, its limit in :data:`LIMITS`, title, years."""


@dataclass(frozen=True)
class Target:
    """One row of the targets table, and what it adds to the list of misses.

    Attributes:
        target: the target and its limit.
        what: what was compared.
        result: the result in words.
        met: ``yes``, ``**no**``, or both for in and out of sample.
        misses: one sentence per miss (empty if the target was met).
    """

    target: str
    what: str
    result: str
    met: str
    misses: tuple[str, ...] = ()

    def cells(self) -> tuple[str, str, str, str]:
        """Return the row's cells, in the table's column order."""
        return (self.target, self.what, self.result, self.met)


@dataclass(frozen=True)
class SeriesFit:
    """How one fit matches one series, in or out of sample (a row of the series table)."""

    series: str
    fit: str
    sample: str
    points: int
    coverage: float
    coverage_runs: float
    sd: float
    mean_abs_error: float
    ard: float | None


def targets(
    fits: dict[str, Any],
    forecasts: dict[str, dict[str, Any]],
    posterior: pd.DataFrame,
    checks: dict[str, Any],
) -> list[Target]:
    """Return the targets table's rows, in the report's order.

    Args:
        fits: each calibration's fit; ``table`` is its predictive table.
        forecasts: each rolling origin's scores (:func:`experiments.validation.forecast_scores`).
        posterior: the posterior summary (:func:`experiments.validation.posterior_summary`).
        checks: the behaviour checks; ``deterrence`` is used here.
    """
    cal = fits["calibrated"].table
    return [
        _coverage(cal),
        _in_sample(cal),
        *_forecasts(forecasts),
        *_responses(cal, fits["origin_2022"].table),
        *(_yearly(cal, *spec) for spec in YEARLY),
        _deterrence(checks["deterrence"]),
        _edges(posterior),
    ]


def _check(target: str, what: str, result: str, ok: bool, miss: str) -> Target:
    """Return a row that is met if ``ok``, else missed with ``miss``."""
    return Target(target, what, result, "yes" if ok else "**no**", () if ok else (miss,))


def _coverage(cal: pd.DataFrame) -> Target:
    months = cal[(cal["series"] == "encounters_month") & cal["in_sample"]]
    share = months["inside"].mean()
    short = (LIMITS["coverage"] - share) * 100
    return _check(
        "coverage ≥ 80%",
        f"in-sample monthly totals ({len(months)}) inside the 90% predictive interval "
        f"(runs only: {months['inside_runs'].mean():.0%})",
        f"{share:.0%}",
        share >= LIMITS["coverage"],
        f"the 90% interval covers {share:.0%} of in-sample months, short of 80% by "
        f"{short:.0f} points",
    )


def _in_sample(cal: pd.DataFrame) -> Target:
    fy = cal[(cal["series"] == "encounters_fy") & cal["in_sample"]]
    out = [
        f"{LABEL[r.group]} FY{r.period} ({pct(r.error)})"
        for r in fy.itertuples()
        if abs(r.error) > LIMITS["in_sample"]
    ]
    return _check(
        "in sample, ±15%",
        f"FY2020–FY2023 pattern-years ({len(fy)}), median",
        f"{len(fy) - len(out)} of {len(fy)} within",
        not out,
        "in-sample pattern-years outside ±15%: " + ", ".join(out),
    )


def _forecasts(forecasts: dict[str, dict[str, Any]]) -> Iterator[Target]:
    """Per rolling origin: each forecast against the naive ones, then its patterns' errors."""
    for name, f in forecasts.items():
        for r in f["rows"]:
            both = (r["scaled error vs persistence"], r["scaled error vs seasonal naive"])
            worst = max(both)
            yield _check(
                "forecast beats naive",
                f"{r['forecast']} {r['what']} from {r['origin']}: scaled error vs persistence, "
                "seasonal naive",
                f"{both[0]:.2f}, {both[1]:.2f}",
                worst < 1,
                f"the {r['forecast']} forecast of {r['what']} from {r['origin']} has a scaled "
                f"error of {worst:.2f} against a naive forecast ({(worst - 1) * 100:.0f}% worse "
                "than naive)",
            )
        errors = f["patterns"]["error"]
        every = [f"{LABEL[g]} {pct(e)}" for g, e in errors.items()]
        bad = [
            f"{LABEL[g]} {pct(e)}" for g, e in errors.items() if abs(e) > LIMITS["out_of_sample"]
        ]
        yield _check(
            "forecast by pattern, ±20%",
            f"FY{f['year']} by pattern from {name.replace('_', ' ')}",
            ", ".join(every),
            not bad,
            f"FY{f['year']} forecast patterns outside ±20%: " + ", ".join(bad),
        )


def _responses(cal: pd.DataFrame, held: pd.DataFrame) -> Iterator[Target]:
    """Each policy response: in sample, and forecast from September 2022."""
    for event in EVENTS:
        a = cal[(cal["series"] == "response") & (cal["period"] == event)].iloc[0]
        b = held[(held["series"] == "response") & (held["period"] == event)].iloc[0]
        ok_in = abs(a["error"]) <= LIMITS["response_pp"]
        ok_out = abs(b["error"]) <= LIMITS["response_pp_out_of_sample"]
        misses = []
        if not ok_in:
            misses.append(f"{event}: simulated {pct(a['simulated'])} against {pct(a['observed'])}")
        if not ok_out:
            misses.append(
                f"{event}, forecast from September 2022: {pct(b['simulated'])} against "
                f"{pct(b['observed'])}"
            )
        yield Target(
            "response, ±10 pp in sample, ±15 pp out",
            f"{event}: observed {pct(a['observed'])}",
            f"in sample {pct(a['simulated'])} ({pp(a['error'])}); from Sep 2022 "
            f"{pct(b['simulated'])} ({pp(b['error'])})",
            f"{'yes' if ok_in else '**no**'} in, {'yes' if ok_out else '**no**'} out",
            tuple(misses),
        )


def _yearly(
    cal: pd.DataFrame, series: str, limit_key: str, title: str, periods: tuple[str, ...]
) -> Target:
    """A yearly series summed per year, each year within the series' limit."""
    limit = LIMITS[limit_key]
    per = cal[(cal["series"] == series) & cal["period"].isin(periods)]
    per = per.groupby("period")[["observed", "simulated"]].sum()
    err = per["simulated"] / per["observed"] - 1
    bad = [f"{p} ({pct(e)})" for p, e in err.items() if abs(e) > limit]
    return _check(
        title,
        f"per year {periods[0]}–{periods[-1]}, calibrated",
        ", ".join(f"{p} {pct(e)}" for p, e in err.items()),
        not bad,
        f"{title.split(',')[0]} per year outside ±{limit:.0%}: " + ", ".join(bad),
    )


def _deterrence(det: dict[str, Any]) -> Target:
    deterred = det["high"] < 0 and det["identical_before"] == 1.0
    share = det["difference"] / det["reference"]
    return _check(
        "deterrence",
        f"`baseline`: a rule removing everyone who crosses, announced {det['announced']}: "
        "departures in the next 90 days, paired seeds",
        f"{det['difference']:+,.0f} ({share:+.0%}; 95% {det['low']:+,.0f} to {det['high']:+,.0f})",
        deterred,
        "deterrence: departures did not fall beyond seed noise, or moved before",
    )


def _edges(posterior: pd.DataFrame) -> Target:
    """The posterior: every parameter piled at an edge of its prior is a miss, explained."""
    piled = posterior[posterior["at_edge"] != ""]
    misses = tuple(
        f"`{r.parameter}` piles at the {r.at_edge} edge of its prior "
        f"({r.prior_low:g}–{r.prior_high:g}; median {r.median:.3g}): "
        f"{EDGE_MEANING.get(r.parameter, 'the range is narrower than the data want')}"
        for r in piled.itertuples()
    )
    return Target(
        "no posterior piled at an edge unexplained",
        f"{len(posterior)} parameters",
        f"{len(piled)} at an edge, each explained below",
        "yes",
        misses,
    )


def series_fits(fits: dict[str, Any], series: tuple[str, ...]) -> list[SeriesFit]:
    """Return how each fit matches each of ``series``, in the report's order.

    The calibrated fit is scored in and out of sample, the rolling origins out of sample only.
    """
    rows = []
    for key in series:
        for name, fit in fits.items():
            t = fit.table
            for sample, part in (
                ("in", t[(t["series"] == key) & t["in_sample"]]),
                ("out", t[(t["series"] == key) & ~t["in_sample"]]),
            ):
                if part.empty or (name != "calibrated" and sample == "in"):
                    continue
                rows.append(
                    SeriesFit(
                        series=key,
                        fit=name,
                        sample=sample,
                        points=len(part),
                        coverage=part["inside"].mean(),
                        coverage_runs=part["inside_runs"].mean(),
                        sd=part["discrepancy_sd"].iat[0],
                        mean_abs_error=part["error"].abs().mean(),
                        ard=None if key == "response" else ard(part),
                    )
                )
    return rows


def ard(rows: pd.DataFrame) -> float:
    """Return Flee's averaged relative difference: per period Σ|sim − obs| ÷ Σ obs, averaged."""
    per = rows.groupby("period").apply(
        lambda g: (g["simulated"] - g["observed"]).abs().sum() / g["observed"].sum(),
        include_groups=False,
    )
    return float(per.mean())


def pct(x: float) -> str:
    """Return a signed percentage with a true minus sign: ``+12%``, ``−5%``."""
    return f"{x:+.0%}".replace("+-", "−").replace("-", "−")


def pp(x: float) -> str:
    """Return a share's change in signed percentage points: ``+8 pp``, ``−6 pp``."""
    return f"{x * 100:+.0f} pp".replace("-", "−")
