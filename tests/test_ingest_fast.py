"""The Graph API parser's vectorised fast path gives what PageParser alone gives: the same
tables row for row, the same counts and anomalies, the same snapshot, and for every file it
cannot vouch for the same one-line error or rejection (it hands such a file to PageParser)."""

from __future__ import annotations

import json
import random
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.errors import InputError
from analysis.ingest import ingest_graph_api
from analysis.sources import graph_api
from tests.graph_export import node, write_page
from tests.test_fuzz_ingest import _write_export, mutated_exports
from tests.test_ingest_parallel import _export, _same

CORPUS = Path(__file__).parent / "bad_exports"
CASES = json.loads((CORPUS / "cases.json").read_text("utf-8"))["cases"]

# Timestamps in the forms the fast path reads, and in forms it hands to PageParser.
STAMPS = (
    "2017-01-02T10:00:00+0000", "2017-01-02T10:00:00Z", "2017-01-02T10:00:00+00:00",
    "2017-01-02T10:00:00+0200", "2017-01-02T23:59:59-05:30", "2016-02-29T12:00:00+0100",
    "2017-01-02T10:00:00.123+0000", "2017-01-02T10:00:00.123456Z", "2004-01-01T01:30:00+0100",
    "2100-12-31T22:30:00-0100", "2017-01-02 10:00:00+0000", "2017-01-02T10:00:00.5+0000",
)  # fmt: skip


def _edge_export(root: Path, seed: int = 7, odd_types: bool = True) -> Path:
    """`_export` plus the shapes the fast path must read as PageParser does: every timestamp
    form, hidden authors at each level (a comment without `from` with the page's reply below
    it), the page commenting on its own post, threads four levels deep (five in one file),
    null and missing messages and links, emoji and control characters; with `odd_types`
    links and is_hidden of other types too (PageParser reads them as null, the fast path
    hands such a file over)."""
    _export(root)
    rng = random.Random(seed)
    pid = "400"
    feeds = []
    for f in range(4):
        posts = []
        for i in range(20):
            at = "2017-01-05 10:00"
            stamp = STAMPS[(i + f) % (len(STAMPS) - 2)]  # the plain forms only
            kids = [
                node(f"{pid}_{f}_{i}_r", at, pid, "Svar \x00\x1b 😀"),
                node(f"{pid}_{f}_{i}_t", at, f"u{rng.randrange(5)}", "Prat",
                     [node(f"{pid}_{f}_{i}_tr", at, pid, None)]),
                node(f"{pid}_{f}_{i}_h", at, None, "Dold"),
            ]  # fmt: skip
            if i % 4 == 0:
                post = node(f"{pid}_{f}_{i}", at, f"u{i}", "Hur gör jag?", kids)
            elif i % 4 == 1:
                hidden = node(f"{pid}_{f}_{i}_c0", at, None, "Dold fråga", kids[:1])
                own = node(f"{pid}_{f}_{i}_c1", at, pid, "Sidans egen", kids)
                # five levels in the last file: deeper than the fast path reads
                below = kids if f == 3 else kids[:1]
                deep = node(f"{pid}_{f}_{i}_c2", at, "u9", "Fråga?",
                            [node(f"{pid}_{f}_{i}_c2_r", at, pid, "Svar", below)])  # fmt: skip
                post = node(f"{pid}_{f}_{i}", at, pid, "Inlägg", [hidden, own, deep])
            elif i % 4 == 2:
                post = node(f"{pid}_{f}_{i}", at, None, "Dold besökare", kids)
            else:
                post = node(f"{pid}_{f}_{i}", at, "u1", None)
                del post["message"]
            post["created_time"] = stamp
            links = [None, "https://www.facebook.com/x", ""] + ([5, []] if odd_types else [])
            post["permalink_url"] = rng.choice(links)
            post["is_hidden"] = rng.choice([True, False, None] + (["ja", 0] if odd_types else []))
            for kid in post.get("comments", {}).get("data", []):
                kid["created_time"] = STAMPS[rng.randrange(len(STAMPS) - 2)]
            posts.append(post)
        feeds.append(posts)
    feeds.append([])  # an empty data list
    write_page(root, pid, "Sida 400", feeds)
    return root


def _parse(root: Path, fast: bool, monkeypatch, **kw) -> graph_api.ParseResult:
    monkeypatch.setattr(graph_api, "FAST_PATH", fast)
    return graph_api.parse_paths([root], **kw)


def _count_slow(monkeypatch) -> list:
    """A list that grows by one for each file PageParser reads."""
    calls: list = []
    plain = graph_api.parse_items
    monkeypatch.setattr(graph_api, "parse_items", lambda *a: (calls.append(a[2]), plain(*a))[1])
    return calls


@pytest.mark.parametrize("odd_types", [False, True])
@pytest.mark.parametrize("workers", [1, 2])
def test_the_fast_path_reads_what_page_parser_reads(tmp_path, monkeypatch, workers, odd_types):
    root = _edge_export(tmp_path, odd_types=odd_types)
    slow = _parse(root, False, monkeypatch, workers=workers)
    calls = _count_slow(monkeypatch)
    fast = _parse(root, True, monkeypatch, workers=workers)
    _same(slow, fast)
    if workers == 1:
        handed = {f"{Path(p).parent.name}/{Path(p).name}" for p in calls}
        # the other pages' files have is_hidden "nej"; page 400's last file is five levels deep
        odd = {f"page_400/feed_00{i}.json" for i in range(1, 4)} if odd_types else set()
        others = {n for n in handed if not n.startswith("page_400")}
        assert handed - others == {"page_400/feed_004.json"} | odd
    assert fast.counts["replies"] > 100 and fast.anomalies["replies_to_comments_without_from"]


def test_the_fast_path_hands_over_what_it_does_not_vouch_for(tmp_path, monkeypatch):
    """A timestamp form beyond the plain ones: PageParser reads that file, and only that one."""
    root = _edge_export(tmp_path, odd_types=False)
    feed = root / "page_400" / "feed_002.json"
    doc = json.loads(feed.read_text("utf-8"))
    doc["data"][0]["created_time"] = "2017-01-02 10:00:00+0000"  # fromisoformat reads it
    feed.write_text(json.dumps(doc), "utf-8")
    slow = _parse(root, False, monkeypatch, workers=1)
    calls = _count_slow(monkeypatch)
    fast = _parse(root, True, monkeypatch, workers=1)
    _same(slow, fast)
    handed = [Path(p).name for p in calls if Path(p).parent.name == "page_400"]
    assert handed == ["feed_002.json", "feed_004.json"]  # (feed_004: five levels deep)


def test_the_fast_path_writes_the_snapshot_page_parser_writes(tmp_path, monkeypatch):
    root = _edge_export(tmp_path / "export")
    now = datetime(2017, 2, 1, tzinfo=UTC)
    tables = {}
    for fast in (False, True):
        data = tmp_path / f"data-{fast}"
        data.mkdir()
        if fast:  # the same pseudonymisation key
            shutil.copy(tmp_path / "data-False" / ".salt", data / ".salt")
        monkeypatch.setattr(graph_api, "FAST_PATH", fast)
        info = ingest_graph_api(data, [root], as_of=now, now=now, allow_future_items=True).snapshot
        tables[fast] = {p.name: pq.read_table(p) for p in sorted(info.path.glob("*.parquet"))}
        tables[fast]["manifest"] = {k: v for k, v in info.manifest.items() if k != "snapshot_id"}
    assert tables[False].keys() == tables[True].keys()
    for name, table in tables[False].items():
        other = tables[True][name]
        assert table == other if name == "manifest" else table.equals(other), name
    assert tables[True]["posts.parquet"].num_rows > 200


@pytest.mark.parametrize("parallel", [False, True])
def test_rows_prepared_while_parsing_make_the_snapshot_the_writer_makes(
    tmp_path, monkeypatch, parallel
):
    """With the data folder's key, each file's rows are masked and pseudonymised in the process
    that parsed it: the same snapshot as when the writer prepares them."""
    from analysis import ingest

    root = _edge_export(tmp_path / "export")
    feed = root / "page_400" / "feed_001.json"  # personal data to mask, in a fast-path file
    doc = json.loads(feed.read_text("utf-8"))
    doc["data"][0]["message"] = "Mitt nummer är 811218-9876, ring 070-123 45 67 eller a@b.se"
    feed.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    if parallel:
        monkeypatch.setattr(graph_api, "PARALLEL_MIN_BYTES", 0)
    now = datetime(2017, 2, 1, tzinfo=UTC)
    calls: list = []
    plain = ingest.write_snapshot_batches
    monkeypatch.setattr(
        ingest, "write_snapshot_batches", lambda *a, **k: (calls.append(k), plain(*a, **k))[1]
    )
    tables = {}
    for early in (False, True):
        data = tmp_path / f"data-{early}"
        data.mkdir()
        (data / ".salt").write_text("ab" * 32 + "\n", encoding="ascii")
        monkeypatch.setattr(ingest, "PREPARE_WHILE_PARSING", early)
        calls.clear()
        info = ingest_graph_api(data, [root], as_of=now, now=now, allow_future_items=True).snapshot
        assert calls[0]["prepared"] is early
        tables[early] = {p.name: pq.read_table(p) for p in sorted(info.path.glob("*.parquet"))}
        tables[early]["manifest"] = {k: v for k, v in info.manifest.items() if k != "snapshot_id"}
    for name, table in tables[False].items():
        other = tables[True][name]
        assert table == other if name == "manifest" else table.equals(other), name
    messages = tables[True]["posts.parquet"]["message"].to_pylist()
    assert any("[personnummer]" in (m or "") for m in messages)
    assert not any("811218" in (m or "") or "a@b.se" in (m or "") for m in messages)


def test_a_new_data_folder_is_prepared_in_the_writer(tmp_path, monkeypatch):
    """No key yet: none is made before the export is known to be good (a failed ingest leaves
    the folder as it was), so the writer prepares the rows."""
    from analysis import ingest

    root = _edge_export(tmp_path / "export")
    data = tmp_path / "data"
    data.mkdir()
    calls = []
    plain = ingest.write_snapshot_batches
    monkeypatch.setattr(
        ingest, "write_snapshot_batches", lambda *a, **k: (calls.append(k), plain(*a, **k))[1]
    )
    now = datetime(2017, 2, 1, tzinfo=UTC)
    ingest_graph_api(data, [root], as_of=now, now=now, allow_future_items=True)
    assert calls[0]["prepared"] is False


def _outcome(root: Path, fast: bool, monkeypatch, skip_invalid: bool):
    try:
        result = _parse(root, fast, monkeypatch, workers=1, skip_invalid=skip_invalid)
    except InputError as exc:
        return ("error", str(exc))
    rejected = [(r.path, r.item_id, r.reason, r.raw) for r in result.rejected]
    return ("ok", result.tables(), dict(result.counts), dict(result.anomalies), rejected)


def _assert_same_outcome(a, b) -> None:
    assert a[0] == b[0], (a[:2], b[:2])
    if a[0] == "error":
        assert a[1] == b[1]  # the same one line, naming file, item and field
        return
    for x, y in zip(a[1], b[1], strict=True):
        assert x.equals(y)
    assert a[2:] == b[2:]


@pytest.mark.parametrize("skip_invalid", [False, True])
@pytest.mark.parametrize(
    "case", [c for c in CASES if not c.get("generated")], ids=lambda c: c["case"]
)
def test_every_bad_export_gives_the_same_outcome_through_the_fast_path(
    case, skip_invalid, monkeypatch
):
    root = CORPUS / case["case"]
    slow = _outcome(root, False, monkeypatch, skip_invalid)
    fast = _outcome(root, True, monkeypatch, skip_invalid)
    _assert_same_outcome(slow, fast)


class _Flag:
    """monkeypatch's setattr for a hypothesis test (no function-scoped fixture there)."""

    def setattr(self, obj, name, value) -> None:
        setattr(obj, name, value)


@settings(
    derandomize=True,
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated_exports())
def test_any_mutated_export_gives_the_same_outcome_through_the_fast_path(case):
    import tempfile

    target, text, page, feed, skip_invalid = case
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = _write_export(Path(tmp), target, text, page, feed)
            slow = _outcome(folder, False, _Flag(), skip_invalid)
            fast = _outcome(folder, True, _Flag(), skip_invalid)
    finally:
        graph_api.FAST_PATH = True
    _assert_same_outcome(slow, fast)


def _reference(value: str) -> int | None:
    """Microseconds since the epoch as PageParser reads a timestamp, None if it refuses it."""
    try:
        ts = graph_api._timestamp(value, Path("x"), None, "created_time")
    except InputError:
        return None
    return (ts - datetime(1970, 1, 1, tzinfo=UTC)) // pa.scalar(1, pa.duration("us")).as_py()


@st.composite
def iso_texts(draw):
    """Texts near the plain forms: any digits in each place (impossible dates and times
    included), every offset form, fractions of several lengths, stray characters."""
    d = lambda n: "".join(draw(st.sampled_from("0123456789")) for _ in range(n))  # noqa: E731
    year = draw(st.sampled_from(["2017", "2016", "2000", "2004", "2100", "2101", "0000", d(4)]))
    text = f"{year}-{d(2)}-{d(2)}T{d(2)}:{d(2)}:{d(2)}"
    if draw(st.booleans()):
        text = f"{year}-{draw(st.sampled_from(['01', '02', '12']))}-{d(2)}T10:{d(2)}:00"
    text += draw(st.sampled_from(["", "", ".123", ".123456", ".1", ".1234567"]))
    text += draw(st.sampled_from(["Z", "+0000", "+00:00", "-0000", f"+{d(2)}{d(2)}",
                                  f"-{d(2)}:{d(2)}", "", "+00", "z", " "]))  # fmt: skip
    return text


@settings(derandomize=True, max_examples=2000, deadline=None)
@given(st.lists(iso_texts(), min_size=1, max_size=5))
def test_fast_timestamps_are_read_as_fromisoformat_reads_them_or_handed_over(texts):
    expected = [_reference(t) for t in texts]
    try:
        got = graph_api._utc_micros(pa.array(texts, pa.string())).tolist()
    except graph_api._NotFast:
        return
    assert got == expected  # never a value PageParser would refuse, never another instant


def test_fast_timestamps_take_the_plain_forms():
    texts = [s for s in STAMPS if " " not in s and ".5" not in s]
    got = graph_api._utc_micros(pa.array(texts, pa.string())).tolist()
    assert got == [_reference(t) for t in texts]
