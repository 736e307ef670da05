"""`compact`: many snapshots merged into one that gives exactly the same numbers."""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta

import pandas as pd
import pytest

from analysis import settings
from analysis.cli import main
from analysis.compact import compact
from analysis.datafolder import list_snapshots, quarantine_path
from analysis.errors import DataDirError
from analysis.ingest import ingest_graph_api
from analysis.read import metrics, profile
from analysis.read.dataset import Dataset
from tests.conftest import APP_AS_OF, APP_REGISTRY, AS_OF, REGISTRY, build_app_export

MARTS = (
    profile.profile_weekly,
    profile.profile_distribution,
    profile.profile_heatmap,
    profile.profile_backlog,
    profile.profile_slowest,
    profile.profile_unanswered,
    profile.profile_activity,
)


def every_view(ds: Dataset) -> dict[str, pd.DataFrame]:
    """Rank over every scope, clock and level (and a period), and every profile mart of every
    entity: the numbers a compaction must keep."""
    out = {}
    periods = [(None, None), (date(2017, 1, 9), date(2017, 1, 31))]
    for scope, clock, level, (since, until) in itertools.product(
        settings.SCOPES, settings.CLOCKS, settings.LEVELS, periods
    ):
        f = metrics.Filters(scope=scope, clock=clock, level=level, since=since, until=until)
        out[f"rank {f}"] = metrics.rank(ds, f)
        if scope == "all" and since is None:
            ids = list(profile.entities(ds, level)["entity_id"])
            for mart in MARTS:
                out[f"{mart.__name__} {f}"] = mart(ds, f, ids)
    out["pages"] = ds.pages.sort_values("page_id").reset_index(drop=True)
    return out


def assert_same(before: dict, after: dict) -> None:
    assert before.keys() == after.keys()
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], obj=name)


@pytest.fixture
def many(tmp_path):
    """A folder of overlapping snapshots: the study pages ingested at three times (later ones
    win, items pending earlier are answered or not later), plus the app world's pages."""
    d = tmp_path / "data"
    d.mkdir()
    (d / "registry.csv").write_text(REGISTRY + APP_REGISTRY.split("\n", 1)[1], encoding="utf-8")
    from tests.conftest import build_study_export

    study = build_study_export(tmp_path / "study")
    for days in (3, 1, 0):
        # the earlier ones cut through the export's last items, on purpose
        ingest_graph_api(d, [study], as_of=AS_OF - timedelta(days=days), allow_future_items=True)
    ingest_graph_api(d, [build_app_export(tmp_path / "app")], as_of=APP_AS_OF)
    return d


def test_compact_keeps_every_number(many):
    before = every_view(Dataset(many))
    merged = [p.name for p in list_snapshots(many)]
    report = compact(many)
    assert report.merged == merged
    assert [p.name for p in list_snapshots(many)] == [report.snapshot_id]
    assert report.snapshot_id > merged[-1]  # a later snapshot still wins over it
    ds = Dataset(many)
    assert_same(before, every_view(ds))
    m = ds.latest
    assert m.merged_from == tuple(merged)
    assert m.source == "graph-api" and m.as_of == APP_AS_OF
    assert compact(many).snapshot_id is None  # one snapshot: nothing to do


def test_a_snapshot_after_compaction_still_wins(many, tmp_path):
    compact(many)
    study = tmp_path / "study"
    ingest_graph_api(many, [study], as_of=AS_OF + timedelta(days=1))
    fresh = Dataset(many)
    assert len(fresh.snapshots) == 2
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "registry.csv").write_text(REGISTRY, encoding="utf-8")
    ingest_graph_api(alone, [study], as_of=AS_OF + timedelta(days=1))
    got = metrics.rank(fresh, metrics.Filters())
    want = metrics.rank(Dataset(alone), metrics.Filters())
    cols = ["page_id", "inbound", "pending", "reply_rate", "median_response_min"]
    got = got[got["page_id"].isin(want["page_id"])][cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want[cols].reset_index(drop=True))


def test_a_pinned_link_to_a_merged_snapshot_says_so(many, capsys):
    first = list_snapshots(many)[0].name
    report = compact(many)
    with pytest.raises(DataDirError, match=f"was merged into {report.snapshot_id} by `compact`"):
        Dataset(many, snapshot=first)
    assert main(["rank", "--data-dir", str(many), "--snapshot", first]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "merged into" in err


def test_quarantine_files_follow_the_merged_snapshot(many):
    ids = [p.name for p in list_snapshots(many)]
    quarantine_path(many, ids[0]).parent.mkdir(exist_ok=True)
    quarantine_path(many, ids[0]).write_text('{"a": 1}\n')
    quarantine_path(many, ids[2]).write_text('{"b": 2}\n')
    report = compact(many)
    assert quarantine_path(many, report.snapshot_id).read_text() == '{"a": 1}\n{"b": 2}\n'
    assert not quarantine_path(many, ids[0]).exists()


def test_a_failed_compaction_leaves_the_snapshots(many, monkeypatch):
    from analysis import compact as module

    before = [p.name for p in list_snapshots(many)]

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(module.writer, "_fsync_dir", broken)
    with pytest.raises(OSError):
        compact(many)
    after = [p.name for p in list_snapshots(many)]
    # the merged one was renamed into place before the failure; nothing was removed, and the
    # numbers are the same either way
    assert set(before) <= set(after)


def test_cli_compact(many, capsys):
    assert main(["compact", "--data-dir", str(many)]) == 0
    assert "merged 4 snapshots into" in capsys.readouterr().out
    manifest = json.loads((list_snapshots(many)[0] / "manifest.json").read_text())
    assert len(manifest["merged_from"]) == 4
