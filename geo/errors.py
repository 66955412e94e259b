"""The one exception the geography raises."""

from __future__ import annotations


class NetworkError(ValueError):
    """A network folder cannot be used.

    The message is one line naming the file, the spreadsheet row (the header is row 1), the
    column where relevant, the offending value and what is allowed, e.g.
    ``edges.csv row 14: target 'tapachulla' is not a node id in nodes.csv (did you mean
    'tapachula'?)``.
    """
