"""The page registry: reading the hand-edited CSV, writing it, and filling in defaults."""

from __future__ import annotations

import pytest

from analysis import registry
from analysis.datafolder import registry_path
from analysis.errors import InputError
from analysis.registry import PageEntry, load_registry, resolve, write_registry

HEADER = ",".join(registry.COLUMNS) + "\n"


def _write(tmp_path, body: str, header: str = HEADER, encoding: str = "utf-8"):
    registry_path(tmp_path).write_text(header + body, encoding=encoding)


def test_a_missing_registry_is_empty(tmp_path):
    assert load_registry(tmp_path) == {}


def test_a_row_is_read_with_its_values(tmp_path):
    _write(tmp_path, "p1,Skatteverket,Skatteverket,Myndighet,nej,mon-fri 09:00-15:00,,60\n")
    entry = load_registry(tmp_path)["p1"]
    assert entry == PageEntry(
        page_id="p1",
        page_name="Skatteverket",
        agency="Skatteverket",
        sector="Myndighet",
        accepts_visitor_posts=False,
        opening_hours="mon-fri 09:00-15:00",
        timezone=None,
        sla_minutes=60,
    )


def test_a_byte_order_mark_from_excel_is_accepted(tmp_path):
    _write(tmp_path, "p1,,,,,,,\n", encoding="utf-8-sig")
    assert list(load_registry(tmp_path)) == ["p1"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ja", True), ("SANT", True), ("yes", True), ("1", True),
     ("nej", False), ("falskt", False), ("No", False), ("0", False), ("", None)],
)  # fmt: skip
def test_visitor_posts_flag_in_swedish_and_english(tmp_path, text, expected):
    _write(tmp_path, f"p1,,,,{text},,,\n")
    assert load_registry(tmp_path)["p1"].accepts_visitor_posts is expected


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("p1,,,,kanske,,,\n", "accepts_visitor_posts must be true or false, not 'kanske'"),
        ("p1,,,,,,,två\n", "sla_minutes must be a whole number, not 'två'"),
        ("p1,,,,,mon-fri 16:00-08:00,,\n", "closes before it opens"),
        ("p1,,,,,,Mars/Olympus,\n", "unknown time zone 'Mars/Olympus'"),
        (",Namnlös,,,,,,\n", "a row has no page_id"),
    ],
)
def test_a_bad_row_names_the_file_the_page_and_the_field(tmp_path, row, message):
    _write(tmp_path, row)
    with pytest.raises(InputError) as caught:
        load_registry(tmp_path)
    text = str(caught.value)
    assert text.startswith(str(registry_path(tmp_path)))
    assert message in text
    assert "\n" not in text
    if row.startswith("p1"):
        assert "(item p1)" in text


def test_a_header_without_page_id_is_refused(tmp_path):
    _write(tmp_path, "x,y\n", header="name,agency\n")
    with pytest.raises(InputError, match="the header must include page_id"):
        load_registry(tmp_path)


def test_text_that_is_not_utf8_is_refused(tmp_path):
    latin1 = "p1,Försäkringskassan\n".encode("latin-1")
    registry_path(tmp_path).write_bytes(HEADER.encode() + latin1)
    with pytest.raises(InputError, match="not UTF-8 text"):
        load_registry(tmp_path)


def test_what_is_written_reads_back_the_same(tmp_path):
    entries = [
        PageEntry("p1", "Pensionsmyndigheten", "Pensionsmyndigheten", "Myndighet", True,
                  "mon-thu 08:00-16:30; fri 08:00-15:00", "Europe/Stockholm", 240),
        PageEntry("p2", agency="Polisen", accepts_visitor_posts=False),
        PageEntry("p3"),
    ]  # fmt: skip
    write_registry(tmp_path, entries)
    assert list(load_registry(tmp_path).values()) == entries
    assert not list(tmp_path.glob(".*.tmp"))


def test_resolve_fills_every_default():
    values = resolve(None, "p9", "Kronofogden", has_visitor_posts=True)
    assert values == {
        "page_id": "p9",
        "page_name": "Kronofogden",
        "agency": "Kronofogden",
        "sector": registry.DEFAULT_SECTOR,
        "accepts_visitor_posts": True,
        "opening_hours": "mon-fri 08:00-16:00",
        "timezone": "Europe/Stockholm",
        "sla_minutes": 120,
    }


def test_resolve_keeps_what_the_registry_says():
    entry = PageEntry("p1", agency="CSN", sector="Myndighet", accepts_visitor_posts=False,
                      opening_hours="always", sla_minutes=480)  # fmt: skip
    values = resolve(entry, "p1", "CSN Studiestöd", has_visitor_posts=True)
    assert values["agency"] == "CSN"
    assert values["accepts_visitor_posts"] is False
    assert values["opening_hours"] == "always"
    assert values["sla_minutes"] == 480


def test_comment_lines_are_skipped(tmp_path):
    _write(
        tmp_path, "# a note in between\np1,,,,,,,90\n  # indented too\n", header="# top\n" + HEADER
    )
    assert load_registry(tmp_path)["p1"].sla_minutes == 90


def test_written_with_comments_reads_back_the_same(tmp_path):
    entries = [PageEntry("p1", "Sidan", "Verket", "Transport", True, "mon-fri 08:00-16:00",
                         "Europe/Stockholm", 120)]  # fmt: skip
    write_registry(tmp_path, entries, comments=True)
    text = registry_path(tmp_path).read_text(encoding="utf-8")
    assert all(f"# {name}: " in text for name in registry.COLUMNS)
    assert list(load_registry(tmp_path).values()) == entries
