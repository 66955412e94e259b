"""The migration model: a Mesa model stepping one day at a time on a real calendar.

``model.py`` holds the set-up and the order of the day; the levers are
:mod:`migmodel.levers` and each rule of the day is a module of :mod:`migmodel.rules`
(``docs/ODD.md`` §7 gives every rule and its sources):

1. **Levers**: the policies in force set today's levers, and those announced but not yet in
   force set what people *expect* (:mod:`migmodel.levers`).
2. **Departures** (:mod:`~migmodel.rules.departure`): of the would-be migrants of each
   nationality, a share sets out that depends on what they believe an attempt brings.
3. **Events due today**: migrants at the end of a leg may die or be apprehended
   (:mod:`~migmodel.rules.arrival`), with Mexico's consequences (:mod:`~migmodel.rules.mexico`)
   or the US border's (:mod:`~migmodel.rules.us_border`); at the border people choose to
   cross, wait for an appointment, settle in Mexico or go home (:mod:`~migmodel.rules.queue`);
   the others choose their next leg and set off (:mod:`~migmodel.rules.moving`).
4. **Appointments** at the ports go to those waiting, first come first served.
5. **Beliefs** learn from today's outcomes and announcements (:mod:`~migmodel.rules.beliefs`).

A migrant who is travelling or waiting costs nothing until its next event
(:mod:`migmodel.schedule`): all the migrants with an event on a day are handled together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import mesa
import numpy as np

from geo import AUTHORITIES, Network, load_network
from migmodel.agents import Migrant
from migmodel.diary import Diary, days
from migmodel.drivers import load_drivers
from migmodel.levers import apply_levers, neutral_levers, update_levers
from migmodel.measures import CONSEQUENCES, MEASURES, M
from migmodel.migrants import Migrants
from migmodel.patterns import FLOW_PATTERNS, NATIONALITIES, pattern_code
from migmodel.policy import Levers
from migmodel.population import FINAL, KINDS, RETURNED, TRAVELLING, WAITING, Population
from migmodel.preflight import check_memory, check_network, expected_agents
from migmodel.regime import Regime
from migmodel.registry import build
from migmodel.route_ids import NO_ROUTE, Paths
from migmodel.rules import arrival, departure, mexico, moving, queue
from migmodel.rules.arrival import MEXICO, US
from migmodel.rules.beliefs import Beliefs, implied_chance
from migmodel.scenario import Scenario
from migmodel.schedule import Schedule
from migmodel.snapshots import Snapshots


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
        beliefs: what people at the border and at home expect (:mod:`migmodel.rules.beliefs`).
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
        agents = self._expected_agents()
        self.pop = Population(agents)
        self.paths = Paths(agents)
        self.schedule = Schedule()
        self.queue = queue.Queue()
        n_nat, n_pat = len(NATIONALITIES), len(FLOW_PATTERNS)
        self.counts = np.zeros((self.total_days, n_pat, len(MEASURES)))
        self.encounters = np.zeros((self.total_days, n_nat, self.n_nodes))
        """US encounters in people by day, nationality and crossing node."""
        self.port_encounters = np.zeros((self.total_days, n_nat))
        """People met at ports of entry by appointment, by day and nationality."""
        self.consequences = np.zeros((self.total_days, len(AUTHORITIES), len(CONSEQUENCES)))
        """People by day, authority and consequence of their apprehension or encounter."""
        self.flows = np.zeros((self.total_days, len(self.src)))
        """People setting off along each edge, by day and edge."""
        self.snapshots = Snapshots()
        """Weekly stocks by place, status and pattern, and beliefs (:mod:`migmodel.snapshots`)."""
        self.in_transit = np.zeros(n_pat)
        self.waiting = np.zeros(n_pat)
        self._views: dict[int, Migrant] = {}
        self.diary: Diary | None = None
        """The journeys of followed migrants (see :meth:`follow`); None when nobody is."""
        built = [build(spec) for spec in scenario.policies]
        self.policies = sorted(built, key=lambda policy: policy.order)
        for policy in self.policies:
            policy.setup(self)
        self.access_dates = set(self.network.access_changes())
        """Dates on which an entry regime of ``access.csv`` starts or ends."""
        self.levers = self.announced = self.neutral_levers()
        self.regime = Regime(self, self.levers.copy())
        """The levers of the policies in force, rebuilt when a strength changes."""
        apply_levers(self, self.levers)
        b = scenario["beliefs"]
        self.beliefs = Beliefs(
            self.implied_chance(self.announced),
            memory_days=b["memory_days"],
            lag_days=int(b["lag_days"]),
            prior_people=b["prior_people"],
            noise_sd=b["noise_sd"],
        )
        self.route_reference = self.journey_cost
        """Expected generalised cost from each origin at the start (departures compare to it)."""

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
        self.is_crossing = (nodes["kind"] == "crossing").to_numpy()
        self.relocation_node = self.network.node_index.get(mexico.RELOCATION_NODE, -1)
        """Where Mexico relocates people it apprehends (-1: not in this network)."""
        self.us_edge = self.authority == US
        self.travel_order = self.network.travel_order()[::-1]
        """Nodes in route choice's order: nearest the border first."""
        # Route choice and apprehension are per group: nationality × kind (see group()).
        nat = np.repeat(np.arange(len(NATIONALITIES)), len(KINDS))
        self.group_kind = np.tile(np.arange(len(KINDS)), len(NATIONALITIES))
        self.group_pattern = np.array([pattern_code(NATIONALITIES[n]) for n in nat])
        # Chance of apprehension per group and edge: the authority's enforcement, except that
        # Mexico's migration authorities do not apprehend Mexican citizens.
        rate = np.array([0.0, *(s["enforcement"][a] for a in AUTHORITIES[1:])])
        exposure = np.ones((nat.size, len(AUTHORITIES)))
        exposure[np.ix_(self.group_pattern == FLOW_PATTERNS.index("mexican"), MEXICO)] = 0.0
        self.base_apprehension = (rate * exposure)[:, self.authority]

    def _setup_origins(self) -> None:
        """Where each nationality sets out, and who its people are."""
        table = self.network.origin_shares(NATIONALITIES)
        nat = table["nationality"].to_numpy()
        check_network(self.network)
        self.origin_node = table["node"].to_numpy(np.int32)
        self.origin_nat = np.array([NATIONALITIES.index(x) for x in nat], dtype=np.int8)
        self.origin_share = table["share"].to_numpy(float)
        s = self.scenario
        self.nat_pattern = np.array([pattern_code(n) for n in NATIONALITIES], dtype=np.int8)
        self.wanting = np.array([s["departures"][n] * s["push"][n] for n in NATIONALITIES])
        """Would-be migrants per year by nationality before drivers, levers and the calendar."""
        self.asylum_share = np.array([s["asylum_seeker_share"][n] for n in NATIONALITIES])
        self.kind_mix = np.stack([self.asylum_share, 1 - self.asylum_share], axis=1)
        """Share of each nationality's migrants of each kind (:data:`KINDS`)."""
        self.party_mean = np.array([s["party_size"][p] for p in FLOW_PATTERNS])
        self.people_per_party = (
            s.people_per_agent * self.party_mean[self.nat_pattern][self.origin_nat]
        )
        """People in an average party setting out from each origin row."""
        self.budget_median = np.array([s["budget_usd"][p] for p in FLOW_PATTERNS])
        self.transit_reattempt_share = np.array(
            [s["transit_reattempt_share"][p] for p in FLOW_PATTERNS]
        )
        self.reattempt_delay = np.array(
            [s["reattempt_delay_days"][p] for p in FLOW_PATTERNS], dtype=int
        )

    def _expected_agents(self) -> int:
        """Agents the scenario's departures will create, with a margin: the initial capacity."""
        agents = expected_agents(self.scenario, self.drivers)
        check_memory(self.scenario, agents, self.total_days, self.n_nodes)
        return agents

    def group(self, ids: np.ndarray) -> np.ndarray:
        """Return the route-choice group of migrants: nationality × kind."""
        return self.pop.group[ids]

    # ------------------------------------------------------------------ levers
    def neutral_levers(self) -> Levers:
        """Return today's levers before any policy acts: the scenario's own values."""
        return neutral_levers(self)

    def implied_chance(self, levers: Levers) -> np.ndarray:
        """Return the chance of staying in the US that ``levers`` imply, by nationality × kind.

        The chance that an evader's crossing ends in an encounter is today's (the mean over
        the crossing legs), computed when the levers were last applied.
        """
        return implied_chance(levers.removal_share, self.us_encounter)

    # ------------------------------------------------------------------ the day
    def step(self) -> None:
        """Simulate one day, as a Mesa step: Mesa counts it in ``steps`` and ``time``."""
        self.next_day()

    def next_day(self) -> None:
        """Simulate one day outside Mesa's event list.

        Mesa runs each ``step`` as an event it schedules, about 70 µs a day, 6% of a
        calibration's run; :meth:`run` and :func:`migmodel.run` step this way. The day is the
        same either way; Mesa's ``steps`` and ``time`` count only the days done by ``step``.
        """
        if self.day >= self.total_days:
            self.running = False
            return
        update_levers(self)
        departure.depart(self)
        due = self.schedule.pop(self.day)
        if due is not None:
            due = due[~FINAL[self.pop.status[due]]]  # e.g. given an appointment meanwhile
            travelling = self.pop.status[due] == TRAVELLING
            ready = arrival.arrive(self, due[travelling])
            moving.move(self, np.concatenate([due[~travelling], ready]))
        queue.give_appointments(self)
        self.beliefs.update(self.day, *self.regime.chances(), self.rng)
        if self.snapshots.due(self):
            self.snapshots.take(self)
        self.counts[self.day, :, M["in_transit"]] = self.in_transit
        self.counts[self.day, :, M["waiting_at_border"]] = self.waiting
        self.day += 1
        self.date += dt.timedelta(days=1)
        self.running = self.day < self.total_days

    def run(self, days: int | None = None) -> None:
        """Step until the scenario's end (or for ``days`` days)."""
        end = self.total_days if days is None else min(self.total_days, self.day + days)
        while self.day < end:
            self.next_day()

    def add_migrants(self, origins: np.ndarray | int) -> np.ndarray:
        """Put new migrants at origin rows, ready to leave today (``departure.add_migrants``)."""
        return departure.add_migrants(self, origins)

    # ------------------------------------------------------------------ shared by the rules
    def count(self, measure: str, ids: np.ndarray, amount: np.ndarray | None = None) -> None:
        """Add ``ids``' people (or ``amount``) to today's ``measure``, by flow pattern."""
        if ids.size == 0:
            return
        weights = self.pop.people[ids] if amount is None else amount
        self.counts[self.day, :, M[measure]] += np.bincount(
            self.pop.pattern[ids], weights=weights, minlength=len(FLOW_PATTERNS)
        )

    def count_consequence(self, authority: int | np.ndarray, what: str, ids: np.ndarray) -> None:
        """Add ``ids``' people to today's consequences of ``authority`` (one or per id)."""
        if ids.size == 0:
            return
        column = self.consequences[self.day, :, CONSEQUENCES.index(what)]
        if not isinstance(authority, np.ndarray):
            column[authority] += self.pop.people[ids].sum()
        else:
            column += np.bincount(authority, self.pop.people[ids], column.size)

    def finish(self, ids: np.ndarray, status: int, leaves_transit: bool = True) -> None:
        """End the journeys of ``ids`` with a final status."""
        if ids.size == 0:
            return
        self.pop.status[ids] = status
        self.pop.end_day[ids] = self.day
        if leaves_transit:
            self.in_transit -= self.people_by_pattern(ids)

    def people_by_pattern(self, ids: np.ndarray) -> np.ndarray:
        """Return the people of ``ids`` summed by flow pattern."""
        if ids.size == 0:
            return np.zeros(len(FLOW_PATTERNS))
        return np.bincount(
            self.pop.pattern[ids], weights=self.pop.people[ids], minlength=len(FLOW_PATTERNS)
        )

    def send_back(
        self, ids: np.ndarray, place: np.ndarray, retry_share: np.ndarray, at_border: bool
    ) -> None:
        """Return ``ids`` to ``place``; a share ``retry_share`` (per id) tries again later.

        Args:
            ids: the migrants sent back.
            place: where each is sent (its origin, or the Mexican side of the border).
            retry_share: each one's chance of trying again.
            at_border: whether they are put on the Mexican side of the border: those who try
                again stay in transit and go on after ``border_retry_days``; people sent
                home set out again after ``reattempt_delay_days``.
        """
        if ids.size == 0:
            return
        pop = self.pop
        people = self.people_by_pattern(ids)
        self.counts[self.day, :, M["returns"]] += people  # as count("returns", ids)
        retry = self.rng.random(ids.size) < retry_share
        pop.node[ids], pop.edge[ids] = place, -1
        # The route records the last attempt: those who try again start a new one there.
        pop.path[ids] = self.paths.extend(np.where(retry, NO_ROUTE, pop.path[ids]), place)
        stays = ids[retry] if at_border else ids[:0]
        self.in_transit -= people - self.people_by_pattern(stays)
        self.finish(ids[~retry], RETURNED, leaves_transit=False)
        again = ids[retry]
        pop.status[again] = WAITING
        if at_border:
            delay = max(1, int(self.scenario["border_retry_days"]))
            self.schedule.add(again, self.day + delay, self.day)
            wait = np.full(again.size, delay)
        else:
            wait = np.maximum(self.reattempt_delay[pop.pattern[again]], 1)
            self.schedule.add(again, self.day + wait, self.day)
        if self.diary is not None:
            self.diary.note(self, ids, "sent_back", place)
            self.diary.note(
                self, again, "tries_again", place[retry], lambda k: f"in {days(wait[k])}"
            )
            self.diary.note(self, ids[~retry], "gives_up", place[~retry])

    # ------------------------------------------------------------------ following
    def follow(self, rows: list[int]) -> Diary:
        """Record, from now on, every event of the migrants in ``rows`` in :attr:`diary`.

        Each event site checks ``self.diary`` first, so a run that follows nobody does none
        of the diary's work.
        """
        self.diary = Diary(rows)
        return self.diary

    def leg(self, edge: np.ndarray, paid: np.ndarray | None = None) -> Callable[[int], str]:
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

    def migrants(
        self,
        status: str | list[str] | None = None,
        pattern: str | list[str] | None = None,
        nationality: str | list[str] | None = None,
        place: str | list[str] | None = None,
    ) -> Migrants:
        """Return a lazy, filtered view of the migrants, as a DataFrame or Mesa agents.

        ``model.migrants(status="waiting", place="tapachula").to_frame()``; see
        :class:`~migmodel.migrants.Migrants` for the filters and what a view gives.
        """
        return Migrants(self, status, pattern, nationality, place)

    def migrant(self, row: int) -> Migrant:
        """Return the Mesa agent view of the migrant in row ``row`` of :attr:`pop`."""
        if not 0 <= row < self.pop.n:
            raise IndexError(f"no migrant {row}: the model has {self.pop.n}")
        if row not in self._views:
            self._views[row] = Migrant(self, row)
        return self._views[row]
