"""Data folders in object storage (`s3://bucket/prefix`): the same layout as a local folder.

Reached through `pyarrow.fs.S3FileSystem`, configured the way the AWS SDKs read their settings:
`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`), `AWS_REGION` or
`AWS_DEFAULT_REGION`, and for a store that is not AWS (MinIO, Ceph, the EU clouds)
`AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL` (`http://` allowed, for a local server). The dashboard
turns root-level `st.secrets` into these variables.

- Committing: S3 has no rename. A snapshot's Parquet files are uploaded under their final names
  and the manifest last; a snapshot without a manifest is not committed, readers skip it, and the
  next writer removes it once it is older than `LEFTOVER_GRACE_SECONDS`.
- One writer at a time: a writer holds `<prefix>/.lock`, created with a conditional put
  (`If-None-Match: *`, through boto3 when it is installed); a second writer gets a one-line
  error. Without boto3 the lock is check-then-write-then-read-back: two writers starting within
  the same second can both pass; each still writes its own uniquely named snapshot, so nothing
  is overwritten, only the "one at a time" promise is lost. A lock older than
  `LOCK_STALE_SECONDS` is left by a killed writer and taken over.
- Reading: committed snapshots are immutable, so `sync` copies the new ones into a local cache
  (`$SVARSTID_CACHE_DIR`, default `~/.cache/svarstid`) and DuckDB reads local files. The cache
  holds one folder per store location; it is bounded by `$SVARSTID_CACHE_GB` (default 2):
  snapshots no longer committed (merged by `compact`) are removed at each sync, and other
  locations' folders are evicted least recently used first. A location whose committed
  snapshots alone exceed the bound is an error that says so (compact it, or raise the bound).
- The pseudonymisation key never goes to the store: uploads name their files one by one
  (`TABLES` and the manifest, the registry), and a writer keeps the key in a local work folder
  (`key_dir`), or in `$SVARSTID_SALT_FILE`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from analysis.datafolder import MANIFEST, SNAPSHOT_NAME, TABLES
from analysis.errors import BusyError, DataDirError

SCHEME = "s3://"
CACHE_DIR_VARIABLE = "SVARSTID_CACHE_DIR"
CACHE_GB_VARIABLE = "SVARSTID_CACHE_GB"
DEFAULT_CACHE_GB = 2.0
SALT_FILE_VARIABLE = "SVARSTID_SALT_FILE"
KEY_DIR_VARIABLE = "SVARSTID_KEY_DIR"
LEFTOVER_GRACE_SECONDS = 3600  # an upload older than this without its manifest was interrupted
LOCK_STALE_SECONDS = 3600  # a writer that holds the lock longer than this was killed
_held: dict[str, bytes] = {}  # the lock bodies this process holds, by location
_LOCK = ".lock"
_REGISTRY = "registry.csv"
_SMALL_FILES = (_REGISTRY, "contributors.toml")  # mirrored into the cache at each sync
_USED = ".used"  # touched at each sync: the cache's least-recently-used order


def is_remote(location: object) -> bool:
    """Whether a data folder names object storage (`s3://…`)."""
    text = str(location)
    # Path("s3://b/p") collapses the double slash; accept what it leaves too
    return text.startswith(SCHEME) or text.startswith("s3:/")


def normalise(location: object) -> str:
    text = str(location)
    if text.startswith("s3:/") and not text.startswith(SCHEME):
        text = SCHEME + text[len("s3:/") :]
    return text.rstrip("/")


@dataclass(frozen=True)
class Location:
    """A data folder in a bucket: `uri` as written, `root` as `bucket/prefix` for pyarrow."""

    uri: str
    fs: object  # pyarrow.fs.S3FileSystem
    root: str

    def path(self, *parts: str) -> str:
        return "/".join((self.root, *parts))

    def snapshot(self, snapshot_id: str, name: str = "") -> str:
        return (
            self.path("snapshots", snapshot_id, name)
            if name
            else self.path("snapshots", snapshot_id)
        )


def _endpoint() -> tuple[str | None, str]:
    url = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    if not url:
        return None, "https"
    parsed = urlparse(url if "://" in url else f"https://{url}")
    return parsed.netloc, parsed.scheme or "https"


def location(uri: object) -> Location:
    """The store location named by `s3://bucket/prefix`, with credentials from the environment."""
    from pyarrow import fs

    uri = normalise(uri)
    rest = uri[len(SCHEME) :]
    bucket = rest.split("/", 1)[0]
    if not bucket:
        raise DataDirError(f"{uri}: no bucket named (s3://bucket/prefix)")
    endpoint, scheme = _endpoint()
    options: dict = {"scheme": scheme, "request_timeout": 30, "connect_timeout": 10}
    if endpoint:
        options["endpoint_override"] = endpoint
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if region:
        options["region"] = region
    key, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
    if key and secret:
        options.update(access_key=key, secret_key=secret)
        if os.environ.get("AWS_SESSION_TOKEN"):
            options["session_token"] = os.environ["AWS_SESSION_TOKEN"]
    try:
        store = fs.S3FileSystem(**options)
    except Exception as exc:
        raise DataDirError(f"{uri}: cannot configure the S3 client ({exc})") from None
    return Location(uri, store, rest)


def _error(loc: Location, what: str, exc: BaseException) -> DataDirError:
    text = " ".join(str(exc).split())
    if "NO_SUCH_BUCKET" in text or ("does not exist" in text.lower() and "bucket" in text.lower()):
        reason = "the bucket does not exist"
    elif (
        any(
            k in text.upper().replace("_", "")
            for k in ("ACCESSDENIED", "INVALIDACCESSKEYID", "SIGNATUREDOESNOTMATCH", "FORBIDDEN")
        )
        or "403" in text
    ):
        reason = "access denied (check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)"
    elif "connect" in text.lower() or "curl" in text.lower():
        reason = f"cannot reach the store ({text[:160]})"
    else:
        reason = text[:200]
    return DataDirError(f"{loc.uri}: {what}: {reason}")


# -- what is in the store ------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    committed: dict[str, dict[str, int]]  # snapshot id -> {file name: size}
    uncommitted: dict[str, float]  # snapshot id without a manifest -> newest object's mtime
    registry: tuple[int, float] | None  # registry.csv's size and mtime


def listing(loc: Location) -> Listing:
    """One recursive listing of the location's snapshots (and whether it has a registry)."""
    from pyarrow import fs

    try:
        infos = loc.fs.get_file_info(
            fs.FileSelector(loc.path("snapshots"), allow_not_found=True, recursive=True)
        )
        reg = loc.fs.get_file_info(loc.path(_REGISTRY))
        if not infos and loc.fs.get_file_info(loc.root.split("/")[0]).type == fs.FileType.NotFound:
            raise DataDirError(f"{loc.uri}: the bucket does not exist")
    except OSError as exc:
        raise _error(loc, "cannot list the snapshots", exc) from None
    files: dict[str, dict[str, int]] = {}
    mtimes: dict[str, float] = {}
    prefix = loc.path("snapshots") + "/"
    for info in infos:
        if info.type != fs.FileType.File or not info.path.startswith(prefix):
            continue
        parts = info.path[len(prefix) :].split("/")
        if len(parts) != 2 or not SNAPSHOT_NAME.match(parts[0]):
            continue
        files.setdefault(parts[0], {})[parts[1]] = info.size
        m = info.mtime.timestamp() if info.mtime else 0.0
        mtimes[parts[0]] = max(mtimes.get(parts[0], 0.0), m)
    committed = {s: f for s, f in files.items() if MANIFEST in f}
    uncommitted = {s: mtimes[s] for s in files if s not in committed}
    registry = None
    if reg.type == fs.FileType.File:
        registry = (reg.size, reg.mtime.timestamp() if reg.mtime else 0.0)
    return Listing(dict(sorted(committed.items())), uncommitted, registry)


def committed_ids(uri: object) -> list[str]:
    """The committed snapshots of a store location, oldest first."""
    return list(listing(location(uri)).committed)


# -- writing -------------------------------------------------------------------------------------


def _put(loc: Location, path: str, data: bytes) -> None:
    with loc.fs.open_output_stream(path) as out:
        out.write(data)


def _conditional_put(loc: Location, path: str, data: bytes) -> bool | None:
    """Create `path` only if it does not exist: True if created, False if it existed, None when
    the store cannot tell (boto3 missing, or a store without conditional writes)."""
    try:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        return None
    bucket, key = path.split("/", 1)
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    # a session of its own: boto3's default one keeps the credentials it first found
    client = boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint or None,
        region_name=region or None,
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID") or None,
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
        aws_session_token=os.environ.get("AWS_SESSION_TOKEN") or None,
        config=Config(retries={"max_attempts": 2}),
    )
    try:
        client.put_object(Bucket=bucket, Key=key, Body=data, IfNoneMatch="*")
        return True
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in ("PreconditionFailed", "ConditionalRequestConflict", "412"):
            return False
        if code in ("NotImplemented", "501"):
            return None
        raise _error(loc, "cannot take the write lock", exc) from None
    except BotoCoreError as exc:
        raise _error(loc, "cannot take the write lock", exc) from None


def _read(loc: Location, path: str) -> bytes | None:
    from pyarrow import fs

    try:
        if loc.fs.get_file_info(path).type != fs.FileType.File:
            return None
        with loc.fs.open_input_stream(path) as f:
            return f.read()
    except OSError as exc:
        raise _error(loc, f"cannot read {path}", exc) from None


@contextmanager
def write_lock(loc: Location) -> Iterator[None]:
    """Hold the location's lock object while writing; a second writer gets a `BusyError`."""
    path = loc.path(_LOCK)
    token = f"{socket.gethostname()} {os.getpid()} {secrets.token_hex(8)}"
    body = json.dumps({"holder": token, "since": time.time()}).encode()
    for _attempt in range(2):
        created = _conditional_put(loc, path, body)
        if created is None:  # best effort: check, write, read back
            if _read(loc, path) is None:
                try:
                    _put(loc, path, body)
                except OSError as exc:
                    raise _error(loc, "cannot write", exc) from None
            current = _read(loc, path)
            created = current == body
        if created:
            break
        held = _read(loc, path)
        try:
            since = float(json.loads(held or b"{}").get("since", 0))
        except (ValueError, AttributeError):
            since = 0.0
        if held is not None and time.time() - since < LOCK_STALE_SECONDS:
            age = (time.time() - since) / 60
            raise BusyError(
                f"{loc.uri}: another writer holds this data folder's lock "
                f"({loc.uri}/{_LOCK}, taken {age:.0f} min ago); try again when it ends "
                f"(a lock older than {LOCK_STALE_SECONDS // 60} min is taken over)"
            )
        loc.fs.delete_file(path)  # stale: its writer was killed
    else:
        raise BusyError(f"{loc.uri}: could not take the write lock; try again")
    _held[loc.uri] = body
    try:
        yield
    finally:
        _held.pop(loc.uri, None)
        try:
            if _read(loc, path) == body:
                loc.fs.delete_file(path)
        except (OSError, DataDirError):
            pass  # a lock left behind goes stale


def clean_uncommitted(loc: Location, grace_seconds: float = LEFTOVER_GRACE_SECONDS) -> int:
    """Remove snapshots without a manifest older than the grace period (interrupted uploads)."""
    removed = 0
    now = time.time()
    for snapshot_id, mtime in listing(loc).uncommitted.items():
        if now - mtime >= grace_seconds:
            try:
                loc.fs.delete_dir(loc.snapshot(snapshot_id))
            except OSError as exc:
                raise _error(loc, f"cannot remove the leftover {snapshot_id}", exc) from None
            removed += 1
    return removed


def upload_snapshot(
    local: Path,
    loc: Location,
    *,
    tables: dict[str, Path] | None = None,
    manifest: bytes | None = None,
) -> str:
    """Upload one committed local snapshot folder under its own name: tables first, the manifest
    last (which commits it). `tables` and `manifest` may replace what is uploaded (publish
    --no-texts)."""
    from pyarrow import fs

    snapshot_id = local.name
    files = {f"{t}.parquet": local / f"{t}.parquet" for t in TABLES}
    for t, path in (tables or {}).items():
        files[f"{t}.parquet"] = path
    try:
        for name, path in files.items():
            fs.copy_files(str(path), loc.snapshot(snapshot_id, name), destination_filesystem=loc.fs)
        body = manifest if manifest is not None else (local / MANIFEST).read_bytes()
        _check_before_commit(loc, snapshot_id, list(files))
        _put(loc, loc.snapshot(snapshot_id, MANIFEST), body)
    except OSError as exc:
        raise _error(loc, f"cannot upload snapshot {snapshot_id}", exc) from None
    return snapshot_id


def _check_before_commit(loc: Location, snapshot_id: str, names: list[str]) -> None:
    """Refuse to commit when this writer's lock was taken over (it ran past
    LOCK_STALE_SECONDS, so another writer may have removed its files as leftovers) or a table
    is missing: a manifest must never name files that are not there."""
    from pyarrow import fs

    body = _held.get(loc.uri)
    if body is not None and _read(loc, loc.path(_LOCK)) != body:
        raise BusyError(
            f"{loc.uri}: this writer's lock was taken over (it held it longer than "
            f"{LOCK_STALE_SECONDS // 60} min); snapshot {snapshot_id} was not committed"
        )
    for name in names:
        if loc.fs.get_file_info(loc.snapshot(snapshot_id, name)).type != fs.FileType.File:
            raise DataDirError(
                f"{loc.uri}: {name} of snapshot {snapshot_id} vanished during the upload; "
                "not committed"
            )


def upload_registry(local_registry: Path, loc: Location) -> None:
    try:
        _put(loc, loc.path(_REGISTRY), local_registry.read_bytes())
    except OSError as exc:
        raise _error(loc, "cannot upload the registry", exc) from None


def remove_snapshot(loc: Location, snapshot_id: str) -> None:
    """Uncommit (manifest first), then remove the snapshot's files."""
    try:
        loc.fs.delete_file(loc.snapshot(snapshot_id, MANIFEST))
        loc.fs.delete_dir(loc.snapshot(snapshot_id))
    except OSError as exc:
        raise _error(loc, f"cannot remove snapshot {snapshot_id}", exc) from None


def _safe_name(uri: str) -> str:
    text = re.sub(r"[^A-Za-z0-9._-]+", "_", uri[len(SCHEME) :]).strip("_")[:80]
    return f"{text}-{hashlib.sha256(uri.encode()).hexdigest()[:8]}"


def key_dir(uri: object) -> Path:
    """The local work folder of a writer to `uri`: its pseudonymisation key (.salt), its
    quarantine files, and snapshots while they are written. Never uploaded."""
    base = os.environ.get(KEY_DIR_VARIABLE) or Path.home() / ".local" / "share" / "svarstid"
    return Path(base) / _safe_name(normalise(uri))


def prepare_work_dir(uri: object) -> Path:
    """`key_dir(uri)` ready for the local writer: the store's registry beside it, and the key
    from `$SVARSTID_SALT_FILE` when that is set."""
    loc = location(uri)
    work = key_dir(uri)
    work.mkdir(parents=True, exist_ok=True)
    salt_file = os.environ.get(SALT_FILE_VARIABLE)
    if salt_file:
        target = Path(salt_file)
        if not target.is_file():
            raise DataDirError(f"{target}: {SALT_FILE_VARIABLE} names no file")
        link = work / ".salt"
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(target.resolve())
    registry = _read(loc, loc.path(_REGISTRY))
    local_reg = work / _REGISTRY
    if registry is not None:
        local_reg.write_bytes(registry)
    else:
        local_reg.unlink(missing_ok=True)
    return work


# -- reading: the local cache --------------------------------------------------------------------


def cache_root() -> Path:
    return Path(os.environ.get(CACHE_DIR_VARIABLE) or Path.home() / ".cache" / "svarstid")


def cache_limit_bytes() -> int:
    try:
        gb = float(os.environ.get(CACHE_GB_VARIABLE) or DEFAULT_CACHE_GB)
    except ValueError:
        raise DataDirError(f"{CACHE_GB_VARIABLE} must be a number of gigabytes") from None
    return int(gb * 1e9)


def cache_folder(uri: object) -> Path:
    """The local cache folder of a store location (a data folder DuckDB reads)."""
    return cache_root() / _safe_name(normalise(uri))


def _folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def sync(uri: object) -> Path:
    """Copy the committed snapshots of `uri` that the cache lacks into it (each in a temporary
    folder renamed into place), drop the cached ones no longer committed, refresh the registry;
    returns the cache folder, a local data folder with the same snapshots."""
    from pyarrow import fs

    loc = location(uri)
    found = listing(loc)
    need = sum(sum(files.values()) for files in found.committed.values())
    limit = cache_limit_bytes()
    if need > limit:
        raise DataDirError(
            f"{loc.uri}: the committed snapshots take {need / 1e9:.2f} GB, more than the local "
            f"cache may hold ({CACHE_GB_VARIABLE}={limit / 1e9:g}); run compact or raise it"
        )
    root = cache_root()
    local = cache_folder(loc.uri)
    snaps = local / "snapshots"
    snaps.mkdir(parents=True, exist_ok=True)
    (local / _USED).touch()
    _evict(root, keep=local, need=need, limit=limit)
    for p in snaps.iterdir():
        if p.name.startswith(".tmp-"):  # a download cut short (or one running in another thread)
            if time.time() - p.stat().st_mtime > LEFTOVER_GRACE_SECONDS:
                shutil.rmtree(p, ignore_errors=True)
        elif p.name not in found.committed:  # merged by compact, or uncommitted in the store
            shutil.rmtree(p, ignore_errors=True)
    for snapshot_id, files in found.committed.items():
        final = snaps / snapshot_id
        if final.is_dir():
            continue
        tmp = snaps / f".tmp-{snapshot_id}-{secrets.token_hex(3)}"
        tmp.mkdir()
        try:
            for name in files:
                fs.copy_files(
                    loc.snapshot(snapshot_id, name),
                    str(tmp / name),
                    source_filesystem=loc.fs,
                    destination_filesystem=fs.LocalFileSystem(),
                )
            os.rename(tmp, final)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            if final.is_dir():
                continue  # another session synced it meanwhile
            raise _error(loc, f"cannot download snapshot {snapshot_id}", exc) from None
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    for name in _SMALL_FILES:  # the registry, and the contributors of a hub in the bucket
        data = _read(loc, loc.path(name))
        target = local / name
        if data is None:
            target.unlink(missing_ok=True)
        elif not target.exists() or target.read_bytes() != data:
            tmp = target.with_name(f".{name}.tmp-{secrets.token_hex(3)}")
            tmp.write_bytes(data)
            os.replace(tmp, target)
    return local


def _evict(root: Path, *, keep: Path, need: int, limit: int) -> None:
    """Remove other locations' cache folders, least recently used first, until they and the
    `need` bytes of `keep` fit in `limit`."""
    others = [p for p in root.iterdir() if p.is_dir() and p != keep]
    others.sort(key=lambda p: (p / _USED).stat().st_mtime if (p / _USED).exists() else 0.0)
    total = sum(_folder_size(p) for p in others)
    for p in others:
        if total + need <= limit:
            break
        total -= _folder_size(p)
        shutil.rmtree(p, ignore_errors=True)
