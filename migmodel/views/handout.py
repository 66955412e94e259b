"""A lesson's printable handout and its answer key (HTML that prints cleanly to PDF).

The handout is what a teacher prints before class: the lesson's number, title, time, question
and goals, each step with empty tables for the numbers the app will record and room for the
answers, then the discussion questions. The answer key adds what the teacher notes promise:
each step's expected directions, the expected observations and the model's caveats. Both are
built from the lesson file alone (no run), so they print in a second. In the app they are in
the teacher view; ``make handouts`` writes every lesson's pair into a folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
from pathlib import Path

from migmodel.scenario import load_scenario
from migmodel.views.lessons import Lesson, Step, builtin_lessons, load_lesson
from migmodel.views.text import outcome_name
from migmodel.views.worksheet import PAGE, readable_source

e = html.escape
_SIDES = {
    "single": ["your run"],
    "compare": ["reference run", "your run", "difference", "% change"],
    "ensemble": ["reference run", "your run", "difference", "95% interval", "% change"],
}
_DIRECTIONS = {"up": "above the reference", "down": "below the reference"}
PRINT = """<style>
@page { margin: 16mm 14mm; }
.step { break-inside: avoid; }
.blank td { height: 1.6em; min-width: 6em; }
.expect { color: #1b5e20; }
@media print { .discussion li { break-inside: avoid; } }
</style>"""


def lesson_number(lesson: Lesson) -> str:
    """Return a built-in lesson's number (``"02"``), or "" for a lesson file of one's own."""
    head = lesson.key.split("_")[0]
    return head if head.isdigit() else ""


def heading(lesson: Lesson, what: str) -> str:
    """Return the first lines of both pages: number, title, time, what the page is."""
    number = lesson_number(lesson)
    name = f"Lesson {number}: {lesson.title}" if number else lesson.title
    steps = len(lesson.steps)
    return (
        f"<h1>{e(name)}</h1><p class='who'>{e(what)} · about {lesson.minutes} minutes · "
        f"{steps} step{'s' * (steps > 1)} · scenario {e(lesson.scenario)}, seed {lesson.seed}"
        "</p>"
    )


def measure_caption(step: Step, start: dt.date) -> str:
    """Return what a step's recorded numbers measure, in words, with its dates."""
    last = f"{step.run_to:%d %b %Y}" if step.run_to else "the step's date"
    if step.measure == "level":
        return f"30-day level on {last}"
    if step.measure == "change":
        assert step.since is not None
        return f"change in the 30-day level, {step.since:%d %b %Y} to {last}"
    return f"total, {step.since or start:%d %b %Y} to {last}"


def blank_table(lesson: Lesson, step: Step, start: dt.date) -> str:
    """Return the empty table a student fills in with the numbers the app records."""
    if step.measure == "change":
        headers = ["before", "after", "change", "% change"]
    else:
        headers = _SIDES[lesson.mode]
    head = "".join(f"<th>{e(h)}</th>" for h in ["outcome", *headers])
    rows = "".join(
        f"<tr><td>{e(outcome_name(name))}</td>" + "<td></td>" * len(headers) + "</tr>"
        for name in step.record
    )
    caption = e(measure_caption(step, start))
    return f"<table class='blank'><caption>{caption}</caption><tr>{head}</tr>{rows}</table>"


def _steps(lesson: Lesson, key: bool) -> list[str]:
    start = load_scenario(lesson.scenario).start
    parts = []
    for i, step in enumerate(lesson.steps):
        part = [f"<h2>Step {i + 1}: {e(step.title)}</h2>", f"<p>{e(step.prompt)}</p>"]
        part.append(f"<p class='notice'>Notice: {e(step.notice)}</p>")
        if step.record and not key:
            part.append(blank_table(lesson, step, start))
        if step.ask:
            part.append(f"<p class='ask'>{e(step.ask)}</p>")
            part.append("" if key else "<div class='answer'>&nbsp;</div>")
        if key and step.record:
            part.append(f"<p class='small'>Recorded: {e(measure_caption(step, start))}.</p>")
        if key and step.expect:
            promised = "".join(
                f"<li>{e(outcome_name(name))}: {_promise(step, direction)}</li>"
                for name, direction in step.expect.items()
            )
            part.append(f"<ul class='expect'>{promised}</ul>")
        parts.append("<div class='step'>" + "".join(part) + "</div>")
    return parts


def _promise(step: Step, direction: str) -> str:
    if step.measure == "change":
        return "rises" if direction == "up" else "falls"
    return _DIRECTIONS[direction]


def _common(lesson: Lesson, what: str, key: bool) -> list[str]:
    parts = [
        heading(lesson, what),
        f"<p class='question'>{e(lesson.question)}</p>",
        "<h2>Goals</h2><ul>" + "".join(f"<li>{e(g)}</li>" for g in lesson.goals) + "</ul>",
        *_steps(lesson, key),
    ]
    room = "" if key else "<div class='answer'>&nbsp;</div>"
    parts.append(
        "<h2>Discussion</h2><ol class='discussion'>"
        + "".join(f"<li>{e(q)}{room}</li>" for q in lesson.discussion)
        + "</ol>"
    )
    return parts


def _sources(lesson: Lesson) -> str:
    items = "".join(f"<li>{readable_source(s)}</li>" for s in lesson.sources)
    return f"<h2>Sources</h2><ul>{items}</ul>"


def handout_html(lesson: Lesson) -> str:
    """Return the lesson's handout for students, as a self-contained HTML page."""
    parts = [*_common(lesson, "Handout", key=False), _sources(lesson)]
    parts.insert(1, "<p class='who'>Name: ______________________ · Date: ____________</p>")
    return _page(lesson, "Handout", parts)


def answer_key_html(lesson: Lesson) -> str:
    """Return the lesson's answer key for the teacher, as a self-contained HTML page."""
    parts = _common(lesson, "Answer key (teacher)", key=True)
    parts += [
        f"<h2>Expected observations</h2><p>{e(lesson.expected)}</p>",
        f"<h2>Caveats of the model</h2><p>{e(lesson.caveats)}</p>",
        _sources(lesson),
        "<p class='small'>The numbers are the current model's on the lesson's seed; "
        "the directions under each step are checked by the project's tests on every "
        "change of the model.</p>",
    ]
    return _page(lesson, "Answer key", parts)


def _page(lesson: Lesson, what: str, parts: list[str]) -> str:
    number = lesson_number(lesson)
    title = f"{what}: lesson {number}" if number else f"{what}: {lesson.title}"
    return PAGE.format(title=e(title), body=PRINT + "\n" + "\n".join(parts))


def write_all(folder: Path) -> list[Path]:
    """Write every built-in lesson's handout and answer key into ``folder``; return them."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in builtin_lessons():
        lesson = load_lesson(name)
        for stem, page in (("handout", handout_html), ("answer-key", answer_key_html)):
            path = folder / f"{name}-{stem}.html"
            path.write_text(page(lesson), encoding="utf-8")
            written.append(path)
    return written


def main() -> None:
    """``python -m migmodel.views.handout FOLDER``: every lesson's handout and answer key."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("folder", type=Path)
    for path in write_all(parser.parse_args().folder):
        print(path)


if __name__ == "__main__":
    main()
