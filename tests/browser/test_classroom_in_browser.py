"""The app as a class uses it: a phone, a projector, a whole lesson, the teacher's view."""

from __future__ import annotations

from playwright.sync_api import expect
from test_app_in_browser import START, _choose, _step

TITLE_BOXES = """
() => {
  const chart = document.querySelector('.migmodel-charts')?.__vue__?.chart;
  const titles = (chart?._componentsViews || []).filter(v => v && v.type === 'title');
  if (titles.length !== 6) return null;  // not drawn yet, or being made again
  return titles.map(v => {
    const r = v.group.getBoundingRect().clone();
    r.applyTransform(v.group.getLocalTransform());
    return [r.x, r.y, r.width, r.height];
  });
}
"""
"""The chart titles' boxes, read in one go once all six are drawn (a step may redraw the
charts between two separate reads on a busy machine)."""


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_no_console_errors_over_load_step_play_follow_and_a_whole_lesson(app):
    page = app.page
    _step(app)
    expect(page.locator(".migmodel-notice")).to_have_count(0)  # "Press Step" is gone
    page.get_by_role("button", name="Play").click()
    before = app.date()
    expect(page.locator(".migmodel-date")).not_to_have_text(before, timeout=15_000)
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    page.get_by_role("tab", name="Follow a migrant").click()
    for _ in range(3):
        page.get_by_role("button", name="Follow a random migrant").click()
        expect(page.locator(".migmodel-notice")).to_contain_text("Following migrant")
        _step(app)
    expect(page.get_by_text("the agent stands for")).to_be_visible()
    _choose(app, "Guided lesson", "freight trains")
    for step in (1, 2, 3):
        page.get_by_role("button", name="Do this step").click()
        expect(page.locator(".migmodel-notice")).to_contain_text(f"Step {step} done")
        if step < 3:
            page.get_by_role("button", name="Next").click()
    expect(page.locator(".migmodel-lesson")).to_contain_text("% change")
    page.wait_for_timeout(500)
    assert app.errors == []


def test_teacher_notes_only_in_the_teacher_view(new_tab):
    student, teacher = new_tab(), new_tab("?teacher")
    for tab in (student, teacher):
        _choose(tab, "Guided lesson", "freight trains")
        expect(tab.page.locator(".migmodel-lesson")).to_contain_text("Step 1 of 3")
    expect(teacher.page.get_by_text("Teacher notes")).to_be_visible()
    assert "Expected observations" not in student.page.content()
    assert student.page.get_by_text("Teacher notes").count() == 0


def test_on_a_projector_nothing_overflows_and_chart_titles_do_not_overlap(new_tab):
    app = new_tab(width=1024, height=768)
    _step(app)
    boxes = app.page.wait_for_function(TITLE_BOXES).json_value()
    wide = app.page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 1024
    assert len(boxes) == 6
    clashes = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if _overlap(a, b)]
    assert clashes == []
    assert app.errors == []


def test_on_a_phone_step_is_reachable_and_works_by_touch(new_tab):
    app = new_tab(width=390, height=844, has_touch=True, is_mobile=True)
    expect(app.page.locator(".migmodel-date")).to_have_text(START)
    button = app.page.get_by_role("button", name="Step")
    button.tap()
    expect(app.page.locator(".migmodel-date")).to_have_text("08 October 2021")
    box = button.bounding_box()
    assert box and 0 <= box["x"] and box["x"] + box["width"] <= 390
    assert app.page.evaluate("document.documentElement.scrollWidth") <= 390
    assert app.page.locator(".migmodel-side").is_hidden()  # the settings: closed at first
    app.page.get_by_role("button", name="Settings").tap()
    expect(app.page.get_by_text("Switch on a policy")).to_be_visible()
    app.page.get_by_role("button", name="Close settings").tap()
    expect(app.page.locator(".migmodel-side")).to_be_hidden()
    app.page.get_by_role("button", name="Settings").tap()
    expect(app.page.get_by_text("Switch on a policy")).to_be_visible()
    app.page.keyboard.press("Escape")  # a keyboard's way out of the overlay
    expect(app.page.locator(".migmodel-side")).to_be_hidden()
    assert app.errors == []


def test_on_a_wide_screen_escape_leaves_the_settings_alone(app):
    app.page.keyboard.press("Escape")
    app.page.wait_for_timeout(500)
    expect(app.page.get_by_text("Switch on a policy")).to_be_visible()


def test_the_teacher_prints_a_handout_and_an_answer_key(new_tab):
    teacher = new_tab("?teacher")
    _choose(teacher, "Guided lesson", "freight trains")
    expect(teacher.page.locator(".migmodel-lesson")).to_contain_text("Step 1 of 3")
    pages = {}
    for label in ("Handout to print (HTML)", "Answer key to print (HTML)"):
        with teacher.page.expect_download() as download:
            teacher.page.get_by_role("button", name=label).click()
        pages[label] = open(download.value.path(), encoding="utf-8").read()
    handout, key = pages.values()
    assert "Lesson 02:" in handout and "about 45 minutes" in handout
    assert "Expected observations" in key and "Expected observations" not in handout
    student = new_tab()
    _choose(student, "Guided lesson", "freight trains")
    expect(student.page.locator(".migmodel-lesson")).to_contain_text("Step 1 of 3")
    assert student.page.get_by_role("button", name="Answer key to print (HTML)").count() == 0


def test_the_map_legs_switch_to_patterns_and_to_the_difference(app):
    _step(app, 2)
    legend = "document.querySelector('.migmodel-map').__vue__.chart.getOption()"
    for label, text in (("pattern", "today, not the last 30"), ("vs reference", "minus the")):
        app.page.get_by_role("button", name=label, exact=True).click()
        app.page.wait_for_function(
            f"{legend}.graphic[0].elements.some(e => (e.style?.text || '').includes('{text}'))"
        )
    assert app.errors == []


def test_a_handed_in_worksheet_is_seen_on_the_teacher_page(new_tab):
    """Name and class code typed first: the records that appear above them must keep them."""
    student = new_tab()
    page = student.page
    _choose(student, "Guided lesson", "freight trains")
    lesson = page.locator(".migmodel-lesson")
    expect(lesson).to_contain_text("Step 1 of 3")
    lesson.get_by_label("Your name").fill("Ana Browser")
    lesson.get_by_label("Class code").fill("room-12")
    hand_in = page.get_by_role("button", name="Hand in")
    expect(hand_in).to_be_enabled()
    page.get_by_role("button", name="Do this step").click()
    expect(page.locator(".migmodel-notice")).to_contain_text("Step 1 done")
    expect(lesson).to_contain_text("% change")  # the records table is drawn above the fields
    expect(lesson.get_by_label("Class code")).to_have_value("room-12")
    expect(hand_in).to_be_enabled()
    hand_in.click()
    expect(page.locator(".migmodel-notice")).to_contain_text("handed in to class room-12")
    teacher = new_tab("?teacher")
    field = teacher.page.locator(".migmodel-class").get_by_label("Class code")
    field.fill("room-12")
    field.press("Enter")
    card = teacher.page.locator(".migmodel-class")
    expect(card).to_contain_text("Ana Browser")
    expect(card).to_contain_text("US border encounters: Northern Triangle")
    assert student.errors == [] and teacher.errors == []


MAP_NAMES = """
(() => {
  const chart = document.querySelector('.migmodel-map').__vue__.chart;
  const named = new Set(chart.getOption().series.slice(1, 3).flatMap(s => s.data)
    .filter(d => d.label && d.label.show).map(d => d.label.formatter));
  return chart.getZr().storage.getDisplayList(true)
    .filter(el => el.style && named.has(el.style.text))
    .map(el => {
      const r = el.getBoundingRect().clone();
      r.applyTransform(el.getComputedTransform());
      return [el.style.text, r.x, r.y, r.width, r.height];
    });
})()
"""


def test_the_names_of_near_crossings_do_not_overlap_on_the_map(app):
    app.page.get_by_role("button", name="Month").click()
    _step(app, 3)  # by then Reynosa and Matamoros, 80 km apart, are among the busiest
    app.page.wait_for_function(f"{MAP_NAMES}.length >= 5")
    names = app.page.evaluate(MAP_NAMES)
    assert {"Reynosa", "Matamoros"} <= {n[0] for n in names}
    clashes = [
        (a, b) for i, a in enumerate(names) for b in names[i + 1 :] if _overlap(a[1:], b[1:])
    ]
    assert clashes == []
    assert app.errors == []


def test_observed_months_beside_the_calibrated_historical_run_only(app):
    chart = "document.querySelector('.migmodel-charts')?.__vue__?.chart"  # redrawn: may be gone
    observed = f"!!{chart}?.getOption().series.some(s => s.name === 'CBP observed (month)')"
    _step(app)
    assert app.page.evaluate(observed) is False  # baseline: a what-if, not fitted to them
    _choose(app, "Scenario", "historical")
    app.page.wait_for_function(observed)
    assert app.errors == []
