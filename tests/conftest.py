"""Shared fixtures: a small, hand-checked Graph API export and data folders built from it."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from analysis.ingest import ingest_graph_api
from tests.graph_export import node, write_page

AS_OF = datetime(2017, 1, 31, 12, 0, tzinfo=UTC)
STOCKHOLM_TZ = ZoneInfo("Europe/Stockholm")
PAGE_A, PAGE_B, PAGE_C = "100", "200", "300"
REGISTRY = (
    "page_id,agency,sector,accepts_visitor_posts,opening_hours,sla_minutes\n"
    f"{PAGE_A},Myndighet A,Socialförsäkring,true,,\n"
    f"{PAGE_B},Verket B,Transport,false,,\n"
    f"{PAGE_C},Myndighet A,Socialförsäkring,,mon-fri 08:00-16:00,\n"
)


def build_study_export(root: Path) -> Path:
    """Three pages; every expected number in test_metrics.py is worked out from these rows.

    Page A (100): comments C1–C7 under one page post — replies after 10, 45, 120, 1200 and 53
    minutes (Fanpage Karma's example), C6 never answered, C7 still pending at AS_OF — plus C8
    whose author Facebook hides, and visitor posts V1 (Friday evening, answered Monday) and V2
    (a page reply stamped before it). Page B (200): a closed wall with one page post and no
    inbound items. Page C (300): same agency as A; D1 answered after 30 minutes, D2 never.
    """
    a, c = PAGE_A, PAGE_C
    p1 = node(
        "100_1",
        "2017-01-02 09:00",
        a,
        "Nu kan du ansöka digitalt!",
        [
            node(
                "100_1_c1",
                "2017-01-02 10:00",
                "u1",
                "Hur ansöker jag? Mitt personnummer är 811228-9874",
                [
                    node("100_1_c1_r1", "2017-01-02 10:10", a, "Hej! Så här gör du."),
                    node("100_1_c1_v", "2017-01-02 10:20", "u9", "Samma fråga här"),
                    node("100_1_c1_r2", "2017-01-02 11:00", a, "Ett tillägg."),
                ],
            ),
            node(
                "100_1_c2",
                "2017-01-02 10:00",
                "u2",
                "Tack för infon",
                [node("100_1_c2_r", "2017-01-02 10:45", a, "Varsågod!")],
            ),
            node(
                "100_1_c3",
                "2017-01-03 10:00",
                "u3",
                "När kommer pengarna?",
                [node("100_1_c3_r", "2017-01-03 12:00", a, "Den 25:e.")],
            ),
            node(
                "100_1_c4",
                "2017-01-04 08:00",
                "u4",
                "Mejla mig på anna.svensson@example.se",
                [node("100_1_c4_r", "2017-01-05 04:00", a, "Vi svarar inte via e-post.")],
            ),
            node(
                "100_1_c5",
                "2017-01-05 10:00",
                "u5",
                "Ring mig 070-123 45 67",
                [node("100_1_c5_r", "2017-01-05 10:53", a, "Vi ringer inte upp.")],
            ),
            node("100_1_c6", "2017-01-10 12:00", "u6", "Ingen svarar här"),
            node("100_1_c7", "2017-01-30 12:00", "u7", "Vad gäller för mig?"),
            node(
                "100_1_c8",
                "2017-01-06 10:00",
                None,
                "Dold avsändare",
                [node("100_1_c8_r", "2017-01-06 10:05", a, "Svar till dold")],
            ),
            node("100_1_pc", "2017-01-02 09:05", a, "Sidan kommenterar sitt eget inlägg"),
        ],
    )
    v1 = node(
        "100_v1",
        "2017-01-13 17:00",
        "u8",
        "Fredagskväll: varför dröjer beslutet?",
        [
            node("100_v1_x", "2017-01-13 18:00", "u9", "Undrar också"),
            node("100_v1_r", "2017-01-16 08:30", a, "Hej! Handläggningstiden är …"),
        ],
    )
    v2 = node(
        "100_v2",
        "2017-01-16 12:00",
        "u8",
        "Tack för svaret",
        [node("100_v2_r", "2017-01-16 11:00", a, "Svar stämplat före inlägget")],
    )
    write_page(root, a, "Myndighet A", [[p1], [v1, v2]], fan_count=84000, category="Government")
    write_page(root, PAGE_B, "Verket B", [[node("200_1", "2017-01-02 09:00", PAGE_B, "Info")]])
    p3 = node(
        "300_1",
        "2017-01-03 08:00",
        c,
        "Information på andra språk",
        [
            node(
                "300_1_d1",
                "2017-01-03 09:00",
                "u1",
                "Can I apply in English?",
                [node("300_1_d1_r", "2017-01-03 09:30", c, "Yes.")],
            ),
            node("300_1_d2", "2017-01-03 09:00", "u2", "Hello"),
        ],
    )
    write_page(root, c, "Myndighet A – språk", [[p3]])
    return root


@pytest.fixture
def study_export(tmp_path: Path) -> Path:
    return build_study_export(tmp_path / "export")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    (d / "registry.csv").write_text(REGISTRY, encoding="utf-8")
    return d


@pytest.fixture
def study_data(study_export: Path, data_dir: Path) -> Path:
    """A data folder holding one snapshot of the study export."""
    ingest_graph_api(data_dir, [study_export], as_of=AS_OF)
    return data_dir


# -- app_data: a seeded three-month world for the dashboard tests (test_app, test_profile, browser)

APP_AS_OF = datetime(2017, 3, 1, 9, 0, tzinfo=UTC)
APP_FIRST_DAY = date(2016, 12, 1)
APP_WEEKS = 13
# page_id, name, agency, sector, open wall, reply probability, typical minutes, items per week
APP_PAGES = (
    ("1001", "Försäkringskassan", "Försäkringskassan", "Socialförsäkring", True, 0.95, 35, 24),
    ("1002", "Försäkringskassan Föräldrar", "Försäkringskassan", "Socialförsäkring", True, 0.8,
     90, 10),
    ("1003", "Skatteverket", "Skatteverket", "Skatt", True, 0.9, 60, 18),
    ("1004", "Pensionsmyndigheten", "Pensionsmyndigheten", "Socialförsäkring", True, 0.7, 240, 9),
    ("1005", "Trafikverket", "Trafikverket", "Transport", False, 0.55, 400, 7),
    ("1006", "Lilla verket", "Lilla verket", "Transport", True, 0.6, 100, 0.4),
)  # fmt: skip
APP_TEXTS = (
    "Hur ansöker jag om föräldrapenning?",
    "När kommer utbetalningen?",
    "Tack för hjälpen!",
    "Varför har ingen svarat på mitt ärende?",
    "**Fet text** <b>html</b> [länk](https://example.com) <script>alert(1)</script>",
    "Mitt personnummer är 811228-9874, ring 070-123 45 67",
    "Can I apply in English?",
    "Bra information.",
)


def _app_local(day: date, minute: int) -> str:
    """A Stockholm wall time as the UTC string tests.graph_export.node expects."""
    local = datetime.combine(day, time(), STOCKHOLM_TZ) + timedelta(minutes=minute)
    return local.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def _app_reply_delay(rng: random.Random, at: datetime, typical: float) -> timedelta:
    """Fast inside office hours; outside, the clock starts at the next weekday 08:00."""
    local = at.astimezone(STOCKHOLM_TZ)
    start = local
    if local.weekday() >= 5 or not 8 <= local.hour < 16:
        day = local.date() + timedelta(days=0 if local.hour < 8 else 1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        start = datetime.combine(day, time(8), STOCKHOLM_TZ)
    minutes = typical * rng.lognormvariate(0, 0.8)
    return (start - local) + timedelta(minutes=minutes)


def build_app_export(root: Path, seed: int = 42) -> Path:
    """Six pages over 13 weeks, seeded: office-hour peaks, weekend backlogs, one closed wall,
    one page too small to rank, and messages with markup that must be shown as text."""
    rng = random.Random(seed)
    for page_id, name, _agency, _sector, open_wall, p_reply, typical, per_week in APP_PAGES:
        posts = []
        n = 0
        for week in range(APP_WEEKS):
            monday = APP_FIRST_DAY + timedelta(days=7 * week - APP_FIRST_DAY.weekday())
            page_post_at = _app_local(monday, 9 * 60 + rng.randrange(60))
            comments = []
            for _ in range(max(0, round(rng.gauss(per_week, per_week**0.5)))):
                n += 1
                day = monday + timedelta(days=rng.choices(range(7), [5, 4, 4, 4, 4, 2, 2])[0])
                minute = rng.choice([rng.randrange(7 * 60, 17 * 60)] * 3 + [rng.randrange(1440)])
                at_text = _app_local(day, minute)
                at = datetime.fromisoformat(at_text).replace(tzinfo=UTC)
                replies = []
                if rng.random() < p_reply:
                    reply_at = at + _app_reply_delay(rng, at, typical)
                    if reply_at < APP_AS_OF:
                        replies.append(
                            node(f"{page_id}_r{n}", reply_at.strftime("%Y-%m-%d %H:%M"), page_id,
                                 "Hej! Vi svarar här.")
                        )  # fmt: skip
                item = node(f"{page_id}_i{n}", at_text, f"u{rng.randrange(400)}",
                            rng.choice(APP_TEXTS), replies)  # fmt: skip
                item["permalink_url"] = f"https://www.facebook.com/{page_id}/posts/{n}"
                if open_wall and rng.random() < 0.3:
                    posts.append(item)
                else:
                    comments.append(item)
            posts.append(node(f"{page_id}_p{week}", page_post_at, page_id, "Veckans nyhet",
                              comments))  # fmt: skip
        write_page(root, page_id, name, [posts], fan_count=1000 * int(page_id[-1]))
    return root


APP_REGISTRY = "page_id,agency,sector,accepts_visitor_posts\n" + "".join(
    f"{p[0]},{p[2]},{p[3]},{str(p[4]).lower()}\n" for p in APP_PAGES
)


def build_app_data(data_dir: Path, seed: int = 42) -> Path:
    """A data folder with one snapshot of build_app_export (and its registry)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "registry.csv").write_text(APP_REGISTRY, encoding="utf-8")
    export = build_app_export(data_dir.parent / f"{data_dir.name}-export", seed)
    ingest_graph_api(data_dir, [export], as_of=APP_AS_OF)
    return data_dir


@pytest.fixture(scope="session")
def app_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dashboard tests' data folder, written once per test session (read-only by contract)."""
    return build_app_data(tmp_path_factory.mktemp("app") / "data")
