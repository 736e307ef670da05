"""The live Graph API fetch, against the fake API of tests/fake_graph.py (never the network)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from analysis import cli
from analysis.datafolder import fetch_dir, list_snapshots
from analysis.errors import SvarstidError
from analysis.ingest import fetch_graph_api
from analysis.read.dataset import Dataset
from analysis.read.metrics import Filters, rank_rows
from analysis.sources import graph_fetch
from analysis.sources.graph_fetch import Limits, read_usage, redact
from tests.fake_graph import (
    NOW,
    PAGE_ID,
    TOKEN,
    FakeGraph,
    Scenario,
    World,
    permission_error,
    throttle_error,
    usage_headers,
)

SMALL = Limits(posts=7, comments=3, replies=2)  # small pages: every kind of paging is exercised


@pytest.fixture
def world():
    return World(posts=60)


@pytest.fixture
def graph(world):
    fake = FakeGraph(world)
    yield fake
    fake.close()


class Sleeps(list):
    """The injected sleep: records each wait, never waits."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


SALT = "ab" * 32 + "\n"  # one key for every data folder: pseudonyms compare across runs


def fetch(graph: FakeGraph, data_dir: Path, now: datetime = NOW, **kw):
    data_dir.mkdir(parents=True, exist_ok=True)
    if not (data_dir / ".salt").exists():
        (data_dir / ".salt").write_text(SALT, "ascii")
    kw.setdefault("limits", SMALL)
    kw.setdefault("sleep", Sleeps())
    return fetch_graph_api(
        data_dir,
        kw.pop("pages", [PAGE_ID]),
        token=kw.pop("token", TOKEN),
        base_url=graph.base_url,
        clock=lambda: now,
        timeout=kw.pop("timeout", 5.0),
        **kw,
    )


def rank(data_dir: Path) -> list[tuple]:
    return rank_rows(Dataset(data_dir), Filters(min_items=0))[1]


def latest_rows(data_dir: Path) -> dict[str, list]:
    """Each table of the data as the read side sees it (latest copy of each row), sorted."""
    out: dict[str, dict] = {"posts": {}, "replies": {}, "item_facts": {}}
    keys = {"posts": "post_id", "replies": "reply_id", "item_facts": "item_id"}
    for snap in list_snapshots(data_dir):
        for table, key in keys.items():
            for row in pq.read_table(snap / f"{table}.parquet").to_pylist():
                row.pop("observed_at", None)
                out[table][row[key]] = row
    return {t: sorted(rows.values(), key=lambda r: r[keys[t]]) for t, rows in out.items()}


def no_token_anywhere(data_dir: Path, *texts: str) -> None:
    for text in texts:
        assert TOKEN not in text
    for path in Path(data_dir).rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path


@pytest.fixture
def clean(tmp_path_factory, world):
    """The data folder and rank of an uninterrupted run over the same world."""
    fake = FakeGraph(world)
    try:
        data = tmp_path_factory.mktemp("clean")
        report = fetch(fake, data)
        return data, report, rank(data), latest_rows(data), len(fake.calls)
    finally:
        fake.close()


def test_a_fetch_writes_one_snapshot_of_everything(graph, world, tmp_path):
    report = fetch(graph, tmp_path)
    posts = pq.read_table(report.snapshot.path / "posts.parquet")
    replies = pq.read_table(report.snapshot.path / "replies.parquet")
    n_items = posts.num_rows + replies.num_rows + report.counts["conversation"]
    n_items += report.counts["page_comments_on_own_posts"]
    assert n_items == world.items()  # every comment at every depth, through every cursor
    assert report.snapshot.manifest["source"] == "graph-api-fetch"
    assert report.snapshot.manifest["as_of"] == NOW.isoformat()
    assert report.new_items == report.snapshot.manifest["counts"]["inbound_items"] > 0
    assert not fetch_dir(tmp_path).joinpath(PAGE_ID).exists()  # checkpoint gone once committed
    paths = [p for p, _ in graph.calls]
    assert any(p.endswith("/comments") for p in paths)  # nested paging was needed and followed
    text = " ".join(map(str, posts.column("message").to_pylist()))
    assert "070-123 45 67" not in text  # masked like an ingest
    no_token_anywhere(tmp_path)


def test_fetch_equals_ingest_of_the_same_export(graph, world, tmp_path):
    """The same validation, masking and facts as `ingest graph-api` of the same data."""
    from analysis.ingest import ingest_graph_api

    fetched = fetch(graph, tmp_path / "fetched")
    folder = tmp_path / "export" / "page"
    folder.mkdir(parents=True)
    (folder / "page.json").write_text(json.dumps(world.page), "utf-8")
    feed = graph._feed({"limit": "10000", "fields": "comments.limit(10000){comments.limit(10000)}"})
    (folder / "feed_001.json").write_text(json.dumps(feed), "utf-8")
    ingested_dir = tmp_path / "ingested"
    ingested_dir.mkdir()
    (ingested_dir / ".salt").write_text(SALT, "ascii")
    ingest_graph_api(ingested_dir, [folder], as_of=NOW, now=NOW)
    assert latest_rows(ingested_dir) == latest_rows(tmp_path / "fetched")
    assert fetched.counts["comments"] > 0


def test_calls_per_thousand_items_stay_small(tmp_path):
    world = World(posts=400, seed=3)
    fake = FakeGraph(world)
    try:
        fetch(fake, tmp_path, limits=Limits())
        assert 1000 * len(fake.calls) / world.items() <= 12
    finally:
        fake.close()


@pytest.mark.parametrize("code", [4, 17, 32, 613, 80001])
@pytest.mark.parametrize("regain", [None, 0, 3])
def test_throttling_waits_as_told_and_loses_nothing(world, clean, tmp_path, code, regain):
    sc = Scenario(faults={3: ("error", 400, throttle_error(code), None)})
    sc.faults[4] = sc.faults[3]  # throttled twice in a row
    sc.usage = lambda n: usage_headers(100 if n in (3, 4) else 5, regain if n in (3, 4) else None)
    fake = FakeGraph(world, sc)
    sleeps = Sleeps()
    try:
        fetch(fake, tmp_path, sleep=sleeps)
    finally:
        fake.close()
    assert rank(tmp_path) == clean[2] and latest_rows(tmp_path) == clean[3]
    assert len(fake.calls) == clean[4] + 2  # only the refused calls were repeated
    waits = sleeps[:2]
    if regain:
        assert all(regain * 60 <= w <= regain * 60 + 5 for w in waits)
    elif regain == 0:
        assert 0 < waits[0] < waits[1] <= 62  # "less than a minute": a pause that grows
    else:
        assert 15 <= waits[0] <= 30 and 30 <= waits[1] <= 60  # back-off with jitter
    no_token_anywhere(tmp_path)


def test_high_usage_slows_down_before_the_limit(world, clean, tmp_path):
    sc = Scenario(usage=lambda n: usage_headers(90 if n == 2 else 5))
    fake = FakeGraph(world, sc)
    sleeps = Sleeps()
    try:
        fetch(fake, tmp_path, sleep=sleeps)
    finally:
        fake.close()
    assert sleeps == [pytest.approx(60 * 15 / 25)]
    assert rank(tmp_path) == clean[2]


@pytest.mark.parametrize(
    "fault",
    [
        ("error", 500, {"error": {"message": "An unknown error", "code": 1}}, None),
        ("error", 503, {"nothing": "useful"}, None),
        ("error", 500, {"error": {"message": "Service", "code": 2, "is_transient": True}}, None),
        ("timeout",),
        ("drop",),
        ("cut",),
    ],
    ids=["500", "503", "transient", "timeout", "dropped", "cut-short"],
)
def test_transient_faults_are_retried(world, clean, tmp_path, fault):
    sc = Scenario(faults={2: fault, 5: fault, 6: fault}, timeout_s=0.6)
    fake = FakeGraph(world, sc)
    try:
        report = fetch(fake, tmp_path, timeout=0.3)
    finally:
        fake.close()
    assert rank(tmp_path) == clean[2] and latest_rows(tmp_path) == clean[3]
    assert report.stats.retries == 3
    no_token_anywhere(tmp_path)


def test_faults_beyond_the_retries_fail_then_resume(world, clean, tmp_path):
    sc = Scenario(fault=lambda n, path, q: ("drop",) if 60 <= n <= 70 else None)
    fake = FakeGraph(world, sc)
    try:
        with pytest.raises(SvarstidError, match="failed 6 times") as err:
            fetch(fake, tmp_path)
        assert not list_snapshots(tmp_path)
        done = len(fake.calls)
        sc.fault = None
        report = fetch(fake, tmp_path)
    finally:
        fake.close()
    assert report.resumed == [PAGE_ID]
    assert rank(tmp_path) == clean[2] and latest_rows(tmp_path) == clean[3]
    assert len(fake.calls) - done < clean[4]  # the second run did not start from zero
    no_token_anywhere(tmp_path, str(err.value))


def fatal(world, tmp_path, scenario, capsys, pages=(PAGE_ID,)):
    """Run the CLI against a scenario: its exit status and stderr."""
    fake = FakeGraph(world, scenario)
    try:
        argv = ["fetch", "graph-api", "--data-dir", str(tmp_path), "--base-url", fake.base_url]
        status = cli.main([*argv, *pages])
    finally:
        fake.close()
    err = capsys.readouterr().err
    return status, err, fake


@pytest.fixture
def token_env(monkeypatch):
    monkeypatch.setenv(graph_fetch.TOKEN_VARIABLE, TOKEN)
    monkeypatch.setattr(graph_fetch.time, "sleep", lambda s: None)


def test_an_expired_token_midway_is_one_line_and_writes_nothing(world, tmp_path, capsys, token_env):
    # the page is read, the feed is not
    status, err, _ = fatal(world, tmp_path, Scenario(expire_after=1), capsys)
    assert status == 2 and len(err.strip().splitlines()) == 1
    assert "invalid or has expired" in err and "190" in err
    assert not list_snapshots(tmp_path)
    no_token_anywhere(tmp_path, err)


@pytest.mark.parametrize("code", [10, 200, 283])
def test_a_missing_permission_names_it(world, tmp_path, capsys, token_env, code):
    sc = Scenario(faults={2: ("error", 403, permission_error(code), None)})
    status, err, _ = fatal(world, tmp_path, sc, capsys)
    assert status == 2 and len(err.strip().splitlines()) == 1
    assert "pages_read_engagement" in err and "pages_read_user_content" in err
    assert not list_snapshots(tmp_path)
    no_token_anywhere(tmp_path, err)


def test_an_unknown_page_is_one_line(world, tmp_path, capsys, token_env):
    status, err, fake = fatal(world, tmp_path, Scenario(), capsys, pages=("999999",))
    assert status == 2 and "page '999999': no such page" in err and "100" in err
    assert len(fake.calls) == 1 and not list_snapshots(tmp_path)
    no_token_anywhere(tmp_path, err)


def test_no_token_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv(graph_fetch.TOKEN_VARIABLE, raising=False)
    assert cli.main(["fetch", "graph-api", "--data-dir", str(tmp_path), PAGE_ID]) == 2
    assert "SVARSTID_GRAPH_TOKEN" in capsys.readouterr().err


def test_reduce_the_amount_of_data_retries_smaller(world, clean, tmp_path):
    fake = FakeGraph(world, Scenario(max_cells=7 * 3 * 2 - 1))
    try:
        fetch(fake, tmp_path)
    finally:
        fake.close()
    feeds = [q for p, q in fake.calls if p.endswith("/feed")]
    assert int(feeds[0]["limit"]) == 7 and int(feeds[-1]["limit"]) < 7
    assert rank(tmp_path) == clean[2] and latest_rows(tmp_path) == clean[3]


class Killed(BaseException):
    """A kill -9 stand-in: nothing of the fetch's own error handling runs."""


@pytest.mark.parametrize("after_calls", [3, 40, 120])
def test_a_killed_run_resumes_from_its_checkpoint(world, clean, tmp_path, after_calls):
    calls = {"n": 0}

    def dying_sleep_free_progress(stats):
        calls["n"] = stats.calls
        if stats.calls == after_calls and not stats.waiting:
            raise Killed

    fake = FakeGraph(world)
    try:
        with pytest.raises(Killed):
            fetch(fake, tmp_path, progress=dying_sleep_free_progress)
        assert not list_snapshots(tmp_path)  # no partial snapshot
        checkpoint = fetch_dir(tmp_path) / PAGE_ID
        assert (checkpoint / "state.json").exists() == (after_calls > 3)
        no_token_anywhere(tmp_path)
        stored = b"".join(p.read_bytes() for p in checkpoint.iterdir())
        assert b"070-123 45 67" not in stored and b"Name of" not in stored
        for user in {n.author for n in world.index.values() if n.author != PAGE_ID}:
            assert user is None or user.encode() not in stored  # pseudonymised only
        first = len(fake.calls)
        report = fetch(fake, tmp_path)
    finally:
        fake.close()
    assert report.resumed == ([PAGE_ID] if after_calls > 3 else [])
    if after_calls > 3:
        assert len(fake.calls) - first < clean[4] - after_calls + 20  # at most a feed page again
    assert rank(tmp_path) == clean[2] and latest_rows(tmp_path) == clean[3]
    assert len(list_snapshots(tmp_path)) == 1


def test_incremental_refetch_changes_no_number(graph, world, tmp_path):
    fetch(graph, tmp_path)
    before = rank(tmp_path)
    calls = len(graph.calls)
    report = fetch(graph, tmp_path, now=NOW + timedelta(minutes=5))
    assert report.since[PAGE_ID] == NOW - timedelta(days=14)
    assert len(graph.calls) - calls < calls  # only the look-back window was read
    assert rank(tmp_path) == before
    assert report.new_items == 0 and report.newly_answered == 0


def test_a_reply_between_two_runs_is_picked_up(world, tmp_path):
    first = FakeGraph(world)
    old = tmp_path / "old"
    try:
        fetch(first, old, since=NOW - timedelta(days=60))
    finally:
        first.close()
    unanswered = next(
        n
        for p in world.posts
        if p.author == PAGE_ID and p.at > NOW - timedelta(days=10)
        for n in p.children
        if not any(c.author == PAGE_ID for c in n.children)
    )
    later = NOW + timedelta(days=1)
    world.reply(unanswered.id, later - timedelta(hours=2))
    new_post = world.add_post(later - timedelta(hours=1), "7799")
    fake = FakeGraph(world)
    fresh = tmp_path / "fresh"
    try:
        report = fetch(fake, old, now=later)
        fetch(fake, fresh, now=later, since=NOW - timedelta(days=60))
    finally:
        fake.close()
    assert report.newly_answered == 1 and report.new_items == 1
    facts = {r["item_id"]: r for r in latest_rows(old)["item_facts"]}
    assert facts[unanswered.id]["reply_count"] == 1 and new_post.id in facts
    # incremental on top of the old snapshot == one full fetch at the same time; only how long
    # the items older than the look-back had been waiting differs: they were last observed by
    # the first run
    assert rank(old) == rank(fresh)
    assert without_observed(latest_rows(old)) == without_observed(latest_rows(fresh))


def without_observed(rows: dict[str, list]) -> dict[str, list]:
    return {
        t: [{k: v for k, v in r.items() if not k.endswith("_observed")} for r in rs]
        for t, rs in rows.items()
    }


def test_keep_raw_saves_responses_outside_the_data_folder_without_the_token(graph, tmp_path):
    raw = tmp_path / "raw"
    fetch(graph, tmp_path / "data", keep_raw=raw)
    files = list(raw.iterdir())
    assert len(files) == len(graph.calls)
    assert all(TOKEN not in f.read_text("utf-8") for f in files)
    with pytest.raises(SvarstidError, match="outside the data folder"):
        fetch(graph, tmp_path / "data", keep_raw=tmp_path / "data" / "raw")


def test_two_pages_one_snapshot_and_refresh_reads_the_registry(world, tmp_path, capsys, token_env):
    fake = FakeGraph(world)
    (tmp_path / "registry.csv").write_text(
        f"page_id,agency,fetch\n{PAGE_ID},Testverket,\n555,Annat verk,no\n", "utf-8"
    )
    try:
        argv = ["refresh", "--data-dir", str(tmp_path), "--base-url", fake.base_url]
        assert cli.main(argv) == 0
        out = capsys.readouterr()
        assert cli.main(argv) == 0
        again = capsys.readouterr()
    finally:
        fake.close()
    assert "555" not in "".join(p for p, _ in fake.calls)  # fetch = no is left out
    assert len(list_snapshots(tmp_path)) == 2
    assert "new items" in out.out and "0 new items, 0 newly answered" in again.out
    no_token_anywhere(tmp_path, out.out, out.err, again.out, again.err)


def test_token_file(world, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv(graph_fetch.TOKEN_VARIABLE, raising=False)
    (tmp_path / "token").write_text(TOKEN + "\n", "utf-8")
    fake = FakeGraph(world)
    try:
        argv = [
            "fetch",
            "graph-api",
            "--data-dir",
            str(tmp_path / "d"),
            "--base-url",
            fake.base_url,
        ]
        assert cli.main([*argv, "--token-file", str(tmp_path / "token"), PAGE_ID]) == 0
    finally:
        fake.close()
    out = capsys.readouterr()
    assert "snapshot" in out.out
    no_token_anywhere(tmp_path / "d", out.out, out.err)


def test_redact_and_usage_headers():
    url = f"https://graph.facebook.com/v25.0/1/feed?access_token={TOKEN}&limit=5"
    assert redact(url) == "https://graph.facebook.com/v25.0/1/feed?access_token=…&limit=5"
    assert TOKEN not in redact(f"token {TOKEN} here", TOKEN)
    usage = read_usage(usage_headers(80, 4))
    assert usage.percent == 80 and usage.regain_minutes == 4
    assert read_usage({"X-App-Usage": "not json"}).percent == 0


def test_a_page_with_50000_items(tmp_path):
    world = World(posts=9000, seed=11)
    assert world.items() >= 50_000
    fake = FakeGraph(world)
    try:
        report = fetch(fake, tmp_path, limits=Limits())
    finally:
        fake.close()
    posts = pq.read_metadata(report.snapshot.path / "posts.parquet").num_rows
    replies = pq.read_metadata(report.snapshot.path / "replies.parquet").num_rows
    c = report.counts
    total = posts + replies + c["conversation"] + c["page_comments_on_own_posts"]
    assert total == world.items()
    assert 1000 * len(fake.calls) / world.items() <= 12


def test_a_process_killed_midway_resumes_to_the_same_snapshot(tmp_path):
    """A real `kill -9` of `python -m analysis fetch` while it waits for a response."""
    world = World(posts=700, seed=5)
    reference = FakeGraph(world)
    try:
        fetch(reference, tmp_path / "clean", limits=Limits())
    finally:
        reference.close()
    clean_calls = len(reference.calls)
    asked = threading.Event()

    def hang_at_call_5(n, path, query):
        if n == 5:
            asked.set()
            time.sleep(3)
            return ("drop",)
        return None

    fake = FakeGraph(world, Scenario(fault=hang_at_call_5))
    data = tmp_path / "data"
    data.mkdir()
    (data / ".salt").write_text(SALT, "ascii")
    env = {**os.environ, graph_fetch.TOKEN_VARIABLE: TOKEN}
    argv = [sys.executable, "-m", "analysis", "fetch", "graph-api", "--data-dir", str(data)]
    try:
        proc = subprocess.Popen(
            [*argv, "--base-url", fake.base_url, "--since", "2000-01-01", PAGE_ID],
            env=env,
            cwd=Path(__file__).resolve().parent.parent,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert asked.wait(60)
        proc.kill()
        proc.wait(10)
        assert not list_snapshots(data)
        assert (fetch_dir(data) / PAGE_ID / "state.json").exists()
        no_token_anywhere(data)
        fake.scenario.fault = None
        first = len(fake.calls)
        report = fetch(fake, data, limits=Limits(), since=datetime(2000, 1, 1, tzinfo=UTC))
    finally:
        fake.close()
    # the page object again, then the feed from the checkpoint on (not from zero)
    assert report.resumed == [PAGE_ID] and len(fake.calls) - first < clean_calls - 2
    assert without_observed(latest_rows(data)) == without_observed(latest_rows(tmp_path / "clean"))


def test_a_token_expiring_midway_resumes_with_a_new_one(world, clean, tmp_path):
    fake = FakeGraph(world, Scenario(expire_after=40))
    try:
        with pytest.raises(SvarstidError, match="invalid or has expired") as err:
            fetch(fake, tmp_path)
        assert not list_snapshots(tmp_path)
        no_token_anywhere(tmp_path, str(err.value))
        fake.scenario.expire_after = None
        fake.token = "EAAnewTOKENafterRELOGIN"
        report = fetch(fake, tmp_path, token=fake.token)
    finally:
        fake.close()
    assert report.resumed == [PAGE_ID] and len(fake.calls) - 40 < clean[4]
    assert rank(tmp_path) == clean[2] and latest_rows(tmp_path) == clean[3]


@pytest.mark.parametrize("url", ["http://graph.example.com", "ftp://127.0.0.1", "file:///etc"])
def test_the_token_travels_only_encrypted_or_to_this_machine(tmp_path, url):
    with pytest.raises(SvarstidError, match="use https"):
        fetch_graph_api(tmp_path, [PAGE_ID], token=TOKEN, base_url=url)
