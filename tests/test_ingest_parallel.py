"""The Graph API parser's fast paths give what the plain one gives: orjson against the
standard library's json, several processes against one, Arrow dedupe against a dict."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pyarrow as pa
import pytest

from analysis.contract import REPLIES_SCHEMA
from analysis.errors import InputError
from analysis.sources import buffer, graph_api
from tests.graph_export import node, write_page


def _export(root: Path, seed: int = 3) -> Path:
    """Three pages over eleven files: visitor posts, page posts with threads two levels deep,
    page comments on their own posts, hidden authors, duplicates within and across files,
    emoji as surrogate-pair escapes, non-bool is_hidden and unknown fields."""
    rng = random.Random(seed)
    for p, pid in enumerate(("100", "200", "300")):
        feeds = []
        for f in range(3 + p):
            posts = []
            for i in range(12):
                at = f"2017-01-{2 + f:02d} {8 + i % 9:02d}:{rng.randrange(60):02d}"
                if i % 3 == 0:  # a visitor post with the page's answer and some talk
                    kids = [node(f"{pid}_v{f}_{i}_r", at, pid, "Svar 😀"),
                            node(f"{pid}_v{f}_{i}_t", at, f"u{i}", "Tack")]  # fmt: skip
                    who = f"u{rng.randrange(9)}"
                    posts.append(node(f"{pid}_v{f}_{i}", at, who, "Fråga?", kids))
                    continue
                thread = [node(f"{pid}_{f}_{i}_c{j}", at, f"u{j}" if j != 2 else None, "Hej?",
                               [node(f"{pid}_{f}_{i}_c{j}_r", at, pid, "Svar",
                                     [node(f"{pid}_{f}_{i}_c{j}_rr", at, pid, "Mer")])])
                          for j in range(3)]  # fmt: skip
                thread.append(node(f"{pid}_{f}_{i}_own", at, pid, "Sidans egen kommentar"))
                post = node(f"{pid}_{f}_{i}", at, pid, "Nytt inlägg", thread)
                post["is_hidden"] = "nej" if i % 5 == 0 else bool(i % 2)
                post["reactions"] = {"summary": {"total_count": i}}
                posts.append(post)
            posts.append(posts[0])  # a duplicate in the same file
            if f:
                posts.append(json.loads(json.dumps(feeds[0][1])) | {"message": f"ny {f}"})
            feeds.append(posts)
        write_page(root, pid, f"Sida {pid}", feeds)
    return root


def _as_rows(t: pa.Table) -> list[tuple]:
    return list(zip(*(t[c].to_pylist() for c in t.column_names), strict=True))


def _same(a: buffer.ParseResult, b: buffer.ParseResult) -> None:
    ta, tb = a.tables(), b.tables()
    for x, y in zip(ta, tb, strict=True):
        assert x.schema == y.schema
        assert _as_rows(x) == _as_rows(y)  # same rows in the same order
    assert a.counts == b.counts
    assert a.anomalies == b.anomalies


def test_several_processes_parse_what_one_does(tmp_path):
    export = _export(tmp_path / "export")
    one = graph_api.parse_paths([export], workers=1)
    two = graph_api.parse_paths([export], workers=2)
    _same(one, two)
    assert one.anomalies["duplicate_items"] > 0 and one.counts["replies"] > 0


def test_the_last_copy_of_a_duplicate_wins_in_the_place_of_the_first(tmp_path):
    export = _export(tmp_path / "export")
    posts = graph_api.parse_paths([export], workers=1).tables()[1]
    ids = posts["post_id"].to_pylist()
    assert len(ids) == len(set(ids))
    rows = {r["post_id"]: r for r in posts.to_pylist()}
    assert rows["100_0_1"]["message"] == "ny 2"  # the copy in page 100's last file (of 3)
    # plain Python over the same files: a dict keyed by id, filled in file order
    expect: dict[str, str] = {}
    for feed in sorted((export / "page_100").glob("feed*.json")):
        for item in json.loads(feed.read_text("utf-8"))["data"]:
            if item["from"]["id"] == "100":
                expect.setdefault(item["id"], None)
    got = [i for i in ids if i.startswith("100_") and "_v" not in i and "_c" not in i
           and not i.endswith("_own")]  # fmt: skip
    assert got == list(expect)


def test_a_bad_file_stops_a_parallel_parse_with_the_serial_message(tmp_path):
    export = _export(tmp_path / "export")
    bad = sorted((export / "page_200").glob("feed*.json"))[1]
    doc = json.loads(bad.read_text("utf-8"))
    doc["data"][4]["created_time"] = "2017-01-02T10:00:00"  # no UTC offset
    bad.write_text(json.dumps(doc), "utf-8")
    messages = []
    for workers in (1, 2):
        with pytest.raises(InputError) as err:
            graph_api.parse_paths([export], workers=workers)
        messages.append(str(err.value))
    assert messages[0] == messages[1]
    assert str(bad) in messages[0] and "no UTC offset" in messages[0]
    skipped = [graph_api.parse_paths([export], workers=w, skip_invalid=True) for w in (1, 2)]
    _same(*skipped)
    assert [r.reason for r in skipped[0].rejected] == [r.reason for r in skipped[1].rejected]
    assert len(skipped[0].rejected) == 1


@pytest.mark.parametrize(
    "text",
    [
        '{"data": [{"id": "1", "message": "\\ud83d\\ude00 ok"}]}',  # a surrogate pair
        '{"data": [{"id": "1", "message": "\\ud800 lone"}]}',  # orjson refuses, json reads
        '{"data": [], "x": NaN}',
        '{"data": [], "x": 1e400}',
        '{"data": [], "x": 18446744073709551616}',
        '{"data": [], "data": [1]}',  # a duplicate key: the last one counts
        '\ufeff{"data": []}',
        '{"data": [' * 3 + "]" * 3 + "}",
        '{"data": [{"id": "1"}',  # truncated
        "",
    ],
)
def test_orjson_reads_what_json_reads_or_hands_over(tmp_path, text):
    path = tmp_path / "feed.json"
    path.write_text(text, "utf-8")

    def read(fast: bool):
        try:
            return ("ok", graph_api._read_json(path, fast=fast))
        except InputError as exc:
            return ("error", str(exc))

    fast, plain = read(True), read(False)
    if isinstance(fast[1], dict) and isinstance(fast[1].get("x"), float | int):
        fast[1]["x"], plain[1]["x"] = repr(fast[1]["x"]), repr(plain[1]["x"])
    assert fast == plain or (text.endswith("18446744073709551616}") and fast[0] == plain[0])


def _packed_tables(result: buffer.ParseResult) -> tuple[list, list, list]:
    pages, posts, replies = result.batches()
    return pages, list(posts), list(replies)


@pytest.mark.parametrize("batch_rows", [7, 1000])
@pytest.mark.parametrize("workers", [1, 2])
def test_packed_batches_are_the_tables_in_slices(tmp_path, monkeypatch, batch_rows, workers):
    """What the ingest hands the snapshot writer (compressed per file, unpacked batch by batch)
    is the plain parse's tables cut as `write_snapshot` cuts them: same rows, same order, the
    same duplicates dropped and counted, with batches that cross file boundaries."""
    monkeypatch.setattr(buffer, "BATCH_ROWS", batch_rows)
    export = _export(tmp_path / "export")
    plain = graph_api.parse_paths([export], workers=1)
    packed = graph_api.parse_paths([export], workers=workers, pack=True)
    assert packed.post_packs and not packed.post_chunks
    assert packed.posts_seen == plain.posts_seen
    pages, posts, replies = packed.batches()
    t_pages, t_posts, t_replies = plain.tables()
    assert packed.anomalies == plain.anomalies and packed.anomalies["duplicate_items"] > 0
    assert packed.counts == plain.counts
    assert pages.equals(t_pages)
    for got, want in ((list(posts), t_posts), (list(replies), t_replies)):
        assert all(b.num_rows <= batch_rows for b in got)
        assert all(b.num_rows == batch_rows for b in got[:-1])
        assert pa.concat_tables(got).schema == want.schema
        assert _as_rows(pa.concat_tables(got)) == _as_rows(want)
    assert not packed.post_packs and not packed.reply_packs  # let go as they were read


def test_packed_batches_without_duplicates_and_empty(tmp_path, monkeypatch):
    monkeypatch.setattr(buffer, "BATCH_ROWS", 5)
    at = "2017-01-02 10:00"
    write_page(tmp_path / "export", "100", "Sida",
               [[node(f"p{i}", at, "u1", "Fråga?") for i in range(6)], []])  # fmt: skip
    packed = graph_api.parse_paths([tmp_path / "export"], pack=True)
    _, posts, replies = packed.batches()
    assert [b.num_rows for b in posts] == [5, 1]
    (empty,) = list(replies)  # one empty batch, as `write_snapshot` slices an empty table
    assert empty.num_rows == 0 and empty.schema == REPLIES_SCHEMA
    assert not packed.anomalies["duplicate_items"]


def test_the_ingest_writes_what_write_snapshot_writes_of_the_tables(tmp_path, monkeypatch):
    """The packed ingest's snapshot is the one the tables it replaced give `write_snapshot`
    (same key, same clock): posts, replies and pages byte for byte, facts as rows."""
    import pyarrow.parquet as pq

    from analysis.ingest import ingest_graph_api
    from analysis.snapshot.writer import write_snapshot
    from tests.conftest import AS_OF

    monkeypatch.setattr(buffer, "BATCH_ROWS", 9)
    export = _export(tmp_path / "export")
    new, old = tmp_path / "new", tmp_path / "old"
    report = ingest_graph_api(new, [export], as_of=AS_OF, now=AS_OF)
    old.mkdir()
    (old / ".salt").write_bytes((new / ".salt").read_bytes())
    result = graph_api.parse_paths([export])
    info = write_snapshot(old, *result.tables(), as_of=AS_OF, source="graph-api",
                          anomalies={k: v for k, v in result.anomalies.items() if v},
                          extra_counts={k: result.counts[k] for k in ("conversation",
                                        "page_comments_on_own_posts")} | {"rejected": 0},
                          now=AS_OF)  # fmt: skip
    a, b = report.snapshot, info
    assert {k: v for k, v in a.manifest.items() if k != "snapshot_id"} == {
        k: v for k, v in b.manifest.items() if k != "snapshot_id"
    }
    for name in ("pages", "posts", "replies"):
        file = f"{name}.parquet"
        assert (a.path / file).read_bytes() == (b.path / file).read_bytes()
    facts = [pq.read_table(s.path / "item_facts.parquet").sort_by("item_id") for s in (a, b)]
    assert facts[0].equals(facts[1])


def test_the_duplicate_check_sorts_then_keeps_last_copies_in_first_places():
    ids = [pa.array(["b", "a"]), pa.array(["c", "a"])]
    keep, dropped = buffer._keep(ids)
    assert keep.tolist() == [0, 3, 2] and dropped == 1
    assert buffer._keep([pa.array(["b", "a"]), pa.array(["c"])]) == (None, 0)
    assert buffer._keep([pa.array([], pa.string())]) == (None, 0)


def test_the_duplicate_check_agrees_with_a_dict_on_random_ids():
    """A dict keyed by id keeps each id where it first appeared, with its last copy's row."""
    import random

    rng = random.Random(5)
    for _ in range(50):
        rows = [str(rng.randrange(40)) for _ in range(rng.randrange(2, 120))]
        cut = rng.randrange(len(rows) + 1)  # ids come in chunks (one per file)
        expected: dict[str, int] = {}
        for i, key in enumerate(rows):
            expected[key] = i
        chunks = [pa.array(rows[:cut], pa.string()), pa.array(rows[cut:], pa.string())]
        keep, dropped = buffer._keep(chunks)
        got = list(range(len(rows))) if keep is None else keep.tolist()
        assert got == list(expected.values())
        assert dropped == len(rows) - len(expected)
