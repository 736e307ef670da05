"""Where a data folder keeps its snapshots, and how to list and read them.

The read side of `analysis.storage`, importable without pyarrow: opening a `Dataset` (the CLI's
rank, the dashboard) needs only these.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from analysis.errors import DataDirError

SNAPSHOTS = "snapshots"
TABLES = ("pages", "posts", "replies", "item_facts")  # the Parquet files of a snapshot
SNAPSHOT_NAME = re.compile(r"^\d{8}T\d{6}Z_\d{8}T\d{6}Z_[0-9a-f]{6}$")


def snapshots_dir(data_dir: Path) -> Path:
    return Path(data_dir) / SNAPSHOTS


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
    path = snapshot / "manifest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataDirError(f"{path}: unreadable snapshot manifest ({exc})") from None
