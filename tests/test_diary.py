"""Following migrants: the diary records whole journeys without changing the run."""

from __future__ import annotations

import numpy as np
import pytest

import migmodel
from migmodel.diary import EVENTS
from migmodel.model import MigrationModel
from migmodel.population import STATUSES

SCENARIO = migmodel.load_scenario("baseline").replace(days=200, spinup_days=60)
FINAL_EVENT = {
    "released_in_us": {"released"},
    "evaded_into_us": {"enters_us"},
    "returned": {"gives_up", "goes_home"},
    "died": {"dies"},
    "settled_in_mexico": {"settles"},
    "entered_legally": {"appointment"},
}


@pytest.fixture(scope="module")
def followed() -> tuple[MigrationModel, list[int]]:
    plain = MigrationModel(SCENARIO, seed=3)
    plain.run(30)
    rows = list(range(0, plain.pop.n, max(1, plain.pop.n // 40)))
    model = MigrationModel(SCENARIO, seed=3)
    model.follow(rows)
    model.run()
    return model, rows


def test_following_does_not_change_the_run(followed):
    model, _ = followed
    plain = MigrationModel(SCENARIO, seed=3)
    plain.run()
    np.testing.assert_array_equal(plain.counts, model.counts)
    np.testing.assert_array_equal(plain.pop.column("status"), model.pop.column("status"))


def test_every_journey_starts_at_home_and_ends_with_its_outcome(followed):
    model, rows = followed
    ended = 0
    for row in rows:
        entries = model.diary.of(row)
        assert entries, f"migrant {row} has no diary"
        assert entries[0].event == "leaves"
        assert entries[0].node == model.pop.origin[row]
        assert [e.day for e in entries] == sorted(e.day for e in entries)
        assert {e.event for e in entries} <= set(EVENTS)
        status = STATUSES[model.pop.status[row]]
        if status in FINAL_EVENT:
            ended += 1
            assert entries[-1].event in FINAL_EVENT[status], (row, status, entries[-1])
            assert entries[-1].day == model.pop.end_day[row]
    assert ended >= 10  # the sample covers finished journeys, not only ones under way


def test_legs_join_up(followed):
    """Each leg sets off from where the migrant is: the last arrival or where it was sent."""
    model, rows = followed
    for row in rows:
        here = None
        for e in model.diary.of(row):
            if e.event in ("leaves", "arrives", "sent_back", "relocated"):
                here = e.node
            elif e.event == "sets_off":
                assert e.node == here, (row, e)


def test_us_encounters_in_the_diary_match_the_count(followed):
    model, rows = followed
    for row in rows:
        met = sum(e.event == "encountered" for e in model.diary.of(row))
        assert met == model.pop.encounters[row]
