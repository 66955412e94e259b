"""Small counts shown for what they are: deaths move in whole agents, mostly a few."""

from __future__ import annotations

from migmodel.views.figures import PANELS, _few_agents, charts_option
from migmodel.views.session import Session
from migmodel.views.text import FEW_AGENTS


def test_the_deaths_chart_steps_in_whole_agents_inside_a_few_agents_band():
    session = Session()
    session.step(60)
    option = charts_option(session)
    i = list(PANELS).index("deaths")
    lines = [s for s in option["series"] if s["xAxisIndex"] == i]
    per_agent = session.model.scenario.people_per_agent
    values = {v for line in lines for _, v in line["data"]}
    assert values and all(v % per_agent == 0 for v in values)  # whole agents, seed 1
    assert all(line["step"] == "end" for line in lines)  # no slope between two agents
    band = lines[0]["markArea"]["data"][0]
    top = FEW_AGENTS * per_agent
    assert band[0]["yAxis"] == 0 and band[1]["yAxis"] == top
    assert f"under {FEW_AGENTS} agents ({top:,} people)" in band[0]["name"]
    assert max(values) < top and option["yAxis"][i]["max"] == top  # the band is seen whole
    others = [s for s in option["series"] if s["xAxisIndex"] != i]
    assert not any("markArea" in s or "step" in s for s in others)  # big counts: plain lines


def test_a_count_above_the_band_lets_the_axis_fit_the_data():
    panel = [{"data": [["2021-10-01", 0.0], ["2021-10-02", 2_400.0]]}]
    y: dict[str, object] = {}
    _few_agents(panel, y, per_agent=200, font=11)
    assert y["max"] is None  # 12 agents: ECharts fits the axis to the data
    panel[0]["data"][1][1] = 1_800.0
    _few_agents(panel, y, per_agent=200, font=11)
    assert y["max"] == 2_000  # 9 agents: the axis reaches the band's top
