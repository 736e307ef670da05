"""Shared fixtures: a small, hand-checked Graph API export and data folders built from it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from analysis.ingest import ingest_graph_api
from tests.graph_export import node, write_page

AS_OF = datetime(2017, 1, 31, 12, 0, tzinfo=UTC)
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
