"""Masking of personal data in messages, pseudonymisation of visitors and the secret key."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
import sys
import unicodedata

import pyarrow as pa
import pytest

from analysis.errors import DataDirError
from analysis.snapshot.privacy import (
    EMAIL_MASK,
    PERSONNUMMER_MASK,
    PHONE_MASK,
    contains_pii,
    load_or_create_key,
    mask_messages,
    mask_text,
    pseudonymise,
)

P, E, T = PERSONNUMMER_MASK, EMAIL_MASK, PHONE_MASK


def luhn_sum(digits: str) -> int:
    """Luhn sum over digits weighted 2, 1, 2, … from the left (the personnummer convention)."""
    total = 0
    for i, ch in enumerate(digits):
        d = int(ch) * (2 - i % 2)
        total += d // 10 + d % 10
    return total


def with_check(nine: str) -> str:
    """YYMMDDNNN + its check digit."""
    return nine + str((10 - luhn_sum(nine) % 10) % 10)


def test_luhn_helper_agrees_with_known_numbers():
    # By hand: 811228-9874 → 7+1+2+2+4+8+9+8+5+4 = 50; 701063-2391 → 5+0+2+0+3+3+4+3+9+1 = 30.
    assert luhn_sum("8112289874") == 50
    assert luhn_sum("7010632391") == 30
    assert with_check("121212121") == "1212121212"  # Skatteverket's test number 19121212-1212
    assert luhn_sum("8112289875") % 10 != 0


def FULL_WIDTH(text: str) -> str:
    """Digits, dashes and + as full-width forms (U+FF10-FF19, U+FF0D, U+FF0B)."""
    return text.translate({**{48 + i: 0xFF10 + i for i in range(10)}, 45: 0xFF0D, 43: 0xFF0B})


def ARABIC_INDIC(text: str) -> str:
    return text.translate({48 + i: 0x0660 + i for i in range(10)})


# Valid numbers (10-digit YYMMDDNNNC) and the forms they are written in.
VALID_10 = [
    "8112289874",
    "7010632391",  # samordningsnummer: day 03 + 60
    "1212121212",
    with_check("640823323"),
    with_check("000229123"),  # born 2000
    with_check("991291555"),  # samordningsnummer on day 31 + 60
]
FORMS = [
    lambda n: f"{n[:6]}-{n[6:]}",
    lambda n: f"{n[:6]}+{n[6:]}",
    lambda n: f"{n[:6]} {n[6:]}",
    lambda n: n,
    lambda n: f"19{n[:6]}-{n[6:]}",
    lambda n: f"20{n}",
    lambda n: f"18{n[:6]}+{n[6:]}",
    # pasted from word processors and web pages: en dash, minus sign, no-break space
    lambda n: f"{n[:6]}\u2013{n[6:]}",
    lambda n: f"19{n[:6]}\u2212{n[6:]}",
    lambda n: f"{n[:6]}\u00a0{n[6:]}",
    # a spaced dash, figure and thin spaces, full-width and Arabic-Indic digits
    lambda n: f"{n[:6]} - {n[6:]}",
    lambda n: f"19{n[:6]} \u2013 {n[6:]}",
    lambda n: f"{n[:6]}\u2007{n[6:]}",
    lambda n: f"{n[:6]}\u2009{n[6:]}",
    lambda n: f"{n[:6]}\u202f{n[6:]}",
    lambda n: f"{n[:6]}\u200b{n[6:]}",
    lambda n: FULL_WIDTH(f"{n[:6]}-{n[6:]}"),
    lambda n: FULL_WIDTH(f"19{n}"),
    lambda n: ARABIC_INDIC(f"{n[:6]}-{n[6:]}"),
]
SENTENCES = [
    "Mitt personnummer är {}.",
    "{} är min sons nummer, varför har ni inte svarat?",
    "Hej!\nJag skickade in ansökan (pnr {}) för tre veckor sedan",
    "Se ärendet:{}",
]


@pytest.mark.parametrize("number", [f(n) for n in VALID_10 for f in FORMS])
@pytest.mark.parametrize("sentence", SENTENCES)
def test_valid_personnummer_are_masked(number, sentence):
    assert mask_text(sentence.format(number)) == sentence.format(P)


@pytest.mark.parametrize(
    "text",
    [
        "Fel kontrollsiffra: 811228-9875",
        "Fel kontrollsiffra: 19811228-9875",
        "19850101-1234 är inte giltigt",
        "850101-1234 är inte giltigt",
        f"Månad 13: {with_check('811328987')}",
        f"Dag 00: {with_check('811200987')}",
        f"Dag 32: {with_check('811232987')}",
        f"Dag 92: {with_check('811292987')}",
        f"Sekel 17: 17{with_check('811228987')}",
        "Ingår i en längre siffersträng: 98112289874 och 8112289874123",
        "Ordernummer 1234567890, faktura 4711-0815, kundnummer 123456789",
        "Beslutet kom 2017-03-01, alltså 20170301, efter ansökan 01-02-2017 och 01/02/2017",
        "Det kostar 12 500 kr, inte 1 250 000 kr eller 1 031 500 000 kr eller 3 070 000 kronor",
        "Öppet kl 08:00-16:30, lunch 12.00–13.00, år 1985 och 2017",
        "Ärende 2017-123456 gäller avgift 250:- per månad",
        "Fel kontrollsiffra med tankstreck: 811228\u20139875",
        "Datum med tankstreck 2017\u201303\u201301 och 01\u201302\u20132017, kl 08\u201316",
        "Det kostar 12\u00a0500 kr eller 3\u00a0070\u00a0000 kronor",
        "Fel kontrollsiffra, full bredd: " + FULL_WIDTH("811228-9875"),
        "Fel kontrollsiffra med mellanslag och streck: 811228 - 9875",
        # dates, times, amounts, addresses and versions that have the digits of a phone number
        "Lista: 08.30 09.45 10.15 och 08.30, 09.45, 10.15",
        "Datum 01.03.2017, 1.3.2017, 01/03/2017, 01 03 2017, 2017-03-01, 01-03-2017",
        "Det kostar 070 123 kr, eller 08 123 456 kr, eller 0 701 234 567 SEK",
        "Servern 192.168.0.1, 10.0.0.1, 010.120.130.140, version 0.12.3.4567 och v1.2.3",
        "Öppet 08:00-16:30, 08.00-16.30, 08.00–16.30",
        "Order 0123-456, kvitto 0000000, konto 070-12",
        "OCR 12345678901234 och 00461234",
        "Längre siffersträngar: 10701234567, 0701234567890, 46701234567",
        "Inget personligt här alls",
        "",
    ],
)
def test_look_alikes_are_left_alone(text):
    assert mask_text(text) == text
    assert not contains_pii(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mejla anna.svensson@kommun.se.", f"Mejla {E}."),
        ("Skriv till Anna.Svensson+fb@gmail.com!", f"Skriv till {E}!"),
        ("info@foretag-abc.co.uk (jobb)", f"{E} (jobb)"),
        ("åsa@exempel.se eller kalle_79@hotmail.com", f"{E} eller {E}"),
        ("@kommunen svara nu", "@kommunen svara nu"),
        # RFC 5322: a quoted local part, an IP literal, atext punctuation (apostrophe, !)
        ('Skriv till "anna svensson"@kommun.se nu', f"Skriv till {E} nu"),
        ('"a\\"b"@x.se', E),
        ("anna@[192.168.0.1] eller anna@[IPv6:2001:db8::1]", f"{E} eller {E}"),
        ("o'brien@exempel.se", E),
        ("Hej hej!@exempel.se", f"Hej {E}"),
        ("a!#$%&'*+/=?^_`{|}~-b@x.se", E),
        ("anna.b.c@a.b.c.se", E),
        # the left edge: the first character that no address holds (space, :, (, <, ", ,)
        ("Mejla mig:anna@x.se", f"Mejla mig:{E}"),
        ("(anna@x.se), <anna@x.se>; anna@x.se,", f"({E}), <{E}>; {E},"),
        ("...anna@x.se", f"...{E}"),
        ("a..anna@x.se", f"a..{E}"),
        # the right edge: the last letter of the top-level domain
        ("anna@x.se.", f"{E}."),
        ("anna@x.se-kontoret", f"{E}-kontoret"),
        ("anna@kommun.se8112289874", f"{E}{P}"),
        # written in full-width forms, in other scripts, with a decomposed å
        ("anna\uff20exempel\uff0ese", E),
        ("\u00e5sa.\u00f6berg@exempel.nu", E),
        ("a\u030asa@exempel.nu", E),
        ("\u0430\u043d\u043d\u0430@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444", E),
    ],
)
def test_email_addresses_are_masked(text, expected):
    assert mask_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "@anna svara nu, @Pensionsmynd",
        "kl. 10@home",
        "a @ b och a@ b och a @b",
        "user@localhost",
        "anna@x",
        "anna@x.s",
        "anna@192.168.0.1",
        "anna@[999.1.1.1]",
        "anna@[personnummer]",
        "@.se",
        "mejla @ kommunen . se",
        '"anna\nsvensson"@localhost',
        "Twitter: @svarstid_se",
    ],
)
def test_email_look_alikes_stay(text):
    assert mask_text(text) == text


PHONES = [
    "070-123 45 67",
    "0701234567",
    "070 123 45 67",
    "070-1234567",
    "+46 70 123 45 67",
    "+46701234567",
    "+46 (0)70-123 45 67",
    "0046 70 123 45 67",
    "08-123 456 78",
    "08-12 34 56",
    "(08) 123 45 67",
    "031-12 34 56",
    "0046 8 123 456 78",
    "+46 8 123 456 78",
    "010-123 45 67",
    "0771-123 456",
    "070\u2013123 45 67",  # en dash
    "070-123\u00a045\u00a067",  # no-break spaces
    "0771\u2011524\u00a0524",  # non-breaking hyphen
    "+46\u00a070\u2011123\u202f45\u202f67",  # narrow no-break spaces
    "070\u2007123\u200745\u200767",  # figure spaces
    "070\u2009123\u200945\u200967",  # thin spaces
    "070\u200b123\u200b45\u200b67",  # zero-width spaces
    "070 - 123 45 67",  # a spaced dash
    "070 \u2013 123 45 67",
    "08 - 123 456 78",
    "070.123.45.67",  # dots
    "08.123.45.67",
    "08/123 456",  # a slash
    "08/123 45 67",
    "08 / 123 45 67",
    "(+46) 70 123 45 67",
    "(+46)70-123 45 67",
    "+46 (0) 70 123 45 67",
    "+46(0)70-1234567",
    "(0771) 524 524",
    "(08)123 45 67",
    "0046-8-123 456 78",
    "\uff10\uff17\uff10-\uff11\uff12\uff13 \uff14\uff15 \uff16\uff17",  # full width
    "\u0660\u0667\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667",  # Arabic-Indic
]


@pytest.mark.parametrize("phone", PHONES)
@pytest.mark.parametrize("sentence", ["Ring mig på {}.", "{} efter kl 17", "Tel:{}, tack!"])
def test_phone_numbers_are_masked(phone, sentence):
    assert mask_text(sentence.format(phone)) == sentence.format(T)


def test_several_items_in_one_message():
    text = (
        "Jag heter Anna, pnr 19811228-9874, mejl anna@example.se, "
        "tel 070-123 45 67 eller 08-12 34 56 070-765 43 21. Beslut 2017-03-01?"
    )
    assert mask_text(text) == (
        f"Jag heter Anna, pnr {P}, mejl {E}, tel {T} eller {T} {T}. Beslut 2017-03-01?"
    )


def test_numbers_next_to_each_other_or_to_an_address():
    assert mask_text("anna@x.se-0701234567") == f"{E}-{T}"
    assert mask_text("0701234567@sms.se") == E  # overlapping spans: one mask, the first kind
    assert mask_text("8112289874-070 123 45 67") == f"{P}-{T}"
    assert mask_text("8112289875-070 123 45 67") == "8112289875-070 123 45 67"  # not a pnr
    assert mask_text("070 123 45 67-8112289874") == f"{T}-{P}"
    assert mask_text("a@b.se@c.se") == E  # addresses that share characters: one mask
    assert mask_text('"anna@x.se"@y.se och "a@b"@c.se') == f"{E} och {E}"
    assert mask_text('"anna\nsvensson"@x.se') == f'"anna\nsvensson{E}'  # no quote on the line


@pytest.mark.parametrize(
    "text",
    [
        "a@" * 100_000,
        "@" * 200_000,
        "1 " * 100_000,
        "0" * 200_000,
        ".".join("0123456789" * 20_000),
        "01 " * 66_000,
        "0\u00a0" * 100_000,
        "a" * 200_000 + "@x.se",
        "a@" + "b." * 100_000,
        "a@" + "b" * 200_000,
        '"' * 200_000 + "@x.se",
        "+46 (0)" * 30_000,
        "\uff10" * 200_000,
    ],
    ids=lambda text: f"{text[:12]!r}x{len(text)}",
)
def test_adversarial_texts_of_200_000_characters(text):
    """Texts built to make a backtracking masker take quadratic time. Only the results are
    checked here; benchmarks/masking.py measures the time."""
    masked = mask_text(text)
    assert mask_text(masked) == masked
    if text.startswith("a" * 100):  # a local part ends 64 characters before the @
        assert masked == "a" * (200_000 - 64) + E
    elif text.startswith('""'):  # the last two quotes are an empty quoted local part
        assert masked == '"' * (200_000 - 2) + E
    elif text.startswith("01 "):  # "01 01 01 01" has eight digits in groups: a phone number
        assert PHONE_MASK in masked and "01 01 01 01" not in masked
    else:
        assert masked == text


def test_a_long_message_is_masked_everywhere_in_it():
    chunk = "Hej! Jag undrar över ärendet från 2017-03-01, ring 070-123 45 67 el. anna@x.se. "
    text = chunk * 2_500  # 200,000 characters
    assert (
        mask_text(text)
        == f"Hej! Jag undrar över ärendet från 2017-03-01, ring {T} el. {E}. " * 2_500
    )


def test_numbers_in_every_script_are_masked_in_a_column_too():
    """mask_messages lets RE2 pick the rows by \\p{Nd}: every digit the masker folds must be one
    to RE2 as well, or a row would be passed over."""
    zeros = [
        c for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) == "Nd" and unicodedata.digit(chr(c)) == 0
    ]  # fmt: skip
    assert len(zeros) > 50  # Unicode decimal digits come in runs 0-9, one run per script
    texts = [f"ring {'070-123 45 67'.translate({48 + i: z + i for i in range(10)})}" for z in zeros]
    texts += [f"pnr {'811228-9874'.translate({48 + i: z + i for i in range(10)})}" for z in zeros]
    assert mask_messages(pa.array(texts)).to_pylist() == [f"ring {T}"] * len(zeros) + [
        f"pnr {P}"
    ] * len(zeros)


def test_none_passes_through():
    assert mask_text(None) is None


ALL_TEXTS = [
    *(s.format(f(n)) for n in VALID_10[:2] for f in FORMS for s in SENTENCES[:2]),
    *(s.format(p) for p in PHONES for s in ["Ring {}", "{}!"]),
    "Mejla anna.svensson@kommun.se.",
    "19850101-1234 är inte giltigt",
    "Beslutet kom 2017-03-01 och kostar 12 500 kr",
    "Hur lång är handläggningstiden?",
    "",
    None,
]


@pytest.mark.parametrize("type_", [pa.string(), pa.large_string()])
def test_mask_messages_matches_mask_text_row_by_row(type_):
    values = pa.array(ALL_TEXTS, type=type_)
    out = mask_messages(values)
    assert isinstance(out, pa.Array)
    assert out.type == type_
    assert out.to_pylist() == [mask_text(v) for v in ALL_TEXTS]
    chunked = pa.chunked_array([values.slice(0, 5), values.slice(5)])
    assert mask_messages(chunked).to_pylist() == out.to_pylist()


def test_mask_messages_without_pii_and_empty_input():
    values = pa.array(["Hej", None, "Öppet 08:00-16:00"])
    assert mask_messages(values).to_pylist() == values.to_pylist()
    assert mask_messages(pa.array([], type=pa.string())).to_pylist() == []
    assert mask_messages(pa.array([None, None])).to_pylist() == [None, None]


IDS = ["100004523456789", "100004523456790", None, "100004523456789"]


def test_pseudonymise_is_keyed_deterministic_and_keeps_nulls():
    key = bytes(range(32))
    out = pseudonymise(pa.array(IDS), key).to_pylist()
    expected = "v_" + hmac.new(key, IDS[0].encode(), hashlib.sha256).hexdigest()[:16]
    assert out[0] == out[3] == expected
    assert out[1] != out[0] and out[1].startswith("v_") and len(out[1]) == 18
    assert out[2] is None
    assert pseudonymise(pa.chunked_array([IDS[:2], IDS[2:]]), key).to_pylist() == out
    other = pseudonymise(pa.array(IDS), bytes(32)).to_pylist()
    assert other[0] != out[0] and other[1] != out[1] and other[2] is None
    for raw in filter(None, IDS):
        assert all(raw not in pseudonym for pseudonym in filter(None, out + other))


def test_load_or_create_key_creates_once_then_rereads(tmp_path):
    data_dir = tmp_path / "data"
    key = load_or_create_key(data_dir)
    salt = data_dir / ".salt"
    assert len(key) == 32
    assert stat.S_IMODE(os.stat(salt).st_mode) == 0o600
    assert bytes.fromhex(salt.read_text().strip()) == key
    assert load_or_create_key(data_dir) == key
    assert sorted(p.name for p in data_dir.iterdir()) == [".salt"]
    assert load_or_create_key(tmp_path / "other") != key


def test_load_or_create_key_reads_an_existing_key_and_rejects_a_bad_one(tmp_path):
    (tmp_path / ".salt").write_text("ab" * 32 + "\n")
    assert load_or_create_key(tmp_path) == bytes([0xAB]) * 32
    (tmp_path / ".salt").write_text("not hex")
    with pytest.raises(DataDirError):
        load_or_create_key(tmp_path)
    (tmp_path / ".salt").write_text("ab" * 8)
    with pytest.raises(DataDirError):
        load_or_create_key(tmp_path)


def test_mask_messages_gives_the_same_when_its_cache_is_warm():
    """Short texts are masked once and remembered; long ones are masked every time. Both give
    exactly `mask_text`, batch after batch."""
    from analysis.snapshot import privacy

    long_texts = [t + " " + "x" * privacy._CACHED_CHARS for t in ALL_TEXTS if t]
    values = pa.array(ALL_TEXTS + long_texts)
    expected = [mask_text(v) for v in values.to_pylist()]
    privacy._mask_short.cache_clear()
    assert mask_messages(values).to_pylist() == expected  # cold
    assert privacy._mask_short.cache_info().hits == 0
    assert mask_messages(values).to_pylist() == expected  # warm
    assert privacy._mask_short.cache_info().hits > 0
    assert privacy._mask_short.cache_info().currsize <= len(ALL_TEXTS)


def test_lone_surrogates_are_masked_around_not_crashed_on():
    text = "\ud800 070-123 45 67 anna@x.se\udfff"
    assert mask_text(text) == f"\ud800 {T} {E}\udfff"


def test_the_masking_benchmark_reports_every_case(tmp_path, monkeypatch):
    """`python -m benchmarks.masking` on tiny sizes: every case and ratio is in the report."""
    from benchmarks import masking

    monkeypatch.setattr(masking, "MIN_SECONDS", 0.0)
    out = tmp_path / "results-masking.md"
    assert masking.main(["--sizes", "1k,2k", "--repeats", "1", "--out", str(out)]) == 0
    report = out.read_text(encoding="utf-8")
    for case in masking.CASES:
        assert f"| {case} |" in report
    assert "Lowest ratio between sizes" in report and "shared" in report
