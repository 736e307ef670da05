"""A benchmark of several contributors: `contributors.toml` beside the registry.

```toml
# optional: the data folder (local or s3://) whose registry.csv applies to every page
registry = "s3://benchmark/shared"

[[contributor]]
name = "forsakringskassan"
location = "s3://benchmark/contrib/forsakringskassan"

[[contributor]]
name = "skatteverket"
location = "../skatteverket"          # a local folder, relative to this data folder
```

The dataset reads the union of the data folder's own snapshots (contributor `local`) and every
contributor's committed snapshots, each page from its latest snapshot. A page belongs to one
contributor: the same page id in two contributors' snapshots is an error naming both, never a
silent double count (the fix is to stop publishing it from one of them, or drop that
contributor). Registries are merged: each contributor's own registry.csv for its pages, then the
shared `registry`, then this folder's own registry.csv, later ones winning per page.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from analysis import storage
from analysis.datafolder import list_snapshots, registry_path
from analysis.errors import DataDirError

CONTRIBUTORS_FILE = "contributors.toml"
LOCAL = "local"  # the data folder's own snapshots


@dataclass(frozen=True)
class Contributor:
    name: str
    location: str  # as written: a local path or s3://
    folder: Path  # a local data folder with its snapshots (the cache, for s3://)


@dataclass(frozen=True)
class Federation:
    contributors: list[Contributor]
    registry: Path | None  # a local folder holding the shared registry.csv


def contributors_path(data_dir: Path) -> Path:
    return Path(data_dir) / CONTRIBUTORS_FILE


def _parse(data_dir: Path) -> dict:
    path = contributors_path(data_dir)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DataDirError(f"{path}: unreadable ({exc})") from None
    entries = doc.get("contributor", [])
    if not isinstance(entries, list):
        raise DataDirError(f"{path}: [[contributor]] entries expected")
    names: set[str] = {LOCAL}
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("location"):
            raise DataDirError(f"{path}: every [[contributor]] needs a name and a location")
        if entry["name"] in names:
            raise DataDirError(f"{path}: the contributor name {entry['name']!r} is used twice")
        names.add(entry["name"])
    return doc


def _folder(data_dir: Path, where: str, sync: bool) -> Path:
    if storage.is_remote(where):
        return storage.sync(where) if sync else storage.cache_folder(where)
    folder = Path(where)
    folder = folder if folder.is_absolute() else Path(data_dir) / folder
    if not folder.is_dir():
        raise DataDirError(f"{contributors_path(data_dir)}: {where}: no such data folder")
    return folder


def load(data_dir: Path, *, sync: bool = True) -> Federation | None:
    """The contributors named beside `data_dir` (their s3:// snapshots synced into the local
    cache unless `sync` is false), or None when the folder names none."""
    data_dir = Path(data_dir)
    if not contributors_path(data_dir).is_file():
        return None
    doc = _parse(data_dir)
    found = [Contributor(LOCAL, str(data_dir), data_dir)]
    for entry in doc.get("contributor", []):
        where = str(entry["location"])
        found.append(Contributor(str(entry["name"]), where, _folder(data_dir, where, sync)))
    registry = doc.get("registry")
    shared = _folder(data_dir, str(registry), sync) if registry else None
    return Federation(found, shared)


def version(data_dir: Path) -> str:
    """What the union's numbers depend on (cheap: local listings of already synced folders)."""
    fed = load(data_dir, sync=False)
    if fed is None:
        return ""
    parts = []
    for c in fed.contributors[1:]:
        reg = registry_path(c.folder)
        mtime = reg.stat().st_mtime_ns if reg.exists() else 0
        parts.append(f"{c.name}:{','.join(p.name for p in list_snapshots(c.folder))}:{mtime}")
    if fed.registry is not None:
        reg = registry_path(fed.registry)
        parts.append(f"registry:{reg.stat().st_mtime_ns if reg.exists() else 0}")
    own = contributors_path(data_dir).stat().st_mtime_ns
    return f"{own}|" + "|".join(parts)


def sync_all(data_dir: Path) -> None:
    """Sync every s3:// contributor (and the shared registry) into the local cache."""
    load(data_dir, sync=True)
