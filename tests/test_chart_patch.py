"""A step's patch goes to the browser as JSON text, not as a synced dict (see views.chart)."""

from __future__ import annotations

import json

from migmodel.views.chart import ChartWidget


def test_a_patch_is_synced_as_json_text_and_a_whole_option_clears_it():
    widget = ChartWidget(option={}, maps={}, attributes={}, responsive=False)
    first = {"title": {"text": "a"}, "series": [{"type": "line", "data": [[1, 2]]}]}
    widget.show(first)
    assert widget.patch_json == "" and widget.option == first
    second = {"title": {"text": "b"}, "series": [{"type": "line", "data": [[1, 2], [2, 3]]}]}
    widget.show(second)
    assert (
        json.loads(widget.patch_json)
        == widget.patch
        == {
            "series": [{"data": [[1, 2], [2, 3]]}],
            "title": {"text": "b"},
        }
    )
    synced = widget.trait_names(sync=True)
    assert "patch_json" in synced and "patch" not in synced  # no dict for Vue to observe
    widget.show({"title": {"text": "c"}, "series": []})  # a series fewer: sent whole
    assert widget.patch_json == "" and widget.patches == 0
