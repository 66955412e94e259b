"""The worksheet a student downloads (HTML that prints cleanly), built from a lesson walked.

It holds the lesson's question and goals; for each step its prompt, what to notice, the
numbers recorded (readable names, signed differences, % change to one decimal, the 95%
interval in ensemble lessons) and the student's answer; a chart of the run so far; the
discussion questions with room to answer; readable sources; what reproduces the run.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import TYPE_CHECKING

import numpy as np

from migmodel.simulate import __version__
from migmodel.views.figures import PATTERN_COLOURS, PATTERN_LABELS, WINDOW, rolling
from migmodel.views.session import REFERENCES, Session
from migmodel.views.text import record_table

if TYPE_CHECKING:
    from migmodel.views.classroom import Classroom

e = html.escape


def html_table(caption: str, headers: list[str], rows: list[list[str]]) -> str:
    """Return a small HTML table with a caption (what the numbers measure)."""
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><caption>{e(caption)}</caption><tr>{head}</tr>{body}</table>"


_CODE = re.compile(r"^(Seed \d+|[A-Z][A-Z0-9_, ]+)(?=:)")


def readable_source(source: str) -> str:
    """Return a source as HTML with its description first and its code small after it.

    ``"CBP_NW_GDI: CBP Nationwide Encounters"`` → ``CBP Nationwide Encounters (ref.
    CBP_NW_GDI)``; the seeds are the source documents the project started from.
    """
    found = _CODE.match(source)
    if not found:
        return e(source)
    code, text = found.group(1), source[found.end() + 1 :].strip()
    code = code.replace("Seed", "source document")
    return f"{e(text)} <span class='code'>(ref. {e(code)})</span>"


def worksheet_html(room: Classroom) -> str:
    """Return the worksheet of ``room`` as a self-contained HTML page."""
    lesson, session = room.lesson, room.session
    parts = [
        f"<h1>{e(lesson.title)}</h1>",
        f"<p class='who'>Student: {e(room.student) or '…'} · {dt.date.today():%d %B %Y}</p>",
        f"<p class='question'>{e(lesson.question)}</p>",
        "<h2>Goals</h2><ul>" + "".join(f"<li>{e(g)}</li>" for g in lesson.goals) + "</ul>",
    ]
    for i, step in enumerate(lesson.steps):
        parts.append(f"<h2>Step {i + 1}: {e(step.title)}</h2>")
        parts.append(f"<p>{e(step.prompt)}</p><p class='notice'>Notice: {e(step.notice)}</p>")
        if i not in room.done:
            parts.append("<p class='todo'>Not done yet.</p>")
        records = room.records_of(i)
        if not records.empty:
            parts.append(html_table(*record_table(records)))
        if step.ask:
            answer = e(room.answers.get(i, "")) or "&nbsp;"
            parts.append(f"<p class='ask'>{e(step.ask)}</p><div class='answer'>{answer}</div>")
    parts.append(f"<h2>The run so far</h2>{_chart(session)}")
    parts.append(
        "<h2>Discussion</h2><ol class='discussion'>"
        + "".join(
            f"<li>{e(q)}<div class='answer'>{e(room.discussion.get(k, '')) or '&nbsp;'}</div></li>"
            for k, q in enumerate(lesson.discussion)
        )
        + "</ol>"
    )
    parts.append(
        "<h2>Sources</h2><ul>"
        + "".join(f"<li>{readable_source(s)}</li>" for s in lesson.sources)
        + "</ul>"
    )
    reference = REFERENCES[session.settings.reference]
    parts.append(
        f"<p class='small'>migmodel {e(__version__)}, scenario "
        f"{e(session.model.scenario.name)}, seed {session.settings.seed}, "
        f"{session.model.scenario.people_per_agent} people per agent, reference: "
        f"{e(reference)}. The same scenario and seed give the same run on any computer.</p>"
    )
    return PAGE.format(title=e(lesson.title), body="\n".join(parts))


def _chart(session: Session, width: int = 640, height: int = 220) -> str:
    """US encounters by flow pattern (30-day sums): current solid, reference dashed, as SVG."""
    if session.days_done < 2:
        return "<p>Nothing run yet.</p>"
    lead = min(WINDOW - 1, session.model.spinup)  # whole 30-day sums from the start date on
    raw = session.series("us_encounters", by_pattern=True, lead=lead)
    series = {side: rolling(v)[:, lead:] for side, v in raw.items()}
    top = max(float(v.mean(axis=0).max()) for v in series.values()) or 1.0
    lines = []
    for side, values in series.items():
        mean = values.mean(axis=0)  # days × patterns
        x = np.linspace(40, width - 10, mean.shape[0])
        for k, pattern in enumerate(PATTERN_COLOURS):
            y = height - 20 - (height - 40) * mean[:, k] / top
            points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y, strict=True))
            dash = " stroke-dasharray='5 4'" if side == "reference" else ""
            lines.append(
                f"<polyline fill='none' stroke='{PATTERN_COLOURS[pattern]}' stroke-width='1.6'"
                f"{dash} points='{points}'/>"
            )
    ticks = "".join(
        f"<line x1='36' x2='{width - 10}' y1='{y:.1f}' y2='{y:.1f}' stroke='#ddd'/>"
        f"<text x='34' y='{y + 3:.1f}' font-size='9' text-anchor='end'>{v:,.0f}</text>"
        for v in np.linspace(0, top, 5)
        for y in [height - 20 - (height - 40) * v / top]
    )
    legend = " · ".join(
        f"<span style='color:{PATTERN_COLOURS[p]}'>{PATTERN_LABELS[p]}</span>"
        for p in PATTERN_COLOURS
    )
    start, end = session.start, session.date - dt.timedelta(days=1)
    return (
        f"<svg width='{width}' height='{height}' role='img'>"
        f"<text x='40' y='12' font-size='11'>US border encounters, last {WINDOW} days "
        f"(people)</text>{ticks}{''.join(lines)}"
        f"<text x='40' y='{height - 4}' font-size='10'>{start:%d %b %Y}</text>"
        f"<text x='{width - 10}' y='{height - 4}' font-size='10' text-anchor='end'>"
        f"{end:%d %b %Y}</text></svg><p class='small'>{legend}; solid: your run, dashed: "
        "reference</p>"
    )


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: sans-serif; max-width: 46em; margin: 2em auto; line-height: 1.4; }}
h1 {{ font-size: 1.5em; }} h2 {{ font-size: 1.15em; margin-top: 1.6em; }}
.question {{ font-weight: bold; }} .notice {{ color: #8a4b08; }} .todo {{ color: #b00; }}
.answer {{ border: 1px solid #999; min-height: 4em; padding: .4em; white-space: pre-wrap; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ccc; padding: 2px 8px; }}
td {{ text-align: right; }} td:first-child {{ text-align: left; }}
caption {{ text-align: left; font-size: .9em; color: #555; }}
.small {{ font-size: .85em; color: #555; }} .code {{ color: #777; font-size: .85em; }}
.discussion .answer {{ min-height: 7em; }}
@media print {{ body {{ margin: 0; max-width: none; }} h2 {{ break-after: avoid; }}
  .answer, table, svg {{ break-inside: avoid; }} }}
</style></head>
<body>
{body}
</body></html>
"""
