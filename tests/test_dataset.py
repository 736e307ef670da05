"""A data folder opened for reading: which snapshots it holds and the pages with their registry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from analysis.datafolder import list_snapshots
from analysis.errors import DataDirError
from analysis.ingest import ingest_graph_api
from analysis.read.dataset import Dataset
from tests.conftest import AS_OF, PAGE_A, PAGE_B, PAGE_C


def test_an_empty_folder_is_an_empty_dataset(data_dir):
    ds = Dataset(data_dir)
    assert ds.is_empty
    assert not ds.is_demo
    assert ds.latest is None
    assert ds.files("posts") == []
    assert ds.pages.empty


def test_a_missing_folder_is_an_error(tmp_path):
    with pytest.raises(DataDirError, match="no such data folder"):
        Dataset(tmp_path / "nowhere")


def test_one_snapshot_reads_without_dedupe(study_data):
    ds = Dataset(study_data)
    assert [s.snapshot_id for s in ds.snapshots] == [p.name for p in list_snapshots(study_data)]
    assert ds.latest.as_of == AS_OF
    assert ds.latest.source == "graph-api"
    assert ds.params() == {"files": ds.files("item_facts"), "dedupe": False}
    assert ds.params("replies", since=1)["since"] == 1
    assert all(f.endswith("/item_facts.parquet") for f in ds.files("item_facts"))


def test_pages_carry_their_registry_values_and_defaults(study_data):
    pages = Dataset(study_data).pages.set_index("page_id")
    assert list(pages.index) == sorted([PAGE_A, PAGE_B, PAGE_C])
    assert pages.loc[PAGE_A, "agency"] == pages.loc[PAGE_C, "agency"] == "Myndighet A"
    assert not pages.loc[PAGE_B, "accepts_visitor_posts"]
    assert pages.loc[PAGE_A, "fan_count"] == 84000
    assert (pages["sla_minutes"] == 120).all()
    assert pages.loc[PAGE_C, "opening_hours"] == "mon-fri 08:00-16:00"


def test_whether_a_wall_takes_visitor_posts_defaults_to_whether_it_has_any(study_data):
    # page C's registry row leaves the flag empty and page C has no visitor posts
    pages = Dataset(study_data).pages.set_index("page_id")
    assert not pages.loc[PAGE_C, "accepts_visitor_posts"]
    assert pages.loc[PAGE_A, "accepts_visitor_posts"]


def test_a_second_snapshot_is_read_with_dedupe_and_can_be_pinned_away(study_data, study_export):
    first = Dataset(study_data)
    ingest_graph_api(study_data, [study_export], as_of=AS_OF + timedelta(days=1))
    both = Dataset(study_data)
    assert len(both.snapshots) == 2
    assert both.params()["dedupe"] is True
    assert both.version != first.version
    pinned = Dataset(study_data, snapshot=first.latest.snapshot_id)
    assert pinned.version == first.version
    assert pinned.pinned == first.latest.snapshot_id
    count = "select count(*) from stg_item_facts($files, $dedupe)"
    counts = [ds.cursor().execute(count, ds.params()).fetchone()[0] for ds in (first, both, pinned)]
    assert counts[0] == counts[1] == counts[2] > 0


def test_an_unknown_pin_is_an_error(study_data):
    with pytest.raises(DataDirError, match="no snapshot named 'nope'"):
        Dataset(study_data, snapshot="nope")


def test_a_damaged_manifest_is_named(study_data):
    path = list_snapshots(study_data)[0] / "manifest.json"
    path.write_text('{"as_of": "yesterday"}', encoding="utf-8")
    with pytest.raises(DataDirError, match=f"{path}: bad manifest"):
        Dataset(study_data)


def test_an_interruptible_block_can_be_stopped_from_another_thread(study_data):
    """The running query raises DuckDB's InterruptException (not a damaged-file error), a later
    one is not started, and queries outside the block are untouched."""
    import threading
    import time

    import duckdb

    from analysis.read import metrics

    ds = Dataset(study_data)
    outcome = {}
    handles = []

    def background():
        with ds.interruptible() as handle:
            handles.append(handle)
            try:
                ds.cursor().execute("select count(*) from range(100000000000) t(x) where x % 7 = 3")
            except duckdb.InterruptException:
                outcome["running"] = "stopped"
            try:
                ds.query("rank", ds.params(**metrics.Filters().params(), z=metrics.WILSON_Z))
            except duckdb.InterruptException:
                outcome["later"] = "not started"

    try:
        thread = threading.Thread(target=background)
        began = time.perf_counter()
        thread.start()
        while not handles or handles[0].cursor is None:
            time.sleep(0.01)
        time.sleep(0.2)
        handles[0].stop()
        thread.join(30)
        assert not thread.is_alive() and time.perf_counter() - began < 30
        assert outcome == {"running": "stopped", "later": "not started"}
        assert metrics.rank(ds)["inbound"].sum() > 0  # this thread was never in the block
    finally:
        ds.close()
