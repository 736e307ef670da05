"""The data folder's layout: every path Svarstid reads or writes in it is named here, once.

```
<data folder>/                    $SVARSTID_DATA_DIR, else data/ (or s3://bucket/prefix)
  registry.csv                    the hand-edited page registry
  contributors.toml               other data folders whose snapshots are read too (optional)
  .salt                           the pseudonymisation key (secret; never committed or uploaded)
  .lock                           held while a snapshot is written
  snapshots/<id>/                 one immutable snapshot: manifest.json and TABLES as Parquet
  snapshots/.tmp-<id>/            a snapshot being written (renamed into place when complete)
  quarantine/<id>.jsonl           items rejected by `--skip-invalid`, beside their snapshot
  .fetch/<page id>/               a live fetch's checkpoint (masked rows, cursors; no token),
                                  removed when its snapshot is committed
  .fetch/.lock                    held while a fetch runs
  demo/                           the generated demo, itself a data folder, when there is no data
  .demo.lock                      held while the dashboard generates the demo
```

The CLI, the dashboard and the snapshot writer all ask this module; importable without pyarrow,
so opening a data folder (the CLI's rank, the dashboard) pays for nothing else.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from analysis.errors import DataDirError

DEFAULT_DATA_DIR = Path("data")
DATA_DIR_VARIABLE = "SVARSTID_DATA_DIR"
TABLES = ("pages", "posts", "replies", "item_facts")  # the Parquet files of a snapshot
MANIFEST = "manifest.json"
SNAPSHOT_NAME = re.compile(r"^\d{8}T\d{6}Z_\d{8}T\d{6}Z_[0-9a-f]{6}$")
TEMPORARY_PREFIX = ".tmp-"

_SNAPSHOTS = "snapshots"
_QUARANTINE = "quarantine"
_REGISTRY = "registry.csv"
_SALT = ".salt"
_LOCK = ".lock"
_FETCH = ".fetch"
_DEMO = "demo"
_DEMO_LOCK = ".demo.lock"


def default_data_dir() -> Path:
    """`$SVARSTID_DATA_DIR`, else `data/`."""
    return Path(os.environ.get(DATA_DIR_VARIABLE) or DEFAULT_DATA_DIR)


def data_location(data_dir: object = None) -> Path | str:
    """A data folder as given (`--data-dir`, else `default_data_dir()`): a local `Path`, or an
    `s3://bucket/prefix` string for object storage (see analysis/storage.py)."""
    value = default_data_dir() if data_dir is None else data_dir
    text = str(value)
    if text.startswith("s3:/"):
        return "s3://" + text[len("s3:/") :].lstrip("/").rstrip("/")
    return Path(value)


def snapshots_dir(data_dir: Path) -> Path:
    return Path(data_dir) / _SNAPSHOTS


def temporary_snapshot(data_dir: Path, snapshot_id: str) -> Path:
    """Where a snapshot is written before it is renamed into place."""
    return snapshots_dir(data_dir) / f"{TEMPORARY_PREFIX}{snapshot_id}"


def registry_path(data_dir: Path) -> Path:
    return Path(data_dir) / _REGISTRY


def salt_path(data_dir: Path) -> Path:
    return Path(data_dir) / _SALT


def lock_path(data_dir: Path) -> Path:
    return Path(data_dir) / _LOCK


def quarantine_dir(data_dir: Path) -> Path:
    return Path(data_dir) / _QUARANTINE


def quarantine_path(data_dir: Path, snapshot_id: str) -> Path:
    """Where the items rejected by the ingest that wrote `snapshot_id` are kept."""
    return quarantine_dir(data_dir) / f"{snapshot_id}.jsonl"


def fetch_dir(data_dir: Path) -> Path:
    """The private folder of live fetches' checkpoints (see analysis/snapshot/checkpoint.py)."""
    return Path(data_dir) / _FETCH


def fetch_lock_path(data_dir: Path) -> Path:
    return fetch_dir(data_dir) / _LOCK


def demo_dir(parent: Path) -> Path:
    """The generated demo's own data folder inside `parent`."""
    return Path(parent) / _DEMO


def demo_lock_path(parent: Path) -> Path:
    return Path(parent) / _DEMO_LOCK


def list_snapshots(data_dir: Path, upto: str | None = None) -> list[Path]:
    """Snapshot folders in order (oldest first); with `upto`, only those up to that one."""
    root = snapshots_dir(data_dir)
    if not root.is_dir():
        return []
    found = sorted(p for p in root.iterdir() if p.is_dir() and SNAPSHOT_NAME.match(p.name))
    if upto is not None:
        found = [p for p in found if p.name <= upto]
    return found


def read_manifest(snapshot: Path) -> dict:
    path = snapshot / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataDirError(f"{path}: unreadable snapshot manifest ({exc})") from None


def data_version(data_dir: Path, snapshot: str | None = None) -> str:
    """What the data folder's numbers depend on, cheap enough to check on every dashboard run:
    the snapshot folder names (immutable once committed) and the registry's modification time."""
    return version_of(data_dir, [p.name for p in list_snapshots(data_dir, upto=snapshot)])


def version_of(data_dir: Path, snapshot_ids: list[str]) -> str:
    """The data version of these snapshots of `data_dir` with its registry as it is now."""
    reg = registry_path(data_dir)
    mtime = reg.stat().st_mtime_ns if reg.exists() else 0
    return ",".join(snapshot_ids) + f"|{mtime}"
