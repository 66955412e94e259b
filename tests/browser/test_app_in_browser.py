"""The app in a real browser (Debian's Chromium driven by Playwright), with no internet."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pandas as pd
from playwright.sync_api import expect

START = "01 October 2021"


def _shown(app) -> dt.date:
    return dt.datetime.strptime(app.date(), "%d %B %Y").date()


def _series_names(app, name: str) -> list[str]:
    """The series an ECharts view draws, read from the chart in the page."""
    return app.page.evaluate(
        f"document.querySelector('.{name}').__vue__.chart.getOption().series.map(s => s.name)"
    )


def _step(app, times: int = 1) -> None:
    for _ in range(times):
        before = app.date()
        app.page.get_by_role("button", name="Step").click()
        expect(app.page.locator(".migmodel-date")).not_to_have_text(before)


def _choose(app, label: str, option: str) -> None:
    """Pick ``option`` in the Vuetify select labelled ``label``."""
    field = app.page.locator(".v-select", has=app.page.locator("label", has_text=label))
    field.click()
    app.page.locator(".menuable__content__active .v-list-item", has_text=option).first.click()


def test_the_page_renders_with_no_internet(app):
    expect(app.page.locator(".migmodel-date")).to_have_text(START)
    for tab in ("About the model", "Comparison", "Follow a migrant", "Export"):
        app.page.get_by_role("tab", name=tab).click()
    app.page.wait_for_load_state("networkidle")
    assert "Northern Triangle" in _series_names(app, "migmodel-charts")
    assert "people at a place" in _series_names(app, "migmodel-map")
    assert app.outside == []  # nothing was asked of the internet
    assert app.failed == []  # and everything asked of the server came


def test_step_play_and_reset(app):
    _step(app)
    assert _shown(app) == dt.date(2021, 10, 8)
    app.page.get_by_role("button", name="Month").click()
    _step(app)
    assert _shown(app) == dt.date(2021, 11, 7)
    app.page.get_by_role("button", name="Play").click()
    expect(app.page.get_by_role("button", name="Pause")).to_be_visible()
    for _ in range(2):  # the date moves on by itself
        before = app.date()
        expect(app.page.locator(".migmodel-date")).not_to_have_text(before, timeout=15_000)
    app.page.get_by_role("button", name="Pause").click()
    expect(app.page.get_by_role("button", name="Play")).to_be_visible()
    assert _shown(app) > dt.date(2021, 12, 7)
    app.page.get_by_role("button", name="Reset").click()
    expect(app.page.locator(".migmodel-date")).to_have_text(START)


def test_a_lever_change_starts_a_fresh_run_and_changes_an_outcome(app):
    _step(app, 2)
    _choose(app, "Switch on a policy", "mexico southern border")
    expect(app.page.locator(".migmodel-notice")).to_contain_text("fresh runs started")
    expect(app.page.locator(".migmodel-date")).to_have_text(START)
    slider = app.page.get_by_role("slider", name="intensity")
    slider.focus()
    app.page.keyboard.press("End")  # the most that is plausible
    expect(slider).to_have_attribute("aria-valuenow", "1")
    expect(app.page.locator(".migmodel-date")).to_have_text(START)
    app.page.get_by_role("button", name="Month").click()
    _step(app, 4)
    app.page.get_by_role("tab", name="Comparison").click()
    row = app.page.locator("tr", has_text="Apprehensions in Mexico")
    difference = row.locator("td").nth(3).inner_text()
    assert re.fullmatch(r"\+[\d,]+", difference), difference  # more apprehensions in Mexico
    assert difference != "+0"


def test_the_comparison_shows_both_runs(app):
    _step(app, 3)
    names = _series_names(app, "migmodel-charts")
    assert "Mexican" in names and "Mexican (reference)" in names
    app.page.get_by_role("tab", name="Comparison").click()
    table = app.page.locator("table", has_text="current levers")
    expect(table).to_contain_text("reference")
    assert table.locator("tr").count() > 5


def test_ensemble_mode_draws_bands(app):
    _choose(app, "Runs", "ensemble")
    expect(app.page.locator(".migmodel-notice")).to_contain_text("fresh runs started")
    _step(app, 2)
    stacked = app.page.evaluate(
        "document.querySelector('.migmodel-charts').__vue__.chart.getOption()"
        ".series.filter(s => s.areaStyle).length"
    )
    assert stacked > 0
    app.page.get_by_role("tab", name="Comparison").click()
    expect(app.page.locator("table", has_text="95% interval")).to_be_visible()


def test_two_sessions_are_independent(app, new_tab):
    other = new_tab()
    _step(app, 2)
    assert _shown(app) == dt.date(2021, 10, 15)
    expect(other.page.locator(".migmodel-date")).to_have_text(START)
    _step(other)
    assert _shown(other) == dt.date(2021, 10, 8)
    assert _shown(app) == dt.date(2021, 10, 15)


def test_follow_a_migrant(app):
    _step(app, 3)
    app.page.get_by_role("tab", name="Follow a migrant").click()
    app.page.get_by_role("button", name="Follow a random migrant").click()
    expect(app.page.locator(".migmodel-notice")).to_contain_text("Following migrant")
    expect(app.page.locator("table", has_text="sets out from home")).to_be_visible()
    assert any(n.startswith("migrant ") for n in _series_names(app, "migmodel-map"))


def test_export_downloads_the_data(app):
    _step(app, 2)
    app.page.get_by_role("tab", name="Export").click()
    with app.page.expect_download() as download:
        app.page.get_by_role("button", name="Data as CSV (zip)").click()
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    daily = pd.read_csv(archive.open("current_seed1/daily.csv"))
    assert len(daily) == 14 * 4  # two weeks, four flow patterns
    assert "reference_seed1/journeys.csv" in archive.namelist()


def test_the_map_saves_as_png(app):
    box = app.page.locator(".migmodel-map").bounding_box()
    with app.page.expect_download() as download:
        app.page.mouse.click(box["x"] + box["width"] - 16, box["y"] + 14)  # its PNG icon
    assert download.value.suggested_filename == "migmodel-map.png"
    assert open(download.value.path(), "rb").read(8) == b"\x89PNG\r\n\x1a\n"


def test_a_lesson_walks_through_to_a_worksheet(app):
    page = app.page
    _choose(app, "Guided lesson", "freight trains")
    lesson = page.locator(".migmodel-lesson")
    expect(lesson).to_contain_text("Step 1 of 3")
    for step in (1, 2, 3):
        page.get_by_role("button", name="Do this step").click()
        expect(page.locator(".migmodel-notice")).to_contain_text(f"Step {step} done")
        if step == 2:  # the step points at the apprehensions chart
            titles = page.evaluate(
                "document.querySelector('.migmodel-charts').__vue__.chart.getOption()"
                ".title.map(t => t.text)"
            )
            assert "▶ Apprehensions in Mexico" in titles
            lesson.get_by_label("Your answer").fill("Apprehensions rose more than crossings fell.")
        if step < 3:
            page.get_by_role("button", name="Next").click()
            expect(lesson).to_contain_text(f"Step {step + 1} of 3")
    expect(lesson).to_contain_text("Lesson done")
    lesson.get_by_label("Your name").fill("Ana")
    with page.expect_download() as download:
        page.get_by_role("button", name="Worksheet (HTML)").click()
    worksheet = open(download.value.path(), encoding="utf-8").read()
    assert "Student: Ana" in worksheet
    assert "Apprehensions rose more than crossings fell." in worksheet
    assert "Police the freight trains instead" in worksheet
    assert "Apprehensions in Mexico" in worksheet and "Not done yet" not in worksheet
    with page.expect_download() as download:
        page.get_by_role("button", name="Worksheet data (CSV)").click()
    data = pd.read_csv(download.value.path())
    assert set(data["step"]) == {1, 2, 3}
    assert app.outside == [] and app.failed == []  # all of it with no internet
