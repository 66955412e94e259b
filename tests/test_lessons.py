"""Lessons: every file validates, every step runs, highlights exist, teacher notes hold."""

from __future__ import annotations

import datetime as dt
import functools
import html
import io
import re
from html.parser import HTMLParser

import ipyvuetify as v
import pandas as pd
import pytest
import solara
from solara.widgets.widgets import HTML

from migmodel.inputs import ScenarioError
from migmodel.views.classroom import Classroom
from migmodel.views.figures import HIGHLIGHT, charts_option, rolling
from migmodel.views.handout import answer_key_html, handout_html, write_all
from migmodel.views.lessons import CHARTS, LESSONS_DIR, builtin_lessons, load_lesson
from migmodel.views.mapview import map_option
from migmodel.views.session import Session
from migmodel.views.text import outcome_name, record_table

LESSONS = builtin_lessons()


def test_six_lessons_ship():
    assert len(LESSONS) >= 6


@functools.cache
def walked(name: str) -> Classroom:
    """The lesson done step by step, as a student would."""
    room = Classroom(load_lesson(name), Session())
    for i in range(len(room.lesson.steps)):
        room.go(i)
        room.do()
    return room


@pytest.mark.parametrize("name", LESSONS)
def test_every_step_runs_records_and_keeps_the_teacher_notes_promises(name):
    room = walked(name)
    session = room.session
    assert session.settings.scenario == room.lesson.scenario
    assert session.settings.seed == room.lesson.seed
    assert room.finished
    last = [s.run_to for s in room.lesson.steps if s.run_to][-1]
    assert session.date == last + dt.timedelta(days=1)
    for i, step in enumerate(room.lesson.steps):
        records = room.records_of(i)
        assert list(records.get("outcome", [])) == list(step.record)
        for outcome, direction in step.expect.items():
            difference = records.set_index("outcome").loc[outcome, "difference"]
            assert (difference > 0) == (direction == "up"), (i + 1, outcome, difference)
            if "low" in records:  # several seeds: the whole interval on the promised side
                row = records.set_index("outcome").loc[outcome]
                assert (row["low"] > 0) if direction == "up" else (row["high"] < 0)


@pytest.mark.parametrize("name", LESSONS)
def test_every_highlight_is_drawn(name):
    lesson = load_lesson(name)
    session = Session()
    for step in lesson.steps:
        charts = charts_option(session, step.highlight)
        framed = {CHARTS[i] for i, grid in enumerate(charts["grid"]) if grid.get("borderColor")}
        assert framed == {h.removeprefix("chart:") for h in step.highlight if "chart:" in h}
        marked = [
            s for s in map_option(session, step.highlight)["series"] if s["name"] == "look here"
        ]
        on_map = [h for h in step.highlight if h.startswith("map:")]
        assert sum(len(s["data"]) for s in marked) == len(on_map)
        assert all(s.get("itemStyle", s.get("lineStyle"))["color"] == HIGHLIGHT for s in marked)


def test_the_late_2023_lesson_shows_the_surge():
    """Teacher notes of lesson 5: from mid-December 2023 to the end of February 2024 Mexico's
    apprehensions more than double while US encounters over 30 days fall (fewer set out and the
    apprehended are deported or relocated, while the appointments of the people waiting in
    northern Mexico go on)."""
    room = walked("05_late_2023_natural_experiment")
    session = room.session
    start = session.start
    before = (dt.date(2023, 12, 15) - start).days
    after = (dt.date(2024, 2, 29) - start).days
    mexico = rolling(session.series("mexico_apprehensions")["current"])[0]
    us = rolling(session.series("us_encounters")["current"])[0]
    assert mexico[after] > 2 * mexico[before]
    assert 0.1 < 1 - us[after] / us[before] < 0.4


def test_the_worksheet_holds_questions_answers_and_numbers():
    room = walked("02_enforcement_and_the_balloon")
    room.student = "Ana <b>"
    room.answers[1] = "Apprehensions rose more than encounters fell."
    page = room.worksheet()
    assert "Student: Ana &lt;b&gt;" in page
    assert "Apprehensions rose more than encounters fell." in page
    for step in room.lesson.steps:
        assert html.escape(step.title) in page
    assert html.escape(room.lesson.discussion[0]) in page
    assert "<svg" in page and "<polyline" in page
    data = pd.read_csv(io.StringIO(room.records_csv()))
    assert set(data["step"]) == {1, 2, 3}
    assert {"outcome", "reference", "current", "difference"} <= set(data.columns)


def test_a_class_sees_the_same_run():
    a = walked("01_flow_patterns").records
    b = Classroom(load_lesson("01_flow_patterns"), Session())
    for i in range(len(b.lesson.steps)):
        b.go(i)
        b.do()
    assert a == b.records


BAD = [
    ("colour = 1", "lesson: unknown key 'colour'"),
    ('scenario = "nowhere"', "no built-in scenario 'nowhere'"),
    ('mode = "solo"', "mode = 'solo'; allowed: single, compare, ensemble"),
    ("[[steps]]\nrun_to = 2030-01-01", "[[steps]] #2 run_to = 2030-01-01 is outside the scenario"),
    ('[[steps]]\nhighlight = ["map:place:atlantis"]', "'map:place:atlantis' is not an element"),
    ('[[steps]]\nhighlight = ["chart:weather"]', "'chart:weather' is not an element"),
    ('[[steps]]\nrecord = ["happiness"]', "unknown key 'happiness'"),
    ('[[steps]]\npolicies = [{ name = "walls" }]', "unknown policy 'walls'"),
    ("minutes = 45.5", "minutes = 45.5 must be an integer (10 ≤ value ≤ 180 minutes)"),
    ('minutes = "45"', "minutes = '45' must be an integer (10 ≤ value ≤ 180 minutes)"),
    ("minutes = 600", "minutes = 600 is out of range: allowed 10 ≤ value ≤ 180 minutes"),
    ("seed = -1", "seed = -1 is out of range: allowed 0 ≤ value ≤"),
    (
        '[[steps]]\nexpect = { deaths = "sideways" }',
        "expect deaths = 'sideways'; allowed: up, down",
    ),
]


@pytest.mark.parametrize(("change", "message"), BAD)
def test_a_bad_lesson_file_gets_one_clear_message(tmp_path, change, message):
    text = (
        'title = "T"\nquestion = "Q"\nminutes = 45\nscenario = "baseline"\n'
        '[teacher]\nexpected = "E"\ncaveats = "C"\n'
        '[[steps]]\ntitle = "S"\nprompt = "P"\nnotice = "N"\n'
    )
    if change.startswith("[[steps]]"):
        text += change + '\ntitle = "S2"\nprompt = "P"\nnotice = "N"\n'
    elif change.startswith("scenario"):
        text = text.replace('scenario = "baseline"', change)
    elif change.startswith("minutes"):
        text = text.replace("minutes = 45", change)
    else:
        text = change + "\n" + text
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as error:
        load_lesson(path)
    assert message in str(error.value)
    assert str(error.value).startswith("bad.toml") or "scenario" in message


# What a question asks for, and what the step must record to answer it.
_ASKS = {
    "last 30 days": {"level", "change"},
    "multiply by 12": {"level"},
    "percentage": {"change", "total", "level"},
    "over the fiscal year": {"total"},
    "share of the people encountered": {"total"},
}


@pytest.mark.parametrize("name", LESSONS)
def test_every_question_gets_the_numbers_it_asks_for(name):
    """A question about the last 30 days records a 30-day level (or its change), "by how
    much" or "what percentage" gets a % column, an ensemble lesson an interval, and every
    recorded row says what it measures."""
    room = walked(name)
    for i, step in enumerate(room.lesson.steps):
        ask = step.ask.lower()
        for phrase, measures in _ASKS.items():
            if phrase in ask:
                assert step.record and step.measure in measures, (i + 1, phrase, step.measure)
        records = room.records_of(i)
        if not step.record:
            continue
        caption, headers, rows = record_table(records)
        assert caption.startswith(
            {"level": "30-day level on", "change": "change in the 30-day", "total": "total, "}[
                step.measure
            ]
        )
        assert all("_" not in row[0] for row in rows)  # readable names, not code keys
        if any(p in ask for p in ("by how much", "percentage", "by what")):
            assert "% change" in headers, (i + 1, headers)
            for row in rows:  # a % of nothing is said to be so
                assert re.fullmatch(r"[+-]\d+\.\d%", row[-1]) or (row[1], row[-1]) == (
                    "0",
                    "n/a (from 0)",
                ), row
        if room.lesson.mode == "ensemble" and "reference run" in headers:
            assert "95% interval" in headers


def test_lesson_1_records_the_30_day_level_its_question_multiplies_by_12():
    room = walked("01_flow_patterns")
    records = room.records_of(1).set_index("outcome")
    session = Session()  # the same run again, read from the daily series
    session.step((dt.date(2021, 12, 31) - session.start).days + 1)
    daily = session.series("us_encounters", by_pattern=True)["current"][0]
    assert records["current"].tolist() == pytest.approx(daily[-30:].sum(axis=0).tolist())


def test_lesson_5_records_the_change_from_mid_december_to_the_end_of_february():
    room = walked("05_late_2023_natural_experiment")
    row = room.records_of(1).set_index("outcome").loc["us_encounters"]
    us = rolling(room.session.series("us_encounters")["current"])[0]
    start = room.session.start
    before, after = (us[(d - start).days] for d in (dt.date(2023, 12, 15), dt.date(2024, 2, 29)))
    assert (row["before"], row["after"]) == (before, after)
    assert row["relative"] == pytest.approx(after / before - 1)


def _cells(page: str) -> list[list[str]]:
    """The rows of every table of an HTML page, read back with the standard library."""

    class Reader(HTMLParser):
        rows: list[list[str]]
        cell: list[str] | None = None

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.cell is not None:
                self.rows[-1].append("".join(self.cell))
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    reader = Reader()
    reader.rows = []
    reader.feed(page)
    return reader.rows


def test_the_worksheet_reads_back_with_signs_decimals_and_readable_names():
    room = walked("03_temporary_worker_visas")
    rows = _cells(room.worksheet())
    both = rows + _cells(walked("02_enforcement_and_the_balloon").worksheet())  # falls and rises
    relative = [r[-1] for r in both if r and r[-1].endswith("%") and r[0] != "outcome"]
    assert relative and all(re.fullmatch(r"[+-]\d+\.\d%", x) for x in relative), relative
    assert any(x.startswith("-") for x in relative) and any(x.startswith("+") for x in relative)
    mexican = next(r for r in rows if r[0] == "US border encounters: Mexican")
    table = room.records_of(0).set_index("outcome").loc["us_encounters.mexican"]
    assert mexican[-1] == f"{100 * table['relative']:+.1f}%"
    assert not any("_" in r[0] for r in rows)
    page = room.worksheet()
    assert page.count("class='answer'") == sum(bool(s.ask) for s in room.lesson.steps) + len(
        room.lesson.discussion
    )  # room to answer every question, the discussion's too
    assert "(ref. source document 004)" in page


def test_teacher_notes_are_absent_from_the_student_view():
    from migmodel.views.lesson_panel import LessonPanel

    for teacher in (False, True):
        room = Classroom(load_lesson("02_enforcement_and_the_balloon"), Session())
        _, rc = solara.render(
            LessonPanel(room, lambda action: action(), lambda _: None, 0, teacher),
            handle_error=False,
        )
        shown = " ".join(str(w.unsafe_innerHTML) for w in rc.find(HTML).widgets)
        assert room.lesson.steps[0].prompt[:40] in shown  # the panel is there
        assert ("Expected observations" in shown) == teacher
        assert (room.lesson.expected[:60] in shown) == teacher
        rc.close()


def test_lesson_3_visas_flow_from_the_first_day_as_its_notes_say():
    """Lesson 3's notes: a lever switched on in a lesson has no start date, so the policy is in
    force from the spin-up and its 60 processing days have passed by 1 October: about 820
    visas a day from the first day (300,000 a year)."""
    room = walked("03_temporary_worker_visas")
    legal = room.session.series("legal_entries")["current"][0]
    assert legal[0] > 0
    assert legal[:30].mean() == pytest.approx(300_000 / 365.25, rel=0.1)
    assert "visas are given from the first day" in room.lesson.steps[0].notice


def test_a_handed_in_worksheet_shows_on_the_teacher_page(tmp_path, monkeypatch):
    from migmodel.views.lesson_panel import WorksheetBar
    from migmodel.views.teacher import ClassPage

    monkeypatch.setenv("MIGMODEL_CLASS_DIR", str(tmp_path))
    room = Classroom(load_lesson("02_enforcement_and_the_balloon"), Session())
    room.do()  # step 1: runs to the end of December and records two numbers
    room.answers[0] = "Mexico apprehends more than the US encounters."
    notices: list[str] = []

    def act(action) -> None:
        try:
            notices.append(action())
        except ScenarioError as error:
            notices.append(f"refused: {error}")

    _, student = solara.render(WorksheetBar(room, act, lambda _: None), handle_error=False)
    fields = {w.label: w for w in student.find(v.TextField).widgets}
    fields["Class code"].v_model = "Period 3"
    hand = next(b for b in student.find(v.Btn).widgets if "Hand in" in b.children)
    hand.click()
    assert notices[-1] == "refused: Type your name before handing in the worksheet."
    fields["Your name"].v_model = "Ana"
    hand.click()
    assert notices[-1] == "Worksheet handed in to class Period 3 as Ana."

    _, teacher = solara.render(ClassPage(), handle_error=False)
    code = next(w for w in teacher.find(v.TextField).widgets if w.label == "Class code")
    code.v_model = "period 3"  # codes are read without case or spaces
    code.fire_event("focusout")
    shown = " ".join(str(w.unsafe_innerHTML) for w in teacher.find(HTML).widgets)
    assert "1 worksheet(s) handed in" in shown and "Ana" in shown
    assert "Mexico apprehends more than the US encounters." in shown
    nt = room.records_of(0).set_index("outcome").loc["us_encounters.northern_triangle"]
    assert f"{nt['current']:,.0f}" in shown  # the student's numbers
    from migmodel.views.submissions import class_csv

    data = pd.read_csv(io.StringIO(class_csv("period 3")))
    assert set(data["student"]) == {"Ana"} and len(data) == 2
    assert data.loc[0, "answer"] == "Mexico apprehends more than the US encounters."
    student.close()
    teacher.close()


def test_lesson_5_zooms_on_the_surge_with_a_marker_at_its_date():
    room = walked("05_late_2023_natural_experiment")
    room.go(1)
    option = charts_option(room.session, room.highlight(), zoom=room.zoom())
    assert {x["min"] for x in option["xAxis"]} == {"2023-10-01"}
    line = next(s for s in option["series"] if s["name"] == "All patterns" and s["xAxisIndex"] == 1)
    shown = [d for d, _ in line["data"]]
    assert shown[0] == "2023-10-01" and shown[-1] == "2024-02-29"
    assert len(shown) == (dt.date(2024, 2, 29) - dt.date(2023, 10, 1)).days + 1  # every day
    marks = {m["xAxis"] for s in option["series"] if "markLine" in s for m in s["markLine"]["data"]}
    assert "2023-12-20" in marks  # Mexico's surge
    observed = [s for s in option["series"] if s["name"] == "CBP observed (month)"]
    assert observed == []  # the data end in September 2023: no observed month in the window
    assert "the model forecasts" in room.step.prompt  # and the step says so


def test_a_lesson_without_a_time_is_refused_with_its_format(tmp_path):
    path = tmp_path / "untimed.toml"
    text = (LESSONS_DIR / "02_enforcement_and_the_balloon.toml").read_text(encoding="utf-8")
    path.write_text(text.replace("minutes = 45\n", ""), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"untimed.toml: minutes is missing: .*minutes = 45"):
        load_lesson(path)


@pytest.mark.parametrize("name", LESSONS)
def test_every_lesson_prints_a_handout_and_an_answer_key(name):
    lesson = load_lesson(name)
    handout, key = handout_html(lesson), answer_key_html(lesson)
    number = name[:2]
    for page in (handout, key):
        assert f"Lesson {number}: {html.escape(lesson.title)}" in page
        assert f"about {lesson.minutes} minutes" in page
        assert "@media print" in page and "@page" in page
        assert all(html.escape(q) in page for q in lesson.discussion)
    assert html.escape(lesson.expected) not in handout  # the answers only in the key
    assert html.escape(lesson.expected) in key and html.escape(lesson.caveats) in key
    blanks = handout.count("<table class='blank'>")
    assert blanks == sum(1 for step in lesson.steps if step.record)
    assert handout.count("class='answer'") >= len(lesson.discussion) + sum(
        1 for step in lesson.steps if step.ask
    )
    for step in lesson.steps:
        for outcome, direction in step.expect.items():
            promise = "above the reference" if direction == "up" else "below the reference"
            if step.measure == "change":
                promise = "rises" if direction == "up" else "falls"
            assert f"{html.escape(outcome_name(outcome))}: {promise}" in key


def test_the_handouts_of_every_lesson_are_written_to_a_folder(tmp_path):
    written = write_all(tmp_path / "handouts")
    assert len(written) == 2 * len(LESSONS)
    assert {p.name for p in written} >= {"05_late_2023_natural_experiment-answer-key.html"}
    ensemble = (tmp_path / "handouts" / "06_trade_offs-handout.html").read_text()
    assert "<th>95% interval</th>" in ensemble  # an ensemble lesson's table has its interval


def test_a_recorded_difference_of_a_few_agents_is_flagged():
    records = pd.DataFrame(
        [
            {
                "name": "Deaths",
                "measure": "total",
                "reference": 800.0,
                "current": 1000.0,
                "difference": 200.0,
                "relative": 0.25,
                "people_per_agent": 200,
            },
            {
                "name": "Departures",
                "measure": "total",
                "reference": 9e5,
                "current": 8e5,
                "difference": -1e5,
                "relative": -0.11,
                "people_per_agent": 200,
            },
        ]
    )
    caption, _, rows = record_table(records)
    assert rows[0][3] == "+200 †" and rows[1][3] == "-100,000"
    assert "† fewer than 10 agents (2,000 people)" in caption
