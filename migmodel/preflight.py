"""Checks made before a run starts: what a valid scenario could still not do on this machine.

A scenario file can be valid key by key and still be impossible to run: its network may name
a nationality the model does not know, or its scale may need more memory than the machine
has (one person per agent with a large push asks for hundreds of millions of agents). These
checks refuse such a scenario in one line, before the run allocates anything.
"""

from __future__ import annotations

import os

import numpy as np

from geo import Network, NetworkError, load_network
from migmodel.drivers import Drivers, load_drivers
from migmodel.inputs import ScenarioError
from migmodel.patterns import FLOW_PATTERNS, NATIONALITIES, pattern_code
from migmodel.scenario import Scenario

AGENT_BYTES = 200
"""Memory per agent over a whole run, measured with margin: its state columns (43 bytes),
their growth by doubling, its route notes and its row in the journeys table."""

DAY_BYTES_PER_NODE = 8 * (len(NATIONALITIES) + 4)
"""Memory per simulated day and network place (encounter and flow arrays)."""


def check_network(network: Network) -> Network:
    """Return ``network`` if the model can run on it.

    Raises:
        NetworkError: an origin's nationality is not one of :data:`NATIONALITIES`.
    """
    found = network.origins()["nationality"]
    unknown = sorted(set(found) - set(NATIONALITIES))
    if unknown:
        raise NetworkError(
            f"{network.source / 'nodes.csv'}: nationality {unknown[0]!r} is not one the model "
            f"knows ({', '.join(NATIONALITIES)})"
        )
    return network


def available_memory() -> int:
    """Return the memory this process may still use, in bytes (MemAvailable, or 8 GB)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 8 * 1024**3


def estimate_bytes(agents: int, days: int, nodes: int) -> int:
    """Return the memory a run of ``agents`` agents over ``days`` days needs, roughly."""
    return agents * AGENT_BYTES + days * max(nodes, 1) * DAY_BYTES_PER_NODE


def check_memory(scenario: Scenario, agents: int, days: int, nodes: int) -> None:
    """Refuse a run whose estimated memory exceeds what the machine has available.

    ``MIGMODEL_MEMORY_LIMIT_MB`` sets the limit by hand (e.g. for a classroom server).

    Raises:
        ScenarioError: naming the estimate, the limit and how to lower the need.
    """
    need = estimate_bytes(agents, days, nodes)
    limit_mb = os.environ.get("MIGMODEL_MEMORY_LIMIT_MB", "")
    limit = int(limit_mb) * 1024**2 if limit_mb.isdigit() else available_memory()
    if need > limit:
        raise ScenarioError(
            f"{scenario.name}: about {agents:,} agents over {days:,} days would need about "
            f"{need / 1024**3:,.1f} GB of memory, more than the {limit / 1024**3:,.1f} GB "
            f"available; raise people_per_agent (now {scenario.people_per_agent:g}) or "
            "shorten the run"
        )


def check_runnable(scenario: Scenario) -> Scenario:
    """Return ``scenario`` if its network suits the model and its run fits in memory.

    Raises:
        ScenarioError: the run would not fit in memory.
        NetworkError: the network cannot be read or names an unknown nationality.
    """
    network = check_network(load_network(scenario.network))
    drivers = load_drivers(scenario.drivers) if scenario.drivers else None
    days = scenario["spinup_days"] + scenario.days
    check_memory(scenario, expected_agents(scenario, drivers), days, len(network.nodes))
    return scenario


def expected_agents(scenario: Scenario, drivers: Drivers | None) -> int:
    """Return the agents a scenario's departures will create, with a margin.

    Spin-up included; this is also the model's initial capacity.
    """
    wanting = np.array([scenario["departures"][n] * scenario["push"][n] for n in NATIONALITIES])
    party_mean = np.array([scenario["party_size"][p] for p in FLOW_PATTERNS])
    nat_pattern = np.array([pattern_code(n) for n in NATIONALITIES], dtype=np.int8)
    peak = drivers.peak if drivers else np.ones(len(NATIONALITIES))
    parties_per_year = (wanting * peak / party_mean[nat_pattern]).sum()
    per_day = parties_per_year / 365.25 / scenario.people_per_agent
    total_days = scenario["spinup_days"] + scenario.days
    return int(1.1 * per_day * total_days) + 1024
