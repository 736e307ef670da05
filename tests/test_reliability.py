"""Reliability: bad exports, crashes, concurrent ingests, damaged data folders, --skip-invalid.

The README's "Nothing half-written" and "Bad input is named, not swallowed" promises, tested
from the outside: through the CLI, against a data folder that already holds a snapshot, and with
real processes killed with SIGKILL in the middle of an ingest.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from analysis import datafolder
from analysis.cli import main
from analysis.errors import DataDirError
from analysis.ingest import ingest_graph_api
from analysis.read.dataset import Dataset
from analysis.read.metrics import Filters, rank
from analysis.snapshot import writer
from analysis.snapshot.privacy import EMAIL_MASK, PERSONNUMMER_MASK, PHONE_MASK
from tests.conftest import AS_OF
from tests.graph_export import node, write_page
from tests.test_ingest import tree_digest

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "bad_exports"
CASES = json.loads((CORPUS / "cases.json").read_text("utf-8"))["cases"]


def cli_ingest(data_dir: Path, *paths: Path, extra: tuple[str, ...] = ()) -> int:
    args = ["ingest", "graph-api", "--data-dir", str(data_dir), "--as-of", AS_OF.isoformat()]
    return main([*args, *extra, *map(str, paths)])


def new_snapshots(data_dir: Path, before: dict[str, str]) -> list[Path]:
    old = {Path(k).parts[1] for k in before if k.startswith("snapshots/")}
    return [p for p in datafolder.list_snapshots(data_dir) if p.name not in old]


def assert_unchanged(data_dir: Path, before: dict[str, str]) -> None:
    """Every file stored before is still there with the same bytes."""
    after = tree_digest(data_dir)
    changed = sorted(k for k, v in before.items() if after.get(k) != v)
    assert not changed, f"changed or removed: {changed}"


# -- the corpus ---------------------------------------------------------------------------------


def _generated(case: str, root: Path) -> Path:
    """Cases that cannot be checked in: too big, or nothing for git to keep."""
    folder = root / case
    if case == "huge_message":
        big = "Hej! " + "å" * 3_000_000 + " ?"
        write_page(folder, "900", "Testverket", [[node("900_v1", "2017-01-03 10:00", "u2", big)]])
    elif case == "empty_folder":
        folder.mkdir(parents=True)
    elif case == "missing_path":
        pass
    elif case == "deep_nesting":
        page = write_page(folder, "900", "Testverket", [[]])
        level = '{"id": "900_v%d", "created_time": "2017-01-03T10:00:00+0000", "from": {"id": "u2"}'
        depth = 2000
        doc = (
            '{"data": ['
            + "".join(level % i + ', "comments": {"data": [' for i in range(depth))
            + "]}}" * depth
            + "]}"
        )
        (page / "feed_001.json").write_text(doc, "utf-8")
    elif case == "huge_created_time":
        item = node("900_v1", "2017-01-03 10:00", "u2", "Hej")
        item["created_time"] = "2017-01-03T10:00:00" + "9" * 1_000_000
        write_page(folder, "900", "Testverket", [[item]])
    else:  # pragma: no cover - a case in cases.json without a generator
        raise AssertionError(f"no generator for {case}")
    return folder


def _case_params(cases: list[dict]) -> list:
    out = []
    for case in cases:
        marks = [pytest.mark.xfail(strict=True, reason=case["bug"])] if "bug" in case else []
        out.append(pytest.param(case, id=case["case"], marks=marks))
    return out


def _materialise(case: dict, tmp_path: Path) -> Path:
    if case.get("generated"):
        return _generated(case["case"], tmp_path / "generated")
    return CORPUS / case["case"]


def test_corpus_manifest_matches_the_folders():
    folders = {p.name for p in CORPUS.iterdir() if p.is_dir()}
    listed = {c["case"] for c in CASES if not c.get("generated")}
    assert folders == listed
    for c in CASES:
        assert c["expect"] in ("error", "accepted") and c["note"]
        if c["expect"] == "error":
            assert c["skip_invalid"] in ("quarantined", "error")
    # The corpus stays small: no checked-in file over 64 kB.
    assert max(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file()) < 64_000


@pytest.mark.parametrize("case", _case_params(CASES))
def test_corpus(case, study_data, tmp_path, capsys):
    """Each bad export: one line naming the file and exit 2, or accepted with the anomaly
    counted; in every case the snapshot already stored keeps every byte."""
    before = tree_digest(study_data)
    path = _materialise(case, tmp_path)
    capsys.readouterr()
    rc = cli_ingest(study_data, path)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if case["expect"] == "error":
        assert rc == 2, out + err
        assert err.startswith("error: ") and err.count("\n") == 1, err[:500]
        assert len(err) < 1000, f"a {len(err):,}-character error line"
        named = path / case["file"] if case["file"] else path
        assert str(named) in err
        assert case["error"] in err
        assert tree_digest(study_data) == before
        return
    assert rc == 0, err
    assert_unchanged(study_data, before)
    (snap,) = new_snapshots(study_data, before)
    manifest = json.loads((snap / "manifest.json").read_text("utf-8"))
    assert {k: v for k, v in manifest["anomalies"].items() if v} == case["anomalies"]
    for key, value in case["counts"].items():
        assert manifest["counts"][key] == value, key
    for key, value in case["anomalies"].items():
        assert f"{key} {value}" in out
    rank(Dataset(study_data), Filters(min_items=0))  # the folder still reads


@pytest.mark.parametrize("case", _case_params([c for c in CASES if c["expect"] == "error"]))
def test_corpus_with_skip_invalid(case, study_data, tmp_path, capsys):
    """With --skip-invalid a bad file or item goes to quarantine (named, with its reason); a
    folder that cannot be read at all is still an error. Nothing stored before changes."""
    before = tree_digest(study_data)
    path = _materialise(case, tmp_path)
    capsys.readouterr()
    rc = cli_ingest(study_data, path, extra=("--skip-invalid",))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if case["skip_invalid"] == "error":
        assert rc == 2 and err.startswith("error: ") and err.count("\n") == 1
        assert tree_digest(study_data) == before
        return
    assert rc == 0, err
    assert_unchanged(study_data, before)
    (snap,) = new_snapshots(study_data, before)
    quarantine = study_data / "quarantine" / f"{snap.name}.jsonl"
    assert f"reasons in {quarantine}" in out
    lines = [json.loads(line) for line in quarantine.read_text("utf-8").splitlines()]
    named = str(path / case["file"])
    assert any(r["file"] == named and case["error"] in r["reason"] for r in lines), lines
    assert all(len(r["reason"]) < 1000 for r in lines)
    assert json.loads((snap / "manifest.json").read_text("utf-8"))["counts"]["rejected"] == len(
        lines
    )


# -- --skip-invalid: the valid part imported, the rest quarantined with reasons and masked -------

SECRETS = ("811228-9874", "anna.svensson@example.se", "070-123 45 67", "Anna Svensson")


def _partly_bad_export(root: Path) -> Path:
    """Page 900: two good items, three bad ones carrying personal data; one truncated file;
    page 901: a bad page.json. Returns the export folder."""
    pii = "Hej, pnr 811228-9874, anna.svensson@example.se, 070-123 45 67"
    good = [
        node("900_1", "2017-01-02 09:00", "900", "Inlägg", [
            node("900_1_c1", "2017-01-02 10:00", "u1", "Hur gör jag?",
                 [node("900_1_c1_r", "2017-01-02 10:30", "900", "Så här.")]),
        ]),
        node("900_v1", "2017-01-03 10:00", "u2", "Fråga?"),
    ]  # fmt: skip
    naive = node("900_v2", "2017-01-03 11:00", "u3", pii)
    naive["created_time"] = "2017-01-03T11:00:00"
    naive["from"]["name"] = "Anna Svensson"
    no_time = node("900_v3", "2017-01-03 12:00", "u4", "Hej", [
        node("900_v3_c", "2017-01-03 12:05", "u5", pii),
    ])  # fmt: skip
    del no_time["created_time"]
    bad_reply = node("900_v4", "2017-01-03 13:00", "u6", pii, [
        node("900_v4_r", "2017-01-03 13:30", "900", {"text": pii}),
    ])  # fmt: skip
    folder = write_page(root, "900", "Testverket", [[*good, naive, no_time, bad_reply], []])
    (folder / "feed_002.json").write_text('{"data": [{"id": "900_9", "message": "' + pii, "utf-8")
    other = write_page(root, "901", "Annat verk", [[node("901_v1", "2017-01-03 10:00", "u7", "x")]])
    (other / "page.json").write_text('{"id": "901"}', "utf-8")
    return root


def test_skip_invalid_imports_valid_items_and_quarantines_the_rest(study_data, tmp_path, capsys):
    before = tree_digest(study_data)
    export = _partly_bad_export(tmp_path / "partly_bad")
    capsys.readouterr()
    assert cli_ingest(study_data, export, extra=("--skip-invalid",)) == 0
    out = capsys.readouterr().out
    assert "rejected 5 item(s)" in out
    assert_unchanged(study_data, before)
    (snap,) = new_snapshots(study_data, before)
    ids = set(pq.read_table(snap / "posts.parquet")["post_id"].to_pylist())
    assert ids == {"900_1", "900_1_c1", "900_v1"}
    assert pq.read_table(snap / "replies.parquet")["reply_id"].to_pylist() == ["900_1_c1_r"]

    quarantine = study_data / "quarantine" / f"{snap.name}.jsonl"
    raw = quarantine.read_bytes()
    lines = [json.loads(line) for line in raw.decode("utf-8").splitlines()]
    page = export / "page_900"
    got = {(r["file"], r["item_id"]) for r in lines}
    assert got == {
        (str(page / "feed_001.json"), "900_v2"),
        (str(page / "feed_001.json"), "900_v3"),
        (str(page / "feed_001.json"), "900_v4_r"),
        (str(page / "feed_002.json"), None),
        (str(export / "page_901" / "page.json"), None),
    }
    reasons = {r["item_id"]: r["reason"] for r in lines}
    assert "has no UTC offset" in reasons["900_v2"]
    assert "missing created_time" in reasons["900_v3"]
    assert "message must be text" in reasons["900_v4_r"]
    # The rejected items are kept for inspection, but masked and without names.
    items = {r["item_id"]: r["item"] for r in lines}
    assert PERSONNUMMER_MASK in items["900_v2"]["message"]
    assert EMAIL_MASK in items["900_v2"]["message"] and PHONE_MASK in items["900_v2"]["message"]
    for secret in SECRETS:
        assert secret.encode() not in raw, secret
    assert b'"name"' not in raw
    manifest = json.loads((snap / "manifest.json").read_text("utf-8"))
    assert manifest["counts"]["rejected"] == 5


def test_quarantine_holds_no_raw_visitor_ids(study_data, tmp_path):
    item = node("900_v1", "2017-01-03 10:00", "visitor-4711", "Hej")
    item["created_time"] = "2017-01-03T10:00:00"
    write_page(tmp_path / "x", "900", "Testverket", [[item]])
    assert cli_ingest(study_data, tmp_path / "x", extra=("--skip-invalid",)) == 0
    blob = b"".join(p.read_bytes() for p in (study_data / "quarantine").iterdir())
    assert b"visitor-4711" not in blob


def test_quarantine_keeps_no_tagged_people_or_unknown_fields(study_data, tmp_path):
    item = node("900_v1", "2017-01-03 10:00", "u2", "Hej @Anna")
    item["created_time"] = "2017-01-03T10:00:00"
    item["message_tags"] = [{"id": "100004711", "name": "Anna Andersson", "offset": 4}]
    item["to"] = {"data": [{"id": "100004712", "name": "Bo Berg"}]}
    item["attachments"] = {"data": [{"url": "https://example.se/?pnr=x"}]}
    write_page(tmp_path / "x", "900", "Testverket", [[item]])
    assert cli_ingest(study_data, tmp_path / "x", extra=("--skip-invalid",)) == 0
    (path,) = (study_data / "quarantine").iterdir()
    kept = json.loads(path.read_text("utf-8"))
    assert kept["item"] == {"id": "900_v1", "created_time": "2017-01-03T10:00:00",
                            "message": "Hej @Anna"}  # fmt: skip
    blob = path.read_bytes()
    assert b"100004711" not in blob and b"Anna Andersson" not in blob and b"Bo Berg" not in blob


def test_quarantine_reasons_are_masked(study_data, tmp_path):
    item = node("900_v1", "2017-01-03 10:00", "u2", "Hej")
    item["created_time"] = "Anna 811228-9874 anna.svensson@example.se"  # a shifted CSV column
    write_page(tmp_path / "x", "900", "Testverket", [[item]])
    assert cli_ingest(study_data, tmp_path / "x", extra=("--skip-invalid",)) == 0
    blob = b"".join(p.read_bytes() for p in (study_data / "quarantine").iterdir())
    assert b"811228-9874" not in blob and b"anna.svensson@" not in blob


def test_skip_invalid_keeps_valid_comments_beside_a_bad_one(study_data, tmp_path):
    bad = node("900_1_c3", "2017-01-02 10:00", "u3", "Hej")
    bad["created_time"] = "2017-01-02T10:00:00"
    post = node("900_1", "2017-01-02 09:00", "900", "Inlägg", [
        node("900_1_c1", "2017-01-02 10:00", "u1", "Hur?"),
        node("900_1_c2", "2017-01-02 10:00", "u2", "Var?"),
        bad,
    ])  # fmt: skip
    write_page(tmp_path / "x", "900", "Testverket", [[post]])
    before = tree_digest(study_data)
    assert cli_ingest(study_data, tmp_path / "x", extra=("--skip-invalid",)) == 0
    (snap,) = new_snapshots(study_data, before)
    ids = set(pq.read_table(snap / "posts.parquet")["post_id"].to_pylist())
    assert {"900_1", "900_1_c1", "900_1_c2"} <= ids


# -- a damaged data folder: one line naming the file ---------------------------------------------


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _garbage(path: Path) -> None:
    path.write_bytes(b"PAR1" + bytes(random.Random(1).randrange(256) for _ in range(300)))


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _delete(path: Path) -> None:
    path.unlink()


DAMAGE = [_truncate, _garbage, _empty, _delete]


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__[1:])
@pytest.mark.parametrize("table", ["pages", "posts", "replies", "item_facts"])
def test_damaged_parquet_is_named(study_data, table, damage, capsys):
    (snap,) = datafolder.list_snapshots(study_data)
    target = snap / f"{table}.parquet"
    damage(target)
    with pytest.raises(DataDirError, match=str(target).replace(".", r"\.")):
        Dataset(study_data)
    for command in (["rank"], ["snapshots"], ["rank", "--format", "csv"]):
        capsys.readouterr()
        assert main([command[0], "--data-dir", str(study_data), *command[1:]]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1 and str(target) in err
        if damage is _garbage:
            assert f"{target}: not a readable Parquet file" in err


@pytest.mark.parametrize(
    "content",
    [None, b"", b'{"schema_version": 1, "snapshot_id": "x", "as_of": "2017-0', b"[]", b"{}",
     b'{"as_of": "not a date", "created_at": "2017-01-01T00:00:00+00:00"}', b"\xff\xfe"],
    ids=["missing", "empty", "truncated", "list", "no-keys", "bad-date", "not-utf8"],
)  # fmt: skip
def test_damaged_manifest_is_named(study_data, content, capsys):
    (snap,) = datafolder.list_snapshots(study_data)
    manifest = snap / "manifest.json"
    if content is None:
        manifest.unlink()
    else:
        manifest.write_bytes(content)
    with pytest.raises(DataDirError, match="manifest"):
        Dataset(study_data)
    capsys.readouterr()
    assert main(["rank", "--data-dir", str(study_data)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and str(manifest) in err


def test_damaged_data_pages_are_named(study_data, capsys):
    (snap,) = datafolder.list_snapshots(study_data)
    target = snap / "item_facts.parquet"
    data = bytearray(target.read_bytes())
    footer = pq.read_metadata(target).serialized_size + 8
    for i in range(4, len(data) - footer):  # every byte between the magic and the footer
        data[i] ^= 0x5A
    target.write_bytes(bytes(data))
    pq.read_metadata(target)  # the footer still reads
    capsys.readouterr()
    assert main(["rank", "--data-dir", str(study_data)]) == 2
    err = capsys.readouterr().err
    assert "item_facts.parquet" in err and err.count("\n") == 1


# -- crash safety: kill -9 a real ingest at many points -----------------------------------------


def _big_export(root: Path, items: int = 30_000, pages: int = 10) -> Path:
    """`items` inbound items over `pages` pages: page posts with 4 answered comments each, and
    as many visitor posts; ~11 MB of JSON in files of 200 posts."""
    rng = random.Random(6)
    start = datetime(2017, 1, 2, 8, 0)

    def at(t: datetime) -> str:
        return t.strftime("%Y-%m-%d %H:%M")

    per_page = items // pages // 5
    for p in range(pages):
        pid = str(1000 + p)
        posts = []
        for i in range(per_page):
            t = start + timedelta(minutes=rng.randrange(40_000))
            comments = [
                node(f"{pid}_{i}_c{j}", at(t + timedelta(minutes=5 + j)), f"u{rng.randrange(9999)}",
                     "Hej! Ring mig på 070-123 45 67?",
                     [node(f"{pid}_{i}_c{j}_r", at(t + timedelta(minutes=50 + j)), pid, "Svar")])
                for j in range(4)
            ]  # fmt: skip
            posts.append(node(f"{pid}_{i}", at(t), pid, "Nytt inlägg", comments))
            posts.append(node(f"{pid}_v{i}", at(t), f"u{rng.randrange(9999)}", "Fråga?"))
        feeds = [posts[k : k + 200] for k in range(0, len(posts), 200)]
        write_page(root, pid, f"Sida {p}", feeds)
    return root


@pytest.fixture(scope="module")
def big_export(tmp_path_factory) -> Path:
    return _big_export(tmp_path_factory.mktemp("big") / "export")


@pytest.fixture
def base_data(study_export, data_dir) -> Path:
    ingest_graph_api(data_dir, [study_export], as_of=AS_OF)
    return data_dir


def _spawn_ingest(data_dir: Path, export: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "analysis", "ingest", "graph-api", "--data-dir", str(data_dir),
         "--as-of", "2017-03-01T00:00:00+00:00", str(export)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _tmp_folders(data_dir: Path) -> list[Path]:
    root = data_dir / "snapshots"
    return [root / n for n in os.listdir(root) if n.startswith(".tmp-")] if root.is_dir() else []


def _kill_when(proc: subprocess.Popen, data_dir: Path, when) -> None:
    """Kill -9 after `when` seconds, or as soon as `when(data_dir)` is true (polling)."""
    if isinstance(when, float):
        time.sleep(when)
    else:
        deadline = time.monotonic() + 60
        while not when(data_dir) and proc.poll() is None and time.monotonic() < deadline:
            pass
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)


def _has_tmp(data_dir: Path) -> bool:
    return bool(_tmp_folders(data_dir))


def _has_tmp_file(name: str):
    def check(data_dir: Path) -> bool:
        return any((t / name).exists() for t in _tmp_folders(data_dir))

    check.__name__ = f"tmp_{name}"
    return check


def _check_consistent(data_dir: Path, before: dict[str, str], old: set[str]) -> list[Path]:
    """Readable, the old snapshot byte-identical, any new snapshot complete. Returns new ones."""
    assert_unchanged(data_dir, before)
    ds = Dataset(data_dir)
    rank(ds, Filters(min_items=0))
    new = [p for p in datafolder.list_snapshots(data_dir) if p.name not in old]
    assert len(new) <= 1
    for snap in new:  # a visible snapshot is a whole snapshot
        manifest = json.loads((snap / "manifest.json").read_text("utf-8"))
        assert manifest["counts"]["inbound_items"] == 30_000
        for table in datafolder.TABLES:
            pq.read_table(snap / f"{table}.parquet")
    # Nothing but snapshots and hidden folders in snapshots/.
    for p in (data_dir / "snapshots").iterdir():
        assert p.name.startswith(".") or datafolder.SNAPSHOT_NAME.match(p.name), p
    return new


@pytest.mark.slow
def test_kill_9_at_any_point_leaves_a_consistent_data_folder(base_data, big_export, tmp_path):
    # Time one whole ingest here: when its temporary folder appears, when the snapshot does.
    timing = tmp_path / "timing"
    shutil.copytree(base_data, timing)
    old = {p.name for p in datafolder.list_snapshots(timing)}
    started = time.monotonic()
    proc = _spawn_ingest(timing, big_export)
    t_tmp = t_done = None
    while proc.poll() is None:
        now = time.monotonic() - started
        if t_tmp is None and _has_tmp(timing):
            t_tmp = now
        if t_done is None and any(p.name not in old for p in datafolder.list_snapshots(timing)):
            t_done = now
        time.sleep(0.001)
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert t_tmp is not None and t_done is not None and t_tmp <= t_done

    # Kill points spread over the parse, over the write, and on events seen by polling.
    points = [round(t_tmp * f, 3) for f in (0.05, 0.5, 0.95)]
    points += [round(t_tmp + (t_done - t_tmp) * f, 3) for f in (0.15, 0.4, 0.65, 0.9)]
    points += [round(t_done + 0.05, 3)]
    points += [_has_tmp, _has_tmp_file("posts.parquet"), _has_tmp_file("item_facts.parquet"),
               _has_tmp_file("manifest.json")]  # fmt: skip
    with_leftovers = []
    outcomes = {}
    for i, when in enumerate(points):
        data = tmp_path / f"kill{i}"
        shutil.copytree(base_data, data)
        before = tree_digest(data)
        old = {p.name for p in datafolder.list_snapshots(data)}
        proc = _spawn_ingest(data, big_export)
        _kill_when(proc, data, when)
        assert proc.returncode == -signal.SIGKILL or proc.returncode == 0
        new = _check_consistent(data, before, old)
        leftovers = _tmp_folders(data)
        name = when if isinstance(when, float) else when.__name__
        outcomes[name] = ("complete" if new else "none", len(leftovers))
        if leftovers:
            with_leftovers.append(data)
    # The polling kill points land inside the write, so some runs leave a temporary folder.
    assert with_leftovers, outcomes

    # The next ingest succeeds and cleans the leftovers.
    data = with_leftovers[0]
    before = tree_digest(data)
    proc = _spawn_ingest(data, big_export)
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert not _tmp_folders(data)
    assert_unchanged(data, {k: v for k, v in before.items() if "/.tmp-" not in k})
    assert Dataset(data).latest.counts["inbound_items"] == 30_000


@pytest.mark.slow
def test_two_ingests_at_once_one_refused_or_both_serialised(base_data, big_export):
    before = tree_digest(base_data)
    old = {p.name for p in datafolder.list_snapshots(base_data)}
    results = []
    for _ in range(2):
        procs = [_spawn_ingest(base_data, big_export) for _ in range(2)]
        results += [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in procs]
        for p in procs:
            p.stdout.close()
            p.stderr.close()
    for rc, _out, err in results:
        assert rc in (0, 2), err
        assert "Traceback" not in err
        if rc == 2:
            assert err.startswith("error: ") and err.count("\n") == 1
            assert "another ingest is writing to this data folder" in err
    succeeded = sum(rc == 0 for rc, _, _ in results)
    assert succeeded >= 2  # at least one of each pair
    assert_unchanged(base_data, before)
    new = [p for p in datafolder.list_snapshots(base_data) if p.name not in old]
    assert len(new) == succeeded
    assert not _tmp_folders(base_data)
    ds = Dataset(base_data)
    assert all(s.counts["inbound_items"] == 30_000 for s in ds.snapshots if s.snapshot_id in {
        p.name for p in new
    })  # fmt: skip
    rank(ds)


def test_interrupted_ingest_reports_nothing_written(study_data, study_export, monkeypatch, capsys):
    """Ctrl-C in the middle of writing: exit 130, the message, and nothing half-written."""
    before = tree_digest(study_data)
    real = writer._write_table
    calls = []

    def interrupted(table, path):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(table, path)

    monkeypatch.setattr(writer, "_write_table", interrupted)
    capsys.readouterr()
    assert cli_ingest(study_data, study_export) == 130
    assert "nothing was written" in capsys.readouterr().err
    assert tree_digest(study_data) == before


def test_data_dir_with_quotes_and_spaces_in_its_name(study_export, tmp_path):
    """Paths reach DuckDB as bound parameters, so any folder name works."""
    data = tmp_path / 'it\'s a "data" dir; drop table x --'
    assert cli_ingest(data, study_export) == 0
    assert len(rank(Dataset(data))) == 3


def test_now_is_pinned_so_reruns_sort_after_each_other(study_export, data_dir):
    """Two ingests of the same export in the same second both land and the union stays sane."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    ingest_graph_api(data_dir, [study_export], as_of=AS_OF, now=now)
    ingest_graph_api(data_dir, [study_export], as_of=AS_OF, now=now)
    ds = Dataset(data_dir)
    assert len(ds.snapshots) == 2
    assert rank(ds)["inbound"].sum() == 11
