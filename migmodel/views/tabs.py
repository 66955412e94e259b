"""The tabs under the charts: the comparison table, a followed migrant, and the export."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import solara

from migmodel.diary import EVENTS
from migmodel.views.prose import Prose
from migmodel.views.session import REFERENCES, Session
from migmodel.views.text import (
    PATTERN_NAMES,
    STATUS_NAMES,
    few_agents,
    few_agents_note,
    outcome_name,
    signed_percent,
    whole,
)

Act = Callable[[Callable[[], str | None]], None]


def comparison_markdown(table: pd.DataFrame, seeds: int, people_per_agent: int) -> str:
    """The Comparison table as Markdown: readable names, signed differences and percentages.

    A difference smaller than :data:`~migmodel.views.text.FEW_AGENTS` agents is marked (†):
    at that size it is a handful of agents' decisions, not a measured effect.
    """
    columns = ["outcome (people so far)", "reference", "current levers", "difference"]
    columns += ["95% interval", "% change"] if seeds > 1 else ["% change"]
    lines = ["| " + " | ".join(columns) + " |", "|---" + "|---:" * (len(columns) - 1) + "|"]
    flagged = False
    for name, row in table.iterrows():
        few = few_agents(row["difference"], people_per_agent)
        flagged |= few
        cells = [outcome_name(str(name)), whole(row["reference"]), whole(row["current"])]
        cells += [whole(row["difference"], signed=True) + (" †" if few else "")]
        if seeds > 1:
            cells += [f"{whole(row['low'], True)} to {whole(row['high'], True)}"]
        cells += [signed_percent(row["relative"])]
        lines.append("| " + " | ".join(cells) + " |")
    if flagged:
        lines.append("\n" + few_agents_note(people_per_agent))
    return "\n".join(lines)


@solara.component
def Comparison(session: Session, version: int = 0) -> None:
    """The main outcomes so far: reference, current levers and the difference."""
    table = session.outcomes()
    if "reference" not in table:
        Prose("Choose *compare* or *ensemble* under **Runs** to compare with a reference.")
        return
    seeds = len(session.seeds)
    drawn = [r.draw for r in session.runs if r.side == "current" and r.draw]
    Prose(
        f"Reference: **{REFERENCES[session.settings.reference]}**, on the same "
        f"{'seeds' if seeds > 1 else 'seed'} ({', '.join(map(str, session.seeds))})"
        + (f" and posterior draws ({', '.join(map(str, drawn))})" if drawn else "")
        + ". "
        + (
            "The interval is a 95% confidence interval of the paired difference over "
            + (
                "seeds and posterior draws: it carries the parameters' uncertainty too; "
                if drawn
                else "seeds: "
            )
            + "a difference whose interval includes 0 may be noise."
            if seeds > 1
            else "One seed shows one possible run: use *ensemble* to tell signal from noise."
        )
    )
    ppa = session.model.scenario.people_per_agent
    Prose(comparison_markdown(table, seeds, ppa), style={"font-size": "0.9em"})


def migrant_summary(session: Session, row: int) -> str:
    """One sentence on a followed migrant: who, how many people the agent stands for, where."""
    model = session.model
    migrant = model.migrant(row)
    names = dict(zip(model.network.nodes["id"], model.network.nodes["name"], strict=True))
    ppa = model.scenario.people_per_agent
    party = round(migrant.people / ppa)
    travel = "alone" if party == 1 else f"in a party of {party}"
    return (
        f"**Migrant {row}**: {migrant.nationality} "
        f"({PATTERN_NAMES[migrant.flow_pattern]}), travelling {travel}; the agent stands for "
        f"{migrant.people:,.0f} people ({ppa:,} such parties). Now "
        f"**{STATUS_NAMES[migrant.status]}** at {names[migrant.place]}; "
        f"{migrant.budget_usd:,.0f} USD each left."
    )


@solara.component
def FollowMigrant(session: Session, act: Act, version: int = 0) -> None:
    """Pick a migrant (or a random one) and see its journey on the map and as a timeline."""
    row, set_row = solara.use_state(0)

    def follow(which: int | None) -> str:
        found = session.follow(which)
        return f"Following migrant {found.row}: its journey is drawn in blue on the map."

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Button(
            "Follow a random migrant",
            icon_name="mdi-dice-5",
            on_click=lambda: act(lambda: follow(None)),
        )
        solara.InputInt("Migrant number", value=row, on_value=set_row, continuous_update=False)
        solara.Button("Follow", on_click=lambda: act(lambda: follow(row)))
        if session.following:
            solara.Button(
                "Stop following",
                text=True,
                on_click=lambda: act(lambda: session.stop_following() or "Stopped following."),
            )
    following = session.following
    if following is None:
        Prose(
            "Nobody is followed. The run is replayed from its first day to find the whole "
            "journey (same scenario and seed, so the same run); then it goes on as you step."
        )
        return
    Prose(migrant_summary(session, following.row))
    lines = ["| date | event | place | detail |", "|---|---|---|---|"]
    lines += [
        f"| {e.date:%d %b %Y} | {EVENTS[e.event].split(' (')[0]} | {e.place} | {e.detail} |"
        for e in following.entries
    ]
    Prose("\n".join(lines), style={"font-size": "0.9em"})


@solara.component
def Export(session: Session, version: int = 0) -> None:
    """Download the runs' data as CSV or Parquet; the map and charts have their own PNG icon."""
    stem = f"migmodel-{session.model.scenario.name}-{session.date:%Y%m%d}"
    Prose(
        "The tables of every run so far (daily observables, journeys, encounters by crossing, "
        "flows on each leg) with a `run.json` recording scenario, seed and version. For a "
        "picture of the map or the charts, use the PNG icon at the top right of each."
    )
    with solara.Row():
        solara.FileDownload(
            lambda: session.export("csv"), filename=f"{stem}-csv.zip", label="Data as CSV (zip)"
        )
        solara.FileDownload(
            lambda: session.export("parquet"),
            filename=f"{stem}-parquet.zip",
            label="Data as Parquet (zip)",
        )
