"""Build Facebook Graph API page exports for tests, in the shape the API returns them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path


def ts(value: str) -> str:
    """'2017-01-02 10:00' (UTC) in the API's format: 2017-01-02T10:00:00+0000."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%S%z")


def node(id_: str, at: str, who: str | None, message: str = "", children: list | None = None):
    """A post or comment; `who` is the author id (None: `from` hidden by the API)."""
    out: dict = {"id": id_, "created_time": ts(at), "message": message}
    if who is not None:
        out["from"] = {"id": who, "name": f"Name of {who}"}
    if children:
        out["comments"] = {"data": children, "paging": {"cursors": {"before": "a", "after": "b"}}}
    return out


def write_page(root: Path, page_id: str, name: str, feeds: list[list[dict]], **extra) -> Path:
    """A page folder with page.json and one feed file per list of posts."""
    folder = root / f"page_{page_id}"
    folder.mkdir(parents=True, exist_ok=True)
    page = {"id": page_id, "name": name, **extra}
    (folder / "page.json").write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    for i, posts in enumerate(feeds, start=1):
        doc = {
            "data": posts,
            "paging": {"next": f"https://graph.facebook.com/{page_id}/feed?p={i}"},
        }
        (folder / f"feed_{i:03d}.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return folder
