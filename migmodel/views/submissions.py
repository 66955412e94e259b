"""Worksheets handed in to the teacher's server, by class code.

A class runs on one server (the teacher's laptop, ``make run HOST=0.0.0.0``); students type
the class code the teacher gives and press **Hand in**. Each worksheet is kept as a JSON file
``<folder>/<code>/<lesson>-<student>.json`` (folder: ``MIGMODEL_CLASS_DIR``, by default
``results/classes`` in the repository), so a restart loses nothing; the teacher's view lists
them with each student's numbers and answers and exports them as CSV. No internet is used.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
from pathlib import Path

import pandas as pd

from migmodel.inputs import ScenarioError
from migmodel.views.classroom import Classroom

ROOT = Path(__file__).resolve().parents[2]


def class_dir() -> Path:
    """Return the folder holding the handed-in worksheets."""
    return Path(os.environ.get("MIGMODEL_CLASS_DIR", ROOT / "results" / "classes"))


def _slug(text: str, what: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.strip().lower()).strip("-")
    if not slug or len(slug) > 60:
        raise ScenarioError(f"{what} {text!r}: use 1 to 60 letters or digits")
    return slug


def hand_in(room: Classroom, code: str) -> str:
    """Save a student's worksheet under a class code; return a notice saying so.

    Raises:
        ScenarioError: no name or an unusable class code.
    """
    if not room.student.strip():
        raise ScenarioError("Type your name before handing in the worksheet.")
    folder = class_dir() / _slug(code, "class code")
    folder.mkdir(parents=True, exist_ok=True)
    record = {
        "student": room.student.strip(),
        "lesson": room.lesson.key,
        "title": room.lesson.title,
        "handed_in": dt.datetime.now().isoformat(timespec="seconds"),
        "steps_done": sorted(i + 1 for i in room.done),
        "answers": {str(i + 1): a for i, a in sorted(room.answers.items()) if a.strip()},
        "discussion": {str(i + 1): a for i, a in sorted(room.discussion.items()) if a.strip()},
        "records": [
            {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in r.items()}
            for r in room.records
        ],
    }
    path = folder / f"{room.lesson.key}-{_slug(room.student, 'name')}.json"
    path.write_text(json.dumps(record, indent=1), encoding="utf-8")
    return f"Worksheet handed in to class {code.strip()} as {room.student.strip()}."


def handed_in(code: str) -> list[dict[str, object]]:
    """Return the worksheets handed in under a class code, oldest first."""
    folder = class_dir() / _slug(code, "class code")
    found = [json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")]
    return sorted(found, key=lambda r: str(r["handed_in"]))


def class_table(code: str) -> pd.DataFrame:
    """Return one row per student, lesson and recorded number, with the student's answers.

    Columns: student, lesson, handed_in, step, measure, outcome, the recorded values
    (reference/current or before/after, difference, relative) and the step's answer.
    """
    rows = []
    for sheet in handed_in(code):
        answers = dict(sheet["answers"])  # type: ignore[arg-type]
        for record in sheet["records"]:  # type: ignore[union-attr]
            step = str(record["step"])
            rows.append(
                {
                    "student": sheet["student"],
                    "lesson": sheet["lesson"],
                    "handed_in": sheet["handed_in"],
                    **{k: v for k, v in record.items() if k != "date"},
                    "answer": answers.get(step, ""),
                }
            )
        if not sheet["records"]:
            rows.append({"student": sheet["student"], "lesson": sheet["lesson"]})
    return pd.DataFrame(rows)


def class_csv(code: str) -> str:
    """Return :func:`class_table` as CSV."""
    buffer = io.StringIO()
    class_table(code).to_csv(buffer, index=False)
    return buffer.getvalue()
