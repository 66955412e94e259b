"""The teacher's class page: the worksheets handed in under a class code, and their CSV.

Shown only in the teacher view (``?teacher`` in the address, or ``MIGMODEL_TEACHER=1``).
"""

from __future__ import annotations

import html

import solara

from migmodel.inputs import ScenarioError
from migmodel.views.prose import Prose
from migmodel.views.submissions import class_csv, handed_in
from migmodel.views.text import outcome_name, signed_percent, whole


def class_markdown(code: str) -> str:
    """Return the worksheets handed in under ``code`` as Markdown.

    Each student's recorded numbers (readable names, signed differences and %) and answers.
    """
    sheets = handed_in(code)
    if not sheets:
        return f"No worksheet handed in to class **{html.escape(code)}** yet."
    parts = [f"{len(sheets)} worksheet(s) handed in to class **{html.escape(code)}**."]
    for sheet in sheets:
        done = ", ".join(map(str, sheet["steps_done"])) or "none"  # type: ignore[arg-type]
        parts.append(
            f"\n#### {html.escape(str(sheet['student']))}: {html.escape(str(sheet['title']))}\n\n"
            f"Handed in {sheet['handed_in']}; steps done: {done}."
        )
        lines = ["| step | outcome | measure | value | difference | % change |", "|---" * 6 + "|"]
        for r in sheet["records"]:  # type: ignore[union-attr]
            value = r.get("current", r.get("after"))
            lines.append(
                f"| {r['step']} | {outcome_name(r['outcome'])} | {r['measure']} | "
                f"{whole(value)} | {whole(r.get('difference', float('nan')), True)} | "
                f"{signed_percent(r.get('relative', float('nan')))} |"
            )
        if sheet["records"]:
            parts.append("\n".join(lines))
        for key in ("answers", "discussion"):
            for i, text in sheet[key].items():  # type: ignore[union-attr]
                label = "Step" if key == "answers" else "Discussion"
                parts.append(f"*{label} {i}:* {html.escape(text)}")
    return "\n\n".join(parts)


@solara.component
def ClassPage(version: int = 0) -> None:
    """A class code, the worksheets handed in under it, and their CSV."""
    code, set_code = solara.use_state("")
    refreshed, set_refreshed = solara.use_state(0)
    with solara.Card("Class (teacher)", classes=["migmodel-class"]):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.InputText("Class code", value=code, on_value=set_code, continuous_update=False)
            solara.Button("Refresh", text=True, on_click=lambda: set_refreshed(refreshed + 1))
        if not code.strip():
            Prose("Give the class a code; students type it and press **Hand in**.")
            return
        try:
            text = class_markdown(code)
        except ScenarioError as error:
            solara.Error(str(error))
            return
        Prose(text, style={"font-size": "0.9em"})
        solara.FileDownload(
            lambda: class_csv(code),
            filename=f"class-{code.strip()}.csv",
            label="Class worksheets (CSV)",
            mime_type="text/csv",
        )
