"""migmodel in the browser: ``solara run app.py`` (``make run`` does it for you).

The views live in :mod:`migmodel.views`; this file only serves them. Every browser tab gets
its own page and so its own model (:class:`migmodel.views.session.Session`). ``Layout`` is the
page's own (a top bar, the settings beside the views or, on a phone, over them), in place of
Solara's app layout.
"""

from migmodel.views.page import Layout, Page

__all__ = ["Layout", "Page"]
