"""A fake Facebook Graph API for the fetch tests: a real HTTP server on 127.0.0.1.

It serves a seeded synthetic page (`World`) through the endpoints the fetcher uses — the page
object, `/<page>/feed` with two levels of comments expanded inline, `/<object>/comments` — with
real cursor paging (a cursor names the last item returned, so items arriving meanwhile shift
nothing), `paging.next` URLs that carry the token as the real API's do, the rate-limit headers,
and faults chosen per test (`Scenario`).
"""

from __future__ import annotations

import base64
import json
import random
import re
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "EAAtestTOKEN0123456789secretPAGEtoken"
PAGE_ID = "1001"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def stamp(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


@dataclass
class Node:
    id: str
    at: datetime
    author: str | None  # a user id, the page id, or None (hidden by the API)
    message: str
    children: list[Node] = field(default_factory=list)
    hidden: bool = False


class World:
    """One page's feed: page posts and visitor posts, newest first, with comment trees."""

    def __init__(
        self, posts: int = 60, seed: int = 7, page_id: str = PAGE_ID, spacing_hours: float = 9
    ):
        self.page_id = page_id
        self.page = {
            "id": page_id,
            "name": "Testverket",
            "fan_count": 12345,
            "followers_count": 23456,
            "link": "https://www.facebook.com/testverket",
            "category": "Government organization",
        }
        rng = random.Random(seed)
        self.posts: list[Node] = []
        self._next = 0
        for i in range(posts):
            at = NOW - timedelta(hours=3 + i * spacing_hours, minutes=rng.randrange(60))
            self.posts.append(self._post(rng, at))
        self.posts.sort(key=lambda n: n.at, reverse=True)
        self.index: dict[str, Node] = {}
        for post in self.posts:
            self._index(post)

    def _id(self, prefix: str) -> str:
        self._next += 1
        return f"{self.page_id}_{prefix}{self._next}"

    def _user(self, rng: random.Random) -> str:
        return f"77{rng.randrange(10**6, 10**7)}"

    def _message(self, rng: random.Random, question: bool) -> str:
        text = rng.choice(["Hej", "Tack för svaret", "När kommer beslutet", "Jag undrar"])
        if rng.random() < 0.1:
            text += " ring mig på 070-123 45 67"
        return text + ("?" if question else ".")

    def _post(self, rng: random.Random, at: datetime) -> Node:
        if rng.random() < 0.3:  # a visitor post, answered by the page in its thread
            post = Node(self._id("v"), at, self._user(rng), self._message(rng, True))
            if rng.random() < 0.8:
                reply_at = at + timedelta(minutes=rng.randrange(5, 600))
                post.children.append(Node(self._id("c"), reply_at, self.page_id, "Hej! Svar."))
            return post
        post = Node(self._id("p"), at, self.page_id, "Nyhet från verket")
        for k in range(rng.choice([0, 1, 2, 3, 5, 8, 13])):
            c_at = at + timedelta(minutes=10 + 7 * k)
            comment = Node(self._id("c"), c_at, self._user(rng), self._message(rng, k % 2 == 0))
            if rng.random() < 0.7:
                r_at = c_at + timedelta(minutes=rng.randrange(3, 300))
                comment.children.append(Node(self._id("r"), r_at, self.page_id, "Vi svarar."))
            for j in range(rng.choice([0, 0, 1, 4])):
                v_at = c_at + timedelta(minutes=30 + j)
                comment.children.append(Node(self._id("r"), v_at, self._user(rng), "Samma här"))
            comment.children.sort(key=lambda n: n.at)
            post.children.append(comment)
        return post

    def _index(self, node: Node) -> None:
        self.index[node.id] = node
        for child in node.children:
            self._index(child)

    def reply(self, parent_id: str, at: datetime, author: str | None = None) -> Node:
        """A reply arriving later (by the page unless `author` says otherwise)."""
        node = Node(self._id("r"), at, author or self.page_id, "Sent svar.")
        self.index[parent_id].children.append(node)
        self.index[node.id] = node
        return node

    def add_post(self, at: datetime, author: str) -> Node:
        node = Node(self._id("v"), at, author, "Ny fråga?")
        self.posts.insert(0, node)
        self.index[node.id] = node
        return node

    def items(self) -> int:
        """Posts and comments at every depth."""
        return len(self.index)


Fault = tuple  # ("error", status, {error...}, headers) | ("drop",) | ("timeout",) | ("cut",)


@dataclass
class Scenario:
    """What the server does beyond serving the world, chosen per test."""

    faults: dict[int, Fault] = field(default_factory=dict)  # by call number, 1-based
    fault: Callable[[int, str, dict], Fault | None] | None = None
    usage: Callable[[int], dict[str, str]] | None = None
    expire_after: int | None = None  # calls after which the token is refused (190)
    max_cells: int | None = None  # more requested than this: "reduce the amount of data"
    timeout_s: float = 0.5


def throttle_error(code: int) -> dict:
    return {
        "error": {
            "message": f"(#{code}) User request limit reached",
            "type": "OAuthException",
            "code": code,
            "error_subcode": 2446079 if code == 80001 else None,
            "fbtrace_id": "AbCdEf",
        }
    }


def usage_headers(percent: int = 5, regain: int | None = None) -> dict[str, str]:
    entry = {"type": "pages", "call_count": percent, "total_cputime": 1, "total_time": 1}
    if regain is not None:
        entry["estimated_time_to_regain_access"] = regain
    app = {"call_count": percent, "total_cputime": 1, "total_time": 1}
    return {
        "X-App-Usage": json.dumps(app),
        "X-Business-Use-Case-Usage": json.dumps({PAGE_ID: [entry]}),
    }


def _cursor(node_id: str) -> str:
    return base64.urlsafe_b64encode(node_id.encode()).decode()


def _uncursor(value: str) -> str:
    return base64.urlsafe_b64decode(value.encode()).decode()


_LIMITS = re.compile(r"comments\.limit\((\d+)\)")


class FakeGraph:
    """The server; `base_url` for the client, `calls` for the assertions."""

    def __init__(self, world: World, scenario: Scenario | None = None):
        self.world = world
        self.scenario = scenario or Scenario()
        self.calls: list[tuple[str, dict]] = []
        self.lock = threading.Lock()
        self.token = TOKEN
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                fake._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- one request -------------------------------------------------------------------------

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        url = urllib.parse.urlsplit(h.path)
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query).items()}
        with self.lock:
            self.calls.append((url.path, {k: v for k, v in query.items() if k != "access_token"}))
            n = len(self.calls)
        sc = self.scenario
        fault = sc.faults.get(n) or (sc.fault(n, url.path, query) if sc.fault else None)
        headers = sc.usage(n) if sc.usage else usage_headers()
        if fault is not None:
            kind = fault[0]
            if kind == "drop":
                h.close_connection = True
                return
            if kind == "timeout":
                time.sleep(sc.timeout_s)
                h.close_connection = True
                return
            if kind == "cut":
                body = json.dumps({"data": [{"id": "x"}]}).encode()[:10]
                h.send_response(200)
                h.send_header("Content-Type", "application/json")
                h.send_header("Content-Length", str(len(body) + 50))
                h.end_headers()
                h.wfile.write(body)
                h.close_connection = True
                return
            _, status, body, extra = fault
            return self._send(h, status, body, {**headers, **(extra or {})})
        token_ok = query.get("access_token") == self.token
        if not token_ok or (sc.expire_after is not None and n > sc.expire_after):
            return self._send(h, 400, _expired(), headers)
        parts = url.path.strip("/").split("/")
        if len(parts) < 2 or parts[0] != "v25.0":
            return self._send(h, 400, _error(2500, "Unknown path components"), headers)
        if sc.max_cells is not None and _cells(query) > sc.max_cells:
            msg = "Please reduce the amount of data you're asking for, then retry your request"
            return self._send(h, 500, _error(1, msg), headers)
        obj, edge = parts[1], (parts[2] if len(parts) > 2 else None)
        if edge is None:
            if obj != self.world.page_id:
                return self._send(h, 400, _unknown(obj), headers)
            return self._send(h, 200, self.world.page, headers)
        if edge == "feed" and obj == self.world.page_id:
            return self._send(h, 200, self._feed(query), headers)
        if edge == "comments" and obj in self.world.index:
            limits = [int(x) for x in _LIMITS.findall(query.get("fields", ""))]
            node = self.world.index[obj]
            doc = self._list(node, int(query.get("limit", 25)), limits, query.get("after"))
            return self._send(h, 200, doc, headers)
        return self._send(h, 400, _unknown(obj), headers)

    def _send(self, h, status: int, body: dict, headers: dict[str, str]) -> None:
        data = json.dumps(body).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        for k, v in headers.items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)

    def _feed(self, q: dict) -> dict:
        since = int(q["since"]) if "since" in q else None
        posts = [p for p in self.world.posts if since is None or p.at.timestamp() >= since]
        limit = int(q.get("limit", 25))
        limits = [int(x) for x in _LIMITS.findall(q.get("fields", ""))]
        start = 0
        if "after" in q:
            last = _uncursor(q["after"])
            start = next(i for i, p in enumerate(posts) if p.id == last) + 1
        page = posts[start : start + limit]
        doc = {"data": [self._render(p, limits, top=True) for p in page]}
        if page:
            doc["paging"] = {
                "cursors": {"before": _cursor(page[0].id), "after": _cursor(page[-1].id)}
            }
            if start + limit < len(posts):
                fields = urllib.parse.quote(q.get("fields", ""))
                doc["paging"]["next"] = (
                    f"{self.base_url}/v25.0/{self.world.page_id}/feed?access_token={self.token}"
                    f"&fields={fields}&limit={limit}&after={_cursor(page[-1].id)}"
                    + (f"&since={since}" if since is not None else "")
                )
        return doc

    def _render(self, node: Node, limits: list[int], top: bool = False) -> dict:
        out = {"id": node.id, "created_time": stamp(node.at), "message": node.message}
        if node.author is not None:
            out["from"] = {"id": node.author, "name": f"Name of {node.author}"}
        out["is_hidden"] = node.hidden
        out["permalink_url"] = f"https://www.facebook.com/{node.id}"
        if limits and node.children:
            out["comments"] = self._list(node, limits[0], limits[1:], None)
        return out

    def _list(self, node: Node, limit: int, limits: list[int], after: str | None) -> dict:
        kids = sorted(node.children, key=lambda n: (n.at, n.id))
        start = 0
        if after:
            last = _uncursor(after)
            start = next(i for i, k in enumerate(kids) if k.id == last) + 1
        page = kids[start : start + limit]
        doc: dict = {"data": [self._render(k, limits) for k in page]}
        if page:
            doc["paging"] = {
                "cursors": {"before": _cursor(page[0].id), "after": _cursor(page[-1].id)}
            }
            if start + limit < len(kids):
                doc["paging"]["next"] = (
                    f"{self.base_url}/v25.0/{node.id}/comments?access_token={self.token}"
                    f"&limit={limit}&after={_cursor(page[-1].id)}"
                )
        return doc


def _cells(q: dict) -> int:
    """How much a call asks for: its limit times the nested limits."""
    total = int(q.get("limit", 25))
    for lim in _LIMITS.findall(q.get("fields", "")):
        total *= int(lim)
    return total


def _error(code: int, message: str, type_: str = "OAuthException", sub: int | None = None) -> dict:
    body = {"message": message, "type": type_, "code": code, "fbtrace_id": "AbCdEf"}
    if sub is not None:
        body["error_subcode"] = sub
    return {"error": body}


def _expired() -> dict:
    return _error(190, "Error validating access token: Session has expired.", sub=463)


def _unknown(obj: str) -> dict:
    return _error(
        100,
        f"Unsupported get request. Object with ID '{obj}' does not exist, cannot be loaded due "
        "to missing permissions, or does not support this operation.",
        "GraphMethodException",
        33,
    )


def permission_error(code: int = 10) -> dict:
    return _error(
        code,
        f"(#{code}) This endpoint requires the 'pages_read_engagement' permission or the "
        "'Page Public Content Access' feature.",
    )
