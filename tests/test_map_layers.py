"""The map's layers: names that do not collide, a pattern view drawn from one snapshot."""

from __future__ import annotations

from typing import Any

import numpy as np

from migmodel.views.maplayers import _hit, _label_box, on_legs_by_pattern, spread_labels
from migmodel.views.mapview import map_option
from migmodel.views.session import Session, Settings


def _point(name: str, lon: float, lat: float, people: float, side: str) -> dict[str, Any]:
    label = {"show": True, "formatter": name, "position": side}
    return {"name": name, "value": [lon, lat, people], "symbolSize": 12.0, "label": label}


def test_reynosa_and_matamoros_names_go_to_sides_that_clear_each_other():
    crossings = [  # as the map names the busiest crossings: all on the right at first
        _point("Nuevo Laredo", -99.516, 27.476, 43_800, "right"),
        _point("Reynosa", -98.285, 26.08, 45_800, "right"),
        _point("Matamoros", -97.504, 25.88, 27_800, "right"),
    ]
    places = [
        _point("Ciudad Acuña", -100.932, 29.324, 12_400, "left"),
        _point("Piedras Negras", -100.524, 28.7, 18_800, "left"),
    ]
    before = [_label_box(p, p["label"]["position"]) for p in crossings + places]
    assert _hit(before[1], before[2]) and _hit(before[3], before[4])  # as the issue saw
    spread_labels(crossings, places)
    named = crossings + places
    boxes = [_label_box(p, p["label"]["position"]) for p in named]
    marks = [_label_box(p, "mark") for p in named]
    for i, box in enumerate(boxes):
        assert not any(_hit(box, other) for other in boxes[i + 1 :])
        assert not any(_hit(box, mark) for j, mark in enumerate(marks) if j != i)
    assert crossings[1]["label"]["position"] == "left"  # Reynosa writes west, Matamoros east
    assert crossings[2]["label"]["position"] == "right"


def test_names_that_still_collide_are_hidden_by_echarts():
    session = Session(Settings(mode="single"))
    session.step(7)
    option = map_option(session)
    for points in option["series"][1:3]:
        assert points["labelLayout"] == {"hideOverlap": True}


def test_the_pattern_view_draws_width_and_colour_from_the_same_people_now():
    session = Session(Settings(mode="single"))
    session.step(28)
    option = map_option(session, view="pattern")
    on = on_legs_by_pattern(session).sum(axis=1)
    legs = option["series"][0]["data"]
    for leg, people in zip(legs, on.tolist(), strict=True):
        assert leg["lineStyle"]["width"] == round(0.6 + 1.2 * np.log10(1 + people), 2)
        assert f"{people:,.0f} people on it now" in leg["name"]
        assert "a day" not in leg["name"]  # not the flow view's 30 days
    assert "today, not the last 30 days" in option["graphic"][0]["style"]["text"]
    assert any("(air)" in leg["name"] and leg["lineStyle"]["type"] == "dashed" for leg in legs)
