"""model.migrants(...): a lazy, filtered view of the migrants, as a DataFrame or Mesa agents."""

from __future__ import annotations

import numpy as np
import pytest
from mesa.agent import AgentSet

import migmodel
from migmodel.agents import Migrant


@pytest.fixture(scope="module")
def model() -> migmodel.MigrationModel:
    scenario = migmodel.load_scenario("baseline").replace(people_per_agent=2000, days=60)
    model = migmodel.MigrationModel(scenario, seed=1)
    model.run(40)
    return model


def test_filters_match_the_columns(model):
    pop = model.pop
    status, pattern = pop.column("status"), pop.column("pattern")
    view = model.migrants(status="waiting", pattern=["crisis_states", "mexican"])
    expected = np.flatnonzero((status == 1) & np.isin(pattern, [2, 3]))
    assert view.rows.tolist() == expected.tolist()
    assert len(view) == expected.size > 0
    assert view.people == pytest.approx(pop.column("people")[expected].sum())
    under_way = model.migrants(status="under_way")
    assert len(under_way) == len(model.migrants(status=["travelling", "waiting"]))
    assert len(model.migrants()) == pop.n


def test_a_frame_and_mesa_agents_of_the_same_migrants(model):
    view = model.migrants(status="under_way", nationality="HND")
    frame = view.to_frame()
    assert frame.index.tolist() == view.rows.tolist()
    assert set(frame["nationality"]) == {"HND"}
    assert set(frame["status"]) <= {"travelling", "waiting"}
    agents = view.agents()
    assert isinstance(agents, AgentSet) and len(agents) == len(frame)
    assert all(isinstance(a, Migrant) for a in agents)
    assert sorted(agents.get("place")) == sorted(frame["place"])
    assert agents.agg("people", sum) == pytest.approx(frame["people"].sum())
    place = frame["place"].iloc[0]
    assert place in model.migrants(place=place).to_frame()["place"].tolist()


def test_a_view_is_lazy_it_follows_the_model():
    scenario = migmodel.load_scenario("baseline").replace(people_per_agent=2000, days=30)
    model = migmodel.MigrationModel(scenario, seed=2)
    view = model.migrants(status="under_way")
    before = len(view)
    model.run(20)
    assert len(view) > before


def test_unknown_names_say_what_is_allowed(model):
    with pytest.raises(ValueError, match="did you mean 'waiting'"):
        model.migrants(status="waitng")
    with pytest.raises(ValueError, match=r"allowed: .*northern_triangle"):
        model.migrants(pattern="central_american")
    with pytest.raises(ValueError, match="place"):
        model.migrants(place="atlantis")


def test_a_mesa_datacollector_with_model_reporters_works_on_the_model():
    from mesa import DataCollector

    scenario = migmodel.load_scenario("baseline").replace(people_per_agent=2000, days=20)
    model = migmodel.MigrationModel(scenario, seed=3)
    collector = DataCollector(
        model_reporters={"waiting": lambda m: m.migrants(status="waiting").people}
    )
    for _ in range(5):
        model.step()
        collector.collect(model)
    table = collector.get_model_vars_dataframe()
    assert len(table) == 5 and table["waiting"].iloc[-1] == model.migrants(status="waiting").people
