"""The views of the app: a session's state, its map and charts, and the Solara page.

``Session`` (plain Python) holds one user's runs; :mod:`migmodel.views.figures` draws them
with matplotlib; :mod:`migmodel.views.page` composes the Solara components. In a notebook::

    from migmodel.views.page import Explorer
    Explorer()
"""
