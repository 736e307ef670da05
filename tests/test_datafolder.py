"""The data folder's layout: the snapshots a reader sees and the version the dashboard caches on."""

from __future__ import annotations

import json
import os

import pytest

from analysis import datafolder
from analysis.errors import DataDirError

A = "20170101T000000Z_20170201T000000Z_abc123"
B = "20170101T000000Z_20170301T000000Z_def456"


def _snapshot(data_dir, name: str):
    path = datafolder.snapshots_dir(data_dir) / name
    path.mkdir(parents=True)
    (path / datafolder.MANIFEST).write_text(json.dumps({"snapshot_id": name}), encoding="utf-8")
    return path


def test_the_default_folder_and_the_variable(monkeypatch):
    monkeypatch.delenv(datafolder.DATA_DIR_VARIABLE, raising=False)
    assert datafolder.default_data_dir() == datafolder.DEFAULT_DATA_DIR
    monkeypatch.setenv(datafolder.DATA_DIR_VARIABLE, "/srv/svarstid")
    assert str(datafolder.default_data_dir()) == "/srv/svarstid"


def test_every_path_lies_inside_the_data_folder(tmp_path):
    paths = [
        datafolder.snapshots_dir(tmp_path),
        datafolder.temporary_snapshot(tmp_path, A),
        datafolder.registry_path(tmp_path),
        datafolder.salt_path(tmp_path),
        datafolder.lock_path(tmp_path),
        datafolder.quarantine_path(tmp_path, A),
        datafolder.demo_dir(tmp_path),
        datafolder.demo_lock_path(tmp_path),
    ]
    assert all(p.is_relative_to(tmp_path) for p in paths)
    assert len(set(paths)) == len(paths)
    assert datafolder.quarantine_path(tmp_path, A).parent == datafolder.quarantine_dir(tmp_path)


def test_a_missing_folder_has_no_snapshots(tmp_path):
    assert datafolder.list_snapshots(tmp_path / "nowhere") == []


def test_snapshots_are_listed_oldest_first_without_temporary_or_foreign_folders(tmp_path):
    _snapshot(tmp_path, B)
    _snapshot(tmp_path, A)
    datafolder.temporary_snapshot(tmp_path, "20170101T000000Z_20170401T000000Z_aaaaaa").mkdir()
    (datafolder.snapshots_dir(tmp_path) / "notes").mkdir()
    (datafolder.snapshots_dir(tmp_path) / "20170101T000000Z_20170501T000000Z_bbbbbb").touch()
    assert [p.name for p in datafolder.list_snapshots(tmp_path)] == [A, B]
    assert [p.name for p in datafolder.list_snapshots(tmp_path, upto=A)] == [A]


def test_a_damaged_manifest_names_its_file(tmp_path):
    path = _snapshot(tmp_path, A)
    (path / datafolder.MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(DataDirError, match=f"{path / datafolder.MANIFEST}: unreadable"):
        datafolder.read_manifest(path)
    assert datafolder.read_manifest(_snapshot(tmp_path, B)) == {"snapshot_id": B}


def test_the_data_version_changes_with_a_new_snapshot_or_a_registry_edit(tmp_path):
    _snapshot(tmp_path, A)
    first = datafolder.data_version(tmp_path)
    assert datafolder.data_version(tmp_path) == first
    _snapshot(tmp_path, B)
    second = datafolder.data_version(tmp_path)
    assert second != first
    assert datafolder.data_version(tmp_path, snapshot=A) == first
    registry = datafolder.registry_path(tmp_path)
    registry.write_text("page_id\n", encoding="utf-8")
    os.utime(registry, ns=(1_000_000_000, 1_000_000_000))
    third = datafolder.data_version(tmp_path)
    assert third not in (first, second)
    os.utime(registry, ns=(2_000_000_000, 2_000_000_000))
    assert datafolder.data_version(tmp_path) != third
