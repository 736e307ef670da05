"""Text rules applied to messages when they are stored: question detection and size limits."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

MAX_MESSAGE_CHARS = 10_000

# Interrogative openings of any sentence (Swedish first, then English). A verb-first Swedish
# sentence ("Får jag …", "Kan ni …") is a question too. RE2's \b is ASCII-only, so the word
# end is spelled out. A sentence opens after any leading run of non-letters: spaces, punctuation,
# quotes and dashes, digits, symbols and emoji alike — with skin tones (modifier symbols), ZWJ
# sequences (format characters), variation selectors (marks) and flags (regional indicators).
INTERROGATIVES = (
    "hur", "vad", "varför", "när", "var", "vart", "vem", "vems", "vilken", "vilket", "vilka",
    "kan", "kunde", "får", "fick", "ska", "skall", "skulle", "måste", "finns", "är", "har",
    "hade", "behöver", "går", "gäller", "stämmer", "borde",
    "how", "what", "why", "when", "where", "who", "which", "can", "could", "do", "does", "did",
    "is", "are", "should", "will", "would", "may",
)  # fmt: skip
_OPENING = r"(?:^|[.!\n])[^\p{L}]*"
QUESTION_PATTERN = r"\?|" + _OPENING + "(?:" + "|".join(INTERROGATIVES) + r")(?:[\s,.!:;]|$)"


def is_question(messages: pa.Array | pa.ChunkedArray) -> pa.Array:
    """True where a message asks something: a question mark or an interrogative opening."""
    found = pc.match_substring_regex(messages, QUESTION_PATTERN, ignore_case=True)
    return pc.fill_null(found, False)


def truncate(messages: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Messages cut at MAX_MESSAGE_CHARS characters (the original length is stored apart)."""
    return pc.utf8_slice_codeunits(messages, 0, MAX_MESSAGE_CHARS)
