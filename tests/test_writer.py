"""The snapshot writer: the layout, atomic writes, the lock, the quarantine beside its snapshot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis import datafolder
from analysis.errors import BusyError
from analysis.ingest import ingest_graph_api
from analysis.read.dataset import Dataset
from analysis.snapshot import writer
from tests.conftest import AS_OF
from tests.test_ingest import tree_digest


def test_snapshot_layout_and_manifest(study_data):
    (snap,) = datafolder.list_snapshots(study_data)
    assert datafolder.SNAPSHOT_NAME.match(snap.name) and snap.name.startswith("20170131T120000Z_")
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

    real_write = writer._write_table
    monkeypatch.setattr(writer, "_write_table", failing_write)
    with pytest.raises(OSError):
        ingest_graph_api(study_data, [study_export], as_of=AS_OF)
    assert tree_digest(study_data) == before
    assert not list((study_data / "snapshots").glob(".tmp-*"))


def test_leftover_temporary_folder_is_invisible_and_cleaned(study_data, study_export):
    (study_data / "snapshots" / ".tmp-20170101T000000Z_x").mkdir()
    assert len(Dataset(study_data).snapshots) == 1
    ingest_graph_api(study_data, [study_export], as_of=AS_OF)
    assert not list((study_data / "snapshots").glob(".tmp-*"))


# -- the quarantine file of --skip-invalid is part of the same all-or-nothing step -------------


def _tables(export: Path):
    from analysis.sources import graph_api

    return graph_api.parse_paths([export]).tables()


def test_quarantine_is_written_with_its_snapshot(study_data, study_export):
    pages, posts, replies = _tables(study_export)
    info = writer.write_snapshot(
        study_data, pages, posts, replies, as_of=AS_OF, source="test", quarantine='{"a": 1}\n'
    )
    path = datafolder.quarantine_path(study_data, info.snapshot_id)
    assert path.read_text("utf-8") == '{"a": 1}\n'
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left


def test_failure_before_the_snapshot_rename_leaves_no_quarantine(
    study_data, study_export, monkeypatch
):
    pages, posts, replies = _tables(study_export)
    before = tree_digest(study_data)
    real_rename = writer.os.rename

    def rename(src, dst):
        if Path(src).parent.name == "snapshots":  # the snapshot's own rename
            raise OSError("power cut")
        return real_rename(src, dst)

    monkeypatch.setattr(writer.os, "rename", rename)
    with pytest.raises(OSError, match="power cut"):
        writer.write_snapshot(
            study_data, pages, posts, replies, as_of=AS_OF, source="test", quarantine="x\n"
        )
    after = tree_digest(study_data)
    assert after == before  # no snapshot, no quarantine file, nothing changed


def test_quarantine_left_by_a_killed_ingest_is_cleaned(study_data, study_export):
    """kill -9 between the two renames leaves a quarantine file without a snapshot."""
    (kept,) = datafolder.list_snapshots(study_data)
    q = datafolder.quarantine_dir(study_data)
    q.mkdir()
    keep = datafolder.quarantine_path(study_data, kept.name)
    keep.write_text("kept\n", "utf-8")
    orphan = datafolder.quarantine_path(study_data, "20170201T000000Z_20261201T000000Z_abcdef")
    orphan.write_text("orphan\n", "utf-8")
    (q / ".tmp-20170201T000000Z_20261201T000000Z_abcdef").write_text("half", "utf-8")
    (q / "notes.txt").write_text("somebody's own file\n", "utf-8")
    ingest_graph_api(study_data, [study_export], as_of=AS_OF)
    assert sorted(p.name for p in q.iterdir()) == sorted([keep.name, "notes.txt"])
    assert keep.read_text("utf-8") == "kept\n"


def test_an_ingest_in_another_process_is_refused_while_the_lock_is_held(study_data, study_export):
    """The lock is the operating system's (flock), so it holds across processes."""
    import subprocess
    import sys

    before = tree_digest(study_data)
    with writer.ingest_lock(study_data):
        with pytest.raises(BusyError):
            ingest_graph_api(study_data, [study_export], as_of=AS_OF)
        run = subprocess.run(
            [sys.executable, "-m", "analysis", "ingest", "graph-api", "--data-dir",
             str(study_data), "--as-of", "2017-03-01T00:00:00Z", str(study_export)],
            cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
    assert run.returncode == 2, run.stderr
    assert "another ingest" in run.stderr and run.stderr.count("\n") == 1
    assert {k: v for k, v in tree_digest(study_data).items() if k != ".lock"} == {
        k: v for k, v in before.items() if k != ".lock"
    }


@pytest.mark.parametrize("overlap", [False, True])
def test_a_stream_is_the_file_of_its_tables_concatenated(tmp_path, monkeypatch, overlap):
    """Written in a second thread or not, a stream's file holds its tables in order, in row
    groups of ROW_GROUP rows; a failing write is raised, not lost."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    monkeypatch.setattr(writer, "ROW_GROUP", 7)
    schema = pa.schema([("n", pa.int64())])
    parts = [pa.table({"n": list(range(a, a + k))}, schema=schema) for a, k in ((0, 5), (5, 9))]
    path = tmp_path / "t.parquet"
    writer._write_table(writer._Stream(schema, iter(parts), overlap), path)
    meta = pq.ParquetFile(path).metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [7, 7]
    assert pq.read_table(path)["n"].to_pylist() == list(range(14))

    def broken():
        yield parts[0]
        yield pa.table({"n": ["not a number"] * 9})  # the writer refuses another schema

    with pytest.raises((ValueError, pa.ArrowInvalid)):
        writer._write_table(writer._Stream(schema, broken(), overlap), tmp_path / "u.parquet")


def test_snapshots_of_the_same_second_sort_in_the_order_written(study_data, study_export):
    """Readers let the greatest snapshot name win: two snapshots written within one second
    (two quick refreshes) must not be ordered by their random suffix."""
    from datetime import UTC, datetime

    pages, posts, replies = _tables(study_export)
    now = datetime(2026, 12, 3, 15, 44, 14, tzinfo=UTC)
    ids = [
        writer.write_snapshot(
            study_data, pages, posts, replies, as_of=AS_OF, source="test", now=now
        ).snapshot_id
        for _ in range(3)
    ]
    assert ids == sorted(ids) and len(set(ids)) == 3
    names = [p.name for p in datafolder.list_snapshots(study_data)]
    assert [n for n in names if n in ids] == ids
