"""Markdown shown as HTML, converted on the server (the browser needs nothing more)."""

from __future__ import annotations

import threading

import markdown
import solara

HINT = {"color": "#555", "font-size": "0.9em"}
"""The style of the explanations under controls."""
_LOCAL = threading.local()


def to_html(text: str) -> str:
    """Return Markdown ``text`` as HTML (with tables), with this thread's converter."""
    if not hasattr(_LOCAL, "markdown"):  # making one costs more than converting a page
        _LOCAL.markdown = markdown.Markdown(extensions=["tables"])
    return _LOCAL.markdown.reset().convert(text)


@solara.component
def Prose(text: str, style: dict[str, str] | None = None, classes: list[str] | None = None) -> None:
    """Markdown turned into HTML here, so the browser needs nothing more to show it.

    (Solara's own Markdown loads KaTeX from the CDN for math, which is not bundled, and would
    read dollar amounts as math.)
    """
    body = solara.use_memo(lambda: to_html(text), [text])
    css = ";".join(f"{k}: {v}" for k, v in (style or {}).items())
    solara.HTML(
        tag="div", unsafe_innerHTML=body, style=css, classes=["migmodel-prose", *(classes or [])]
    )
