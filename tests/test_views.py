"""The app's views without a browser: the session, the map and charts, and the Solara page."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import threading
import zipfile
from collections.abc import Callable, Coroutine

import ipyvuetify as v
import numpy as np
import pandas as pd
import pytest
import solara

from migmodel.inputs import ScenarioError
from migmodel.measures import MEASURES
from migmodel.registry import available
from migmodel.views.chart import ChartWidget, option_patch
from migmodel.views.figures import (
    FLOW_COLOURS,
    HIGHLIGHT,
    PATTERN_COLOURS,
    WINDOW,
    charts_option,
    rolling,
    sample_days,
)
from migmodel.views.mapview import map_option
from migmodel.views.page import Explorer, Levers, Page
from migmodel.views.session import Session, Settings


@pytest.fixture(scope="module")
def stepped() -> Session:
    session = Session()
    for _ in range(8):
        session.step(7)
    return session


# ---------------------------------------------------------------------- session
def test_a_session_starts_at_the_scenario_start_with_people_on_the_way():
    session = Session()
    assert session.date == dt.date(2021, 10, 1) == session.start
    assert session.days_done == 0
    assert session.model.stock_by_node().sum() > 0  # the spin-up put people on the route
    assert [r.side for r in session.runs] == ["current", "reference"]


def test_step_advances_every_run_by_the_step(stepped):
    assert stepped.date == dt.date(2021, 10, 1) + dt.timedelta(days=56)
    assert {r.model.date for r in stepped.runs} == {stepped.date}
    assert stepped.last_step_seconds > 0


def test_the_run_stops_at_the_end_of_the_scenario():
    session = Session(Settings(mode="single"))
    session.step(10_000)
    assert session.finished
    assert session.days_done == session.model.scenario.days
    session.step(7)
    assert session.days_done == session.model.scenario.days


def test_a_lever_change_starts_fresh_runs_and_changes_the_outcome():
    session = Session()
    session.step(120)
    before = session.outcomes()
    assert before.loc["us_encounters", "difference"] == 0  # baseline has no policies

    notice = session.add_policy("mexico_southern_border")
    assert "fresh runs" in notice
    assert session.days_done == 0
    notice = session.set_parameter(0, "intensity", 1.0)
    assert session.policies() == [{"name": "mexico_southern_border", "intensity": 1.0}]
    session.step(120)
    after = session.outcomes()
    assert after.loc["mexico_apprehensions", "difference"] > 0
    assert after.loc["us_encounters.northern_triangle", "difference"] < 0
    # the reference is the same scenario without policies: it did not change
    assert after.loc["us_encounters", "reference"] == before.loc["us_encounters", "reference"]


def test_a_bad_lever_value_is_refused_and_the_runs_are_kept():
    session = Session()
    session.add_policy("darien")
    session.step(14)
    with pytest.raises(ScenarioError, match=r"intensity = 3.0 is out of range: allowed 0 ≤"):
        session.set_parameter(0, "intensity", 3.0)
    assert session.days_done == 14
    assert session.policies() == [{"name": "darien"}]
    with pytest.raises(ScenarioError, match=r"unknown policy 'walls'; allowed: .*darien"):
        session.add_policy("walls")
    with pytest.raises(ScenarioError, match="seed = -1 must be a whole number from 0 to"):
        session.change(seed=-1)
    with pytest.raises(ScenarioError, match=r"no built-in scenario 'nowhere'; built-in: .*base"):
        session.change(scenario="nowhere")
    with pytest.raises(ScenarioError, match="people_per_agent = 0 is out of range"):
        session.change(people_per_agent=0)
    assert session.settings.people_per_agent is None


def test_a_scenario_brings_its_own_policies_and_the_reference_can_be_as_written():
    session = Session(Settings(scenario="enforcement"))
    names = [p["name"] for p in session.policies()]
    assert "mexico_southern_border" in names
    assert session.reference_scenario().policies == ()
    session.change(reference="as_written")
    assert session.reference_scenario().policies == session.current_scenario().policies
    session.change(scenario="baseline")
    assert session.policies() == []


def test_the_same_settings_give_the_same_run_in_any_session():
    a, b = Session(), Session()
    a.step(30)
    b.step(30)
    np.testing.assert_array_equal(a.model.counts, b.model.counts)
    assert a.model is not b.model


def test_an_ensemble_runs_several_seeds_and_gives_intervals():
    session = Session(Settings(mode="ensemble", ensemble_size=3))
    assert sorted((r.side, r.seed) for r in session.runs) == [
        ("current", 1), ("current", 2), ("current", 3),
        ("reference", 1), ("reference", 2), ("reference", 3),
    ]  # fmt: skip
    session.step(30)
    series = session.series("us_encounters")
    assert series["current"].shape == (3, 30)
    assert not np.array_equal(series["current"][0], series["current"][1])  # seeds differ
    table = session.outcomes()
    assert {"low", "high"} <= set(table.columns)
    assert (table["low"] <= table["difference"]).all()


def test_follow_a_migrant_replays_its_whole_journey(stepped):
    session = Session()
    session.step(40)
    counts = session.model.counts.copy()
    following = session.follow()
    assert following.entries[0].event == "leaves"
    assert following.entries[-1].day < session.model.day
    np.testing.assert_array_equal(session.model.counts, counts)  # the same run, replayed
    seen = len(following.entries)
    session.step(60)
    assert len(session.following.entries) >= seen
    with pytest.raises(ScenarioError, match="no migrant 99999999: this run has migrants 0 to"):
        session.follow(99_999_999)
    session.stop_following()
    assert session.following is None


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_export_holds_every_run_so_far(stepped, kind):
    archive = zipfile.ZipFile(io.BytesIO(stepped.export(kind)))
    names = archive.namelist()
    for side in ("current", "reference"):
        for table in ("daily", "journeys", "encounters", "edge_flows"):
            assert f"{side}_seed1/{table}.{kind}" in names
        assert f"{side}_seed1/run.json" in names
    with archive.open(f"current_seed1/daily.{kind}") as f:
        daily = pd.read_csv(f) if kind == "csv" else pd.read_parquet(io.BytesIO(f.read()))
    assert len(daily) == stepped.days_done * 4
    expected = stepped.model.counts[stepped.model.spinup :, :, MEASURES.index("us_encounters")]
    assert daily["us_encounters"].sum() == pytest.approx(expected.sum())


# ---------------------------------------------------------------------- figures
def test_the_map_shows_the_current_run(stepped):
    option = map_option(stepped)
    model = stepped.model
    legs, places, crossings = option["series"][:3]
    assert len(legs["data"]) == len(model.network.edges)
    stock = sum(p["value"][2] for p in places["data"])
    assert stock == pytest.approx(model.stock_by_node().sum(), rel=1e-3)
    met = model.encounters[model.day - WINDOW : model.day].sum()
    assert sum(c["value"][2] for c in crossings["data"]) == pytest.approx(met, rel=1e-3)
    busiest = max(legs["data"], key=lambda d: d["value"])
    assert busiest["value"] > 1  # more than 10 people a day on the busiest leg
    assert option["title"]["text"] == f"{stepped.date:%d %B %Y}"


def test_the_map_draws_the_followed_migrant():
    session = Session()
    session.step(30)
    session.follow()
    names = [s["name"] for s in map_option(session)["series"]]
    assert names.count(f"migrant {session.following.row}") == 2


def test_the_charts_plot_30_day_sums_of_both_runs(stepped):
    option = charts_option(stepped)
    by_name = {s["name"]: s for s in option["series"] if s["xAxisIndex"] == 2}
    assert set(by_name) == {"All patterns", "All patterns (reference)"}
    points = by_name["All patterns"]["data"]
    days = sample_days(stepped.days_done, stepped.model.scenario.days)
    model = stepped.model
    daily = model.counts[:, :, MEASURES.index("mexico_apprehensions")].sum(axis=1)
    # no start-up ramp: each sum has its whole 30 days, the first ones from the spin-up
    expected = [daily[model.spinup + d - WINDOW + 1 : model.spinup + d + 1].sum() for d in days]
    assert [y for _, y in points] == pytest.approx(np.round(expected))
    assert points[0][1] > 20 * daily[model.spinup]  # a month's level on the first day
    assert points[-1][0] == (stepped.date - dt.timedelta(days=1)).isoformat()


def test_historical_charts_mark_policy_events_and_show_observed_months_baseline_none():
    session = Session(Settings(scenario="historical", mode="single"))
    session.step(30)
    option = charts_option(session)
    marks = [s["markLine"]["data"] for s in option["series"] if "markLine" in s]
    assert len(marks) == len(option["grid"])  # every panel
    dated = {str(p["start"]) for p in session.policies() if p.get("start")}
    assert dated and {m["xAxis"] for m in marks[0]} == dated
    observed = [s for s in option["series"] if s["name"] == "CBP observed (month)"]
    assert len(observed) == 1 and observed[0]["xAxisIndex"] == 1  # beside all-pattern encounters
    months = dict(observed[0]["data"])
    assert months["2019-10-31"] == 45_139  # CBP's October 2019, from experiments/data
    assert max(months) <= "2023-09-30"  # the data end there
    zoomed = charts_option(session, zoom=(dt.date(2021, 1, 1), dt.date(2021, 6, 30)))
    shown = [
        d for s in zoomed["series"] if s["name"] == "CBP observed (month)" for d, _ in s["data"]
    ]
    assert min(shown) == "2021-01-31" and max(shown) == "2021-06-30"  # the dates shown only
    baseline = Session(Settings(mode="single"))  # a what-if, not fitted to the data: no dots
    baseline.step(30)
    assert all(s["name"] != "CBP observed (month)" for s in charts_option(baseline)["series"])


def test_ensemble_charts_have_bands():
    session = Session(Settings(mode="ensemble", ensemble_size=2))
    session.step(20)
    stacked = [s for s in charts_option(session)["series"] if "stack" in s]
    assert stacked and all("areaStyle" in s for s in stacked[1::2])


def test_rolling_sums_the_last_days():
    values = np.arange(1, 41, dtype=float)[None, :]
    out = rolling(values, window=30)
    assert out[0, 0] == 1
    assert out[0, 29] == sum(range(1, 31))
    assert out[0, 39] == sum(range(11, 41))


# ---------------------------------------------------------------------- the page
def in_own_loop(main: Callable[[], Coroutine]) -> None:
    """Run ``main()`` in a thread with its own event loop, as the server gives each page.

    (Playwright's sync API keeps a loop running in this thread during the browser tests.)
    """
    failures: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(main())
        except BaseException as failure:
            failures.append(failure)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def _buttons(rc, label: str) -> list:
    return [b for b in rc.find(v.Btn).widgets if label in b.children]


def _map(rc) -> ChartWidget:
    return next(w for w in rc.find(ChartWidget).widgets if "geo" in w.option)


def test_the_page_renders_and_steps_without_a_browser():
    async def main() -> None:
        _, rc = solara.render(Page(), handle_error=False)
        assert _map(rc).drawn()["title"]["text"] == "01 October 2021"
        assert _map(rc).maps  # the outlines are sent once, with the widget
        _buttons(rc, "Step")[0].click()
        assert _map(rc).drawn()["title"]["text"] == "08 October 2021"
        assert _map(rc).patches == 1  # a step sends only what changed, not the whole map
        _buttons(rc, "Play")[0].click()
        for _ in range(100):  # two steps or more, however busy the machine
            await asyncio.sleep(0.1)
            if _map(rc).drawn()["title"]["text"] not in (
                "01 October 2021",
                "08 October 2021",
                "15 October 2021",
            ):
                break
        _buttons(rc, "Pause")[0].click()
        shown = dt.datetime.strptime(_map(rc).drawn()["title"]["text"], "%d %B %Y").date()
        assert shown > dt.date(2021, 10, 15)
        _buttons(rc, "Reset")[0].click()
        assert _map(rc).drawn()["title"]["text"] == "01 October 2021"
        rc.close()

    in_own_loop(main)


def _levers(session: Session, notices: list[str]):
    def act(action) -> None:
        try:
            notices.append(action())
        except ScenarioError as error:
            notices.append(f"refused: {error}")

    return solara.render(Levers(session, act))[1]


def _controls(rc) -> dict[str, object]:
    found = rc.find(v.Slider).widgets + rc.find(v.TextField).widgets
    return {w.label.split(":")[0]: w for w in found}


def _type(field, text: str) -> None:
    """Type into a text field and leave it, as a user does."""
    field.v_model = text
    field.fire_event("focusout")


def _switch_on(rc, session: Session, notices: list[str], name: str) -> None:
    select = next(w for w in rc.find(v.Select).widgets if w.label == "Switch on a policy")
    label = next(x for x in select.items if x.startswith(name.replace("_", " ") + ":"))
    assert available()[name].summary().rstrip(".") in label  # the picker says what it does
    select.v_model = label
    rc.render(Levers(session, lambda action: notices.append(action())))


def test_policy_controls_come_from_declared_parameters():
    session = Session()
    notices: list[str | None] = []
    rc = _levers(session, notices)
    _switch_on(rc, session, notices, "temporary_worker_visas")
    assert notices == ["Settings changed: fresh runs started from 01 Oct 2021."]
    cls = available()["temporary_worker_visas"]
    assert set(_controls(rc)) >= {key.replace("_", " ") for key in cls.parameters}
    assert _controls(rc)["apply share"].label == "apply share: 50%"  # the value and its unit
    _controls(rc)["apply share"].v_model = 0.9
    assert session.policies() == [{"name": "temporary_worker_visas", "apply_share": 0.9}]
    rc.close()


def test_a_control_never_changes_a_value_nobody_touched():
    """asylum_rule's reattempt_multiplier (default 1, range 0-3) was snapped to 0.99."""
    session = Session()
    notices: list[str | None] = []
    rc = _levers(session, notices)
    _switch_on(rc, session, notices, "asylum_rule")
    for control in _controls(rc).values():
        if isinstance(control, v.Slider):  # what the browser sends back when it draws it
            control.v_model = control.v_model
    assert session.policies() == [{"name": "asylum_rule"}]
    slider = _controls(rc)["reattempt multiplier"]
    assert slider.v_model == 1 and slider.label == "reattempt multiplier: ×1.00"
    rc.close()


@pytest.mark.parametrize("typed", ["nan", "lots", "inf", "-5", "1e99"])
def test_bad_text_in_a_number_field_gets_a_notice(typed):
    session = Session()
    session.add_policy("regional_development")
    notices: list[str | None] = []
    rc = _levers(session, notices)
    field = _controls(rc)["usd per year gtm"]
    assert field.label == "usd per year gtm: $333 M a year"
    _type(field, typed)
    assert len(notices) == 1 and notices[0].startswith("refused: usd per year gtm"), notices
    assert "allowed from $0 a year to $10 bn a year" in notices[0]
    assert session.policies() == [{"name": "regional_development"}]
    _type(_controls(rc)["usd per year gtm"], "$500M")
    assert session.policies() == [{"name": "regional_development", "usd_per_year_gtm": 5e8}]
    rc.close()


def test_a_slow_scale_warns_first_with_its_cost():
    session = Session()
    notices: list[str | None] = []
    rc = _levers(session, notices)
    _type(_controls(rc)["People per agent (scale)"], "1")
    said = [n for n in notices if n]  # the field's own action says nothing more
    assert said[-1].startswith("refused: Slow: at 1 people per agent"), said
    assert " s and the runs about " in said[-1] and " MB of memory" in said[-1]
    assert session.model.scenario.people_per_agent == 200  # nothing started yet
    _type(_controls(rc)["People per agent (scale)"], "100")  # not slow: no warning
    assert session.model.scenario.people_per_agent == 100
    rc.close()


def test_two_pages_have_their_own_models():
    async def main() -> None:
        _, one = solara.render(Page(), handle_error=False)
        _, two = solara.render(Page(), handle_error=False)
        _buttons(one, "Step")[0].click()
        assert _map(one).drawn()["title"]["text"] == "08 October 2021"
        assert _map(two).drawn()["title"]["text"] == "01 October 2021"
        one.close()
        two.close()

    in_own_loop(main)


def test_the_explorer_wraps_the_page_for_notebooks():
    async def main() -> None:
        _, rc = solara.render(Explorer(), handle_error=False)
        assert _map(rc).drawn()["title"]["text"] == "01 October 2021"
        assert _buttons(rc, "Settings")  # the page's own top bar, whose menu opens the settings
        rc.close()

    in_own_loop(main)


def test_a_step_patches_only_values_and_a_new_series_sends_the_whole_option(stepped):
    base = charts_option(stepped)
    later = Session(Settings(mode="compare"))
    later.step(7)
    new = charts_option(later)
    patch = option_patch(base, new, set())
    assert patch is not None and set(patch) <= {"series", "title", "xAxis"}
    assert [p["data"] for p in patch["series"]] == [s["data"] for s in new["series"]]
    assert all(set(p) == {"data"} for p in patch["series"])  # no name: matched by position
    single = charts_option(Session(Settings(mode="single")))
    assert option_patch(base, single, set()) is None  # fewer series: the whole option
    maps = map_option(stepped), map_option(later)
    assert option_patch(*maps, set())["title"] == maps[1]["title"]  # the date moves
    assert "geo" not in option_patch(*maps, set())  # the outlines are not sent again
    assert option_patch(maps[0], maps[0], {"title"})["title"] == maps[0]["title"]


def test_the_outcomes_so_far_are_those_of_the_daily_table(stepped):
    from migmodel.compare import outcomes
    from migmodel.simulate import daily_table
    from migmodel.views.session import run_outcomes

    for r in stepped.runs:
        expected = outcomes(daily_table(r.model))
        pd.testing.assert_series_equal(run_outcomes(r.model), expected, check_names=False)


def test_the_map_legs_show_flows_patterns_or_the_difference_with_keys(stepped):
    flow = map_option(stepped)
    assert {g["type"] for g in flow["graphic"]} >= {"text", "group"}  # colour title, keys
    keys = next(g for g in flow["graphic"] if g["type"] == "group")["children"]
    texts = [c["style"]["text"] for c in keys if c["type"] == "text"]
    assert {"10,000", "100,000", "people at a place"} <= set(texts)
    assert any(
        "(air)" in leg["name"] and leg["lineStyle"].get("type") == "dashed"
        for leg in flow["series"][0]["data"]
    )  # flights are dashed, and say so
    assert "flights" in str(flow["graphic"])
    named = [p for p in flow["series"][1]["data"] if p.get("label", {}).get("show")]
    assert len(named) == 3  # the main places, beside the busiest crossings already named
    pattern = map_option(stepped, view="pattern")
    colours = {leg["lineStyle"]["color"] for leg in pattern["series"][0]["data"]}
    assert set(PATTERN_COLOURS.values()) & colours and "visualMap" not in pattern
    difference = map_option(stepped, view="difference")
    assert all("vs the reference" in leg["name"] for leg in difference["series"][0]["data"])
    assert HIGHLIGHT not in difference["visualMap"]["inRange"]["color"]
    assert HIGHLIGHT not in FLOW_COLOURS


def test_the_map_difference_shows_where_a_policy_moved_people():
    session = Session(Settings(policies=({"name": "mexico_southern_border", "intensity": 1.0},)))
    for _ in range(6):
        session.step(7)
    option = map_option(session, view="difference")
    assert option["title"]["subtext"].endswith("policies: mexico southern border")
    values = [leg["value"] for leg in option["series"][0]["data"]]
    assert min(values) < 0 < max(values)  # fewer on some legs, more on others
    single = Session(Settings(mode="single"))
    single.step(7)
    text = map_option(single, view="difference")["graphic"][0]["style"]["text"]
    assert "no reference run" in text


def test_small_counts_are_flagged_in_the_comparison_and_the_deaths_chart(stepped):
    from migmodel.views.tabs import comparison_markdown

    table = stepped.outcomes()
    table.loc["deaths", ["difference", "relative"]] = [400.0, 0.5]  # two agents' worth
    table.loc["departures", "difference"] = 50_000.0
    text = comparison_markdown(table, 1, 200)
    assert "| +400 † |" in text and "+50,000 †" not in text
    assert "† fewer than 10 agents (2,000 people)" in text
    titles = [t["text"] for t in charts_option(stepped)["title"]]
    assert "Deaths and disappearances (1 agent = 200 people)" in titles
