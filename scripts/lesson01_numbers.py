"""The numbers lesson 01's teacher notes quote, from the lesson's run (baseline, seed 1).

Prints, for the run the class sees (``baseline`` with its calibration, seed 1, as the app
runs it: the spin-up first, then the fiscal year):

* the people at each of the busiest places and at Tapachula before the start (step 1's map);
* US encounters by flow pattern in the 30 days to 31 December 2021 (step 2's level), × 12,
  and over FY2022 beside CBP's FY2022 figures;
* the shares of FY2022's encounters released in the US and returns: those removed or expelled
  at the US border and the rest (deported from Mexico and other transit countries);
* by nationality, the share of the people who set out in FY2022 whose route crosses the
  Darién (and of Venezuelans, who flew to Mexico);
* of the non-Mexicans who set out in FY2022, the shares passing Tapachula, taking the Petén
  route (El Ceibo), entering at Ciudad Cuauhtémoc and flying into Mexico; where Mexicans set out;
* each crossing's share of FY2022's US encounters and that of the crossings facing Texas;
* Darién crossings to 31 March 2022 (step 3's total) and over FY2022 beside Panama's figures;
* US encounters (all patterns) by calendar month;
* the rest of the model's side of the table in docs/ODD.md section 8: Mexico's apprehensions
  (January–September 2022 × 12/9), Darién crossings and deaths in FY2022, beside the observed
  figures (MX_UPM_GDI and PA_SNM_GDI, calendar 2022).

Run from the repository's root (one run of the fiscal year, well under a minute)::

    PYTHONPATH=. .venv/bin/python scripts/lesson01_numbers.py [--old]

``--old`` runs ``baseline`` without its calibration (the parameters' documented defaults),
the run the notes quoted before the baseline took the historical posterior.
"""

from __future__ import annotations

import argparse
import itertools
from dataclasses import dataclass

import pandas as pd

from migmodel import MigrationModel, Results, collect, load_scenario

CBP_FY2022 = {
    "northern_triangle": 541_618,
    "transcontinental": 402_577,
    "crisis_states": 626_410,
    "mexican": 808_339,
}
"""CBP's southwest-border encounters in FY2022 by flow pattern (CBP_NW_GDI)."""

TEXAS = ("ciudad_juarez", "ciudad_acuna", "piedras_negras", "nuevo_laredo", "reynosa", "matamoros")
"""The crossings facing Texas."""

AIRPORT_ARRIVALS = "mexico_air_arrivals"
"""The origin of people who flew into Mexico City from outside the Americas' network."""

FY_START, FY_END = pd.Timestamp("2021-10-01"), pd.Timestamp("2022-09-30")


@dataclass(frozen=True)
class Legs:
    """Legs of the network a journey may take (source, target)."""

    darien: frozenset[tuple[str, str]]
    into_mexico: frozenset[tuple[str, str]]


def the_run(old: bool) -> tuple[pd.Series, Results, Legs]:
    """Run baseline, seed 1, as the app does.

    Returns:
        The people at each place after the spin-up (the map before the start), the results,
        and the legs that cross the Darién and that fly into Mexico.
    """
    scenario = load_scenario("baseline", calibration=not old)
    model = MigrationModel(scenario, seed=1)
    model.run(model.spinup)
    nodes, edges = model.network.nodes, model.network.edges
    before = pd.Series(model.stock_by_node(), index=nodes["name"].tolist())
    model.run()
    country = dict(zip(nodes["id"], nodes["country"], strict=True))
    legs = Legs(
        darien=legs_where(edges, edges["authority"] == "darien"),
        into_mexico=legs_where(
            edges, (edges["mode"] == "air") & (edges["target"].map(country) == "MEX")
        ),
    )
    return before.sort_values(ascending=False), collect(model), legs


def legs_where(edges: pd.DataFrame, which: pd.Series) -> frozenset[tuple[str, str]]:
    """Return the (source, target) of the edges where ``which`` holds."""
    chosen = edges[which]
    return frozenset(zip(chosen["source"], chosen["target"], strict=True))


def places(journeys: pd.DataFrame) -> pd.Series:
    """Return each journey's route as a list of place ids."""
    return journeys["route"].astype(str).str.split(" > ")


def on_route(journeys: pd.DataFrame, place: str) -> pd.Series:
    """True for the journeys whose route passes ``place``."""
    return places(journeys).map(lambda route: place in route)


def takes(journeys: pd.DataFrame, legs: frozenset[tuple[str, str]]) -> pd.Series:
    """True for the journeys whose route takes one of ``legs``."""
    return places(journeys).map(lambda route: not legs.isdisjoint(itertools.pairwise(route)))


def flew_into_mexico(journeys: pd.DataFrame, legs: Legs) -> pd.Series:
    """True for the journeys that fly into Mexico (or set out from its airport's arrivals)."""
    return takes(journeys, legs.into_mexico) | (journeys["origin"] == AIRPORT_ARRIVALS)


def share(rows: pd.DataFrame, flag: pd.Series) -> float:
    """Return the share of people (weighted by ``people``) with ``flag``."""
    people = rows["people"].astype(float)
    return float((people * flag).sum() / people.sum())


def thousands(x: float) -> str:
    """Format a count in thousands (``804k``)."""
    return f"{x / 1000:,.0f}k"


def millions(x: float) -> str:
    """Format a count in millions (``2.62M``)."""
    return f"{x / 1e6:.2f}M"


def in_fy2022(table: pd.DataFrame, column: str = "date") -> pd.DataFrame:
    """Return the rows of ``table`` whose ``column`` falls in FY2022."""
    return table[(table[column] >= FY_START) & (table[column] <= FY_END)]


def report(before: pd.Series, results: Results, legs: Legs) -> None:
    """Print every number of the notes."""
    daily = results.daily
    print("People at a place before the start (step 1):")
    shown = before.index[:8].union(["Tapachula"], sort=False)
    for name, people in before[shown].items():
        print(f"  {name:<20} {people:>9,.0f}")

    last = pd.Timestamp("2021-12-31")
    window = daily[(daily["date"] > last - pd.Timedelta(days=30)) & (daily["date"] <= last)]
    level = window.groupby("flow_pattern", observed=True)["us_encounters"].sum()
    fy = in_fy2022(daily)
    year = fy.groupby("flow_pattern", observed=True)["us_encounters"].sum()
    print("\nUS encounters by pattern: 30 days to 31 Dec 2021 (step 2), × 12; FY2022 (vs CBP)")
    for pattern in level.sort_values(ascending=False).index:
        cbp = CBP_FY2022[str(pattern)]
        print(
            f"  {pattern:<18} {thousands(level[pattern]):>5} {thousands(12 * level[pattern]):>5}"
            f"; {year[pattern]:>9,.0f} ({year[pattern] / cbp - 1:+.0%} on CBP's {cbp:,})"
        )
    total = year.sum()
    cbp_total = sum(CBP_FY2022.values())
    print(
        f"  {'all':<18} {millions(total)} ({total / cbp_total - 1:+.0%} on {millions(cbp_total)})"
    )

    released, returns = fy["released_in_us"].sum(), fy["returns"].sum()
    consequences = in_fy2022(results.consequences)
    us = consequences[consequences["authority"] == "us_border"]
    us = us.groupby("consequence", observed=True)["people"].sum()
    at_border = us.drop("released_in_us", errors="ignore").sum()
    print(
        f"\nFY2022: released in the US {millions(released)} ({released / total:.0%} of encounters)"
    )
    print(f"  removed or expelled at the US border {millions(at_border)}: {us.to_dict()}")
    print(
        f"  returns {millions(returns)}, of which deported from Mexico and other transit "
        f"countries {millions(returns - at_border)}"
    )

    set_out = in_fy2022(results.journeys, "depart_date")
    darien = takes(set_out, legs.darien)
    flew = flew_into_mexico(set_out, legs)
    print("\nOf those who set out in FY2022, by nationality: people, share crossing the Darién,")
    print("share flying into Mexico")
    for nationality, rows in set_out.groupby("nationality", observed=True):
        print(
            f"  {nationality} {rows['people'].sum():>9,} {share(rows, darien[rows.index]):5.0%}"
            f" {share(rows, flew[rows.index]):5.0%}"
        )

    foreign = set_out[set_out["nationality"] != "MEX"]
    print("\nOf the non-Mexicans who set out in FY2022, the share:")
    for label, flag in [
        ("passing Tapachula", on_route(foreign, "tapachula")),
        ("taking the Petén route (El Ceibo)", on_route(foreign, "el_ceibo")),
        ("entering at Ciudad Cuauhtémoc", on_route(foreign, "ciudad_cuauhtemoc")),
        ("flying into Mexico", flew[foreign.index]),
    ]:
        print(f"  {label:<36} {share(foreign, flag):.0%}")
    mexicans = set_out[set_out["nationality"] == "MEX"]
    origins = mexicans.groupby("origin", observed=True)["people"].sum().sort_values()[::-1]
    print("Mexicans set out from:")
    print("  " + ", ".join(f"{o} {p / origins.sum():.0%}" for o, p in origins.head(6).items()))

    met = in_fy2022(results.encounters)
    crossing = met.groupby("crossing", observed=True)["us_encounters"].sum().sort_values()[::-1]
    crossing = crossing / crossing.sum()
    print("\nShare of FY2022's US encounters by crossing:")
    print("  " + ", ".join(f"{c} {s:.0%}" for c, s in crossing.items() if s >= 0.005))
    print(f"  the crossings facing Texas: {crossing[crossing.index.isin(TEXAS)].sum():.0%}")

    march = daily.loc[daily["date"] <= pd.Timestamp("2022-03-31"), "darien_crossings"].sum()
    print("\nDarién crossings:")
    print(f"  1 Oct 2021 to 31 Mar 2022 (step 3) {march:>9,.0f} (Panama, Oct–Mar: 52,000)")
    print(f"  FY2022                             {fy['darien_crossings'].sum():>9,.0f}")
    print("  (Panama, FY2022: 189,000)")

    mexico = daily[(daily["date"] >= pd.Timestamp("2022-01-01")) & (daily["date"] <= FY_END)]
    print("\ndocs/ODD.md section 8 (FY2022 unless said):")
    mexico_year = mexico["mexico_apprehensions"].sum() * 12 / 9
    print(f"  Mexican apprehensions, Jan–Sep 2022 × 12/9 {mexico_year:>9,.0f} (2022: 441,409)")
    darien_year = fy["darien_crossings"].sum()
    print(f"  Darién crossings                         {darien_year:>9,.0f} (2022: 248,284)")
    deaths = fy["deaths"].sum()
    print(f"  deaths and disappearances                {deaths:>9,.0f} (Americas 2022: 1,457)")

    monthly = results.monthly().groupby("month")["us_encounters"].sum()
    print("\nUS encounters by month (all patterns):")
    for month, value in monthly.items():
        print(f"  {month:%b %Y} {value:>9,.0f}")


def main() -> None:
    """Run and print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", action="store_true", help="baseline without its calibration")
    args = parser.parse_args()
    report(*the_run(args.old))


if __name__ == "__main__":
    main()
