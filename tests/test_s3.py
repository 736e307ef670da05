"""Data folders in object storage, against a real S3 server (moto's, on 127.0.0.1).

No mock of pyarrow: every test reads and writes through `pyarrow.fs.S3FileSystem`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC
from pathlib import Path

import pytest

from analysis import storage
from analysis.cli import main
from analysis.errors import BusyError, DataDirError
from analysis.ingest import ingest_graph_api
from analysis.publish import publish
from analysis.read import metrics
from analysis.read.dataset import Dataset
from tests.conftest import AS_OF, REGISTRY
from tests.dashboard_server import free_port

BUCKET = "svarstid-test"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(s3_server, tmp_path, monkeypatch):
    """A fresh, empty bucket on the moto server, the AWS variables set, a private cache."""
    import boto3

    env = {
        "AWS_ENDPOINT_URL": s3_server,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "SVARSTID_CACHE_DIR": str(tmp_path / "cache"),
        "SVARSTID_KEY_DIR": str(tmp_path / "keys"),
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    monkeypatch.delenv("SVARSTID_SALT_FILE", raising=False)
    client = boto3.client("s3", endpoint_url=s3_server)
    client.create_bucket(Bucket=BUCKET)
    try:
        yield client
    finally:
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
            for obj in page.get("Contents", []):
                client.delete_object(Bucket=BUCKET, Key=obj["Key"])
        client.delete_bucket(Bucket=BUCKET)


def keys(client, prefix: str = "") -> list[str]:
    out = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        # pyarrow leaves empty "folder/" marker objects where it deleted the last file
        out += [o["Key"] for o in page.get("Contents", []) if not o["Key"].endswith("/")]
    return sorted(out)


def put_registry(client, prefix: str, text: str = REGISTRY) -> None:
    client.put_object(Bucket=BUCKET, Key=f"{prefix}/registry.csv", Body=text.encode())


def ranked(ds: Dataset) -> list[tuple]:
    return metrics.rank_rows(ds, metrics.Filters())[1]


def test_a_table_ingest_into_s3_reads_the_stores_registry(s3, tmp_path):
    """CSV into a bucket: written there (not into a local folder named "s3:"), with times
    without an offset read in the time zone the bucket's registry gives the page."""
    from analysis.ingest import ingest_table

    uri = f"s3://{BUCKET}/tables"
    put_registry(s3, "tables", "page_id,timezone\np1,America/New_York\n")
    csv_file = tmp_path / "long.csv"
    csv_file.write_text(
        "page_id,page_name,item_id,parent_id,created_time,author_id,message\n"
        "p1,Verket,i1,,2017-01-02 10:00,u1,Hej?\n"
        "p1,Verket,r1,i1,2017-01-02 11:00,p1,Svar\n",
        encoding="utf-8",
    )
    report = ingest_table(uri, [csv_file], as_of=AS_OF)
    assert report.snapshot.path.startswith(uri)
    assert not (Path.cwd() / "s3:").exists()
    ds = Dataset(uri)
    (created,) = ds.con.execute(
        "select created_at from read_parquet($f) where post_id = 'i1'",
        {"f": ds.files("posts")},
    ).fetchone()
    assert created.astimezone(UTC).hour == 15  # 10:00 in New York, not in Stockholm


def test_ingest_into_s3_reads_back_the_same_numbers(s3, study_export, study_data):
    uri = f"s3://{BUCKET}/agency"
    put_registry(s3, "agency")
    report = ingest_graph_api(uri, [study_export], as_of=AS_OF)
    sid = report.snapshot.snapshot_id
    assert report.snapshot.path == f"{uri}/snapshots/{sid}"
    names = keys(s3, "agency/snapshots/")
    assert names == sorted(
        f"agency/snapshots/{sid}/{n}"
        for n in ("manifest.json", "pages.parquet", "posts.parquet", "replies.parquet",
                  "item_facts.parquet")
    )  # fmt: skip
    remote, local = Dataset(uri), Dataset(study_data)
    assert ranked(remote) == ranked(local)
    assert [s.snapshot_id for s in remote.snapshots] == [sid]
    assert remote.location == uri
    # the data folder's lock is released: nothing but the snapshot and the registry remain
    assert keys(s3) == sorted([*names, "agency/registry.csv"])


def test_the_salt_never_leaves_the_machine(s3, study_export, tmp_path):
    uri = f"s3://{BUCKET}/agency"
    ingest_graph_api(uri, [study_export], as_of=AS_OF)
    salt = storage.key_dir(uri) / ".salt"
    secret = salt.read_text().strip()
    assert len(bytes.fromhex(secret)) == 32
    for key in keys(s3):
        body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        assert not key.endswith(".salt")
        assert secret.encode() not in body and bytes.fromhex(secret) not in body
    # the same key pseudonymises the next ingest (visitors keep their pseudonym)
    ingest_graph_api(uri, [study_export], as_of=AS_OF.replace(day=30))
    assert salt.read_text().strip() == secret


def test_salt_file_variable_names_the_key(s3, study_export, tmp_path, monkeypatch):
    key = tmp_path / "elsewhere" / "svarstid.salt"
    key.parent.mkdir()
    key.write_text("ab" * 32 + "\n")
    monkeypatch.setenv("SVARSTID_SALT_FILE", str(key))
    uri = f"s3://{BUCKET}/agency"
    ingest_graph_api(uri, [study_export], as_of=AS_OF)
    assert (storage.key_dir(uri) / ".salt").resolve() == key.resolve()
    monkeypatch.setenv("SVARSTID_SALT_FILE", str(tmp_path / "missing.salt"))
    with pytest.raises(DataDirError, match="SVARSTID_SALT_FILE names no file"):
        ingest_graph_api(uri, [study_export], as_of=AS_OF)


def test_cli_rank_and_snapshots_read_s3(s3, study_export, capsys, monkeypatch):
    uri = f"s3://{BUCKET}/agency"
    put_registry(s3, "agency")
    assert main(["ingest", "graph-api", "--data-dir", uri, "--as-of", "2017-01-31T12:00:00Z",
                 str(study_export)]) == 0  # fmt: skip
    assert f"written to {uri}/snapshots/" in capsys.readouterr().out
    assert main(["rank", "--data-dir", uri, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["page_id"] for r in rows} == {"100", "200", "300"}
    monkeypatch.setenv("SVARSTID_DATA_DIR", uri)
    assert main(["snapshots"]) == 0
    assert "graph-api" in capsys.readouterr().out


def test_an_upload_killed_midway_is_invisible_and_cleaned_up(s3, study_data, study_export):
    """The tables are uploaded, the process dies before the manifest: readers see nothing of
    it; the next write removes it (once older than the grace period)."""
    uri = f"s3://{BUCKET}/agency"
    snap = next((study_data / "snapshots").iterdir())
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from analysis import storage\n"
        "real = storage._put\n"
        "def dying(loc, path, data):\n"
        "    if path.endswith('manifest.json'):\n"
        "        os._exit(9)\n"
        "    real(loc, path, data)\n"
        "storage._put = dying\n"
        f"storage.upload_snapshot(Path({str(snap)!r}), storage.location({uri!r}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=os.environ.copy())
    assert proc.returncode == 9
    assert len(keys(s3, f"agency/snapshots/{snap.name}/")) == 4  # tables there, no manifest
    ds = Dataset(uri)
    assert ds.is_empty and ranked(ds) == []
    assert main(["rank", "--data-dir", uri, "--snapshot", snap.name]) == 2
    loc = storage.location(uri)
    assert storage.clean_uncommitted(loc) == 0  # too young: perhaps still uploading
    assert storage.clean_uncommitted(loc, grace_seconds=0) == 1
    assert keys(s3, "agency/snapshots/") == []


def test_a_missing_manifest_hides_the_snapshot(s3, study_export):
    uri = f"s3://{BUCKET}/agency"
    first = ingest_graph_api(uri, [study_export], as_of=AS_OF).snapshot.snapshot_id
    second = ingest_graph_api(uri, [study_export], as_of=AS_OF.replace(day=30)).snapshot
    assert [s.snapshot_id for s in Dataset(uri).snapshots] == sorted([first, second.snapshot_id])
    s3.delete_object(Bucket=BUCKET, Key=f"agency/snapshots/{first}/manifest.json")
    ds = Dataset(uri)  # the cached copy of the uncommitted one is dropped too
    assert [s.snapshot_id for s in ds.snapshots] == [second.snapshot_id]
    assert not (storage.cache_folder(uri) / "snapshots" / first).exists()


def test_a_second_writer_is_refused(s3, study_export):
    uri = f"s3://{BUCKET}/agency"
    loc = storage.location(uri)
    with storage.write_lock(loc):
        with pytest.raises(BusyError, match="another writer holds"):
            ingest_graph_api(uri, [study_export], as_of=AS_OF)
        with pytest.raises(BusyError):
            with storage.write_lock(loc):
                pass
    assert keys(s3) == []  # nothing half-written, and the lock is gone
    ingest_graph_api(uri, [study_export], as_of=AS_OF)  # free again


def test_a_stale_lock_is_taken_over(s3, study_export):
    s3.put_object(Bucket=BUCKET, Key="agency/.lock", Body=b'{"holder": "dead", "since": 0}')
    ingest_graph_api(f"s3://{BUCKET}/agency", [study_export], as_of=AS_OF)
    assert "agency/.lock" not in keys(s3)


def test_a_bucket_that_does_not_exist(s3, study_export, capsys):
    uri = "s3://no-such-bucket-here/agency"
    assert main(["rank", "--data-dir", uri]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the bucket does not exist" in err
    assert main(["ingest", "graph-api", "--data-dir", uri, str(study_export)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the bucket does not exist" in err


@pytest.fixture
def enforced_auth(s3, s3_server):
    """Credentials checked by the server: a user with full S3 access, the rest refused."""
    import boto3
    from moto import settings

    iam = boto3.client("iam", endpoint_url=s3_server, region_name="us-east-1")
    iam.create_user(UserName="svarstid")
    iam.put_user_policy(
        UserName="svarstid",
        PolicyName="s3",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
    )  # fmt: skip
    key = iam.create_access_key(UserName="svarstid")["AccessKey"]
    before = settings.INITIAL_NO_AUTH_ACTION_COUNT
    settings.INITIAL_NO_AUTH_ACTION_COUNT = 0
    try:
        yield key["AccessKeyId"], key["SecretAccessKey"]
    finally:
        settings.INITIAL_NO_AUTH_ACTION_COUNT = before


def test_a_wrong_credential(enforced_auth, study_export, monkeypatch, capsys):
    key_id, secret = enforced_auth
    uri = f"s3://{BUCKET}/agency"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    ingest_graph_api(uri, [study_export], as_of=AS_OF)  # the right one works
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wrong" + secret[5:])
    assert main(["rank", "--data-dir", uri]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "access denied" in err
    assert main(["ingest", "graph-api", "--data-dir", uri, str(study_export)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "access denied" in err


# -- a federated benchmark -----------------------------------------------------------------------


def one_page_export(root: Path, page_id: str, name: str) -> Path:
    """A page with three answered comments and one ignored one (someone's e-mail in it)."""
    from tests.graph_export import node, write_page

    comments = [
        node(f"{page_id}_c{i}", f"2017-01-1{i} 10:00", f"u{i}", f"Fråga {i}? mejla a{i}@x.se",
             [node(f"{page_id}_r{i}", f"2017-01-1{i} 10:{10 * i:02d}", page_id, "Svar")]
             if i < 4 else [])
        for i in range(1, 5)
    ]  # fmt: skip
    write_page(root, page_id, name, [[node(f"{page_id}_p", "2017-01-10 09:00", page_id, "Nytt",
                                           comments)]])  # fmt: skip
    return root


def contributor(tmp_path: Path, name: str, page_id: str, agency: str) -> Path:
    d = tmp_path / name
    d.mkdir()
    (d / "registry.csv").write_text(f"page_id,agency,sector\n{page_id},{agency},Skatt\n")
    ingest_graph_api(d, [one_page_export(tmp_path / f"{name}-export", page_id, agency)],
                     as_of=AS_OF)  # fmt: skip
    return d


def test_publish_and_rank_the_union_of_two_contributors(s3, tmp_path, capsys):
    a = contributor(tmp_path, "a", "501", "Verket A")
    b = contributor(tmp_path, "b", "502", "Verket B")
    assert main(["publish", "--data-dir", str(a), "--to", f"s3://{BUCKET}/bench/a"]) == 0
    assert "published 1 snapshot(s)" in capsys.readouterr().out
    assert main(["publish", "--data-dir", str(b), "--to", f"s3://{BUCKET}/bench/b",
                 "--no-texts"]) == 0  # fmt: skip
    assert main(["publish", "--data-dir", str(a), "--to", f"s3://{BUCKET}/bench/a"]) == 0
    assert "published 0 snapshot(s) to s3://svarstid-test/bench/a (1 already there)" in (
        capsys.readouterr().out
    )
    # only the snapshot files and the registry left the machines: no key, lock or quarantine
    for key in keys(s3):
        assert key.endswith((".parquet", "manifest.json", "registry.csv")), key
    salts = [(d / ".salt").read_text().strip() for d in (a, b)]
    for key in keys(s3):
        body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        assert not any(s.encode() in body for s in salts)

    hub = tmp_path / "hub"
    hub.mkdir()
    (hub / "contributors.toml").write_text(
        '[[contributor]]\nname = "a"\nlocation = "s3://svarstid-test/bench/a"\n'
        '[[contributor]]\nname = "b"\nlocation = "s3://svarstid-test/bench/b"\n'
    )
    ds = Dataset(hub)
    rows = {
        r["page_id"]: r for r in metrics.rank(ds, metrics.Filters(min_items=1)).to_dict("records")
    }
    assert set(rows) == {"501", "502"}
    assert rows["501"]["inbound"] == rows["502"]["inbound"] == 4
    assert rows["501"]["agency"] == "Verket A"  # each contributor's registry for its pages
    assert {c["page_id"]: c["contributor"] for c in ds.contributions} == {"501": "a", "502": "b"}
    # b published without texts: its messages are gone, its figures are not
    import pyarrow.parquet as pq

    cached = next(iter((storage.cache_folder(f"s3://{BUCKET}/bench/b") / "snapshots").iterdir()))
    assert pq.read_table(cached / "posts.parquet")["message"].null_count == 5
    assert json.loads((cached / "manifest.json").read_text())["texts"] is False
    # the masked texts of a were published masked
    cached = next(iter((storage.cache_folder(f"s3://{BUCKET}/bench/a") / "snapshots").iterdir()))
    texts = " ".join(filter(None, pq.read_table(cached / "posts.parquet")["message"].to_pylist()))
    assert "@x.se" not in texts and "[e-post]" in texts


def test_the_same_page_from_two_contributors_is_an_error(s3, tmp_path, capsys):
    a = contributor(tmp_path, "a", "501", "Verket A")
    b = contributor(tmp_path, "b", "501", "Verket A")
    publish(a, f"s3://{BUCKET}/bench/a")
    publish(b, f"s3://{BUCKET}/bench/b")
    hub = tmp_path / "hub"
    hub.mkdir()
    (hub / "contributors.toml").write_text(
        '[[contributor]]\nname = "a"\nlocation = "s3://svarstid-test/bench/a"\n'
        '[[contributor]]\nname = "b"\nlocation = "s3://svarstid-test/bench/b"\n'
    )
    assert main(["rank", "--data-dir", str(hub)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "page 501 is in the snapshots of both 'a' and 'b'" in err


def test_a_shared_registry_from_the_bucket(s3, tmp_path):
    a = contributor(tmp_path, "a", "501", "Verket A")
    publish(a, f"s3://{BUCKET}/bench/a")
    put_registry(s3, "bench/shared", "page_id,agency,sector\n501,Delade verket,Delad\n")
    hub = tmp_path / "hub"
    hub.mkdir()
    (hub / "contributors.toml").write_text(
        'registry = "s3://svarstid-test/bench/shared"\n'
        '[[contributor]]\nname = "a"\nlocation = "s3://svarstid-test/bench/a"\n'
    )
    pages = Dataset(hub).pages
    assert pages.set_index("page_id").loc["501", "agency"] == "Delade verket"


def test_compact_on_s3_keeps_the_numbers_and_republishes(s3, tmp_path, study_export):
    uri = f"s3://{BUCKET}/agency"
    put_registry(s3, "agency")
    for day in (29, 30, 31):  # the earlier two cut through the export's last items
        ingest_graph_api(uri, [study_export], as_of=AS_OF.replace(day=day), allow_future_items=True)
    before = Dataset(uri)
    want, merged = ranked(before), [s.snapshot_id for s in before.snapshots]
    assert main(["compact", "--data-dir", uri]) == 0
    after = Dataset(uri)
    assert ranked(after) == want
    assert [s.snapshot_id for s in after.snapshots] == [after.latest.snapshot_id]
    assert after.latest.merged_from == tuple(merged)
    assert not any(m in k for m in merged for k in keys(s3))
    with pytest.raises(DataDirError, match="was merged into"):
        Dataset(uri, snapshot=merged[0])


def test_publish_after_a_local_compaction_replaces_the_merged(s3, study_data, study_export):
    from analysis.compact import compact

    to = f"s3://{BUCKET}/bench/study"
    ingest_graph_api(study_data, [study_export], as_of=AS_OF.replace(day=30))
    assert len(publish(study_data, to).uploaded) == 2
    compact(study_data)
    report = publish(study_data, to)
    assert len(report.uploaded) == 1 and len(report.removed) == 2
    assert storage.committed_ids(to) == report.uploaded


# -- the dashboard ---------------------------------------------------------------------------------


def test_dashboard_reads_a_bucket_and_shows_new_snapshots(s3, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP_AS_OF, APP_REGISTRY, build_app_export
    from ui import data

    uri = f"s3://{BUCKET}/hosted"
    put_registry(s3, "hosted", APP_REGISTRY)
    export = build_app_export(tmp_path / "export")
    first = ingest_graph_api(uri, [export], as_of=APP_AS_OF).snapshot.snapshot_id
    monkeypatch.setenv("SVARSTID_DATA_DIR", uri)
    data._synced.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    assert not at.error
    text = " ".join(c.value for c in at.caption)
    assert first in text and not any("demo" in w.value.lower() for w in at.warning)
    at.switch_page("views/methodology.py").run()
    assert not at.exception
    assert "Försäkringskassan" in at.dataframe[1].value["page"].tolist()

    second = ingest_graph_api(uri, [export], as_of=APP_AS_OF.replace(day=2)).snapshot.snapshot_id
    at.switch_page("views/rankings.py").run()
    assert second not in " ".join(c.value for c in at.caption)  # until the refresh interval
    data._synced.clear()  # the interval has passed
    at.run()
    assert second in " ".join(c.value for c in at.caption)


def test_dashboard_methodology_names_the_contributors(s3, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from ui import data

    for name, page in (("a", "501"), ("b", "502")):
        publish(contributor(tmp_path, name, page, f"Verket {name}"), f"s3://{BUCKET}/bench/{name}")
    hub = tmp_path / "hub"
    hub.mkdir()
    (hub / "contributors.toml").write_text(
        '[[contributor]]\nname = "a"\nlocation = "s3://svarstid-test/bench/a"\n'
        '[[contributor]]\nname = "b"\nlocation = "s3://svarstid-test/bench/b"\n'
    )
    monkeypatch.setenv("SVARSTID_DATA_DIR", str(hub))
    data._contributors_synced.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception and not at.error
    at.switch_page("views/methodology.py").run()
    assert not at.exception
    frame = at.dataframe[1].value
    assert dict(zip(frame["page"], frame["contributor"], strict=True)) == {
        "Verket a": "a",
        "Verket b": "b",
    }


def test_the_cache_is_bounded(s3, study_export, monkeypatch):
    uri = f"s3://{BUCKET}/agency"
    ingest_graph_api(uri, [study_export], as_of=AS_OF)
    other = f"s3://{BUCKET}/other"
    ingest_graph_api(other, [study_export], as_of=AS_OF)
    Dataset(other)
    assert storage.cache_folder(other).is_dir()
    size = sum(f.stat().st_size for f in storage.cache_folder(other).rglob("*") if f.is_file())
    # room for one location only: syncing the first evicts the least recently used other
    monkeypatch.setenv("SVARSTID_CACHE_GB", str(size * 1.5 / 1e9))
    Dataset(uri)
    assert not storage.cache_folder(other).exists()
    monkeypatch.setenv("SVARSTID_CACHE_GB", str(size / 10 / 1e9))
    with pytest.raises(DataDirError, match="more than the local cache may hold"):
        Dataset(uri)


def test_an_interrupted_download_is_not_read(s3, study_export):
    uri = f"s3://{BUCKET}/agency"
    ingest_graph_api(uri, [study_export], as_of=AS_OF)
    cache = storage.cache_folder(uri) / "snapshots"
    cache.mkdir(parents=True)
    (cache / ".tmp-20170131T120000Z_20170131T120000Z_abcdef-123456").mkdir()
    ds = Dataset(uri)
    assert len(ds.snapshots) == 1 and not ds.is_empty


def test_dashboard_says_a_pinned_snapshot_was_merged(s3, study_export, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from ui import data

    uri = f"s3://{BUCKET}/agency"
    put_registry(s3, "agency")
    first = ingest_graph_api(uri, [study_export], as_of=AS_OF.replace(day=30)).snapshot
    ingest_graph_api(uri, [study_export], as_of=AS_OF)
    main(["compact", "--data-dir", uri])
    monkeypatch.setenv("SVARSTID_DATA_DIR", uri)
    data._synced.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["snapshot"] = first.snapshot_id
    at.run()
    assert not at.exception
    assert any(first.snapshot_id in w.value and "slagits ihop" in w.value for w in at.warning), [
        w.value for w in at.warning
    ]


def test_a_hub_in_the_bucket_names_its_contributors(s3, tmp_path):
    for name, page in (("a", "501"), ("b", "502")):
        publish(contributor(tmp_path, name, page, f"Verket {name}"), f"s3://{BUCKET}/bench/{name}")
    s3.put_object(
        Bucket=BUCKET,
        Key="bench/hub/contributors.toml",
        Body=b'[[contributor]]\nname = "a"\nlocation = "s3://svarstid-test/bench/a"\n'
        b'[[contributor]]\nname = "b"\nlocation = "s3://svarstid-test/bench/b"\n',
    )
    ds = Dataset(f"s3://{BUCKET}/bench/hub")
    assert {c["contributor"] for c in ds.contributions} == {"a", "b"}
    assert len(ranked(ds)) == 2


def test_the_lock_without_conditional_puts(s3, study_export, monkeypatch):
    """Where the store (or a missing boto3) cannot put conditionally: check, write, read back."""
    monkeypatch.setattr(storage, "_conditional_put", lambda loc, path, data: None)
    uri = f"s3://{BUCKET}/agency"
    with storage.write_lock(storage.location(uri)):
        with pytest.raises(BusyError):
            ingest_graph_api(uri, [study_export], as_of=AS_OF)
    ingest_graph_api(uri, [study_export], as_of=AS_OF)
    assert "agency/.lock" not in keys(s3)


def test_a_compaction_killed_while_removing_keeps_the_numbers(s3, study_export, monkeypatch):
    """Killed after the merged snapshot is committed, while the merged ones are removed: readers
    see the new one and some old ones, with the same numbers; the next compact finishes."""
    from analysis import compact as module

    uri = f"s3://{BUCKET}/agency"
    put_registry(s3, "agency")
    for day in (29, 30, 31):  # the earlier two cut through the export's last items
        ingest_graph_api(uri, [study_export], as_of=AS_OF.replace(day=day), allow_future_items=True)
    want = ranked(Dataset(uri))
    real, removed = storage.remove_snapshot, []

    def dying(loc, snapshot_id):
        if removed:
            raise KeyboardInterrupt  # the process is stopped here
        removed.append(snapshot_id)
        real(loc, snapshot_id)

    monkeypatch.setattr(module.storage, "remove_snapshot", dying)
    with pytest.raises(KeyboardInterrupt):
        module.compact(uri)
    monkeypatch.setattr(module.storage, "remove_snapshot", real)
    halfway = Dataset(uri)
    assert len(halfway.snapshots) == 3  # the merged one and two of the three it replaces
    assert ranked(halfway) == want
    assert "agency/.lock" not in keys(s3)  # released on the way out
    module.compact(uri)
    done = Dataset(uri)
    assert len(done.snapshots) == 1 and ranked(done) == want


def test_a_writer_whose_lock_was_taken_over_commits_nothing(s3, study_data):
    uri = f"s3://{BUCKET}/agency"
    loc = storage.location(uri)
    snap = next((study_data / "snapshots").iterdir())
    with storage.write_lock(loc):
        # another writer took the lock as stale meanwhile
        s3.put_object(Bucket=BUCKET, Key="agency/.lock", Body=b'{"holder": "other", "since": 1}')
        with pytest.raises(BusyError, match="was not committed"):
            storage.upload_snapshot(snap, loc)
    assert storage.committed_ids(uri) == []
