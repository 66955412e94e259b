"""The model reaches levers only through policy hooks, on the policies' schedule."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import numpy as np
import pytest
from toy_networks import line_network, quiet_scenario

from geo import AUTHORITIES
from migmodel import MigrationModel, collect
from migmodel.inputs import Number, ScenarioError
from migmodel.policy import Policy
from migmodel.registry import _ADDED, available, register


class CloseBorder(Policy):
    """Test policy: a crossing is certain to be met (given any baseline chance) while in force."""

    name = "test_close_border"
    parameters: ClassVar = {"share": Number(1.0, 0.0, 1.0, "probability", "diverted share")}

    def apply(self, levers, strength, model):
        at_border = model.authority == AUTHORITIES.index("us_border")
        levers.apprehension[at_border] *= 1e12  # clipped to probability 1

    def divert(self, leaving, strength, model):
        return leaving * self.share * strength


@pytest.fixture
def registered():
    register(CloseBorder)
    yield
    _ADDED.pop(CloseBorder.name)


def test_policy_acts_only_from_its_start_date(registered, tmp_path):
    net = line_network(tmp_path, nationality="VEN")
    policy = {"name": "test_close_border", "start": dt.date(2022, 1, 11), "share": 0.0}
    scenario = quiet_scenario(
        net,
        enforcement={"us_border": 1e-12},
        removal_share={"crisis_states": 0.0},
        policies=[policy],
    )
    model = MigrationModel(scenario)
    for _ in range(20):
        model.add_migrants(10)
        model.step()
    res = collect(model)
    enc = res.daily.groupby("date")["us_encounters"].sum().to_numpy()
    evaded = res.daily.groupby("date")["evaded_into_us"].sum().to_numpy()
    # arrivals happen 5 days after leaving; before day 10 all evade, from day 10 all are met
    assert enc[:10].sum() == 0 and (evaded[5:10] == 10).all()
    assert (enc[10:] == 10).all() and evaded[10:].sum() == 0


def test_divert_hook_turns_departures_into_legal_entries(registered, tmp_path):
    net = line_network(tmp_path, nationality="HTI")
    scenario = quiet_scenario(
        net,
        days=365,
        departures={"HTI": 36525},
        push={"HTI": 1.0},
        policies=[{"name": "test_close_border", "share": 0.25}],
    )
    res = collect(_run(scenario))
    legal = res.daily["legal_entries"].sum()
    assert legal == pytest.approx(0.25 * 100 * 365, rel=1e-9)  # 100 a day would leave
    assert res.daily["departures"].sum() == pytest.approx(0.75 * 100 * 365, rel=0.05)


def _run(scenario):
    model = MigrationModel(scenario)
    model.run()
    return model


def test_ramp_and_end_shape_the_strength():
    p = CloseBorder(start=dt.date(2022, 1, 1), end=dt.date(2022, 1, 31), ramp_days=10)
    assert p.strength(dt.date(2021, 12, 31)) == 0
    assert p.strength(dt.date(2022, 1, 1)) == pytest.approx(0.1)
    assert p.strength(dt.date(2022, 1, 10)) == 1
    assert p.strength(dt.date(2022, 2, 1)) == 0


def test_unknown_and_out_of_range_policy_parameters(registered, tmp_path):
    net = line_network(tmp_path)
    with pytest.raises(ScenarioError, match=r"unknown key 'shar' \(did you mean 'share'\?\)"):
        quiet_scenario(net, policies=[{"name": "test_close_border", "shar": 1}])
    with pytest.raises(ScenarioError, match=r"share = 2 is out of range: allowed 0 ≤ value ≤ 1"):
        quiet_scenario(net, policies=[{"name": "test_close_border", "share": 2}])
    assert "test_close_border" in available()
    assert np.isclose(CloseBorder(share=0.5).share, 0.5)
