"""Privacy rules applied before anything is stored: mask personal data, pseudonymise visitors.

Masking (`mask_text`, vectorised as `mask_messages`) replaces only the matched span by a token.
The exact rules, with examples of what is masked and what stays, are in docs/privacy.md.

The patterns run on a folded copy of the text of the same length, so every span maps back to
the original: each Unicode decimal digit (full-width, Arabic-Indic, ...) reads as its ASCII
digit, each space separator (no-break, figure, thin, narrow no-break, ...) and zero-width
character as a space, each dash and the minus sign as `-`, full-width ASCII as ASCII.

1. Personnummer and samordningsnummer -> PERSONNUMMER_MASK: YYMMDDNNNN or YYYYMMDDNNNN, the last
   four digits optionally after `-`, `+`, a space or a spaced dash, not part of a longer digit
   run; only if the Luhn check over the 10-digit form passes, the month is 01-12, the day 01-31
   (61-91 for a samordningsnummer) and a 12-digit form's century is 18, 19 or 20.
2. E-mail addresses -> EMAIL_MASK, found from each `@`: a domain to the right with a dot and a
   top-level domain of two or more letters, or an IP literal in brackets; then a local part of
   at most 64 characters to the left, an RFC 5322 dot-atom (letters of any script included) or
   quoted string, starting after the first character no address holds (`Mejla mig:anna@x.se`
   masks `anna@x.se`). `user@localhost` and `@anna` stay.
3. Swedish phone numbers -> PHONE_MASK: a trunk `0`, `+46`, `0046`, `(+46)` or `+46 (0)`, then
   7-9 digits, the first 1-9 (a mobile 07x number exactly 9), in groups of two or more digits
   after the first, separated by a space, a dash, a spaced dash, a slash or a parenthesis, or
   by dots only. Not inside a longer digit run, not after a digit and `-/.,:`, not a date
   (dd-mm-yyyy, dd.mm.yyyy, dd/mm/yyyy), not an amount (followed by kr, kronor, SEK or :-), not
   the YYMMDD-NNNN shape of a personnummer that failed its check.

Spans of different kinds that overlap are masked as one, by the first kind in that order. A
mask token counts as digits at the edges of a number, so masking a masked text changes nothing.

Every pattern is bounded (no quantifier can backtrack across the text), so masking is linear in
the text's length; `mask_messages` lets RE2 (linear too) pick the rows that can hold a match.

Pseudonymisation replaces a visitor id by "v_" + the first 16 hex digits of HMAC-SHA256 under a
secret key kept in `DATA_DIR/.salt`, so the same visitor gets the same key in every snapshot.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import sys
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from analysis.datafolder import salt_path
from analysis.errors import DataDirError

PERSONNUMMER_MASK = "[personnummer]"
EMAIL_MASK = "[e-post]"
PHONE_MASK = "[telefon]"

# --- Folding -------------------------------------------------------------------------------

# Invisible characters pasted inside numbers by web pages and word processors: zero-width
# space, non-joiner and joiner, word joiner, byte order mark, soft hyphen.
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


@cache
def _fold_table() -> dict[int, str]:
    """Code point -> its one-character folded form, for the few hundred that fold (built on the
    first text that needs it: scanning every code point takes a noticeable fraction of a
    second, and most texts are plain ASCII)."""
    table: dict[int, str] = {}
    for cp in range(0x80, sys.maxunicode + 1):
        category = unicodedata.category(chr(cp))
        if category == "Nd":
            table[cp] = str(unicodedata.digit(chr(cp)))
        elif category == "Zs":
            table[cp] = " "
        elif category == "Pd":
            table[cp] = "-"
    for ch in _ZERO_WIDTH:
        table[ord(ch)] = " "
    table[0x2212] = "-"  # minus sign (a math symbol, Sm, typed as a dash)
    for cp in range(0xFF01, 0xFF5F):  # full-width ASCII
        table.setdefault(cp, chr(cp - 0xFEE0))
    return table


@cache
def _foldable() -> re.Pattern[str]:
    """The characters that may fold: those of the Basic Multilingual Plane that do, and every
    character beyond it (a class of BMP characters only is one table lookup a character, one
    holding astral ranges as well a walk through all of them)."""
    ranges: list[tuple[int, int]] = []
    for cp in sorted(c for c in _fold_table() if c <= 0xFFFF):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    bmp = "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)
    return re.compile(f"[{bmp}]|[\\U00010000-\\U0010ffff]")


def _fold_one(m: re.Match[str]) -> str:
    ch = m[0]
    return _fold_table().get(ord(ch), ch)


def _fold(text: str) -> str:
    """The text with each character folded; same length, so spans map back one to one."""
    if text.isascii():
        return text
    # Only the few characters that fold are looked up (str.translate looks up every one).
    return _foldable().sub(_fold_one, text)


# --- Patterns on the folded text -----------------------------------------------------------
# Digits are spelled [0-9]: folding has made every digit ASCII. A mask token counts as a digit
# at a number's edge (`]` before it, `[` after it), so a number next to a masked one stays
# unmasked on a second pass just as it did on the first.

_PERSONNUMMER = re.compile(
    r"(?P<num>[0-9](?<![0-9\]][0-9])[0-9]{5}(?:[0-9]{2})?)"  # YYMMDD or YYYYMMDD
    r"(?: ?[-+] ?| )?"  # -, +, a space or a spaced dash
    r"(?P<tail>[0-9]{4})(?![0-9\[])"
)

_JOIN = r"(?: ?- ?| )?"  # between the parts of a prefix: +46 (0) 70
# Between digit groups: a space, a dash or slash (spaced or not), a closing parenthesis (08) 1.
_SEP = r"(?:\)? ?[-/] ?|\)? |\))"
# 7-9 digits, every group after the first of two or more: either with the separators above or
# with dots only (070.123.45.67), never a mix (a list of times 08.30 09.45). Then the end: not
# a date or version going on, not an amount.
_NATIONAL = (
    r"(?:[1-9](?:[0-9]|" + _SEP + r"[0-9](?=[0-9])){6,8}|[1-9](?:[0-9]|\.[0-9](?=[0-9])){6,8})"
    r"(?![0-9\[]|[.,:/][0-9\[])"
    r"(?![ 0-9]{0,12}(?:kr\b|kronor|sek\b|:-))"
)
# Not inside a number, date, time or address: checked just after the first character. Every
# alternative starts with a literal +, 0 or (, so the regex engine skips straight to those (a
# lookbehind first would make it try every position).
_EDGE = r"(?<![0-9+\]].)(?<![0-9\]][-/.,:].)"
_PLUS46 = rf"(?:\+{_EDGE}46|0{_EDGE}046){_JOIN}(?:\(0\){_JOIN}|0{_JOIN})?"  # +46 (0), 0046
_PAREN46 = rf"\({_EDGE}\+46\){_JOIN}(?:\(0\){_JOIN})?"  # (+46)
_TRUNK = rf"(?:\({_EDGE}0|0{_EDGE})"  # 0, (08)
_PHONE = re.compile(
    rf"{_PLUS46}(?P<n1>{_NATIONAL})|{_PAREN46}(?P<n2>{_NATIONAL})|{_TRUNK}(?P<n3>{_NATIONAL})",
    re.IGNORECASE,
)
_DATE = re.compile(r"[(]?0[1-9][-./ ]{1,3}(?:0?[1-9]|1[0-2])[-./ ]{1,3}(?:19|20)[0-9]{2}(?![0-9])")
_FAILED_PNR = re.compile(r"[0-9]{6}(?: ?[-+] ?)[0-9]{4}(?![0-9])")
_DIGIT = re.compile(r"[0-9]")

# The rows any of these can match, in RE2 syntax on the unfolded text: an `@` (or a full-width
# one), or eight digits of any script with at most four other characters between each two.
# Every personnummer and phone number has that; most messages do not. (RE2's \D is "not 0-9",
# a superset of "not a digit of any script" that RE2 compiles to a far smaller program.)
_CANDIDATE = r"[@\x{FF20}]|\p{Nd}(?:\D{0,4}\p{Nd}){7}"

_LOCAL_MAX = 64  # RFC 5321's limit on a local part
# RFC 5322's atext and the dot, with letters and digits of any script (RFC 6531) and combining
# accents (a decomposed å), matched on the reversed stretch before an `@`.
_LOCAL_RUN = re.compile(r"[\w!#$%&'*+/=?^`{|}~.\-\u0300-\u036f]*")
# A quoted local part, reversed: from its closing quote over anything but a line break to the
# first quote that no backslash escapes (reversed, no backslash follows).
_QUOTED_REV = re.compile(r'"(?:[^"\n]|"(?=\\))*+"')
# From the `@`: an IP literal, or dot-separated labels (letters and digits of any script and
# hyphens) ending in a top-level domain of two or more letters. No label holds a dot, so the
# only backtracking is over labels to the last dot followed by letters: linear.
_DOMAIN = re.compile(
    r"@(?:\[(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})\]"
    r"|\[IPv6:[0-9a-f:.]{2,45}\]"
    r"|(?:(?:[^\W_]|-)+\.)+[^\W\d_]{2,})",
    re.IGNORECASE,
)


def _local_start(folded: str, at: int) -> int | None:
    """Where the local part before the `@` at `at` begins, or None if there is none."""
    window = folded[max(0, at - _LOCAL_MAX) : at][::-1]
    if window.startswith('"'):  # a quoted string: "john doe"@x.se
        m = _QUOTED_REV.match(window)
        # without its opening quote on the line, at least the quote and the domain are masked
        return at - m.end() if m else at - 1
    local = window[: _LOCAL_RUN.match(window).end()][::-1]
    i = at - len(local)
    if ".." in local:  # no address holds a double dot: it starts after the last one
        i += local.rindex("..") + 2
    while i < at and folded[i] == ".":  # nor starts with a dot (the end of a sentence before)
        i += 1
    return i if i < at else None


def _email_spans(folded: str) -> list[tuple[int, int]]:
    # A local part may reach back into the address before it ("a@x.se"@y.se, a@b.se@c.se): the
    # spans overlap and are masked as one, so no half of either is left.
    spans: list[tuple[int, int]] = []
    for m in _DOMAIN.finditer(folded):
        start = _local_start(folded, m.start())
        if start is not None:
            spans.append((start, m.end()))
    return spans


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


def _is_phone(m: re.Match[str], folded: str) -> bool:
    start = m.start()
    if _DATE.match(folded, start) or _FAILED_PNR.match(folded, start):
        return False
    digits = re.sub(r"[^0-9]", "", m["n1"] or m["n2"] or m["n3"])
    return not digits.startswith("7") or len(digits) == 9  # mobile numbers are 07x-xxx xx xx


def _spans(folded: str) -> list[tuple[int, int, int]]:
    """(start, end, kind) of every match; kind 0 e-mail, 1 personnummer, 2 phone."""
    found: list[tuple[int, int, int]] = []
    if "@" in folded:
        found += [(a, b, 0) for a, b in _email_spans(folded)]
    if _DIGIT.search(folded) is not None:
        pnr = [m.span() for m in _PERSONNUMMER.finditer(folded) if _is_personnummer(m)]
        found += [(a, b, 1) for a, b in pnr]
        # A personnummer is not the start of a date or a version: a phone number right after
        # it and a dash ("8112289874-0701234567") is one of its own.
        if pnr:
            done, parts = 0, []
            for a, b in pnr:
                parts += [folded[done:a], "x" * (b - a)]
                done = b
            folded = "".join([*parts, folded[done:]])
        found += [(*m.span(), 2) for m in _PHONE.finditer(folded) if _is_phone(m, folded)]
    return found


_MASKS = (EMAIL_MASK, PERSONNUMMER_MASK, PHONE_MASK)


def mask_text(text: str | None) -> str | None:
    """One message with personnummer, e-mail addresses and phone numbers masked."""
    if not text:
        return text
    found = _spans(_fold(text))
    if not found:
        return text
    found.sort()
    out: list[str] = []
    done = 0  # text[:done] is written
    start, end, kind = found[0]
    for s, e, k in found[1:]:
        if s < end:  # overlapping spans are masked as one, by the first kind
            end, kind = max(end, e), min(kind, k)
            continue
        out += [text[done:start], _MASKS[kind]]
        done = end
        start, end, kind = s, e, k
    out += [text[done:start], _MASKS[kind], text[end:]]
    return "".join(out)


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
