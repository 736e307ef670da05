"""`publish`: an agency's committed snapshots pushed to a shared bucket for a federated benchmark.

What leaves the machine is what the local snapshots hold, file by file: the four tables and the
manifest of each snapshot (already masked and pseudonymised when written), and registry.csv.
Never the key (.salt), the lock, the quarantine or the demo. With `texts=False` the messages of
posts and replies are left out (null); every figure is computed without them (`is_question` and
`message_length` are kept), only the masked texts of the slowest and unanswered lists are gone.

Publishing is incremental and idempotent: snapshots already in the target are skipped; a target
snapshot that a published one merged (`compact`) is removed after the merged one is committed.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from analysis import storage
from analysis.datafolder import list_snapshots, read_manifest, registry_path
from analysis.errors import DataDirError


@dataclass(frozen=True)
class PublishReport:
    uploaded: list[str]
    skipped: list[str]
    removed: list[str]
    target: str


def _without_texts(snapshot: Path, out: Path) -> dict[str, Path]:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from analysis.snapshot import writer

    replaced = {}
    for table in ("posts", "replies"):
        data = pq.read_table(snapshot / f"{table}.parquet")
        i = data.schema.get_field_index("message")
        data = data.set_column(i, "message", pa.nulls(data.num_rows, pa.string()))
        assert pc.count(data["message"]).as_py() == 0
        path = out / f"{table}.parquet"
        writer._write_table(data, path)
        replaced[table] = path
    return replaced


def publish(data_dir: Path, to: str, *, texts: bool = True) -> PublishReport:
    data_dir = Path(data_dir)
    if storage.is_remote(data_dir):
        raise DataDirError(f"{data_dir}: publish reads a local data folder (the ingesting one)")
    if not storage.is_remote(to):
        raise DataDirError(f"{to}: publish writes to object storage (s3://bucket/prefix)")
    local = list_snapshots(data_dir)
    loc = storage.location(to)
    uploaded, skipped, removed = [], [], []
    with storage.write_lock(loc):
        storage.clean_uncommitted(loc)
        have = set(storage.listing(loc).committed)
        for snap in local:
            if snap.name in have:
                skipped.append(snap.name)
                continue
            manifest = read_manifest(snap)
            manifest["texts"] = texts
            body = json.dumps(manifest, indent=2).encode()
            with tempfile.TemporaryDirectory(prefix="svarstid-publish-") as tmp:
                tables = None if texts else _without_texts(snap, Path(tmp))
                storage.upload_snapshot(snap, loc, tables=tables, manifest=body)
            uploaded.append(snap.name)
            for merged in manifest.get("merged_from", ()):
                if merged in have:
                    storage.remove_snapshot(loc, merged)
                    removed.append(merged)
        if registry_path(data_dir).exists():
            storage.upload_registry(registry_path(data_dir), loc)
    return PublishReport(uploaded, skipped, removed, loc.uri)
