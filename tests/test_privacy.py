"""Masking of personal data in messages, pseudonymisation of visitors and the secret key."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat

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
    ],
)
def test_email_addresses_are_masked(text, expected):
    assert mask_text(text) == expected


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
