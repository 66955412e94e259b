"""migmodel in the browser: ``solara run app.py`` (``make run`` does it for you).

The views live in :mod:`migmodel.views`; this file only serves them. Every browser tab gets
its own page and so its own model (:class:`migmodel.views.session.Session`).
"""

from migmodel.views.page import Page

__all__ = ["Page"]
