"""What the map's legs show, and its keys: a layer on top of :func:`mapview.map_option`.

The legs can show (``LEG_VIEWS``):

* ``flow``: people setting off on each leg a day over the last 30 days (the map's default);
* ``pattern``: the people on each leg now (a snapshot, as its key says), coloured by the
  flow pattern most of them are in, so each pattern's route can be traced;
* ``difference``: the flow on each leg minus the reference run's (same seed), in compare and
  ensemble modes: where a policy moved people from and to.

It also draws flights dashed (a straight line from Lima to Mexico City is a plane, not a road),
names the places holding the most people, and draws the size keys of the places and
crossings (circles and squares of known size).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from migmodel.patterns import FLOW_PATTERNS
from migmodel.population import TRAVELLING
from migmodel.views.figures import PATTERN_COLOURS, PATTERN_LABELS, WINDOW

if TYPE_CHECKING:
    from migmodel.views.session import Session

LEG_VIEWS: dict[str, str] = {
    "flow": "flow",
    "pattern": "pattern",
    "difference": "vs reference",
}
"""What the legs can show (name → the button's label)."""
DIFFERENCE_COLOURS = ["#40004b", "#9970ab", "#e7d4e8", "#d9f0d3", "#5aae61", "#00441b"]
"""Fewer people than the reference (purple) to more (green): ColorBrewer PRGn, which holds
neither the highlight's cyan nor the crossings' red."""
MAIN_PLACES = 3
"""The places named on the map: those holding the most people now."""
FEW_ON_LEG = 3
"""Agents on a leg below which its pattern colour is not shown."""
LABEL_PX = (8.6, 11.4)
"""Pixels per degree of longitude and latitude on the app's 560-px map (ECharts' geo
``aspectScale`` 0.75): the scale at which :func:`spread_labels` places the names."""
LABEL_SIDES = ("right", "left", "top", "bottom")
PLACE_KEY = (10_000, 100_000)
CROSSING_KEY = (10_000, 100_000)


def place_size(people: float) -> float:
    """Return the diameter (px) of a place holding ``people``."""
    return round(3 + 0.12 * np.sqrt(people), 1)


def crossing_size(encounters: float) -> float:
    """Return the side (px) of a crossing's square for ``encounters`` in the window."""
    return round(5 + 0.04 * np.sqrt(encounters), 1)


def window_flows(session: Session, side: str = "current") -> np.ndarray:
    """Return people setting off on each leg a day over the last :data:`WINDOW` days (seed 1)."""
    run = next(r for r in session.runs if r.side == side)
    model = run.model
    first = max(model.spinup, model.day - WINDOW)
    return model.flows[first : model.day].sum(axis=0) / max(1, model.day - first)


def on_legs_by_pattern(session: Session) -> np.ndarray:
    """Return people on each leg now by flow pattern (legs × patterns), current run."""
    pop, legs, k = session.model.pop, len(session.model.src), len(FLOW_PATTERNS)
    edge, pattern = pop.column("edge"), pop.column("pattern")
    moving = (edge >= 0) & (pop.column("status") == TRAVELLING)
    cell = edge[moving].astype(np.int64) * k + pattern[moving]
    counts = np.bincount(cell, weights=pop.column("people")[moving], minlength=legs * k)
    return counts.reshape(legs, k)


def apply_layer(option: dict[str, Any], session: Session, view: str) -> dict[str, Any]:
    """Return the map ``option`` with its legs showing ``view`` and the size keys drawn."""
    if view == "difference" and session.settings.mode == "single":
        view = "flow"
        option["graphic"][0]["style"]["text"] += "\n(no reference run: choose compare)"
    if view == "pattern":
        _by_pattern(option, session)
    elif view == "difference":
        _difference(option, session)
    for leg in option["series"][0]["data"]:
        if "(air)" in leg["name"]:
            leg["lineStyle"] = {**leg["lineStyle"], "type": "dashed"}
    caption = option["graphic"][0]  # the colour bar's title: above the bar's own top label
    caption["bottom"], caption["style"]["lineHeight"] = 140, 13
    flights = {"type": "text", "left": 60, "bottom": 8, "silent": True}
    flights["style"] = {"text": "dashed: flights", "fontSize": 10, "fill": "#333"}
    option["graphic"] = [*option["graphic"], flights, *size_keys()]
    named = {c["formatter"] for c in (d["label"] for d in option["series"][2]["data"]) if c["show"]}
    _name_main_places(option["series"][1]["data"], named)
    spread_labels(option["series"][2]["data"], option["series"][1]["data"])
    for points in option["series"][1:3]:  # a name that still collides (a small screen, a
        points["labelLayout"] = {"hideOverlap": True}  # zoom) is hidden: the larger shows
    return option


def spread_labels(*ranked: list[dict[str, Any]]) -> None:
    """Put each shown name on the side of its point where it clears the others.

    Names are placed in the order given (the busiest crossings, then the fullest places),
    each on the first of :data:`LABEL_SIDES` (its own side first) whose box, at the app's
    map scale :data:`LABEL_PX`, covers neither a name placed before nor another named
    point; when none is free it keeps its side, and ECharts' ``hideOverlap`` hides the
    smaller. Reynosa and Matamoros, 80 km apart, would otherwise write over each other.
    """
    named = [
        point
        for points in ranked
        for point in sorted(points, key=lambda p: -p["value"][2])
        if point.get("label", {}).get("show")
    ]
    marks = [_label_box(p, "mark") for p in named]
    placed: list[tuple[float, float, float, float]] = []
    for point, mark in zip(named, marks, strict=True):
        label = point["label"]
        sides = [label["position"], *(s for s in LABEL_SIDES if s != label["position"])]
        taken = placed + [m for m in marks if m is not mark]
        boxes = {side: _label_box(point, side) for side in sides}
        free = [s for s in sides if not any(_hit(boxes[s], b) for b in taken)]
        label["position"] = (free or sides)[0]
        placed.append(boxes[label["position"]])


def _label_box(point: dict[str, Any], side: str) -> tuple[float, float, float, float]:
    """Return the box (x0, y0, x1, y1; px at :data:`LABEL_PX`) of a point's name on ``side``.

    ``side="mark"``: the box of the point's own symbol.
    """
    lon, lat = point["value"][:2]
    x, y = lon * LABEL_PX[0], -lat * LABEL_PX[1]
    width, height, gap = 5.5 * len(point["label"]["formatter"]), 12.0, point["symbolSize"] / 2 + 5
    if side == "mark":
        half = point["symbolSize"] / 2
        return (x - half, y - half, x + half, y + half)
    if side == "right":
        return (x + gap, y - height / 2, x + gap + width, y + height / 2)
    if side == "left":
        return (x - gap - width, y - height / 2, x - gap, y + height / 2)
    top = y - gap - height if side == "top" else y + gap
    return (x - width / 2, top, x + width / 2, top + height)


def _hit(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _name_main_places(
    places: list[dict[str, Any]], named: set[str], count: int = MAIN_PLACES
) -> None:
    """Name the ``count`` places holding the most people, but for those already named."""
    unnamed = [p for p in places if p["name"].split(":")[0] not in named]
    for place in sorted(unnamed, key=lambda p: -p["value"][2])[:count]:
        if place["value"][2] > 0:
            place["label"] = {
                "show": True,
                "formatter": place["name"].split(":")[0],
                "position": "left",
                "fontSize": 10,
                "color": "#333",
            }


def _by_pattern(option: dict[str, Any], session: Session) -> None:
    """Legs drawn from one snapshot, today's: width the people on them, colour their pattern.

    Both from the people on each leg now (not the flow view's last 30 days, which the model
    does not keep by pattern), so width and colour tell of the same people. A leg with fewer
    than :data:`FEW_ON_LEG` agents on it now is grey: too few to tell.
    """
    on = on_legs_by_pattern(session)
    agents = on.sum(axis=1) / session.model.scenario.people_per_agent
    for leg, row, n in zip(option["series"][0]["data"], on, agents.tolist(), strict=True):
        top, people = FLOW_PATTERNS[int(row.argmax())], float(row.sum())
        known = n >= FEW_ON_LEG
        leg["name"] = leg["name"].split(":")[0] + (
            f": {people:,.0f} people on it now, most {PATTERN_LABELS[top]}"
            if known
            else f": {people:,.0f} people on it now, too few to tell their pattern"
        )
        leg["lineStyle"] = {
            **leg["lineStyle"],
            "color": PATTERN_COLOURS[top] if known else "#c8c8c8",
            "width": round(0.6 + 1.2 * np.log10(1 + people), 2),
        }
    option.pop("visualMap")
    option["graphic"][0]["style"]["text"] = (
        "today, not the last 30 days:\nwidth: people on the leg now;\ncolour: the pattern "
        f"of most of them\n(grey: under {FEW_ON_LEG} agents)"
    )
    option["graphic"].append(_pattern_key())


def _difference(option: dict[str, Any], session: Session) -> None:
    diff = window_flows(session) - window_flows(session, "reference")
    top = max(1.0, float(np.abs(diff).max()))
    for leg, d in zip(option["series"][0]["data"], diff.tolist(), strict=True):
        leg["name"] = leg["name"].split(":")[0] + f": {d:+,.0f} people a day vs the reference"
        leg["value"] = round(d, 1)
        leg["lineStyle"] = {"width": round(0.6 + 3 * abs(d) / top, 2)}
    option["visualMap"] |= {
        "min": -round(top),
        "max": round(top),
        "inRange": {"color": DIFFERENCE_COLOURS},
        "text": [f"+{top:,.0f} a day", f"−{top:,.0f}"],
    }
    option["graphic"][0]["style"]["text"] = (
        f"your run minus the reference,\npeople a day (last {WINDOW} days)"
    )


def _pattern_key() -> dict[str, Any]:
    rows = [
        {
            "type": "text",
            "left": 0,
            "top": 16 * i,
            "style": {"text": f"━ {PATTERN_LABELS[p]}", "fill": PATTERN_COLOURS[p], "fontSize": 11},
        }
        for i, p in enumerate(FLOW_PATTERNS)
    ]
    return {"type": "group", "left": 8, "bottom": 20, "children": rows}


def size_keys() -> list[dict[str, Any]]:
    """The keys to the sizes: circles for people at a place, squares for US encounters."""
    children: list[dict[str, Any]] = []
    x = 0.0
    for people in PLACE_KEY:
        r = place_size(people) / 2
        children.append(_shape("circle", {"cx": x + r, "cy": 40 - r, "r": r}))
        children.append(_label(x, f"{people:,}"))
        x += 2 * r + 26
    children.append(_label(0, "people at a place", 52))
    x = 0.0
    for met in CROSSING_KEY:
        side = crossing_size(met)
        box = {"x": x, "y": 100 - side, "width": side, "height": side}
        children.append(_shape("rect", box, "#c0392b"))
        children.append(_label(x, f"{met:,}", 104))
        x += side + 30
    children.append(_label(0, f"US encounters in {WINDOW} days", 116))
    return [{"type": "group", "right": 16, "top": 40, "children": children, "z": 10}]


def _shape(kind: str, shape: dict[str, float], colour: str = "#282828") -> dict[str, Any]:
    return {
        "type": kind,
        "shape": shape,
        "style": {"fill": colour, "opacity": 0.65, "stroke": "white"},
        "silent": True,
    }


def _label(x: float, text: str, y: float = 44) -> dict[str, Any]:
    return {
        "type": "text",
        "x": x,
        "y": y,
        "style": {"text": text, "fontSize": 10, "fill": "#333"},
        "silent": True,
    }
