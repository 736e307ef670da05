"""One page's year drawn as numpy arrays, and the loop over every page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from analysis.errors import InputError
from analysis.settings import STUDY_MONTH
from analysis.sources.demo.pages import (
    AUTHORS_PER_PAGE,
    JANUARY_FLOOR,
    PAGES,
    SLOWER_THAN,
    PageSpec,
)
from analysis.sources.demo.texts import ALIASES, CLOSING_P, CLOSINGS, OPENING_P, text_pools
from analysis.sources.demo.timing import (
    AS_OF,
    DAYS,
    MIN_US,
    OFFICE_HOURS,
    OFFICE_WEEKDAYS,
    US,
    Grid,
    cell_weights,
    draw_categories,
    local_us,
    sample_times,
    season_weights,
    staffed_after,
    staffed_hours,
    utc_us,
    year_grid,
)

DEFAULT_SEED = 2017
DEFAULT_ITEMS = 200_000
MAX_ITEMS = 20_000_000

# item categories
QUESTION, STATEMENT, THANKS_, PII, PAYOUT, STORM_, TWINS_, CRASH_ = range(8)
REGULAR_MIX = np.array([0.6, 0.24, 0.1, 0.025])  # question, statement, thanks, personal data
REPLY_WEIGHT = np.array([1.0, 0.6, 0.3, 1.0, 1.0, 0.97, 0.25, 0.5])
DELAY_WEIGHT = np.array([1.0, 1.0, 0.8, 1.0, 0.8, 3.0, 4.0, 1.5])
BACKLOG = 1.3  # items that arrive while closed wait a little longer once the page opens
PAYOUT_SHARE = 0.15  # of Försäkringskassan förälder's items: "when does the money come?"
# events at the default size; scaled with --items like everything else
TWINS_BURST, TWINS_TAIL = 500, 200  # Försäkringskassan förälder, autumn 2016: 500 in 15 minutes
STORM_ITEMS = 1000  # Pensionsmyndigheten after TV4's segment on efterlevandestöd
STORM_FLOOD = 0.6  # the share of the storm that comes in the first hours (mean 45 minutes)
CRASH_ITEMS = 300  # Skatteverket's e-service on deadline evening
TWINS_AT = (date(2016, 10, 12), 19, 0)
STORM_AT = (date(2017, 3, 28), 19, 35)
CRASH_AT = (date(2017, 5, 2), 21, 0)
ANCHOR_POST = (date(2016, 6, 30), 10, 0)  # every page has a post before the year starts
NEVER = np.iinfo(np.int64).max
JANUARY = (local_us(STUDY_MONTH[0], 0), local_us(STUDY_MONTH[1] + timedelta(days=1), 0))


@dataclass
class PageYear:
    """One page's rows as compact numpy arrays (numbers into the text pools, times in UTC).

    Kept for every page until the snapshot is written, so only what the tables need, narrow:
    the items' and replies' times as int32 seconds (every instant is a whole second, before
    2038), the page posts' (a few hundred) in µs."""

    pp_t: np.ndarray  # µs
    pp_text: np.ndarray
    pp_num: np.ndarray
    n_vp: int  # inbound items: the first n_vp are visitor posts, then comments
    t: np.ndarray  # int32 seconds; each part in time order
    root: np.ndarray  # int32; visitor post: its post number; comment: its page post's number
    message: np.ndarray  # int32: (opening * texts + body) * closings + closing
    author: np.ndarray  # int32
    hidden: np.ndarray  # -1 unknown, 0, 1
    r_item: np.ndarray  # int32; replies: index into this page's items
    r_t: np.ndarray  # int32 seconds
    r_message: np.ndarray  # int32: reply text * aliases + alias
    conversation: int


def _payout_days(grid: Grid) -> tuple[np.ndarray, list[int]]:
    """Day weights of payout questions and the day of each "När kommer pengarna?" post.

    Payout is the 25th, or the working day before; the post goes out three days earlier (a
    working day). Questions build up in the ten days before the post and drop after it."""
    w = np.full(DAYS, 0.5)
    posts = []
    for month_start in [i for i, d in enumerate(grid.days) if d.day == 1]:
        d = grid.days[month_start]
        pay = grid.day_index(date(d.year, d.month, 25))
        while grid.weekday[pay] >= 5 or grid.closed[pay]:
            pay -= 1
        post = pay - 3
        while grid.weekday[post] >= 5 or grid.closed[post]:
            post -= 1
        w[max(post - 10, 0) : post] = 3.0
        w[post : pay + 1] = 0.3
        posts.append(post)
    return w, posts


def _allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Whole numbers proportional to weights that add up to `total` exactly."""
    raw = total * weights / weights.sum()
    out = np.floor(raw).astype(np.int64)
    rest = total - int(out.sum())
    order = np.argsort(-(raw - out), kind="stable")
    out[order[:rest]] += 1
    return out


def _pick(rng: np.random.Generator, pool: np.ndarray, n: int) -> np.ndarray:
    return pool[rng.integers(0, len(pool), n)] if n else np.zeros(0, dtype=np.int64)


def _event_counts(spec: PageSpec, n_items: int, scale: float) -> dict[str, int]:
    """Items of the page's planted events, scaled like everything else, at most half the page."""
    events: dict[str, int] = {}
    if spec.key == "fk_foralder":
        events = {"twins_burst": TWINS_BURST, "twins_tail": TWINS_TAIL}
    elif spec.key == "pension":
        events = {"storm": STORM_ITEMS}
    elif spec.key == "skv_dekl":
        events = {"crash": CRASH_ITEMS}
    events = {k: round(v * scale) for k, v in events.items()}
    if sum(events.values()) > n_items // 2:  # a tiny world: events shrink with the page
        events = {k: v * (n_items // 2) // max(sum(events.values()), 1) for k, v in events.items()}
    return events


@dataclass
class _Inbound:
    """Inbound items as (times, categories) parts, each in time order, and the page's special
    posts as (time, text) pairs."""

    vp: list[tuple[np.ndarray, np.ndarray]]
    c: list[tuple[np.ndarray, np.ndarray]]
    special_posts: list[tuple[int, int]]


def _regular_items(
    rng: np.random.Generator, spec: PageSpec, n_reg: int, cells: np.ndarray, grid: Grid
) -> _Inbound:
    """Regular visitor posts (with a floor in the study month) and comments."""
    vp_share = spec.vp_share if spec.open_wall else 0.0
    in_jan = (grid.cell_us >= JANUARY[0]) & (grid.cell_us < JANUARY[1])
    n_vp = round(n_reg * vp_share)
    n_vp_jan = 0
    if spec.open_wall:
        jan_share = cells[in_jan].sum() / cells.sum()
        n_vp_jan = min(max(JANUARY_FLOOR[spec.role], round(n_vp * jan_share)), n_reg)
        n_vp = max(n_vp, n_vp_jan)
    t_vp = np.concatenate(
        [
            sample_times(rng, n_vp_jan, cells * in_jan, grid),
            sample_times(rng, n_vp - n_vp_jan, cells * ~in_jan, grid),
        ]
    )
    t_c = sample_times(rng, n_reg - n_vp, cells, grid)
    cat_vp = draw_categories(rng, len(t_vp), REGULAR_MIX)
    cat_c = draw_categories(rng, len(t_c), REGULAR_MIX)
    return _Inbound([(t_vp, cat_vp)], [(t_c, cat_c)], [])


def _payout_and_twins(
    rng: np.random.Generator,
    spec: PageSpec,
    inbound: _Inbound,
    n_pay: int,
    events: dict[str, int],
    day_w: np.ndarray,
    grid: Grid,
) -> None:
    """Försäkringskassan förälder: payout questions around each monthly "När kommer
    pengarna?" post, and the twin parents' burst of comments under their campaign post."""
    pools = text_pools()
    vp_share = spec.vp_share if spec.open_wall else 0.0
    pay_w, post_days = _payout_days(grid)
    pay_cells = cell_weights(grid, day_w * pay_w, spec.daytime)
    k = round(n_pay * vp_share)
    inbound.vp.append((sample_times(rng, k, pay_cells, grid), np.full(k, PAYOUT)))
    inbound.c.append((sample_times(rng, n_pay - k, pay_cells, grid), np.full(n_pay - k, PAYOUT)))
    for d in post_days:
        at = local_us(grid.days[d], 9, 30) + int(rng.integers(0, 1800)) * US
        inbound.special_posts.append((at, pools.special_posts["payout"]))
    t0 = local_us(*TWINS_AT)
    inbound.special_posts.append((t0 - 20 * MIN_US, pools.special_posts["twins"]))
    n_b, n_t = events["twins_burst"], events["twins_tail"]
    burst = np.sort(t0 + rng.integers(0, 900, n_b) * US)
    tail = np.sort(np.minimum(rng.exponential(2400, n_t), 6 * 3600).astype(np.int64))
    inbound.c.append((np.concatenate([burst, t0 + (900 + tail) * US]), np.full(n_b + n_t, TWINS_)))


def _storm(rng: np.random.Generator, inbound: _Inbound, n: int) -> None:
    """Pensionsmyndigheten: the orange-envelope post, and the storm after TV4's segment."""
    pools = text_pools()
    inbound.special_posts.append((local_us(date(2017, 2, 20), 9, 0), pools.special_posts["orange"]))
    t0 = local_us(*STORM_AT)
    # the flood right after the segment, then the long tail: the first STORM_FLOOD of the draws
    # (independent, so a random part) are squeezed from a 12-hour mean to a 45-minute one —
    # no extra draw, so the rest of the page's world is what it was
    wait = rng.exponential(12 * 3600, n)
    wait[: int(n * STORM_FLOOD)] *= 45 / (12 * 60)
    st = t0 + np.sort(np.minimum(wait, 5 * 86400).astype(np.int64)) * US
    is_vp = rng.random(n) < 0.25
    inbound.vp.append((st[is_vp], np.full(int(is_vp.sum()), STORM_)))
    inbound.c.append((st[~is_vp], np.full(int((~is_vp).sum()), STORM_)))


def _crash(rng: np.random.Generator, inbound: _Inbound, n: int) -> None:
    """Skatteverket – Dags att deklarera: the deadline post and the e-service crash evening."""
    pools = text_pools()
    inbound.special_posts.append(
        (local_us(date(2017, 5, 2), 8, 0), pools.special_posts["deadline"])
    )
    t0 = local_us(*CRASH_AT)
    inbound.c.append((t0 + np.sort(rng.integers(0, 900, n)) * US, np.full(n, CRASH_)))


def _merge(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """One (times, categories) pair in time order; each part is in time order already, so a
    stable sort only merges the runs."""
    t = np.concatenate([p[0] for p in parts])
    cat = np.concatenate([p[1] for p in parts]).astype(np.int64)
    if len(parts) > 1:
        o = np.argsort(t, kind="stable")
        t, cat = t[o], cat[o]
    return t, cat


def _page_posts(
    rng: np.random.Generator,
    spec: PageSpec,
    n_comments: int,
    special_posts: list[tuple[int, int]],
    day_w: np.ndarray,
    grid: Grid,
) -> tuple[np.ndarray, np.ndarray]:
    """The page's own posts (times, texts) in time order: office hours on working days, an
    anchor post before the year and the special ones."""
    pools = text_pools()
    n_pp = int(np.clip(round(n_comments / 30), 8, 520))
    office = day_w * OFFICE_WEEKDAYS[grid.weekday] * (grid.weekday < 5) * ~grid.closed
    pp_cells = (office[:, None] * OFFICE_HOURS[None, :]).ravel()
    pp_t = np.concatenate(
        [
            [local_us(*ANCHOR_POST)],
            sample_times(rng, n_pp, pp_cells, grid),
            np.array([s[0] for s in special_posts], dtype=np.int64),
        ]
    )
    topic_posts = pools.page_posts.get(spec.topic)
    post_pool = pools.page_posts["generic"]
    if topic_posts is not None:
        post_pool = np.concatenate([topic_posts, topic_posts, post_pool])
    pp_text = np.concatenate(
        [_pick(rng, post_pool, n_pp + 1), np.array([s[1] for s in special_posts], dtype=np.int64)]
    )
    o = np.argsort(pp_t, kind="stable")
    return pp_t[o], pp_text[o]


def _bodies(
    rng: np.random.Generator, spec: PageSpec, cat: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each item's text number by category, and its opening and closing greeting."""
    pools = text_pools()
    n = len(cat)
    body = np.zeros(n, dtype=np.int64)
    questions = pools.questions.get(spec.topic, pools.questions["generic"])
    statements = pools.statements.get(spec.topic, pools.statements["generic"])
    for code, pool in (
        (QUESTION, questions), (STATEMENT, statements), (THANKS_, pools.thanks), (PII, pools.pii),
        (PAYOUT, pools.payout), (STORM_, pools.storm), (TWINS_, pools.twins),
        (CRASH_, pools.crash),
    ):  # fmt: skip
        rows = np.flatnonzero(cat == code)
        body[rows] = _pick(rng, pool, len(rows))
    greet = (cat <= PII) & (spec.topic != "sprak")
    opening = np.where(greet, draw_categories(rng, n, OPENING_P), 0)
    closing = np.where(greet, draw_categories(rng, n, CLOSING_P), 0)
    closing[cat == THANKS_] = 0
    return body, opening, closing


def _authors(
    rng: np.random.Generator, i: int, n_items: int, cat: np.ndarray, is_vp: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Visitor ids (a few regulars write a lot, Zipf-like; most write once or twice) and the
    hidden flag (-1 unknown for visitor posts; some storm and personal-data comments hidden)."""
    n = len(cat)
    pool_size = min(max(30, n_items // 8), AUTHORS_PER_PAGE)
    regular = rng.random(n) < 0.6
    zipfish = (rng.random(n) ** -1.4 - 1).astype(np.int64)  # Pareto tail, a ≈ 1.7
    author = np.where(regular, zipfish % pool_size, rng.integers(0, pool_size, n))
    author += 100_000_000 + i * AUTHORS_PER_PAGE
    hidden = np.where(is_vp, -1, 0).astype(np.int8)
    hide = ~is_vp & (
        ((cat == STORM_) & (rng.random(n) < 0.12)) | ((cat == PII) & (rng.random(n) < 0.3))
    )
    hidden[hide] = 1
    return author, hidden


def _reply_times(
    rng: np.random.Generator, spec: PageSpec, t: np.ndarray, cat: np.ndarray, is_vp: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Which items get a page reply, when the first and a second one land (in staffed hours;
    NEVER for no second reply) and which first replies ask a follow-up question."""
    staffed = staffed_hours(spec.hours)
    n = len(t)
    weight = np.ones(len(REPLY_WEIGHT)) if spec.key == "pension" else REPLY_WEIGHT
    p_reply = np.minimum(spec.reply * weight[cat], 1.0)
    if spec.role == "silent":
        p_reply[is_vp] = 0.0
    answered = rng.random(n) < p_reply
    f_item, is_open = staffed.before(t), staffed.inside(t)
    minutes = spec.delay * np.exp(spec.sigma * rng.standard_normal(n)) * DELAY_WEIGHT[cat]
    minutes = np.maximum(np.where(is_open, minutes, minutes * BACKLOG), 1.0)
    f_first = f_item + (minutes * MIN_US).astype(np.int64)
    first = staffed_after(staffed, f_item, minutes)
    followup = rng.random(n) < spec.followup
    second = answered & np.where(followup, rng.random(n) < 0.85, rng.random(n) < 0.05)
    minutes2 = np.maximum(spec.delay * np.exp(spec.sigma * rng.standard_normal(n)), 5.0)
    second_t = np.full(n, NEVER)
    second_t[second] = staffed_after(staffed, f_first[second], minutes2[second])
    return answered, first, second_t, followup


def _reply_texts(
    rng: np.random.Generator,
    spec: PageSpec,
    cat: np.ndarray,
    body: np.ndarray,
    followup: np.ndarray,
    r1: np.ndarray,
    r2: np.ndarray,
) -> np.ndarray:
    """Reply text numbers × aliases + alias of the first replies `r1`, then the second `r2`."""
    pools = text_pools()
    text = _pick(rng, pools.reply_generic, len(r1))
    r_cat = cat[r1]
    for code, pool in (
        (PAYOUT, pools.reply_payout), (STORM_, pools.reply_storm), (TWINS_, pools.reply_twins),
        (CRASH_, pools.reply_crash),
    ):  # fmt: skip
        rows = np.flatnonzero(r_cat == code)
        text[rows] = _pick(rng, pool, len(rows))
    rows = np.flatnonzero(followup[r1])
    text[rows] = _pick(rng, pools.reply_followup, len(rows))
    rows = np.flatnonzero(rng.random(len(r1)) < 0.02)
    text[rows] = _pick(rng, pools.reply_pii, len(rows))
    alias = np.where(rng.random(len(r1)) < 0.7, rng.integers(1, len(ALIASES), len(r1)), 0)
    if spec.topic == "sprak":
        lang = pools.text_lang[body[r1]]
        for code, pool in pools.reply_lang.items():
            rows = np.flatnonzero(lang == code)
            text[rows] = _pick(rng, pool, len(rows))
            alias[rows] = 0
    text2 = _pick(
        rng, pools.reply_second_tax if spec.followup >= 0.5 else pools.reply_second, len(r2)
    )
    alias2 = np.where(rng.random(len(r2)) < 0.7, rng.integers(1, len(ALIASES), len(r2)), 0)
    return np.concatenate([text, text2]) * len(ALIASES) + np.concatenate([alias, alias2])


def _page(
    rng: np.random.Generator, i: int, spec: PageSpec, n_items: int, scale: float, grid: Grid
) -> PageYear:
    """Page `i`'s year: the steps below draw from `rng` in a fixed order, so a seed gives one
    world."""
    events = _event_counts(spec, n_items, scale)
    n_reg = n_items - sum(events.values())
    n_pay = round(n_reg * PAYOUT_SHARE) if spec.key == "fk_foralder" else 0
    n_reg -= n_pay

    day_w = season_weights(grid, spec.season) * rng.gamma(16.0, 1 / 16.0, DAYS)
    cells = cell_weights(grid, day_w, spec.daytime)
    inbound = _regular_items(rng, spec, n_reg, cells, grid)
    if spec.key == "fk_foralder":
        _payout_and_twins(rng, spec, inbound, n_pay, events, day_w, grid)
    if spec.key == "pension":
        _storm(rng, inbound, events["storm"])
    if spec.key == "skv_dekl":
        _crash(rng, inbound, events["crash"])
    t_vp, cat_vp = _merge(inbound.vp)
    t_c, cat_c = _merge(inbound.c)

    pp_t, pp_text = _page_posts(rng, spec, len(t_c), inbound.special_posts, day_w, grid)
    # page posts and visitor posts share the page's post numbers, in time order
    wall_t = np.concatenate([pp_t, t_vp])
    numbers = np.empty(len(wall_t), dtype=np.int64)
    numbers[np.argsort(wall_t, kind="stable")] = 1_000_000_000 + np.arange(len(wall_t))
    pp_num, vp_num = numbers[: len(pp_t)], numbers[len(pp_t) :]
    # comments go under the latest page post before them, some under an older one
    latest = np.searchsorted(pp_t, t_c, side="left") - 1
    back = np.where(cat_c >= STORM_, 0, rng.geometric(0.65, len(t_c)) - 1)
    parent = np.clip(latest - back, 0, None)

    t_all = np.concatenate([t_vp, t_c])
    cat = np.concatenate([cat_vp, cat_c])
    is_vp = np.zeros(len(t_all), dtype=bool)
    is_vp[: len(t_vp)] = True
    body, opening, closing = _bodies(rng, spec, cat)
    author, hidden = _authors(rng, i, n_items, cat, is_vp)

    answered, first, second_t, followup = _reply_times(rng, spec, t_all, cat, is_vp)
    _study_month(rng, spec, t_all, is_vp, answered, first, second_t)
    as_of = utc_us(AS_OF)
    r1 = np.flatnonzero(answered & (first < as_of))  # an export holds no later reply
    r2 = np.flatnonzero(answered & (second_t < as_of))
    r_message = _reply_texts(rng, spec, cat, body, followup, r1, r2)
    root = np.concatenate([vp_num, pp_num[parent]]).astype(np.int64)
    _visitors_write_again(t_all, is_vp, root, author, followup & answered & (first < as_of), first)

    conversation = int(rng.poisson(0.8, int(is_vp.sum())).sum())
    n_texts = len(text_pools().texts.values)
    return PageYear(
        pp_t=pp_t,
        pp_text=pp_text,
        pp_num=pp_num,
        n_vp=len(t_vp),
        t=_seconds(t_all),
        root=root.astype(np.int32),
        message=((opening * n_texts + body) * len(CLOSINGS) + closing).astype(np.int32),
        author=author.astype(np.int32),
        hidden=hidden,
        r_item=np.concatenate([r1, r2]).astype(np.int32),
        r_t=_seconds(np.concatenate([first[r1], second_t[r2]])),
        r_message=r_message.astype(np.int32),
        conversation=conversation,
    )


def _seconds(us: np.ndarray) -> np.ndarray:
    """Instants in µs as int32 seconds, for keeping; refused if that loses anything."""
    s = us // US
    if (us % US).any() or (len(s) and not 0 <= s.min() <= s.max() < np.iinfo(np.int32).max):
        raise ValueError("demo instants are whole seconds between 1970 and 2038")
    return s.astype(np.int32)


FOLLOW_UP_WITHIN_US = 24 * 3600 * US  # the methodology's follow-up window (FOLLOW_UP_HOURS)


def _visitors_write_again(
    t: np.ndarray,
    is_vp: np.ndarray,
    root: np.ndarray,
    author: np.ndarray,
    asked: np.ndarray,
    first: np.ndarray,
) -> None:
    """A visitor whose first reply asked a follow-up question writes again as a new item in the
    same thread — many answer with a new comment rather than in the reply thread: the next item
    under the same page post (on the wall, for a visitor post) after that reply, within a day,
    becomes theirs (`author` edited in place; no draw, so the world is otherwise unchanged)."""
    if not asked.any():
        return
    thread = np.where(is_vp, -1, root)  # the wall is one thread, each page post another
    order = np.lexsort((t, thread))
    s_thread, s_t = thread[order], t[order]
    src = np.flatnonzero(asked)
    # the next item of the thread after the reply: one search over (thread, time) keys, each
    # thread's times offset into a span of its own (its rank among the threads)
    t0 = int(t.min())
    span = max(int(t.max()), int(first[src].max())) - t0 + 1
    rank = np.cumsum(np.concatenate([[0], s_thread[1:] != s_thread[:-1]]))
    if int(rank[-1]) + 1 >= np.iinfo(np.int64).max // span:
        return _write_again_one_by_one(thread, order, s_thread, s_t, author, src, first)
    keys = rank * span + (s_t - t0)
    at = np.searchsorted(s_thread, thread[src])
    hi = np.searchsorted(s_thread, thread[src], side="right")
    j = np.searchsorted(keys, rank[at] * span + np.maximum(first[src] - t0, -1), side="right")
    found = j < hi
    found[found] = s_t[j[found]] - first[src[found]] <= FOLLOW_UP_WITHIN_US
    src, tgt = src[found], order[j[found]]
    # As the edits in item order would go. A writer writes its author as it stands on its turn:
    # as the last earlier writer of it left it, if any (chains followed back by pointer
    # jumping to an author nobody wrote before); each item keeps what its last writer wrote.
    # (The wall's visitor posts are not in time order, January's first: an edit may go to an
    # earlier item.)
    n = len(author)
    pair = np.sort(tgt.astype(np.int64) * n + src)  # by target, then writer
    p_tgt, p_src = pair // n, pair % n
    prev = np.searchsorted(pair, src.astype(np.int64) * n + src) - 1  # last pair (src, < src)
    has = prev >= 0
    has[has] = p_tgt[prev[has]] == src[has]
    back = np.arange(n)
    back[src[has]] = p_src[prev[has]]
    while True:
        jumped = back[back]
        if np.array_equal(jumped, back):
            break
        back = jumped
    last = np.flatnonzero(np.append(p_tgt[1:] != p_tgt[:-1], True))
    author[p_tgt[last]] = author[back[p_src[last]]]


def _write_again_one_by_one(
    thread: np.ndarray,
    order: np.ndarray,
    s_thread: np.ndarray,
    s_t: np.ndarray,
    author: np.ndarray,
    src: np.ndarray,
    first: np.ndarray,
) -> None:
    """`_visitors_write_again` one asking item at a time, in item order (the plain rule)."""
    for k in src:
        lo, hi = np.searchsorted(s_thread, [thread[k], thread[k] + 1])
        j = lo + np.searchsorted(s_t[lo:hi], first[k], side="right")
        if j < hi and s_t[j] - first[k] <= FOLLOW_UP_WITHIN_US:
            author[order[j]] = author[k]


def _study_month(
    rng: np.random.Generator,
    spec: PageSpec,
    t: np.ndarray,
    is_vp: np.ndarray,
    answered: np.ndarray,
    first: np.ndarray,
    second_t: np.ndarray,
) -> None:
    """Make the study month's visitor posts tell the article's story (arrays edited in place).

    Silent walls answer none (already so); "perfect" pages answer every one; every other open
    wall answers some but not all. The three fastest get their published median exactly (an odd
    number of timed replies, the middle one at `target` minutes); every other page stays slower
    than SLOWER_THAN minutes."""
    if not spec.open_wall or spec.role == "silent":
        return
    jan = np.flatnonzero(is_vp & (t >= JANUARY[0]) & (t < JANUARY[1]))
    if len(jan) == 0:
        return
    if spec.role == "perfect":
        answered[jan] = True
    elif len(jan) >= 2:
        if answered[jan].all():
            answered[rng.choice(jan)] = False
        if not answered[jan].any():
            answered[rng.choice(jan)] = True
    timed = jan[answered[jan]]
    if spec.role == "fast" and len(timed) % 2 == 0 and len(timed) >= 2:
        answered[rng.choice(timed)] = False
        timed = jan[answered[jan]]
    if len(timed) == 0:
        return
    delay = first[timed] - t[timed]
    order = np.argsort(delay, kind="stable")
    mid = len(timed) // 2
    ranked = delay[order]
    if spec.role == "fast":
        goal = spec.target * MIN_US
        ranked = (ranked * (goal / max(int(ranked[mid]), 1))).astype(np.int64) // US * US
        ranked = np.maximum(ranked, 60 * US)
        ranked[:mid] = np.minimum(ranked[:mid], goal)
        ranked[mid] = goal
        ranked[mid + 1 :] = np.maximum(ranked[mid + 1 :], goal)
    elif np.median(ranked) <= SLOWER_THAN * MIN_US:
        factor = SLOWER_THAN * 1.25 * MIN_US / max(float(np.median(ranked)), 1.0)
        ranked = (ranked * factor).astype(np.int64) // US * US
    else:
        return
    new = np.empty_like(delay)
    new[order] = ranked
    shift = new - delay
    first[timed] += shift
    later = second_t[timed] < NEVER
    second_t[timed[later]] += shift[later]


def page_years(items: int | None, seed: int | None) -> list[PageYear]:
    """Every page's year as numpy arrays (the only loop over pages that draws numbers)."""
    items = DEFAULT_ITEMS if items is None else int(items)
    if not 1_000 <= items <= MAX_ITEMS:
        raise InputError("--items", f"the demo has 1,000 to {MAX_ITEMS:,} inbound items")
    rng = np.random.default_rng(DEFAULT_SEED if seed is None else seed)
    grid = year_grid()
    counts = _allocate(items, np.array([p.volume for p in PAGES]))
    scale = items / DEFAULT_ITEMS
    return [_page(rng, i, spec, int(counts[i]), scale, grid) for i, spec in enumerate(PAGES)]
