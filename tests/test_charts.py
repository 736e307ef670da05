"""Charts: names from the data reach legends and hover labels as text, never as templates."""

from __future__ import annotations

import pandas as pd

from ui import charts, theme

HOSTILE = "%{x} <b>fet</b> %{y:.0f} &amp;"


def _templates(fig) -> list[str]:
    return [tr.hovertemplate for tr in fig.data if tr.hovertemplate]


def test_trend_and_distribution_templates_hold_no_name():
    theme.setup()
    weekly = pd.DataFrame(
        {"entity_id": ["p1"], "week_start": [pd.Timestamp("2017-01-02")], "reply_rate": [0.5],
         "median_response_min": [30.0]}
    )  # fmt: skip
    dist = pd.DataFrame({"entity_id": ["p1"], "bin": [0], "share": [1.0], "count_items": [3]})
    figures = [
        charts.weekly_trend(weekly, {"p1": HOSTILE}, "sv"),
        charts.distribution(dist, {"p1": HOSTILE}, "sv", 120),
    ]
    for fig in figures:
        templates = _templates(fig)
        assert templates
        assert all("%{fullData.name}" in tpl and "fet" not in tpl for tpl in templates)
        names = {tr.name for tr in fig.data if tr.name}
        assert names == {"%{x} &lt;b&gt;fet&lt;/b&gt; %{y:.0f} &amp;amp;"}
