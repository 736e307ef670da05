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


def test_scatter_labels_of_close_points_do_not_share_a_height(study_data):
    """The top entities sit close together: their labels take different heights, a label far
    from the others keeps the first one."""
    from analysis.read import metrics
    from analysis.read.dataset import Dataset

    theme.setup()
    ranking = metrics.rank(Dataset(study_data), metrics.Filters(min_items=0)).head(3).copy()
    assert len(ranking) == 3
    ranking["median_response_min"] = [60.0, 66.0, 900.0]  # two neighbours and one far away
    ranking["reply_rate"] = [0.95, 0.93, 0.50]
    names = dict(zip(ranking["page_id"], ranking["page_name"], strict=True))
    fig = charts.scatter(ranking, "sv", 120, highlight=names)
    labels = {a.text: a.ay for a in fig.layout.annotations if a.showarrow}
    first, second, far = (labels[charts._esc(n)] for n in names.values())
    assert first != second
    assert far == first
