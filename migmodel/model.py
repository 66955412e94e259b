"""The migration model: a Mesa model stepping one day at a time on a real calendar.

Each day (``docs/ODD.md`` gives the rules and the source of every default):

1. **Policies** set today's levers; route choice is re-computed if an edge changed.
2. **Departures**: would-be migrants leave each origin at a rate set by the scenario's
   departures per nationality, the push index (and this month's drivers, if the scenario has
   them) and the policies; legal pathways divert some.
3. **Events due today**: migrants reaching the end of an edge may die (the edge's hazard) or be
   apprehended (its authority's enforcement), with that authority's consequence; the others
   arrive, and wait at the place if it makes people wait. Waits that end today end.
4. **Moves**: everyone ready to move chooses an edge (see :mod:`migmodel.routes`), pays for it
   (or stops to work if the money has run out) and is scheduled to arrive when it is crossed.

A migrant who is travelling or waiting costs nothing until its next event: events are kept in
a calendar of day → agents, and all the migrants with an event on a day are handled together.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

import mesa
import numpy as np

from geo import AUTHORITIES, Network, load_network
from migmodel.agents import Migrant
from migmodel.diary import Diary, days
from migmodel.drivers import load_drivers
from migmodel.paths import NO_ROUTE, Paths
from migmodel.patterns import FLOW_PATTERNS, NATIONALITIES, NATIONALITY_PATTERN, pattern_code
from migmodel.population import (
    DIED,
    EVADED,
    FINAL,
    RELEASED,
    RETURNED,
    TRAVELLING,
    WAITING,
    Population,
)
from migmodel.routes import RouteTable
from migmodel.scenario import Scenario
from policies.levers import Levers

MEASURES: tuple[str, ...] = (
    "departures",
    "us_encounters",
    "mexico_apprehensions",
    "other_apprehensions",
    "darien_crossings",
    "deaths",
    "legal_entries",
    "returns",
    "released_in_us",
    "evaded_into_us",
    "smuggling_revenue_usd",
    "in_transit",
)
"""Daily observables, each per flow pattern, counted in people (revenue in USD)."""

_M = {name: i for i, name in enumerate(MEASURES)}
_MEXICO = [AUTHORITIES.index(a) for a in ("mexico_south", "mexico_interior", "mexico_rail")]
_US = AUTHORITIES.index("us_border")
_DARIEN = AUTHORITIES.index("darien")
_BUDGET_SIGMA = 0.5
HOLD_DAYS = 30
"""Days someone waiting in Mexico for a legal pathway waits before deciding again."""


class MigrationModel(mesa.Model):
    """Irregular migration through Central America and Mexico to the US southwest border.

    Args:
        scenario: the validated scenario to simulate.
        seed: seed of the model's random number generator; every draw comes from it.
        network: the network to use; by default the scenario's, or the built-in one.

    The model starts ``spinup_days`` before the scenario's start date, so that on the start
    date people are already on their way; only days from the start date on are reported.

    Attributes:
        date: the calendar date of the next step.
        day: number of days simulated so far, spin-up included.
        spinup: number of spin-up days.
        pop: the migrants' state (see :mod:`migmodel.population`).
        counts: daily observables, shape (spin-up + days, flow patterns, :data:`MEASURES`).
    """

    def __init__(self, scenario: Scenario, seed: int = 0, network: Network | None = None) -> None:
        self._scenario = scenario
        super().__init__(rng=seed)
        self.seed = seed
        self.network = network or load_network(scenario.network)
        self.spinup: int = scenario["spinup_days"]
        self.total_days: int = self.spinup + scenario.days
        self.first_date: dt.date = scenario.start - dt.timedelta(days=self.spinup)
        self.date: dt.date = self.first_date
        self.day = 0
        self.drivers = load_drivers(scenario.drivers) if scenario.drivers else None
        """Monthly push by nationality (see :mod:`migmodel.drivers`), or None."""
        self._setup_network()
        self._setup_origins()
        self.pop = Population(self._expected_agents())
        self.paths = Paths()
        self.counts = np.zeros((self.total_days, len(FLOW_PATTERNS), len(MEASURES)))
        self.encounters = np.zeros((self.total_days, len(NATIONALITIES), self.n_nodes))
        """US encounters in people by day, nationality and crossing node."""
        self.port_encounters = np.zeros((self.total_days, len(NATIONALITIES)))
        """People met at ports of entry by appointment, by day and nationality."""
        self.flows = np.zeros((self.total_days, len(self.src)))
        """People setting off along each edge, by day and edge."""
        self._in_transit = np.zeros(len(FLOW_PATTERNS))
        self._calendar: dict[int, list[np.ndarray]] = {}
        self._views: dict[int, Migrant] = {}
        self.diary: Diary | None = None
        """The journeys of followed migrants (see :meth:`follow`); None when nobody is."""
        from policies import build  # here, not at the top: the policies import migmodel

        built = [build(spec) for spec in scenario.policies]
        self.policies = sorted(built, key=lambda policy: policy.order)
        for policy in self.policies:
            policy.setup(self)
        self.levers = self.neutral_levers()
        self._apply_levers(self.levers)

    @property
    def scenario(self) -> Scenario:
        """The scenario being simulated (immutable)."""
        return self._scenario

    @scenario.setter
    def scenario(self, value: object) -> None:
        # mesa.Model.__init__ stores a default mesa Scenario here and writes ``.model`` into
        # it; this model's scenario is ours, set once and frozen, so that value is not kept.
        if isinstance(value, Scenario):
            self._scenario = value

    # ------------------------------------------------------------------ setup
    def _setup_network(self) -> None:
        s, edges, nodes = self.scenario, self.network.edges, self.network.nodes
        self.n_nodes = len(nodes)
        self.src = edges["src"].to_numpy(np.int32)
        self.dst = edges["dst"].to_numpy(np.int32)
        self.authority = edges["authority_code"].to_numpy(np.int8)
        self.base_days = edges["travel_days"].to_numpy(float)
        self.base_cost = edges["cost_usd"].to_numpy(float)
        self.base_hazard = edges["hazard"].to_numpy(float)
        self.wait_days = nodes["wait_days"].to_numpy(np.int32)
        self.is_destination = (nodes["kind"] == "destination").to_numpy()
        self._order = self.network.travel_order()[::-1]  # nearest the border first
        # Chance of apprehension per pattern and edge: the authority's enforcement, except
        # that Mexico's migration authorities do not apprehend Mexican citizens.
        rate = np.array([0.0, *(s["enforcement"][a] for a in AUTHORITIES[1:])])
        exposure = np.ones((len(FLOW_PATTERNS), len(AUTHORITIES)))
        exposure[FLOW_PATTERNS.index("mexican"), _MEXICO] = 0.0
        self.base_apprehension = (rate * exposure)[:, self.authority]

    def _setup_origins(self) -> None:
        """Split each nationality's departures over its origin nodes by population."""
        origins = self.network.origins()
        self.origin_node = origins.index.to_numpy(np.int32)
        nat = origins["nationality"].to_numpy()
        unknown = sorted(set(nat) - set(NATIONALITIES))
        if unknown:
            raise ValueError(
                f"nodes.csv: nationality {unknown[0]!r} is not one the model knows "
                f"({', '.join(NATIONALITIES)})"
            )
        self.origin_nat = np.array([NATIONALITIES.index(x) for x in nat], dtype=np.int8)
        pop = origins["population"].to_numpy(float) + 1.0
        share = (
            pop
            / np.bincount(self.origin_nat, weights=pop, minlength=len(NATIONALITIES))[
                self.origin_nat
            ]
        )
        self.origin_share = share
        self.nat_pattern = np.array([pattern_code(n) for n in NATIONALITIES], dtype=np.int8)
        self.party_mean = np.array([self.scenario["party_size"][p] for p in FLOW_PATTERNS])
        self.budget_median = np.array([self.scenario["budget_usd"][p] for p in FLOW_PATTERNS])
        per_pattern = {
            key: np.array([self.scenario[key][p] for p in FLOW_PATTERNS])
            for key in ("transit_reattempt_share", "reattempt_delay_days")
        }
        self.transit_reattempt_share = per_pattern["transit_reattempt_share"]
        self.reattempt_delay = per_pattern["reattempt_delay_days"].astype(int)

    def _expected_agents(self) -> int:
        """Agents the scenario's departures will create, with a margin: the initial capacity."""
        s = self.scenario
        peak = self.drivers.peak if self.drivers else np.ones(len(NATIONALITIES))
        parties_per_year = sum(
            s["departures"][n] * s["push"][n] * peak[i] / s["party_size"][NATIONALITY_PATTERN[n]]
            for i, n in enumerate(NATIONALITIES)
        )
        per_day = parties_per_year / 365.25 / s.people_per_agent
        return int(1.1 * per_day * self.total_days) + 1024

    # ------------------------------------------------------------------ levers
    def neutral_levers(self) -> Levers:
        """Return today's levers before any policy acts: the scenario's own values."""
        m, s = len(self.src), self.scenario
        return Levers(
            apprehension=np.ones(m),
            cost=np.ones(m),
            travel_days=np.ones(m),
            hazard=np.ones(m),
            interdiction=np.zeros(m),
            departures=np.ones(len(NATIONALITIES)),
            removal_share=np.array([s["removal_share"][p] for p in FLOW_PATTERNS]),
            border_reattempt_share=np.array(
                [s["border_reattempt_share"][p] for p in FLOW_PATTERNS]
            ),
            border_hold=np.zeros(len(FLOW_PATTERNS)),
        )

    def _update_levers(self) -> None:
        if not self.policies:
            return
        levers = self.neutral_levers()
        for policy in self.policies:
            strength = policy.strength(self.date)
            if strength > 0:
                policy.apply(levers, strength, self)
        if not levers.equals(self.levers):
            self._apply_levers(levers)

    def _apply_levers(self, levers: Levers) -> None:
        """Set the effective edge attributes from ``levers`` and rebuild route choice."""
        w = self.scenario["route_choice"]
        self.levers = levers
        self.apprehension = np.clip(
            self.base_apprehension * levers.apprehension + levers.interdiction, 0.0, 1.0
        )
        self.cost = self.base_cost * levers.cost
        self.travel_days = np.maximum(1, np.rint(self.base_days * levers.travel_days)).astype(int)
        self.hazard = np.clip(self.base_hazard * levers.hazard, 0.0, 1.0)
        cost = (
            w["days_weight"] * self.travel_days
            + w["cost_weight"] * self.cost / 1000.0
            + w["risk_weight"] * self.hazard
        ) + w["enforcement_weight"] * self.apprehension
        self.routes = RouteTable(
            self.src, self.dst, self._order, cost, w["sensitivity"], self.n_nodes
        )

    # ------------------------------------------------------------------ the day
    def step(self) -> None:
        """Simulate one day."""
        if self.day >= self.total_days:
            self.running = False
            return
        self._update_levers()
        self._depart()
        due = self._calendar.pop(self.day, None)
        if due is not None:
            ids = np.concatenate(due) if len(due) > 1 else due[0]
            travelling = self.pop.status[ids] == TRAVELLING
            arrived = self._arrive(ids[travelling])
            self._move(np.concatenate([ids[~travelling], arrived]))
        self.counts[self.day, :, _M["in_transit"]] = self._in_transit
        self.day += 1
        self.date += dt.timedelta(days=1)
        self.running = self.day < self.total_days

    def run(self, days: int | None = None) -> None:
        """Step until the scenario's end (or for ``days`` days)."""
        end = self.total_days if days is None else min(self.total_days, self.day + days)
        while self.day < end:
            self.step()

    def _count(self, measure: str, ids: np.ndarray, amount: np.ndarray | None = None) -> None:
        weights = self.pop.people[ids] if amount is None else amount
        self.counts[self.day, :, _M[measure]] += np.bincount(
            self.pop.pattern[ids], weights=weights, minlength=len(FLOW_PATTERNS)
        )

    def _depart(self) -> None:
        """Create today's new migrants at their origins."""
        s = self.scenario
        per_year = np.array([s["departures"][n] * s["push"][n] for n in NATIONALITIES])
        if self.drivers is not None:
            per_year = per_year * self.drivers.at(self.date)
        leaving = per_year * self.levers.departures / 365.25
        for policy in self.policies:
            strength = policy.strength(self.date)
            if strength > 0 and leaving.any():
                diverted = policy.divert(leaving.copy(), strength, self)
                if diverted is not None:
                    diverted = np.clip(diverted, 0.0, leaving)
                    leaving = leaving - diverted
                    self.counts[self.day, :, _M["legal_entries"]] += np.bincount(
                        self.nat_pattern, weights=diverted, minlength=len(FLOW_PATTERNS)
                    )
        rate = leaving[self.origin_nat] * self.origin_share
        parties = rate / (s.people_per_agent * self.party_mean[self.nat_pattern[self.origin_nat]])
        self.add_migrants(np.repeat(np.arange(rate.size), self.rng.poisson(parties)))

    def add_migrants(self, origins: np.ndarray | int) -> np.ndarray:
        """Put new migrants at origin nodes, ready to leave on the current day; return their ids.

        Args:
            origins: for each new migrant, its index into the origin table; or a number of
                migrants to spread over the origins in proportion to the scenario's departures.
        """
        if isinstance(origins, int | np.integer):
            s = self.scenario
            weight = np.array([s["departures"][n] for n in NATIONALITIES])[self.origin_nat]
            weight = weight * self.origin_share
            origins = self.rng.choice(weight.size, size=int(origins), p=weight / weight.sum())
        n = origins.size
        nat = self.origin_nat[origins]
        pattern = self.nat_pattern[nat]
        party = 1 + self.rng.poisson(self.party_mean[pattern] - 1.0)
        budget = self.budget_median[pattern] * np.exp(_BUDGET_SIGMA * self.rng.standard_normal(n))
        node = self.origin_node[origins]
        ids = self.pop.add(
            n,
            origin=node,
            nationality=nat,
            pattern=pattern,
            people=party * self.scenario.people_per_agent,
            budget=budget,
            node=node,
            edge=-1,
            status=WAITING,
            path=self.paths.extend(np.full(n, NO_ROUTE), node),
            depart_day=self.day,
            end_day=-1,
        )
        self._schedule(ids, self.day)
        if self.diary is not None:
            self.diary.note(
                self,
                ids,
                "leaves",
                node,
                lambda k: f"party of {party[k]}, {budget[k]:,.0f} USD each",
            )
        return ids

    def _arrive(self, ids: np.ndarray) -> np.ndarray:
        """Handle migrants reaching the end of their edge; return those ready to move on."""
        if ids.size == 0:
            return ids
        pop = self.pop
        edge, pattern = pop.edge[ids], pop.pattern[ids]
        draw = self.rng.random((2, ids.size))
        died = draw[0] < self.hazard[edge]
        caught = ~died & (draw[1] < self.apprehension[pattern, edge])
        self._finish(ids[died], DIED)
        self._count("deaths", ids[died])
        if self.diary is not None:
            self.diary.note(self, ids[died], "dies", self.src[edge[died]], self._leg(edge[died]))
        self._apprehended(ids[caught], edge[caught])

        ok = ~(died | caught)
        ids, edge = ids[ok], edge[ok]
        node = self.dst[edge]
        pop.node[ids], pop.edge[ids] = node, -1
        pop.path[ids] = self.paths.extend(pop.path[ids], node)
        self._count("darien_crossings", ids[self.authority[edge] == _DARIEN])
        arrived = self.is_destination[node]
        self._count("evaded_into_us", ids[arrived])
        self._finish(ids[arrived], EVADED)
        if self.diary is not None:
            self.diary.note(self, ids[arrived], "enters_us", node[arrived])
        ids, node = ids[~arrived], node[~arrived]
        wait = self.wait_days[node]
        pop.status[ids] = WAITING
        if self.diary is not None:
            self.diary.note(self, ids, "arrives", node)
            self.diary.note(
                self, ids[wait > 0], "waits", node[wait > 0], lambda k: days(wait[wait > 0][k])
            )
        self._schedule(ids[wait > 0], self.day + wait[wait > 0])
        return ids[wait == 0]

    def _apprehended(self, ids: np.ndarray, edge: np.ndarray) -> None:
        """Apply each authority's consequence to the migrants it apprehended."""
        if ids.size == 0:
            return
        pop = self.pop
        auth = self.authority[edge]
        us = auth == _US
        mexico = np.isin(auth, _MEXICO)
        self._count("mexico_apprehensions", ids[mexico])
        self._count("other_apprehensions", ids[~mexico & ~us])
        if self.diary is not None:
            self.diary.note(
                self,
                ids[~us],
                "apprehended",
                self.src[edge[~us]],
                lambda k: f"by {AUTHORITIES[auth[~us][k]]}",
            )
            self.diary.note(self, ids[us], "encountered", self.src[edge[us]])

        at_us = ids[us]
        self._count("us_encounters", at_us)
        pop.encounters[at_us] += 1
        np.add.at(
            self.encounters[self.day],
            (pop.nationality[at_us], self.src[edge[us]]),
            pop.people[at_us],
        )
        pattern = pop.pattern[at_us]
        removed = self.rng.random(at_us.size) < self.levers.removal_share[pattern]
        self._count("released_in_us", at_us[~removed])
        self._finish(at_us[~removed], RELEASED)
        if self.diary is not None:
            self.diary.note(self, at_us[~removed], "released", self.src[edge[us][~removed]])

        # Removed at the US border, or deported from transit: some try again. Mexicans are
        # returned to the Mexican side of the crossing they tried, everyone else to their origin.
        back = np.concatenate([at_us[removed], ids[~us]])
        back_edge = np.concatenate([edge[us][removed], edge[~us]])
        pattern = pop.pattern[back]
        retry_share = np.concatenate(
            [
                self.levers.border_reattempt_share[pattern[: removed.sum()]],
                self.transit_reattempt_share[pattern[removed.sum() :]],
            ]
        )
        self._count("returns", back)
        retry = self.rng.random(back.size) < retry_share
        mexican = pattern == FLOW_PATTERNS.index("mexican")
        place = np.where(mexican, self.src[back_edge], pop.origin[back])
        pop.node[back], pop.edge[back] = place, -1
        # The route records the last attempt: those who try again start a new one there.
        pop.path[back] = self.paths.extend(np.where(retry, NO_ROUTE, pop.path[back]), place)
        stays = mexican & retry  # waits at the border to try again: still in transit
        self._in_transit -= np.bincount(
            pattern[~stays], weights=pop.people[back[~stays]], minlength=len(FLOW_PATTERNS)
        )
        self._finish(back[~retry], RETURNED, leaves_transit=False)
        again = back[retry]
        pop.status[again] = WAITING
        delay = np.maximum(self.reattempt_delay[pattern[retry]], 1)
        self._schedule(again, self.day + delay)
        if self.diary is not None:
            self.diary.note(self, back, "sent_back", place)
            self.diary.note(
                self, again, "tries_again", place[retry], lambda k: f"in {days(delay[k])}"
            )
            self.diary.note(self, back[~retry], "gives_up", place[~retry])

    def _move(self, ids: np.ndarray) -> None:
        """Let migrants ready to move choose an edge, pay and set off."""
        if ids.size == 0:
            return
        pop = self.pop
        node = pop.node[ids]
        edge = self.routes.choose(pop.pattern[ids], node, self.rng.random(ids.size))
        if self.levers.border_hold.any():  # some wait in Mexico for a pathway instead
            held = (self.authority[edge] == _US) & (
                self.rng.random(ids.size) < self.levers.border_hold[pop.pattern[ids]]
            )
            if held.any():
                self._schedule(ids[held], self.day + HOLD_DAYS)
                if self.diary is not None:
                    self.diary.note(self, ids[held], "holds", node[held], days(HOLD_DAYS))
                ids, node, edge = ids[~held], node[~held], edge[~held]
        price = self.cost[edge]
        broke = pop.budget[ids] < price
        if broke.any():  # work where they are, then go on
            work = self.scenario["work"]
            stuck = ids[broke]
            pop.budget[stuck] += work["income_usd"]
            self._schedule(stuck, self.day + max(1, int(work["days"])))
            if self.diary is not None:
                self.diary.note(
                    self, stuck, "works", node[broke], lambda k: days(max(1, int(work["days"])))
                )
            ids, node, edge, price = ids[~broke], node[~broke], edge[~broke], price[~broke]
        leaving = node == pop.origin[ids]
        starting = ids[leaving]
        self._count("departures", starting)
        pop.attempts[starting] += 1
        self._in_transit += np.bincount(
            pop.pattern[starting], weights=pop.people[starting], minlength=len(FLOW_PATTERNS)
        )
        pop.budget[ids] -= price
        self._count("smuggling_revenue_usd", ids, price * pop.people[ids])
        self.flows[self.day] += np.bincount(edge, weights=pop.people[ids], minlength=len(self.src))
        pop.edge[ids], pop.status[ids] = edge, TRAVELLING
        self._schedule(ids, self.day + self.travel_days[edge])
        if self.diary is not None:
            self.diary.note(self, ids, "sets_off", node, self._leg(edge, paid=price))

    def count_port_encounters(self, people: np.ndarray) -> None:
        """Count people per nationality met at a port of entry today (e.g. with appointments).

        CBP counts them as southwest-border encounters (DESIGN.md); they are also legal entries.
        """
        self.counts[self.day, :, _M["us_encounters"]] += np.bincount(
            self.nat_pattern, weights=people, minlength=len(FLOW_PATTERNS)
        )
        self.port_encounters[self.day] += people

    def _finish(self, ids: np.ndarray, status: int, leaves_transit: bool = True) -> None:
        """End the journeys of ``ids`` with a final status."""
        if ids.size == 0:
            return
        self.pop.status[ids] = status
        self.pop.end_day[ids] = self.day
        if leaves_transit:
            self._in_transit -= np.bincount(
                self.pop.pattern[ids], weights=self.pop.people[ids], minlength=len(FLOW_PATTERNS)
            )

    def _schedule(self, ids: np.ndarray, when: np.ndarray | int) -> None:
        """Enter the next event of each migrant in the calendar."""
        if ids.size == 0:
            return
        if np.isscalar(when):
            self._calendar.setdefault(int(when), []).append(ids)
            return
        delay = when - self.day
        if delay.max() < 1 << 16:  # small integers: numpy sorts them by radix, in linear time
            delay = delay.astype(np.uint16)
        order = np.argsort(delay, kind="stable")
        when, ids = when[order], ids[order]
        bounds = [0, *(np.flatnonzero(np.diff(when)) + 1).tolist(), ids.size]
        for a, b in itertools.pairwise(bounds):
            self._calendar.setdefault(int(when[a]), []).append(ids[a:b])

    # ------------------------------------------------------------------ following
    def follow(self, rows: list[int]) -> Diary:
        """Record, from now on, every event of the migrants in ``rows`` in :attr:`diary`.

        Each event site checks ``self.diary`` first, so a run that follows nobody does none
        of the diary's work.
        """
        self.diary = Diary(rows)
        return self.diary

    def _leg(self, edge: np.ndarray, paid: np.ndarray | None = None) -> Callable[[int], str]:
        """Describe leg ``edge[k]``: where to, how, how long, at what cost."""
        names, modes = self.network.nodes["name"], self.network.edges["mode"]

        def describe(k: int) -> str:
            e = int(edge[k])
            text = f"to {names.iat[self.dst[e]]} by {modes.iat[e]}, {days(self.travel_days[e])}"
            return text if paid is None else f"{text}, {paid[k]:,.0f} USD each"

        return describe

    # ------------------------------------------------------------------ views
    def stock_by_node(self) -> np.ndarray:
        """Return people at each node now (travelling ones at the node they left)."""
        pop = self.pop
        active = ~FINAL[pop.column("status")]
        return np.bincount(
            pop.column("node")[active],
            weights=pop.column("people")[active],
            minlength=self.n_nodes,
        )

    def migrant(self, row: int) -> Migrant:
        """Return the Mesa agent view of the migrant in row ``row`` of :attr:`pop`."""
        if not 0 <= row < self.pop.n:
            raise IndexError(f"no migrant {row}: the model has {self.pop.n}")
        if row not in self._views:
            self._views[row] = Migrant(self, row)
        return self._views[row]
