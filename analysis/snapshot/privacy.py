"""Privacy rules applied before anything is stored: mask personal data, pseudonymise visitors.

Masking (`mask_text`, vectorised as `mask_messages`) replaces only the matched span by a token,
in this order:

1. Personnummer and samordningsnummer -> PERSONNUMMER_MASK. YYMMDDNNNC or YYYYMMDDNNNC, with an
   optional separator before the last four digits (`-`, `+`, a space, or a typographic dash,
   minus or no-break space as pasted from other programs), not part of a longer digit run.
   Kept only if the Luhn check over the 10-digit form passes, the month is 01-12, the day 01-31
   (61-91 for a samordningsnummer) and a 12-digit form's century is 18, 19 or 20. Look-alikes
   that fail (order numbers, ISO dates, amounts) stay as they are.
2. E-mail addresses (local@domain.tld) -> EMAIL_MASK.
3. Swedish phone numbers -> PHONE_MASK: a trunk `0` (or `+46` / `0046`, optionally followed by
   `(0)` or `0`) and then 7-9 digits, the first 1-9, with at most a `)` and one space or dash
   between digits, typographic ones included (070-123 45 67, (08) 12 34 56, +46 70 123 45 67,
   0046 8 123 456 78, 070\u2013123\u00a045\u00a067). Mobile
   numbers (07x) need exactly 9. Not matched: numbers inside a longer digit run or after a digit
   and `-/.,:` (the tail of 2017-03-01), dd-mm-yyyy dates, amounts followed by kr/SEK/:- and the
   YYMMDD-NNNN shape of a personnummer that failed its check.

Pseudonymisation replaces a visitor id by "v_" + the first 16 hex digits of HMAC-SHA256 under a
secret key kept in `DATA_DIR/.salt`, so the same visitor gets the same key in every snapshot.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from analysis.datafolder import salt_path
from analysis.errors import DataDirError

PERSONNUMMER_MASK = "[personnummer]"
EMAIL_MASK = "[e-post]"
PHONE_MASK = "[telefon]"

# Digits are spelled [0-9]: Python's \d also matches non-ASCII digits, RE2's does not.
# "[0-9](?<![0-9]{2})" is a digit not preceded by a digit; starting with a plain character class
# lets Python's regex engine skip quickly to candidate positions.
# Separators as people paste them: ASCII hyphen and space, and from word processors and web
# pages the Unicode hyphens and dashes (U+2010-U+2015), the minus sign (U+2212) and the
# no-break, thin and narrow no-break spaces (U+00A0, U+2009, U+202F).
_DASH = "\\-\u2010-\u2015\u2212"
_SPACE = " \u00a0\u2009\u202f"
_PERSONNUMMER = re.compile(
    rf"(?P<num>[0-9](?<![0-9]{{2}})[0-9]{{5}}(?:[0-9]{{2}})?)[+{_DASH}{_SPACE}]?"
    r"(?P<tail>[0-9]{4})(?![0-9])"
)
_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
_PHONE = re.compile(
    rf"(?=[+0(])(?<![0-9+])(?<![0-9][/.,:{_DASH}])"  # not inside a number, date or time
    rf"(?!0[1-9][/{_DASH} ](?:0[1-9]|1[0-2])[/{_DASH} ](?:19|20)[0-9]{{2}}(?![0-9]))"  # dd-mm-yyyy
    rf"(?![0-9]{{6}}[+{_DASH}][0-9]{{4}}(?![0-9]))"  # not YYMMDD-NNNN (a failed personnummer)
    rf"(?:(?:\+|00)46[{_DASH}{_SPACE}]?(?:\(0\)[{_DASH}{_SPACE}]?|0)?|\(?0)"  # +46/0046, or 0
    rf"(?P<national>[1-9](?:\)?[{_DASH}{_SPACE}]?[0-9]){{6,8}})(?![0-9])"
    r"(?!\s*(?:kr\b|kronor|sek\b|:-))",  # an amount, not a number
    re.IGNORECASE,
)
_DIGIT = re.compile(r"[0-9]")
# The three patterns loosened (no lookarounds) into RE2 syntax: rows that do not match cannot
# change, so only those reach Python.
_CANDIDATE = (
    rf"@|[0-9]{{6}}[+{_DASH}{_SPACE}]?[0-9]{{4}}"
    rf"|(?:(?:\+|00)46[{_DASH}{_SPACE}]?(?:\(0\)[{_DASH}{_SPACE}]?|0)?|\(?0)"
    rf"[1-9](?:\)?[{_DASH}{_SPACE}]?[0-9]){{6}}"
)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _is_personnummer(m: re.Match[str]) -> bool:
    num, tail = m["num"], m["tail"]
    date = num[-6:]  # YYMMDD; a 12-digit form starts with the century
    month, day = int(date[2:4]), int(date[4:6])
    return (
        num[:-6] in ("", "18", "19", "20")
        and 1 <= month <= 12
        and (1 <= day <= 31 or 61 <= day <= 91)  # samordningsnummer: day + 60
        and _luhn_ok(date + tail)
    )


def _phone(m: re.Match[str]) -> str:
    digits = re.sub(r"[^0-9]", "", m["national"])
    if digits.startswith("7") and len(digits) != 9:  # mobile numbers are 07x-xxx xx xx
        return m[0]
    return PHONE_MASK


def mask_text(text: str | None) -> str | None:
    """One message with personnummer, e-mail addresses and phone numbers masked."""
    if not text:
        return text
    has_digits = _DIGIT.search(text) is not None
    if has_digits:
        text = _PERSONNUMMER.sub(lambda m: PERSONNUMMER_MASK if _is_personnummer(m) else m[0], text)
    if "@" in text:
        text = _EMAIL.sub(EMAIL_MASK, text)
    if has_digits:
        text = _PHONE.sub(_phone, text)
    return text


def contains_pii(text: str) -> bool:
    """True if `mask_text` would change the text."""
    return mask_text(text) != text


_CACHED_CHARS = 500  # longer texts are masked every time, never kept


@lru_cache(maxsize=8_192)
def _mask_short(text: str) -> str:
    """`mask_text` of a short text, remembered: batches of one ingest repeat their templates."""
    return mask_text(text)


def forget_texts() -> None:
    """Drop the remembered texts (unmasked originals among them): called when a snapshot has
    been written, so a long-lived process keeps no citizen's message beyond that."""
    _mask_short.cache_clear()


def _mask_row(text: str | None) -> str | None:
    # Only short texts are kept, so the cache holds at most a few tens of MB whatever comes in.
    if text is not None and len(text) <= _CACHED_CHARS:
        return _mask_short(text)
    return mask_text(text)


def mask_messages(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """`mask_text` over a string column; RE2 picks the few candidate rows for Python to mask."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_null(values.type) or len(values) == 0:
        return values
    candidate = pc.fill_null(pc.match_substring_regex(values, _CANDIDATE), False)
    # Mask each distinct candidate once: exports repeat texts (templates, copy-paste storms).
    encoded = pc.filter(values, candidate).dictionary_encode()
    distinct = encoded.dictionary.to_pylist()
    masked = [_mask_row(row) for row in distinct]
    if masked == distinct:  # nothing to mask: no copy
        return values
    replaced = pc.take(pa.array(masked, type=values.type), encoded.indices)
    return pc.replace_with_mask(values, candidate, replaced)


def pseudonymise(ids: pa.Array | pa.ChunkedArray, key: bytes) -> pa.Array:
    """Visitor ids as "v_" + 16 hex digits of HMAC-SHA256; nulls stay null."""
    if isinstance(ids, pa.ChunkedArray):
        ids = ids.combine_chunks()
    if not pa.types.is_string(ids.type):
        ids = ids.cast(pa.string())
    encoded = ids.dictionary_encode()  # hash each distinct id once
    keyed = hmac.new(key, digestmod=hashlib.sha256)  # copying skips re-keying per id
    hashed = []
    for value in encoded.dictionary.to_pylist():
        mac = keyed.copy()
        mac.update(value.encode())
        hashed.append("v_" + mac.hexdigest()[:16])
    return pc.take(pa.array(hashed, type=pa.string()), encoded.indices)


def load_or_create_key(data_dir: Path) -> bytes:
    """The secret key in `data_dir/.salt` (32 bytes, hex); created with mode 0600 if missing."""
    path = salt_path(data_dir)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".salt.tmp-{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_bytes(32).hex() + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)  # atomic, and never replaces a key written meanwhile
            except FileExistsError:
                pass
        finally:
            tmp.unlink(missing_ok=True)
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError) as exc:
        raise DataDirError(f"{path}: cannot read the pseudonymisation key ({exc})") from None
    if len(key) != 32:
        raise DataDirError(f"{path}: the pseudonymisation key must be 32 bytes in hex")
    return key
