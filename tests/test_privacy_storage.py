"""Personal data never reaches the disk: checked on the bytes of every file in a data folder.

test_privacy.py checks `mask_text` on strings; this file checks the promise end to end. An export
whose visitor messages AND page replies carry identity numbers, e-mail addresses and phone
numbers is ingested through the CLI; then every file under the data folder is read back: Parquet
files decompressed (every string value of every column, and the raw bytes for good measure),
every other file as raw bytes. No valid number survives anywhere; look-alikes stay as written;
visitor ids and names appear nowhere.
"""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analysis.cli import main
from analysis.snapshot.privacy import EMAIL_MASK, PERSONNUMMER_MASK, PHONE_MASK
from tests.graph_export import node, write_page

PAGE = "910"


def luhn_ok(ten: str) -> bool:
    """The Luhn check on a 10-digit YYMMDDNNNC (weights 2,1,2,… from the left)."""
    digits = [int(c) * (2 - i % 2) for i, c in enumerate(ten)]
    return sum(d // 10 + d % 10 for d in digits) % 10 == 0


def with_check(nine: str) -> str:
    return next(nine + c for c in "0123456789" if luhn_ok(nine + c))


# (kind, written form). Every one of these must be masked wherever it is stored.
VALID = [
    ("personnummer", "811228-9874"),  # 10 digits with -
    ("personnummer", "8112289874"),  # without separator
    ("personnummer", "811228+9874"),  # + : 100 years or older
    ("personnummer", "811228 9874"),
    ("personnummer", "19811228-9874"),  # 12 digits with -
    ("personnummer", "198112289874"),
    ("personnummer", "19121212-1212"),  # Skatteverket's test number
    ("personnummer", "20" + with_check("000229123")),  # born on 29 Feb 2000
    ("personnummer", "640823-" + with_check("640823323")[6:]),
    ("samordningsnummer", "701063-2391"),  # day 03 + 60
    ("samordningsnummer", "7010632391"),
    ("samordningsnummer", "701063+2391"),
    ("samordningsnummer", "19701063-2391"),
    ("samordningsnummer", "197010632391"),
    ("samordningsnummer", with_check("991291555")[:6] + "-" + with_check("991291555")[6:]),
    ("e-post", "anna.svensson@example.se"),
    ("e-post", "a.b+facebook@sub.example.com"),
    ("e-post", "åsa.öberg@exempel.nu"),
    ("e-post", "KALLE_79@HOTMAIL.COM"),
    ("e-post", "x-y@foo-bar.co.uk"),
    ("telefon", "070-123 45 67"),
    ("telefon", "0701234567"),
    ("telefon", "070 123 45 67"),
    ("telefon", "+46 70 123 45 67"),
    ("telefon", "+46701234567"),
    ("telefon", "+46 (0)70-123 45 67"),
    ("telefon", "0046 70 123 45 67"),
    ("telefon", "08-123 456 78"),
    ("telefon", "(08) 12 34 56"),
    ("telefon", "031-12 34 56"),
    ("telefon", "+46 8 123 456 78"),
    ("telefon", "0771-524 524"),
]
MASK = {
    "personnummer": PERSONNUMMER_MASK,
    "samordningsnummer": PERSONNUMMER_MASK,
    "e-post": EMAIL_MASK,
    "telefon": PHONE_MASK,
}
# Look-alikes that are not personal data: stored exactly as written.
INVALID = [
    "811228-9875",  # Luhn fails
    "19811228-9875",
    with_check("811328987")[:6] + "-" + with_check("811328987")[6:],  # month 13
    with_check("811292987"),  # day 92: neither a birth day nor a coordination day
    "Ordernummer 1234567890",
    "OCR 12345678901234",
    "faktura 4711-0815",
    "2017-03-01",
    "20170301",
    "01/02/2017",
    "1 250 000 kr",
    "12 345,50 kr",
    "250:-",
    "kl. 08:00-16:00",
    "Dnr 2016-123456",
    "postnummer 118 82",
    "070-12",
    "0,75 %",
    "@Pensionsmynd",
    "user@localhost",
    "år 1999",
]
# The same numbers as people paste them from web pages and word processors: an en dash, a
# non-breaking hyphen or non-breaking spaces.
TYPOGRAPHIC = [
    ("personnummer", "811228\u20139874"),
    ("personnummer", "19811228\u20139874"),
    ("telefon", "070\u2013123 45 67"),
    ("telefon", "070-123\u00a045\u00a067"),
    ("telefon", "0771\u2011524\u00a0524"),
]

VISITOR = "visitor-id-{i:03d}-x"
NAME = "Förnamn{i} Efternamnsson"


def _export(root: Path, values: list[str]) -> Path:
    """One visitor post per value, and a page reply under it quoting the value; every post also
    gets a visitor comment (conversation, not stored) with the value."""
    posts = []
    for i, value in enumerate(values):
        thread = [
            node(f"{PAGE}_v{i}_r", "2017-01-03 10:30", PAGE, f"Svar: vi har noterat {value}."),
            node(f"{PAGE}_v{i}_x", "2017-01-03 10:40", VISITOR.format(i=900 + i), value),
        ]
        who = VISITOR.format(i=i)
        visitor = node(f"{PAGE}_v{i}", "2017-01-03 10:00", who, f"Hej, {value} tack", thread)
        visitor["from"]["name"] = NAME.format(i=i)
        visitor["comments"]["data"][1]["from"]["name"] = NAME.format(i=900 + i)
        posts.append(visitor)
    # Also as top-level comments under a page post, answered in their thread.
    comments = [
        node(f"{PAGE}_1_c{i}", "2017-01-04 10:00", VISITOR.format(i=i), f"{value}?",
             [node(f"{PAGE}_1_c{i}_r", "2017-01-04 11:00", PAGE, f"{value}!")])
        for i, value in enumerate(values)
    ]  # fmt: skip
    posts.append(node(f"{PAGE}_1", "2017-01-04 09:00", PAGE, "Fråga oss", comments))
    half = len(posts) // 2
    write_page(root, PAGE, "Integritetsverket", [posts[:half], posts[half:]])
    return root


def _ingest(data_dir: Path, export: Path) -> None:
    args = ["ingest", "graph-api", "--data-dir", str(data_dir), "--as-of", "2017-02-01T00:00:00Z"]
    assert main([*args, str(export)]) == 0


def stored_strings(data_dir: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for every string value in every Parquet file, decompressed, plus the
    file's key-value metadata; and the raw bytes of every file as text."""
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        yield str(path), raw.decode("utf-8", errors="replace")
        if path.suffix != ".parquet":
            continue
        meta = pq.read_metadata(path).metadata or {}
        for k, v in meta.items():
            yield f"{path}:metadata", (k + v).decode("utf-8", errors="replace")
        table = pq.read_table(path)
        for name in table.column_names:
            column = table[name]
            if pa.types.is_dictionary(column.type):
                column = column.cast(column.type.value_type)
            if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                for value in column.to_pylist():
                    if value is not None:
                        yield f"{path}:{name}", value


def _forms(value: str) -> set[str]:
    """The written form and, for numbers, its bare digits (a masked span cannot hide them)."""
    forms = {value, value.lower()}
    digits = re.sub(r"[^0-9]", "", value)
    if "@" not in value and len(digits) >= 7:
        forms.add(digits)
    return forms


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("privacy")
    values = [v for _, v in VALID] + INVALID
    _ingest(root / "data", _export(root / "export", values))
    return root / "data"


def test_no_valid_number_address_or_phone_survives_anywhere(stored):
    leaks = []
    for where, text in stored_strings(stored):
        for kind, value in VALID:
            for form in _forms(value):
                if form in text:
                    leaks.append((kind, value, where))
    assert not leaks


def test_nothing_personal_survives_in_quarantine(tmp_path):
    """The same values in items rejected by --skip-invalid (no UTC offset): the quarantine
    file, with its quoted reasons, holds none of them, nor the visitors' ids and names."""
    export = _export(tmp_path / "export", [v for _, v in VALID])
    for feed in (export / f"page_{PAGE}").glob("feed*.json"):
        doc = json.loads(feed.read_text("utf-8"))
        for item in doc["data"]:
            item["created_time"] = item["created_time"][:19]  # the offset cut off
        feed.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    data = tmp_path / "data"
    args = ["ingest", "graph-api", "--data-dir", str(data), "--skip-invalid"]
    assert main([*args, "--as-of", "2017-02-01T00:00:00Z", str(export)]) == 0
    (quarantined,) = (data / "quarantine").iterdir()
    assert len(quarantined.read_text("utf-8").splitlines()) == len(VALID) + 1
    leaks = [
        (value, where)
        for where, text in stored_strings(data)
        for _, value in VALID
        for form in _forms(value)
        if form in text
    ]
    assert not leaks
    blob = quarantined.read_text("utf-8")
    assert "visitor-id-" not in blob and "Efternamnsson" not in blob


def test_masked_in_visitor_posts_comments_and_page_replies(stored):
    (snap,) = (stored / "snapshots").iterdir()
    posts = {r["post_id"]: r["message"] for r in pq.read_table(snap / "posts.parquet").to_pylist()}
    replies = {
        r["reply_id"]: r["message"] for r in pq.read_table(snap / "replies.parquet").to_pylist()
    }
    for i, (kind, _value) in enumerate(VALID):
        mask = MASK[kind]
        assert posts[f"{PAGE}_v{i}"] == f"Hej, {mask} tack"
        assert replies[f"{PAGE}_v{i}_r"] == f"Svar: vi har noterat {mask}."
        assert posts[f"{PAGE}_1_c{i}"] == f"{mask}?"
        assert replies[f"{PAGE}_1_c{i}_r"] == f"{mask}!"


def test_look_alikes_are_stored_as_written(stored):
    (snap,) = (stored / "snapshots").iterdir()
    posts = {r["post_id"]: r["message"] for r in pq.read_table(snap / "posts.parquet").to_pylist()}
    replies = {
        r["reply_id"]: r["message"] for r in pq.read_table(snap / "replies.parquet").to_pylist()
    }
    for j, value in enumerate(INVALID, start=len(VALID)):
        assert posts[f"{PAGE}_v{j}"] == f"Hej, {value} tack"
        assert replies[f"{PAGE}_v{j}_r"] == f"Svar: vi har noterat {value}."
        assert posts[f"{PAGE}_1_c{j}"] == f"{value}?"
        assert replies[f"{PAGE}_1_c{j}_r"] == f"{value}!"


def test_visitor_ids_and_names_appear_nowhere(stored):
    n = len(VALID) + len(INVALID)
    secrets = [VISITOR.format(i=i) for i in (*range(n), *range(900, 900 + n))]
    secrets += [NAME.format(i=i) for i in (*range(n), *range(900, 900 + n))]
    secrets += ["Name of", "Efternamnsson"]
    found = [(s, where) for where, text in stored_strings(stored) for s in secrets if s in text]
    assert not found
    (snap,) = (stored / "snapshots").iterdir()
    keys = pq.read_table(snap / "posts.parquet")["author_key"].to_pylist()
    assert all(k is None or re.fullmatch(r"v_[0-9a-f]{16}", k) for k in keys)
    assert len({k for k in keys if k}) == n  # one pseudonym per visitor, the same in both places


def test_the_data_folder_holds_only_what_the_contract_lists(stored):
    """No copy of the raw export, nothing unexpected; the key is private to its owner."""
    names = sorted(str(p.relative_to(stored)) for p in stored.rglob("*") if p.is_file())
    (snap,) = (stored / "snapshots").iterdir()
    s = f"snapshots/{snap.name}"
    assert names == [
        ".lock", ".salt", f"{s}/item_facts.parquet", f"{s}/manifest.json", f"{s}/pages.parquet",
        f"{s}/posts.parquet", f"{s}/replies.parquet",
    ]  # fmt: skip
    assert stat.S_IMODE((stored / ".salt").stat().st_mode) == 0o600
    manifest = json.loads((snap / "manifest.json").read_text("utf-8"))
    assert "export" not in json.dumps(manifest)  # no source paths either


def test_typographic_separators_are_masked_too(tmp_path):
    _ingest(tmp_path / "data", _export(tmp_path / "export", [v for _, v in TYPOGRAPHIC]))
    leaks = [
        (value, where)
        for where, text in stored_strings(tmp_path / "data")
        for _, value in TYPOGRAPHIC
        if value in text or re.sub(r"[^0-9]", "", value) in text
    ]
    assert not leaks


# -- the demo world: it plants personal data in its messages; none may be stored -----------------

_PNR = re.compile(r"(?<![0-9])((?:18|19|20)?[0-9]{6})\s?[-+\u2010-\u2015]?\s?([0-9]{4})(?![0-9])")
_EMAIL = re.compile(r"[^\s@\[\]()<>,;:\"']+@[^\s@\[\]()<>,;:\"']+\.[^\W\d_]{2,}")
_PHONE = re.compile(
    r"(?<![\w+.,:/-])(?:\+46|0046|0)[\s\-()0]*[1-9](?:[\s\-()]{0,2}[0-9]){6,8}(?![0-9])"
)
# Columns that hold ids, keys and links, not free text (ids are digit runs by nature).
ID_COLUMNS = ("post_id", "page_id", "parent_id", "item_id", "reply_id", "author_key",
              "permalink_url", "link")  # fmt: skip


def find_pii(text: str) -> list[str]:
    """An independent, looser detector (no shared code with analysis/snapshot/privacy.py)."""
    hits = []
    for m in _PNR.finditer(text):
        ten = (m[1] + m[2])[-10:]
        month, day = int(ten[2:4]), int(ten[4:6])
        if 1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91) and luhn_ok(ten):
            hits.append(m[0])
    hits += _EMAIL.findall(text)
    for m in _PHONE.finditer(text):
        if not re.match(r"\s*(kr|sek|:-)", text[m.end() :], re.IGNORECASE):  # not an amount
            hits.append(m[0])
    return hits


def test_independent_detector_agrees_on_the_tables_above():
    for _, value in VALID:
        assert find_pii(f"Hej, {value} tack"), value
    for value in INVALID:
        assert not find_pii(f"Hej, {value} tack"), value


def test_demo_world_stores_no_personal_data(tmp_path):
    demo = pytest.importorskip("analysis.sources.demo")
    info = demo.write_demo(tmp_path / "data", items=5000)
    assert info.manifest["source"] == "demo"
    leaks = [
        (hit, where)
        for where, text in stored_strings(tmp_path / "data")
        if not where.endswith(".parquet")  # compressed bytes: their decoded columns are scanned
        and not where.endswith(tuple(f":{c}" for c in ID_COLUMNS))
        for hit in find_pii(text)
    ]
    assert not leaks[:20]
    # The demo does plant personal data (else this test proves nothing): masks are present.
    (snap,) = (tmp_path / "data" / "snapshots").iterdir()
    text = "\n".join(m or "" for m in pq.read_table(snap / "posts.parquet")["message"].to_pylist())
    assert PERSONNUMMER_MASK in text and EMAIL_MASK in text


def test_no_unmasked_text_is_remembered_after_a_snapshot(tmp_path):
    """Masking remembers short texts while a snapshot is written (exports repeat templates);
    the originals are forgotten once it is, failed or not, so a long-lived process (a host that
    ingests) holds no citizen's message beyond that."""
    from analysis.snapshot import privacy

    _ingest(tmp_path / "data", _export(tmp_path / "export", [v for _, v in VALID]))
    assert privacy._mask_short.cache_info().currsize == 0
    privacy._mask_row("ring 070-123 45 67")  # the cache does fill while masking
    assert privacy._mask_short.cache_info().currsize == 1
    privacy.forget_texts()
    assert privacy._mask_short.cache_info().currsize == 0
