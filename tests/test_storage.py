"""Snapshots: atomic writes, the lock, the registry, and clear errors for a damaged data folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis import storage
from analysis.cli import main
from analysis.dataset import Dataset
from analysis.errors import BusyError, DataDirError, InputError
from analysis.ingest import ingest_graph_api
from analysis.registry import load_registry
from tests.conftest import AS_OF
from tests.test_ingest import tree_digest


def test_snapshot_layout_and_manifest(study_data):
    (snap,) = storage.list_snapshots(study_data)
    assert storage.SNAPSHOT_NAME.match(snap.name) and snap.name.startswith("20170131T120000Z_")
    assert sorted(p.name for p in snap.iterdir()) == [
        "item_facts.parquet", "manifest.json", "pages.parquet", "posts.parquet", "replies.parquet",
    ]  # fmt: skip
    manifest = json.loads((snap / "manifest.json").read_text())
    assert manifest["source"] == "graph-api" and manifest["as_of"] == AS_OF.isoformat()
    assert manifest["counts"]["inbound_items"] == 11
    assert manifest["anomalies"]["comments_without_from"] == 1


def test_failure_mid_write_leaves_no_partial_snapshot(study_data, study_export, monkeypatch):
    before = tree_digest(study_data)
    calls = []

    def failing_write(table, path):
        calls.append(path.name)
        if len(calls) == 3:
            raise OSError("disk full")
        return real_write(table, path)

    real_write = storage._write_table
    monkeypatch.setattr(storage, "_write_table", failing_write)
    with pytest.raises(OSError):
        ingest_graph_api(study_data, [study_export], as_of=AS_OF)
    assert tree_digest(study_data) == before
    assert not list((study_data / "snapshots").glob(".tmp-*"))


def test_a_second_ingest_at_the_same_time_is_refused(study_data, study_export, capsys):
    with storage.ingest_lock(study_data):
        with pytest.raises(BusyError):
            ingest_graph_api(study_data, [study_export], as_of=AS_OF)
        assert main(["ingest", "graph-api", "--data-dir", str(study_data), str(study_export)]) == 2
    assert "another ingest" in capsys.readouterr().err
    assert len(storage.list_snapshots(study_data)) == 1


def test_leftover_temporary_folder_is_invisible_and_cleaned(study_data, study_export):
    (study_data / "snapshots" / ".tmp-20170101T000000Z_x").mkdir()
    assert len(Dataset(study_data).snapshots) == 1
    ingest_graph_api(study_data, [study_export], as_of=AS_OF)
    assert not list((study_data / "snapshots").glob(".tmp-*"))


def test_corrupt_parquet_names_the_file(study_data, capsys):
    (snap,) = storage.list_snapshots(study_data)
    (snap / "posts.parquet").write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(DataDirError, match=r"posts\.parquet"):
        Dataset(study_data)
    assert main(["rank", "--data-dir", str(study_data)]) == 2
    err = capsys.readouterr().err
    assert "posts.parquet: not a readable Parquet file" in err and err.count("\n") == 1


def test_unknown_snapshot_pin_is_an_error(study_data):
    with pytest.raises(DataDirError, match="no snapshot named"):
        Dataset(study_data, snapshot="20990101T000000Z_20990101T000000Z_abcdef")


def test_missing_data_dir_is_an_error(tmp_path, capsys):
    assert main(["rank", "--data-dir", str(tmp_path / "nope")]) == 2
    assert "no such data folder" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("agency\nX\n", "the header must include page_id"),
        ("page_id,accepts_visitor_posts\n1,maybe\n", "accepts_visitor_posts must be true or false"),
        ("page_id,sla_minutes\n1,two hours\n", "sla_minutes must be a whole number"),
        ("page_id,opening_hours\n1,mon-fri 08:00-25:00\n", "opening_hours"),
        ("page_id,agency\n,X\n", "a row has no page_id"),
    ],
)
def test_bad_registry_rows_name_the_file(tmp_path: Path, content, message):
    (tmp_path / "registry.csv").write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        load_registry(tmp_path)
    assert "registry.csv" in str(info.value)


def test_registry_defaults_fill_in_missing_pages(study_data):
    dim = Dataset(study_data).pages.set_index("page_id")
    c = dim.loc["300"]
    assert (c["agency"], c["sla_minutes"], c["opening_hours"]) == (
        "Myndighet A", 120, "mon-fri 08:00-16:00",
    )  # fmt: skip
    assert not c["accepts_visitor_posts"]  # blank in the registry, no visitor posts in the data
