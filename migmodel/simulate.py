"""``run(scenario, seed)``: the one function the CLI, sweeps, calibration, tests and app share."""

from __future__ import annotations

from collections.abc import Callable, Collection
from importlib.metadata import PackageNotFoundError, version

import numpy as np
import pandas as pd

from geo import AUTHORITIES
from migmodel.measures import CONSEQUENCES, MEASURES
from migmodel.model import MigrationModel
from migmodel.patterns import FLOW_PATTERNS, NATIONALITIES, NATIONALITY_PATTERN
from migmodel.population import FINAL, KINDS, STATUSES
from migmodel.results import TABLES, Results
from migmodel.scenario import Scenario
from migmodel.snapshots import STOCK_STATUSES

try:
    __version__ = version("migmodel")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"


PORT_OF_ENTRY = "port_of_entry"
"""The ``crossing`` of encounters by appointment at a port (they have no place on the map)."""


def run(
    scenario: Scenario,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    tables: Collection[str] = TABLES,
) -> Results:
    """Simulate a scenario from its start date for its number of days.

    Args:
        scenario: a validated scenario (see :func:`migmodel.load_scenario`).
        seed: random seed; the same scenario and seed give identical results in any process.
        progress: called as ``progress(days_done, days_total)`` after each day.
        tables: the tables of :class:`~migmodel.results.Results` to build; the others are
            empty. The run is the same; a caller that needs a few tables saves building the
            rest (a twentieth of a calibration's run).

    Returns:
        The run's :class:`~migmodel.results.Results`.

    Raises:
        ValueError: a name in ``tables`` is not one of :data:`~migmodel.results.TABLES`.
    """
    _check_tables(tables)  # before the run, not after it
    model = MigrationModel(scenario, seed=seed)
    while model.day < model.total_days:
        model.next_day()
        if progress is not None:
            progress(model.day, model.total_days)
    return collect(model, tables)


def collect(model: MigrationModel, tables: Collection[str] = TABLES) -> Results:
    """Turn a model's state and counters into :class:`~migmodel.results.Results`.

    Only ``tables`` are built (see :func:`run`); the others are empty.

    Raises:
        ValueError: a name in ``tables`` is not one of :data:`~migmodel.results.TABLES`.
    """
    _check_tables(tables)
    builders: dict[str, Callable[[MigrationModel], pd.DataFrame]] = {
        "daily": daily_table,
        "journeys": _journeys,
        "encounters": lambda m: _encounters(m, _dates(m)),
        "edge_flows": _edge_flows,
        "stocks": _stocks,
        "beliefs": _beliefs,
        "consequences": _consequences,
    }
    return Results(
        **{name: builders[name](model) if name in tables else pd.DataFrame() for name in TABLES},
        scenario=model.scenario,
        seed=model.seed,
        version=__version__,
    )


def _check_tables(tables: Collection[str]) -> None:
    """Raise ValueError naming any of ``tables`` that is not a table of the results."""
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise ValueError(f"no table named {', '.join(unknown)}; the tables: {', '.join(TABLES)}")


def daily_table(model: MigrationModel) -> pd.DataFrame:
    """Return the ``daily`` table of the days simulated so far from the start date."""
    dates = _dates(model)
    days = len(dates)
    counts = model.counts[model.spinup : model.spinup + days]
    daily = pd.DataFrame(
        counts.reshape(days * len(FLOW_PATTERNS), len(MEASURES)), columns=list(MEASURES)
    )
    daily.insert(
        0, "flow_pattern", pd.Categorical(np.tile(FLOW_PATTERNS, days), categories=FLOW_PATTERNS)
    )
    daily.insert(0, "date", np.repeat(dates.to_numpy(), len(FLOW_PATTERNS)))
    return daily


def _dates(model: MigrationModel) -> pd.DatetimeIndex:
    """Dates reported so far: from the start date (spin-up days are not reported)."""
    days = max(0, model.day - model.spinup)
    return pd.date_range(model.scenario.start, periods=days, freq="D").as_unit("ns")


_ROUTES_AT_ONCE = 1 << 16
"""Routes spelled out at a time: a full-scale run's 495,000 routes of up to 62 places took
400 MB at once as a padded table and its Python lists."""


def _journeys(model: MigrationModel) -> pd.DataFrame:
    pop, ids = model.pop, model.network.nodes["id"].to_numpy()

    def column(name: str) -> np.ndarray:  # a copy: the model may go on stepping
        return pop.column(name).copy()

    def categories(name: str, labels: object) -> pd.Categorical:
        return pd.Categorical.from_codes(column(name), categories=labels)

    end, depart = pop.column("end_day"), pop.column("depart_day")
    codes, used = pd.factorize(pop.column("path"))  # by hashing: 5x quicker than sorting
    codes = codes.astype(np.int32)
    routes: list[str] = []
    for first in range(0, used.size, _ROUTES_AT_ONCE):
        routes += _route_names(model.paths.spell(used[first : first + _ROUTES_AT_ONCE]), ids)
    status = pop.column("status")
    outcome = np.where(FINAL[status], status, len(STATUSES)).astype(np.int8)
    return pd.DataFrame(
        {
            "agent": np.arange(pop.n, dtype=np.int32),
            "origin": categories("origin", ids),
            "nationality": categories("nationality", NATIONALITIES),
            "flow_pattern": categories("pattern", FLOW_PATTERNS),
            "people": pop.column("people").astype(np.int32),
            "depart_date": pd.Timestamp(model.first_date) + pd.to_timedelta(depart, unit="D"),
            "days": np.where(end >= 0, end, model.day).astype(np.int32) - depart,
            "attempts": column("attempts"),
            "us_encounters": column("encounters"),
            "outcome": pd.Categorical.from_codes(outcome, categories=[*STATUSES, "under_way"]),
            "route": pd.Categorical.from_codes(codes, categories=routes),
        },
        copy=False,  # every column is a fresh array: building the table need not copy them
    )


def _route_names(steps: np.ndarray, ids: np.ndarray) -> list[str]:
    """Spell routes given as right-aligned rows of node indices as "a > b > c" strings."""
    names = ids.tolist()
    first = steps.shape[1] - (steps >= 0).sum(axis=1)
    return [
        " > ".join([names[i] for i in row[k:]])
        for row, k in zip(steps.tolist(), first.tolist(), strict=True)
    ]


def _encounters(model: MigrationModel, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """US encounters by date, nationality and crossing; appointments at ``port_of_entry``."""
    # Only the nodes US-border legs leave from see encounters: searching those alone is
    # quicker than searching every node's (a twentieth of a calibration's run).
    crossing = np.unique(model.src[model.us_edge])
    met = model.encounters[model.spinup : model.day][:, :, crossing]
    day, nat, k = np.nonzero(met)
    port_day, port_nat = np.nonzero(model.port_encounters[model.spinup : model.day])
    nationality = np.array(NATIONALITIES)[np.concatenate([nat, port_nat])]
    pattern = np.array([NATIONALITY_PATTERN[n] for n in NATIONALITIES])
    crossings = model.network.nodes["id"].to_numpy()[crossing[k]]
    table = pd.DataFrame(
        {
            "date": dates[np.concatenate([day, port_day])],
            "nationality": nationality,
            "flow_pattern": pattern[np.concatenate([nat, port_nat])],
            "crossing": np.concatenate([crossings, np.full(port_day.size, PORT_OF_ENTRY)]),
            "us_encounters": np.concatenate(
                [met[day, nat, k], model.port_encounters[model.spinup + port_day, port_nat]]
            ),
        }
    )
    return table.sort_values("date", kind="stable", ignore_index=True)


def _edge_flows(model: MigrationModel) -> pd.DataFrame:
    edges = model.network.edges
    table = edges[["source", "target", "mode", "authority"]].reset_index(drop=True)
    return table.assign(people=model.flows[model.spinup : model.day].sum(axis=0))


def _stocks(model: MigrationModel) -> pd.DataFrame:
    """People under way by week, place, status and flow pattern (non-zero rows)."""
    snap, nodes = model.snapshots, model.network.nodes
    if not snap.stocks:
        counts = np.zeros((0, model.n_nodes, len(STOCK_STATUSES), len(FLOW_PATTERNS)))
    else:
        counts = np.stack(snap.stocks)
    week, node, status, pattern = np.nonzero(counts)
    return pd.DataFrame(
        {
            "date": pd.to_datetime(pd.Series(snap.dates, dtype=object)[week].to_numpy()),
            "place": nodes["id"].to_numpy()[node],
            "country": nodes["country"].to_numpy()[node],
            "kind": nodes["kind"].to_numpy()[node],
            "status": pd.Categorical.from_codes(status, categories=STOCK_STATUSES),
            "flow_pattern": pd.Categorical.from_codes(pattern, categories=FLOW_PATTERNS),
            "people": counts[week, node, status, pattern],
        }
    )


def _beliefs(model: MigrationModel) -> pd.DataFrame:
    """Believed chance of staying by week, nationality, kind and place (border or home)."""
    snap = model.snapshots
    frames = []
    for place, values in (("border", snap.border), ("home", snap.home)):
        if not values:
            continue
        array = np.stack(values)  # weeks × nationalities × kinds
        week, nat, kind = np.indices(array.shape).reshape(3, -1)
        frames.append(
            pd.DataFrame(
                {
                    "date": pd.to_datetime(pd.Series(snap.dates, dtype=object)[week].to_numpy()),
                    "nationality": np.array(NATIONALITIES)[nat],
                    "kind": np.array(KINDS)[kind],
                    "place": place,
                    "chance_of_staying": array.ravel(),
                }
            )
        )
    columns = ["date", "nationality", "kind", "place", "chance_of_staying"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def _consequences(model: MigrationModel) -> pd.DataFrame:
    """People by date, authority and consequence (non-zero rows)."""
    dates = _dates(model)
    counts = model.consequences[model.spinup : model.spinup + len(dates)]
    day, authority, what = np.nonzero(counts)
    return pd.DataFrame(
        {
            "date": dates[day],
            "authority": np.array(AUTHORITIES)[authority],
            "consequence": np.array(CONSEQUENCES)[what],
            "people": counts[day, authority, what],
        }
    )
