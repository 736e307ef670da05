"""Read a page straight from the Facebook Graph API: the page object, its feed and every comment.

`GraphClient` makes the calls: it reads the rate-limit headers of every response and slows down
before a limit, waits out throttling as the API asks, retries what is transient (5xx, timeouts,
dropped connections) a bounded number of times, and turns what the user must fix (an expired
token, a missing permission, an unknown page) into one-line errors. The token travels in the
query string as the API documents it, so every URL that reaches a message, the progress line or
`--keep-raw` passes through `redact` first, and the `paging.next` URLs the API returns (which hold
the token) are never followed as given: only their query, without the token, is reused.

`FeedReader` chooses the calls: one feed call returns up to POSTS posts with two levels of
comments expanded inline (`comments.limit(N){…,comments.limit(N){…}}`), so a call brings hundreds
of items; only a comment list longer than its limit costs a call of its own (`/<id>/comments`).
It yields the feed page by page, each post with its complete comment tree, with the query that
continues after it: what a checkpoint needs to resume.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from analysis.errors import SvarstidError

DEFAULT_API_VERSION = "v25.0"
DEFAULT_BASE_URL = "https://graph.facebook.com"
TOKEN_VARIABLE = "SVARSTID_GRAPH_TOKEN"
PERMISSIONS = ("pages_read_engagement", "pages_read_user_content")

PAGE_FIELDS = "id,name,fan_count,followers_count,link,category"
POST_FIELDS = "id,created_time,message,from,permalink_url,is_hidden"
COMMENT_FIELDS = "id,created_time,message,from,is_hidden,permalink_url"

# Throttling: 4 app, 17 user, 32 page, 613 custom rate limit, 80001 (and the other 8000x) the
# business use case limits that Page access tokens are counted under.
THROTTLE_CODES = frozenset({4, 17, 32, 613} | set(range(80000, 80015)))
TOKEN_CODES = frozenset({190, 102})
PERMISSION_CODES = frozenset({10} | set(range(200, 300)))
SLOW_DOWN_AT = 75.0  # usage % from which calls are spaced out
SLOW_DOWN_MAX = 60.0  # seconds between calls at 100 %
_TOKEN_IN_TEXT = re.compile(r"(access_token=)[^&\s\"'<>]*", re.IGNORECASE)


def redact(text: str, token: str | None = None) -> str:
    """`text` without any access token: `access_token=…` in URLs, and the token itself."""
    text = _TOKEN_IN_TEXT.sub(r"\1…", text)
    if token:
        text = text.replace(token, "…")
    return text


class GraphError(SvarstidError):
    """The Graph API refused, in a way retrying does not fix (one line, token redacted)."""


class UnknownObject(GraphError):
    """Graph API error 100: no such object (or field), or not visible to this token."""

    def __init__(self, message: str, detail: str):
        super().__init__(message)
        self.detail = detail


@dataclass
class Usage:
    """The highest usage % of the rate-limit headers of one response, and the wait the API
    asks for (`estimated_time_to_regain_access`, whole minutes; None where no header says)."""

    percent: float = 0.0
    regain_minutes: int | None = None


def read_usage(headers) -> Usage:
    """X-App-Usage and X-Page-Usage hold {"call_count", "total_cputime", "total_time"} in %;
    X-Business-Use-Case-Usage holds such an entry per business object and type, with
    `estimated_time_to_regain_access`. A header that is not JSON is ignored."""
    usage = Usage()
    entries: list[dict] = []
    for name in ("X-App-Usage", "X-Page-Usage", "X-Business-Use-Case-Usage"):
        value = headers.get(name)
        if not value:
            continue
        try:
            doc = json.loads(value)
        except ValueError:
            continue
        if name == "X-Business-Use-Case-Usage" and isinstance(doc, dict):
            for items in doc.values():
                entries += (
                    [e for e in items if isinstance(e, dict)] if isinstance(items, list) else []
                )
        elif isinstance(doc, dict):
            entries.append(doc)
    for entry in entries:
        for key in ("call_count", "total_cputime", "total_time"):
            v = entry.get(key)
            if isinstance(v, int | float) and not isinstance(v, bool):
                usage.percent = max(usage.percent, float(v))
        regain = entry.get("estimated_time_to_regain_access")
        if isinstance(regain, int) and not isinstance(regain, bool) and regain >= 0:
            usage.regain_minutes = max(usage.regain_minutes or 0, regain)
    return usage


@dataclass
class Stats:
    """What the progress line shows."""

    calls: int = 0
    pages: int = 0
    posts: int = 0
    comments: int = 0
    usage: float = 0.0
    retries: int = 0
    throttled: int = 0
    waited_s: float = 0.0
    waiting: str | None = None  # why the client is sleeping right now
    counts: dict = field(default_factory=dict)


class TooMuchData(Exception):
    """The API asked for less data per call ("Please reduce the amount of data…", code 1)."""


class _Transient(Exception):
    pass


class GraphClient:
    """GET calls to `<base_url>/<api_version>/…` with the token, rate limits and retries."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        api_version: str = DEFAULT_API_VERSION,
        timeout: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        progress: Callable[[Stats], None] | None = None,
        keep_raw: Path | None = None,
        max_retries: int = 5,
        max_throttle_waits: int = 8,
    ):
        if not token or not token.strip():
            raise GraphError(f"no Graph API token: set {TOKEN_VARIABLE} or give --token-file")
        self._token = token.strip()
        self.root = f"{base_url.rstrip('/')}/{api_version.strip('/')}"
        self.timeout = timeout
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.progress = progress
        self.keep_raw = keep_raw
        self.max_retries = max_retries
        self.max_throttle_waits = max_throttle_waits
        self.stats = Stats()
        self._usage = Usage()
        self._raw_count = 0
        # no proxies from the environment for a loopback base URL (tests, a local proxy)
        url = urllib.parse.urlsplit(self.root)
        loopback = (url.hostname or "") in ("127.0.0.1", "localhost", "::1")
        if url.scheme not in ("https", "http") or (url.scheme == "http" and not loopback):
            raise GraphError(
                f"--base-url {base_url!r}: use https (plain http only to this machine: the "
                "token travels in every call)"
            )
        handlers = [urllib.request.ProxyHandler({})] if loopback else []
        self._opener = urllib.request.build_opener(*handlers)

    # -- the calls ----------------------------------------------------------------------------

    def get(self, path: str, params: dict) -> dict:
        """The JSON object of GET <root>/<path>?<params>&access_token=…"""
        query = urllib.parse.urlencode({**params, "access_token": self._token})
        url = f"{self.root}/{urllib.parse.quote(path)}?{query}"
        shown = self.redact(f"{self.root}/{path}?{urllib.parse.urlencode(params)}")
        failures = throttles = 0
        while True:
            self._pace()
            try:
                return self._call(url, shown)
            except _Throttled as exc:
                throttles += 1
                self.stats.throttled += 1
                if throttles > self.max_throttle_waits:
                    raise GraphError(
                        f"still rate-limited after {self.max_throttle_waits} waits "
                        f"({exc}); run again later: the fetch resumes where it stopped"
                    ) from None
                self._wait(self._throttle_wait(exc.regain, throttles), f"rate-limited ({exc})")
                self._usage = Usage()  # waited out: no second pause for the same usage
            except _Transient as exc:
                failures += 1
                self.stats.retries += 1
                if failures > self.max_retries:
                    raise GraphError(
                        f"{shown}: failed {failures} times ({exc}); run again later: the fetch "
                        "resumes where it stopped"
                    ) from None
                delay = min(60.0, 2.0 ** (failures - 1)) * (0.5 + self.rng.random() / 2)
                self._wait(delay, f"retrying ({exc})")

    def redact(self, text: str) -> str:
        return redact(text, self._token)

    def _call(self, url: str, shown: str) -> dict:
        self.stats.calls += 1
        try:
            with self._opener.open(
                urllib.request.Request(url, headers={"User-Agent": "svarstid"}),
                timeout=self.timeout,
            ) as response:
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as exc:
            status, headers = exc.code, exc.headers
            try:
                body = exc.read()
            except (OSError, http.client.HTTPException):
                body = b""
            finally:
                exc.close()
        except TimeoutError:
            raise _Transient("timed out") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise _Transient("timed out") from None
            if isinstance(reason, ConnectionRefusedError | socket.gaierror):
                # nothing listens there (yet): retried like a dropped connection
                raise _Transient(f"cannot connect ({self.redact(str(reason))})") from None
            raise _Transient(f"connection failed ({self.redact(str(reason))})") from None
        except (http.client.HTTPException, ConnectionError, OSError) as exc:
            raise _Transient(f"connection dropped ({type(exc).__name__})") from None
        self._usage = read_usage(headers)
        self.stats.usage = self._usage.percent
        try:
            doc = json.loads(body)
        except ValueError:
            doc = None
        self._keep(shown, status, doc)
        if status == 200 and isinstance(doc, dict) and "error" not in doc:
            self._report()
            return doc
        error = doc.get("error") if isinstance(doc, dict) else None
        if not isinstance(error, dict):
            if status >= 500 or status == 200:  # a 200 with a body cut short is transient too
                raise _Transient(f"HTTP {status}")
            raise GraphError(f"{shown}: HTTP {status} without a Graph API error")
        raise self._error(error, status, shown)

    def _error(self, error: dict, status: int, shown: str) -> Exception:
        code = error.get("code")
        sub = error.get("error_subcode")
        message = self.redact(" ".join(str(error.get("message", "")).split()))[:300]
        label = f"Graph API error {code}" + (f"/{sub}" if sub else "")
        if code in THROTTLE_CODES:
            return _Throttled(f"{label}: {message}", self._usage.regain_minutes)
        if code == 1 and "reduce the amount of data" in message.lower():
            return TooMuchData(message)
        if code in TOKEN_CODES or code == 463:
            return GraphError(
                f"the access token is invalid or has expired ({label}: {message}); "
                "get a new Page access token (see README: Fetch your own page)"
            )
        if code in PERMISSION_CODES:
            return GraphError(
                f"the token lacks a permission ({label}: {message}); a Page access token of "
                f"a page admin with {' and '.join(PERMISSIONS)} is needed"
            )
        if code == 100:
            detail = f"{label}: {message}"
            return UnknownObject(f"{shown}: unknown object or field ({detail})", detail)
        if status >= 500 or error.get("is_transient") or code in (1, 2):
            return _Transient(f"{label}: {message}")
        return GraphError(f"{shown}: {label}: {message}")

    # -- waiting ------------------------------------------------------------------------------

    def _throttle_wait(self, regain: int | None, repeat: int) -> float:
        """Seconds to wait once throttled: what the API says (whole minutes; 0 is "under a
        minute", still a pause that grows with each repeat), else a bounded exponential
        back-off with jitter. Calling while throttled extends the block, so no call is tried."""
        if regain:
            return regain * 60.0 + self.rng.uniform(0, 5)
        if regain == 0:
            return min(60.0, 10.0 * 2 ** (repeat - 1)) + self.rng.uniform(0, 2)
        return min(900.0, 30.0 * 2 ** (repeat - 1)) * (0.5 + self.rng.random() / 2)

    def _pace(self) -> None:
        """Space calls out above SLOW_DOWN_AT % usage, so the limit is not reached."""
        pct = self._usage.percent
        if pct >= 100:
            regain = self._usage.regain_minutes
            self._wait(regain * 60.0 if regain else SLOW_DOWN_MAX, f"usage {pct:.0f} %")
        elif pct > SLOW_DOWN_AT:
            delay = SLOW_DOWN_MAX * (pct - SLOW_DOWN_AT) / (100 - SLOW_DOWN_AT)
            self._wait(delay, f"usage {pct:.0f} %, slowing down")

    def _wait(self, seconds: float, why: str) -> None:
        self.stats.waiting = f"{why}: waiting {_duration(seconds)}"
        self.stats.waited_s += seconds
        self._report()
        self.sleep(seconds)
        self.stats.waiting = None

    def _report(self) -> None:
        if self.progress:
            self.progress(self.stats)

    def _keep(self, shown: str, status: int, doc: object) -> None:
        """`--keep-raw`: each response as it came, with the token taken out of its URLs."""
        if self.keep_raw is None:
            return
        self._raw_count += 1
        self.keep_raw.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"url": shown, "status": status, "response": doc}, ensure_ascii=False)
        path = self.keep_raw / f"{self._raw_count:06d}.json"
        path.write_text(self.redact(text), encoding="utf-8")


class _Throttled(Exception):
    def __init__(self, message: str, regain: int | None):
        super().__init__(message)
        self.regain = regain


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


# -- what to call ------------------------------------------------------------------------------


@dataclass
class Limits:
    """Items asked for per call: posts per feed page, comments per list, replies per list."""

    posts: int = 100
    comments: int = 100
    replies: int = 100

    def smaller(self) -> bool:
        """Halve the largest; False when there is nothing left to make smaller."""
        if max(self.posts, self.comments, self.replies) <= 1:
            return False
        self.posts = max(1, self.posts // 2)
        self.comments = max(1, self.comments // 2)
        self.replies = max(1, self.replies // 2)
        return True


def _continuation(box: object) -> dict | None:
    """The query that reads the next page of a list (`paging.next`), without token, fields or
    limit (the reader sets those): cursor paging (`after`) and time paging (`until`,
    `__paging_token`) alike. None at the end of the list."""
    if not isinstance(box, dict):
        return None
    paging = box.get("paging")
    if not isinstance(paging, dict) or not isinstance(paging.get("next"), str):
        return None
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(paging["next"]).query)
    keep = {k: v[-1] for k, v in query.items() if k not in ("access_token", "fields", "limit")}
    if not keep:
        cursors = paging.get("cursors")
        after = cursors.get("after") if isinstance(cursors, dict) else None
        if not isinstance(after, str):
            return None
        keep = {"after": after}
    return keep


class FeedReader:
    """One page's object and feed, the feed yielded page by page with complete comment trees."""

    def __init__(
        self,
        client: GraphClient,
        page_id: str,
        since: datetime | None = None,
        limits: Limits | None = None,
    ):
        self.client = client
        self.page_id = page_id
        self.since = since
        self.limits = limits or Limits()

    def page(self) -> dict:
        try:
            return self.client.get(self.page_id, {"fields": PAGE_FIELDS})
        except UnknownObject as exc:
            raise GraphError(
                f"page {self.page_id!r}: no such page, or this token cannot see it ({exc.detail})"
            ) from None

    def _feed_fields(self) -> str:
        lim = self.limits
        replies = f"comments.limit({lim.replies}){{{COMMENT_FIELDS}}}"
        return f"{POST_FIELDS},comments.limit({lim.comments}){{{COMMENT_FIELDS},{replies}}}"

    def feed(self, resume: dict | None = None) -> Iterator[tuple[list[dict], dict | None]]:
        """(posts, continuation) per feed page, from the start or from `resume` (a
        continuation yielded before); continuation None after the last page."""
        query = dict(resume or {})
        while True:
            params = {**query, "fields": self._feed_fields(), "limit": self.limits.posts}
            if self.since is not None and "since" not in params:
                params["since"] = int(self.since.timestamp())
            doc = self._get(f"{self.page_id}/feed", params, self._feed_fields)
            posts = doc.get("data")
            if not isinstance(posts, list):
                raise GraphError(f"{self.page_id}/feed: the response has no data list")
            for post in posts:
                if isinstance(post, dict):
                    self._complete(post, depth=1)
            self.client.stats.posts += len(posts)
            following = _continuation(doc)
            if following is not None and not posts:
                following = None  # an empty page that still offers `next`: the end
            yield posts, following
            if following is None:
                return
            query = following

    def _complete(self, node: dict, depth: int) -> None:
        """Follow `paging.next` of `node`'s comment list (and of each comment's replies)
        until the list is whole; the node is completed in place, without its `paging`."""
        box = node.get("comments")
        if not isinstance(box, dict) or not isinstance(box.get("data"), list):
            return
        data = box["data"]
        following = _continuation(box)
        while following is not None:

            def fields(depth: int = depth) -> str:
                if depth > 1:
                    return COMMENT_FIELDS
                return f"{COMMENT_FIELDS},comments.limit({self.limits.replies}){{{COMMENT_FIELDS}}}"

            limit = self.limits.comments if depth == 1 else self.limits.replies
            more = self._get(
                f"{node.get('id')}/comments",
                {**following, "fields": fields(), "limit": limit},
                fields,
            )
            got = more.get("data")
            if not isinstance(got, list):
                raise GraphError(f"{node.get('id')}/comments: the response has no data list")
            data.extend(got)
            following = _continuation(more) if got else None
        box.pop("paging", None)
        self.client.stats.comments += len(data)
        if depth == 1:
            for child in data:
                if isinstance(child, dict):
                    self._complete(child, depth=2)

    def _get(self, path: str, params: dict, fields: Callable[[], str]) -> dict:
        """A call, made smaller (and repeated) for as long as the API says it is too much."""
        while True:
            try:
                return self.client.get(path, params)
            except TooMuchData:
                if not self.limits.smaller():
                    raise GraphError(
                        f"{path}: the API asks for less data even one item at a time"
                    ) from None
                params = {**params, "fields": fields()}
                if "limit" in params:
                    params["limit"] = max(1, int(params["limit"]) // 2)
