"""The validation report: the calibrated historical scenario against every observed series.

``migmodel validation`` (or ``make validation``) runs the ``historical`` scenario as calibrated
(:mod:`experiments.calibrate`) on several seeds, and again with the out-of-sample calibration
(fitted on FY2020–FY2022 only), compares both with :func:`migmodel.observed.observed`, and
writes ``experiments/reports/validation/validation.md`` with its PNG figures and CSV tables.
Everything in the report is computed here from the runs and the data; the prose around the
numbers says what they mean and what was assumed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console

from experiments.calibrate import (
    Calibration,
    compare,
    load_calibration,
    recorded,
)
from experiments.checks import border_stock, deterrence, naive_fy2023
from experiments.report_figures import LABEL, figures, monthly_band
from migmodel.observed import EVENTS, data_version, measured, observed
from migmodel.results import Results
from migmodel.scenario import Scenario, calibrated, scenario_from_dict
from migmodel.schema import read_toml
from migmodel.simulate import run

ROOT = Path(__file__).resolve().parent
CALIBRATIONS = ROOT / "calibration"
DEFAULT_OUT = ROOT / "reports" / "validation"
TARGETS = {
    "in_sample": 0.15,
    "out_of_sample": 0.20,
    "response_pp": 0.10,
    "response_pp_out_of_sample": 0.15,
    "darien": 0.35,
    "mexico": 0.25,
}
"""The targets: FY pattern-years in sample ±15%, FY2023 out of sample ±20%, policy responses
±10 percentage points in sample and ±15 out of sample, Darién crossings per year 2021–2023
±35%, apprehensions in Mexico per year ±25%."""
MEXICO_YEARS = ("2020", "2021", "2022")
"""Whole calendar years of INM presentations in the data (2019 starts in October)."""


def build_report(out: Path | None = None, seeds: int = 10, workers: int | None = None) -> Path:
    """Run the calibrated and out-of-sample historical scenarios and write the report.

    Args:
        out: report folder (default ``experiments/reports/validation``).
        seeds: seeds per calibration (1..N): the bands are their lowest and highest values.
        workers: local Dask workers (default: CPUs).

    Returns:
        The path of ``validation.md``.
    """
    from experiments.sweep import dask_client

    out = Path(out or DEFAULT_OUT)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    console = Console(stderr=True, highlight=False)
    fits = {
        "calibrated": load_calibration(CALIBRATIONS / "historical.toml"),
        "out_of_sample": load_calibration(CALIBRATIONS / "holdout.toml"),
    }
    targets = observed()
    runs: dict[str, list[Results]] = {}
    with dask_client(workers, None, console) as (client, how):
        console.print(f"running {seeds} seeds × {len(fits)} calibrations on a {how}")
        for name, calibration in fits.items():
            scenario = historical(calibration)
            futures = client.map(run, [scenario] * seeds, list(range(1, seeds + 1)), pure=False)
            runs[name] = client.gather(futures)
        console.print(f"deterrence in baseline: {seeds} paired seeds")
        checks = {
            "deterrence": deterrence(
                lambda s, k: client.gather(client.map(run, s, k, pure=False)), seeds
            ),
            "border": border_stock(runs["calibrated"]),
            "naive": naive_fy2023(targets),
        }
    tables = {name: compare(targets, measured(runs[name]), fits[name].fit_until) for name in fits}
    for name, table in tables.items():
        table.to_csv(out / f"{name}.csv", index=False, float_format="%.6g")
    monthly = {name: monthly_band(runs[name]) for name in fits}
    drawn = figures(out / "figures", targets, tables, monthly)
    text = _markdown(fits, tables, drawn, seeds, runs["calibrated"][0], checks)
    path = out / "validation.md"
    path.write_text(text, encoding="utf-8")
    return path


def historical(calibration: Calibration) -> Scenario:
    """Return the historical scenario at its own scale and length with ``calibration``'s fit."""
    raw = calibrated(calibration.base.to_dict(), calibration.out / "parameters.toml")
    return scenario_from_dict(raw, source=calibration.base.source)


# ------------------------------------------------------------------------------ numbers
def _ard(table: pd.DataFrame, series: str) -> float:
    """Flee's averaged relative difference: Σ|sim − obs| / Σ obs per period, averaged."""
    rows = table[table["series"] == series]
    per = rows.groupby("period").apply(
        lambda g: (g["simulated"] - g["observed"]).abs().sum() / g["observed"].sum(),
        include_groups=False,
    )
    return float(per.mean())


def _outside(rows: pd.DataFrame, limit: float, name: Callable[[Any], str]) -> list[str]:
    """Return "NAME (error)" for each row whose relative error is beyond ``limit``."""
    return [f"{name(r)} ({_pct(r.error)})" for r in rows.itertuples() if abs(r.error) > limit]


def _count(x: float) -> str:
    return "before the run" if np.isnan(x) else f"{x:,.0f}"


def _pct(x: float) -> str:
    return f"{x:+.0%}".replace("+-", "−").replace("-", "−")


def _pp(x: float) -> str:
    return f"{x * 100:+.0f} pp".replace("-", "−")


def _markdown(
    fits: dict[str, Calibration],
    tables: dict[str, pd.DataFrame],
    figures: dict[str, str],
    seeds: int,
    example: Results,
    checks: dict[str, Any],
) -> str:
    cal, oos = tables["calibrated"], tables["out_of_sample"]
    prov = {name: recorded(c) for name, c in fits.items()}
    misses: list[str] = []
    lines = [
        "# Validation report: the historical scenario against 2019–2023 data",
        "",
        f"Generated by `migmodel validation --seeds {seeds}` on {dt.date.today():%d %B %Y} "
        f"(data version `{data_version()}`, migmodel {example.version}). Every number below "
        "is computed from the runs and `experiments/data/`; regenerate with `make validation`.",
        "",
        f"The `historical` scenario (October 2019 – March 2025, one agent = "
        f"{example.scenario.people_per_agent:,.0f} people) was run on seeds 1–{seeds} with "
        "two calibrations: **calibrated** (fitted on every series to September 2023, "
        "the one `migmodel run historical` uses) and **out of sample** (the same fit on data "
        "to September 2022 only; FY2023 is then a forecast). Bands and error bars are the "
        "lowest and highest of the seeds; figures in tables are their mean.",
        "",
        "## Targets",
        "",
        "| target | what | result | met? |",
        "|---|---|---|---|",
    ]
    fy = cal[(cal["series"] == "encounters_fy") & cal["in_sample"]]
    worst = fy.loc[fy["error"].abs().idxmax()]
    outside = _outside(fy, TARGETS["in_sample"], lambda r: f"{LABEL[r.group]} FY{r.period}")
    lines.append(
        f"| in sample, ±15% | every FY2020–FY2023 pattern-year ({len(fy)}) | "
        f"{len(fy) - len(outside)} of {len(fy)} within; worst "
        f"{LABEL[worst['group']]} FY{worst['period']} {_pct(worst['error'])} | "
        f"{'**no**' if outside else 'yes'} |"
    )
    if outside:
        misses.append("in-sample pattern-years outside ±15%: " + ", ".join(outside))
    fy23 = oos[(oos["series"] == "encounters_fy") & (oos["period"] == "2023")]
    outside = _outside(fy23, TARGETS["out_of_sample"], lambda r: LABEL[r.group])
    lines.append(
        "| out of sample, ±20% | FY2023 by pattern, fitted on FY2020–FY2022 | "
        + ", ".join(f"{LABEL[r.group]} {_pct(r.error)}" for r in fy23.itertuples())
        + f" | {'**no**' if outside else 'yes'} |"
    )
    if outside:
        misses.append("out-of-sample FY2023 patterns outside ±20%: " + ", ".join(outside))
    naive = checks["naive"]
    mae, naive_mae = fy23["error"].abs().mean(), naive["error"].abs().mean()
    lines.append(
        "| out of sample, better than naive | mean absolute error of FY2023 by pattern "
        'against the forecast "FY2023 = FY2022" | '
        f"{mae:.1%} against {naive_mae:.1%} | {'yes' if mae < naive_mae else '**no**'} |"
    )
    if mae >= naive_mae:
        misses.append(
            f"out of sample, FY2023 by pattern scores {mae:.1%} against the naive forecast's "
            f"{naive_mae:.1%}"
        )
    for name in EVENTS:
        row = cal[(cal["series"] == "response") & (cal["period"] == name)].iloc[0]
        held = oos[(oos["series"] == "response") & (oos["period"] == name)].iloc[0]
        ok = abs(row["error"]) <= TARGETS["response_pp"]
        held_ok = abs(held["error"]) <= TARGETS["response_pp_out_of_sample"]
        lines.append(
            f"| response, ±10 pp in sample, ±15 pp out | {name}: observed "
            f"{_pct(row['observed'])} | in sample {_pct(row['simulated'])} "
            f"({_pp(row['error'])}); out of sample {_pct(held['simulated'])} "
            f"({_pp(held['error'])}) | {'yes' if ok else '**no**'} in, "
            f"{'yes' if held_ok else '**no**'} out |"
        )
        if not ok:
            misses.append(
                f"{name}: simulated {_pct(row['simulated'])} against {_pct(row['observed'])}"
            )
        if not held_ok:
            misses.append(
                f"{name}, out of sample: simulated {_pct(held['simulated'])} against "
                f"{_pct(held['observed'])}"
            )
    yearly = (
        ("darien_year", TARGETS["darien"], "Darién crossings, ±35%", ("2021", "2022", "2023")),
        ("mexico_year", TARGETS["mexico"], "apprehensions in Mexico, ±25%", MEXICO_YEARS),
    )
    for series, limit, title, periods in yearly:
        rows = cal[(cal["series"] == series) & cal["period"].isin(periods)]
        per_year = rows.groupby("period")[["observed", "simulated"]].sum()
        per_year["error"] = per_year["simulated"] / per_year["observed"] - 1
        bad = [f"{p} ({_pct(e)})" for p, e in per_year["error"].items() if abs(e) > limit]
        lines.append(
            f"| {title} | per year {periods[0]}–{periods[-1]}, calibrated | "
            + ", ".join(f"{p} {_pct(e)}" for p, e in per_year["error"].items())
            + f" | {'**no**' if bad else 'yes'} |"
        )
        if bad:
            misses.append(f"{title.split(',')[0]} per year outside ±{limit:.0%}: " + ", ".join(bad))
    det = checks["deterrence"]
    deterred = det["high"] < 0 and det["identical_before"] == 1.0
    lines.append(
        "| deterrence | `baseline`: a rule removing everyone who crosses, announced "
        f"{det['announced']}: departures in the next 90 days, {seeds} paired seeds | "
        f"{det['difference']:+,.0f} ({det['difference'] / det['reference']:+.0%}; 95% "
        f"{det['low']:+,.0f} to {det['high']:+,.0f}); identical before the announcement: "
        f"{'yes' if det['identical_before'] == 1.0 else 'no'} | "
        f"{'yes' if deterred else '**no**'} |"
    )
    if not deterred:
        misses.append("deterrence: departures did not fall beyond seed noise, or moved before")
    lines += [
        "",
        "The policy responses are *in sample* for the calibrated fit (they are in its "
        "objective); the out-of-sample fit never saw them: its behaviour parameters are "
        "fitted to the data up to September 2022 and the 2023 rules are encoded as announced.",
        "",
        "## People waiting at the border",
        "",
        "Published estimates dated no later than September 2023 (not fitted), beside the "
        "calibrated runs on the same week: people queueing for a port appointment, and "
        "everyone at a Mexican border crossing who is not on the move (queueing, waiting for "
        "a smuggler, back after an expulsion). The 2019–2020 estimates are metering "
        "waitlists, which the model has no mechanism for before appointments began in "
        "January 2023.",
        "",
        "| date | estimate | what | source | model: queueing | model: at crossings | "
        "model: at Tijuana |",
        "|---|---|---|---|---|---|---|",
        *[
            f"| {r.date} | {r.people:,.0f} | {r.what} | {r.source} | {_count(r.queueing)} | "
            f"{_count(r.at_crossings)} | {_count(r.at_tijuana)} |"
            for r in checks["border"].itertuples()
        ],
        "",
        "## Errors, series by series",
        "",
        "Relative error = simulated ÷ observed − 1 (mean over seeds); *ARD* is Flee's "
        "averaged relative difference (Suleimenova, Bell & Groen 2017, FLEE_SCIREP_2017): for "
        "each period, the sum over groups of |simulated − observed| divided by the observed "
        "total, averaged over periods.",
        "",
        "| series | periods | groups | mean abs. error (in sample) | out of sample | ARD |",
        "|---|---|---|---|---|---|",
    ]
    names = {
        "encounters_fy": "US encounters, FY × pattern",
        "encounters_fy_nationality": "US encounters, FY × nationality",
        "encounters_month": "US encounters, monthly total",
        "darien_year": "Darién crossings, year × pattern",
        "mexico_year": "apprehensions in Mexico, year",
        "deaths_year": "dead and missing, year",
        "response": "policy responses",
    }
    for series, title in names.items():
        rows = cal[cal["series"] == series]
        if rows.empty:
            continue
        held = oos[(oos["series"] == series) & ~oos["in_sample"]]
        ins = rows[rows["in_sample"]]
        unit = (lambda v: f"{v * 100:.0f} pp") if series == "response" else (lambda v: f"{v:.0%}")
        lines.append(
            f"| {title} | {rows['period'].min()} – {rows['period'].max()} | "
            f"{rows['group'].nunique()} | {unit(ins['error'].abs().mean())} | "
            f"{unit(held['error'].abs().mean()) if len(held) else '—'} | "
            f"{'—' if series == 'response' else f'{_ard(rows, series):.2f}'} |"
        )
    lines += [
        "",
        "Flee's published validations (Burundi, Central African Republic and Mali, 2017) "
        "report this measure for refugee arrivals in camps; the project's stored sources "
        "record only that Flee placed over 75% of refugees in the right camps after 12 days "
        "(`abm_literature.csv`), not its ARD values, so no Flee figure is quoted here: "
        "compare with the paper itself. The model's ARD is over flow patterns (or one total), "
        "not over camps, so the two measure different things with the same formula.",
        "",
        "## Figures",
        "",
        f"![Monthly US encounters]({figures['monthly']})",
        "",
        "Monthly US southwest-border encounters. After September 2023 there is no data: the "
        "drivers hold their FY2023 level and what moves the curve is the policies (Mexico's "
        "surge of December 2023, the June 2024 proclamation, the January 2025 orders).",
        "",
        f"![Fiscal years by pattern]({figures['fiscal_years']})",
        "",
        f"![Darién, Mexico, deaths]({figures['other']})",
        "",
        f"![Policy responses]({figures['responses']})",
        "",
        "## What was fitted to what",
        "",
        "| calibration | fitted on | free parameters (fitted value) | objective | evaluations |",
        "|---|---|---|---|---|",
    ]
    for name, c in fits.items():
        params = _read_parameters(c)
        lines.append(
            f"| {name.replace('_', ' ')} (`{c.source.name}`) | data to {c.fit_until} | "
            + "; ".join(
                f"`{k}` = {v:.3g} (range {c.free[k][0]:g}–{c.free[k][1]:g})"
                for k, v in params.items()
            )
            + f" | {prov[name]['objective']:.3f} | {prov[name]['evaluations']} |"
        )
    for name, c in fits.items():
        for key, value in _read_parameters(c).items():
            low, high = c.free[key]
            if min(value - low, high - value) <= 0.02 * (high - low):
                misses.append(
                    f"`{key}` ends at the edge of its range ({value:.3g} in "
                    f"{low:g}–{high:g}) in the {name.replace('_', ' ')} fit: the data "
                    "pull it further than the range the scenario allows"
                )
    lines += [
        "",
        "Besides these, both fits set the **push level of each nationality in each fiscal "
        "year** of their window so that the runs meet that year's US encounters of that "
        "nationality (CBP citizenship series): 12 × 4 levels in the calibrated fit, 12 × 3 "
        "out of sample. So the in-sample fiscal-year fit by pattern mostly checks that "
        "derivation; the tests that the model earns are the monthly shape within years, "
        "the policy responses, Darién, Mexico, deaths and, above all, the out-of-sample year. "
        "The objective, the method and the provenance of each fit are in "
        "`experiments/calibration/*/parameters.toml`; the method in "
        "`experiments/calibration/README.md`.",
        "",
        "**Assumed, not fitted** (priors with their sources in `docs/ODD.md`): the network "
        "(costs, days, hazards), route-choice weights, party sizes and budgets, the removal "
        "and re-attempt shares of each pattern, Title 42's removal shares, the parole quotas "
        "and appointments, the enforcement surge of December 2023 and everything after "
        "September 2023. Drivers continue after the last data month at the last fiscal "
        "year's level (a rule, not a forecast of push).",
        "",
        "## What the model gets wrong",
        "",
        *[f"- {m}." for m in misses],
        *[f"- {m}" for m in KNOWN_LIMITS],
        "",
    ]
    return "\n".join(lines)


KNOWN_LIMITS = (
    "People waiting at the border: in 2023 the model's queue for port appointments is about "
    "twice the border-wide estimate of May 2023, while the people it has waiting at Tijuana "
    "are fewer than Baja California's estimate (table above). Those who queue weigh the "
    "chance of an appointment within 60 days (`border_choice.horizon_days`, a judgement) "
    "against crossing; the stock is not fitted.",
    "Darién: after Mexico's visa for Venezuelans (January 2022) every Venezuelan route north "
    "crosses the Darién, so 2022 is over-predicted; the shares of Venezuelans and Haitians who "
    "set out from Colombia, Peru, Ecuador, Chile or Brazil are judgements (`origins.csv`).",
    "Within a year, push changes smoothly (interpolated between fiscal-year levels) and "
    "follows a pre-2020 seasonal profile, so monthly spikes that the data show (spring 2021 "
    "and 2022, December 2022) are not in the runs unless a policy makes them.",
    "COVID-19 is a factor on departures from mid-March to June 2020 whose depth is the "
    "April/February 2020 ratio of encounters; it does not close legs.",
    "Apprehensions in Mexico are INM 'presentations' (events, not people, including "
    "people met far from the routes the network draws); the model counts apprehensions on "
    "its routes. October–December 2019 is under-predicted: Mexico's enforcement after the "
    "June 2019 agreement with the US is not encoded, and the shares of people Mexico deported "
    "are 2022's (62% of Northern Triangle presentations; about 95% in 2018–2019).",
    "Deaths are compared in order of magnitude only: IOM's Central American route includes "
    "Caribbean sea crossings that the network does not have.",
    "After the data (no target): Mexico's enforcement surge of December 2023 lowers US "
    "encounters over 30 days by about a fifth to a quarter on the first seeds, about half "
    "the ~50% fall seed 004 reports: many people are already waiting at the border, and "
    "their appointments go on (lesson 05 discusses it).",
    "The out-of-sample year inherits FY2022's push: growth of flows that began after "
    "September 2022 (Ecuadorians, Colombians, Chinese and other transcontinental flows) "
    "cannot be predicted by a model whose drivers come from the data it is fitted on.",
)


def _read_parameters(calibration: Calibration) -> dict[str, float]:
    return read_toml(calibration.out / "parameters.toml")["parameters"]
