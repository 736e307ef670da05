"""Graph API ingest through the CLI: what it reads, and every bad input the core issue names."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from analysis.cli import main
from analysis.read.dataset import Dataset
from analysis.read.metrics import Filters, rank
from tests.conftest import AS_OF, PAGE_A
from tests.graph_export import node, write_page


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under a folder with a hash of its bytes (to prove nothing changed)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def ingest(data_dir: Path, *paths: Path, extra: tuple[str, ...] = ()) -> int:
    args = ["ingest", "graph-api", "--data-dir", str(data_dir), "--as-of", AS_OF.isoformat()]
    return main([*args, *extra, *map(str, paths)])


def test_ingest_reports_what_it_read(study_export, data_dir, capsys):
    assert ingest(data_dir, study_export) == 0
    out = capsys.readouterr().out
    assert "read 3 pages, 3 page posts, 2 visitor posts, 9 comments" in out
    assert "(11 inbound items)" in out
    assert "comments_without_from 1" in out and "reply_before_item 1" in out


def test_stored_data_is_masked_and_pseudonymised(study_data):
    snap = next((study_data / "snapshots").iterdir())
    posts = pq.read_table(snap / "posts.parquet").to_pandas().set_index("post_id")
    expected = "Hur ansöker jag? Mitt personnummer är [personnummer]"
    assert posts.loc["100_1_c1", "message"] == expected
    assert posts.loc["100_1_c4", "message"] == "Mejla mig på [e-post]"
    assert posts.loc["100_1_c5", "message"] == "Ring mig [telefon]"
    assert posts.loc["100_1_c1", "author_key"].startswith("v_")
    blob = b"".join(p.read_bytes() for p in study_data.rglob("*") if p.is_file())
    for secret in (b"811228-9874", b"anna.svensson", b"070-123", b"Name of u1", b'"u1"'):
        assert secret not in blob


def test_conversation_is_not_stored(study_data):
    snap = next((study_data / "snapshots").iterdir())
    ids = set(pq.read_table(snap / "posts.parquet")["post_id"].to_pylist())
    assert "100_1_c1_v" not in ids and "100_v1_x" not in ids and "100_1_pc" not in ids


def test_ingesting_the_same_export_twice_changes_no_number(study_export, data_dir):
    assert ingest(data_dir, study_export) == 0
    first = rank(Dataset(data_dir), Filters(scope="all"))
    assert ingest(data_dir, study_export) == 0
    ds = Dataset(data_dir)
    assert len(ds.snapshots) == 2
    pd_first = first.drop(columns=["rank"]).reset_index(drop=True)
    pd_second = rank(ds, Filters(scope="all")).drop(columns=["rank"]).reset_index(drop=True)
    assert pd_first.equals(pd_second)


def test_latest_snapshot_wins(study_export, data_dir):
    assert ingest(data_dir, study_export) == 0
    # A later export where C6 has been answered (30 minutes after it arrived).
    feed = study_export / f"page_{PAGE_A}" / "feed_001.json"
    doc = json.loads(feed.read_text("utf-8"))
    c6 = next(c for c in doc["data"][0]["comments"]["data"] if c["id"] == "100_1_c6")
    c6["comments"] = {"data": [node("100_1_c6_r", "2017-01-10 12:30", PAGE_A, "Svar")]}
    feed.write_text(json.dumps(doc), "utf-8")
    assert main(["ingest", "graph-api", "--data-dir", str(data_dir),
                 "--as-of", "2017-02-01T12:00:00+00:00", str(study_export)]) == 0  # fmt: skip
    a = rank(Dataset(data_dir), Filters(scope="comments")).set_index("page_id").loc[PAGE_A]
    assert (a["inbound"], a["answered"]) == (7, 6)
    # Pinning the first snapshot gives the old numbers back.
    first = Dataset(data_dir).snapshots[0].snapshot_id
    old = rank(Dataset(data_dir, snapshot=first), Filters(scope="comments"))
    assert old.set_index("page_id").loc[PAGE_A, "answered"] == 5


def test_progressless_output_when_not_a_tty(study_export, data_dir, capsys):
    assert ingest(data_dir, study_export) == 0
    assert "[###" not in capsys.readouterr().err


# -- bad input: one line naming the file (and item), exit 2, nothing written ---------------------


def _page(root: Path, posts: list, page_id: str = "900") -> Path:
    return write_page(root, page_id, "Testsidan", [posts])


def truncated(root: Path) -> tuple[Path, str]:
    folder = _page(root, [node("900_1", "2017-01-02 10:00", "u1", "Hej")])
    feed = folder / "feed_001.json"
    feed.write_bytes(feed.read_bytes()[:40])
    return folder, "feed_001.json"


def not_utf8(root: Path) -> tuple[Path, str]:
    folder = _page(root, [])
    (folder / "feed_001.json").write_bytes(b'{"data": [{"message": "H\xe4lsningar"}]}')
    return folder, "not UTF-8"


def data_not_list(root: Path) -> tuple[Path, str]:
    folder = _page(root, [])
    (folder / "feed_001.json").write_text('{"data": {"id": "1"}}', "utf-8")
    return folder, "data is not a list"


def missing_created_time(root: Path) -> tuple[Path, str]:
    item = node("900_7", "2017-01-02 10:00", "u1", "Hej")
    del item["created_time"]
    return _page(root, [item]), "(item 900_7): missing created_time"


def naive_timestamp(root: Path) -> tuple[Path, str]:
    item = node("900_8", "2017-01-02 10:00", "u1", "Hej")
    item["created_time"] = "2017-01-02T10:00:00"
    return _page(root, [item]), "(item 900_8): created_time '2017-01-02T10:00:00' has no UTC offset"


def absurd_year(root: Path) -> tuple[Path, str]:
    item = node("900_11", "2017-01-02 10:00", "u1", "Hej")
    item["created_time"] = "9999-01-02T10:00:00+0000"
    return _page(root, [item]), "(item 900_11): created_time '9999-01-02T10:00:00+0000' is outside"


def nested_naive_timestamp(root: Path) -> tuple[Path, str]:
    reply = node("900_9_r", "2017-01-02 11:00", "900", "Svar")
    reply["created_time"] = "2017-01-02 11:00"
    item = node("900_9", "2017-01-02 10:00", "u1", "Hej", [reply])
    return _page(root, [item]), "(item 900_9_r)"


def no_page_json(root: Path) -> tuple[Path, str]:
    folder = _page(root, [])
    (folder / "page.json").unlink()
    (folder.parent / "other").mkdir()
    return folder, "has no page.json"


def empty_folder(root: Path) -> tuple[Path, str]:
    folder = root / "empty"
    folder.mkdir(parents=True)
    return folder, "is empty"


def does_not_exist(root: Path) -> tuple[Path, str]:
    return root / "nowhere", "no such file or folder"


def message_not_text(root: Path) -> tuple[Path, str]:
    item = node("900_10", "2017-01-02 10:00", "u1", "x")
    item["message"] = {"text": "x"}
    return _page(root, [item]), "(item 900_10): message must be text"


BAD_INPUTS = [
    truncated, not_utf8, data_not_list, missing_created_time, naive_timestamp,
    nested_naive_timestamp, absurd_year, no_page_json, empty_folder, does_not_exist,
    message_not_text,
]  # fmt: skip


@pytest.mark.parametrize("make_bad", BAD_INPUTS, ids=lambda f: f.__name__)
def test_bad_input_one_line_error_exit_2_nothing_written(make_bad, study_data, tmp_path, capsys):
    before = tree_digest(study_data)
    path, expected = make_bad(tmp_path / "bad")
    capsys.readouterr()
    assert ingest(study_data, path) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert expected in err
    assert "Traceback" not in err
    assert tree_digest(study_data) == before


# -- accepted with the anomaly counted ----------------------------------------------------------


def test_duplicates_across_files_counted_once(tmp_path, data_dir, capsys):
    item = node("900_1", "2017-01-02 10:00", "u1", "Hej?", [node("900_1_r", "2017-01-02 10:30",
                "900", "Svar")])  # fmt: skip
    write_page(tmp_path / "x", "900", "Sida", [[item], [item]])
    assert ingest(data_dir, tmp_path / "x") == 0
    assert "duplicate_items 1" in capsys.readouterr().out
    df = rank(Dataset(data_dir), Filters(min_items=1)).set_index("page_id").loc["900"]
    assert (df["inbound"], df["answered"], df["median_response_min"]) == (1, 1, 30)


def test_huge_message_is_stored_cut_and_counted(tmp_path, data_dir, capsys):
    big = "Hej! " + "a" * 3_000_000 + " ?"
    write_page(tmp_path / "x", "900", "Sida", [[node("900_1", "2017-01-02 10:00", "u1", big)]])
    assert ingest(data_dir, tmp_path / "x") == 0
    assert "truncated_messages 1" in capsys.readouterr().out
    snap = next((data_dir / "snapshots").iterdir())
    posts = pq.read_table(snap / "posts.parquet").to_pylist()
    assert len(posts[0]["message"]) == 10_000 and posts[0]["message_length"] == len(big)
    assert posts[0]["is_question"]  # decided on the whole message, before the cut


def test_unknown_fields_are_ignored(tmp_path, data_dir):
    item = node("900_1", "2017-01-02 10:00", "u1", "Hej")
    item["reactions"] = {"summary": {"total_count": 3}}
    item["attachments"] = [1, 2]
    write_page(tmp_path / "x", "900", "Sida", [[item]], unknown_key=True)
    assert ingest(data_dir, tmp_path / "x") == 0
