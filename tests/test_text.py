"""Text rules applied when messages are stored: question detection and the size limit."""

from __future__ import annotations

import pyarrow as pa
import pytest

from analysis.snapshot.text import MAX_MESSAGE_CHARS, is_question, truncate


@pytest.mark.parametrize(
    "message",
    [
        "När kommer min pension?",
        "hur gör jag för att byta bank",
        "Tack. Kan ni ringa mig",
        "Får jag dra av resor till jobbet",
        "Hej! Varför har ni inte svarat",
        "... Vilka regler gäller",
        "How do I apply",
        "thanks! where is my refund",
        "Är det här rätt sida",
        "Min fråga: vad gäller?",
        "\u201dHur gör jag",  # a quote mark
        "– när kommer beslutet",  # a dash
        "👍 När kommer pengarna",  # an emoji
        "👍🏽 När kommer pengarna",  # with a skin tone
        "👨\u200d👩\u200d👧 Hur ansöker vi",  # a ZWJ sequence
        "🇸🇪 Vad gäller för utlandssvenskar",  # a flag
        "❤️ Kan ni hjälpa mig",  # with a variation selector
        "→ Vart ska jag vända mig",  # a symbol
        "Tack! 🙏🙏 Hur länge dröjer det",  # after a sentence end
        "2. Hur gör jag",  # a number before it
    ],
)
def test_questions_are_found(message):
    assert is_question(pa.array([message])).to_pylist() == [True]


@pytest.mark.parametrize(
    "message",
    [
        "Tack för hjälpen!",
        "Ni är bäst",  # "är" only opens a question at the start of a sentence
        "Hurra, pengarna kom",  # "hur" must end at a word boundary
        "Vadå. Det stämmer inte",
        "Great service",
        "👍 Tack för svaret",  # an emoji before a statement
        "🙂 Hurra",  # a word that only starts like an interrogative
        "Bra 👍 kan vara",  # an interrogative mid-sentence, after an emoji
        "Canada is nice",
        "",
    ],
)
def test_statements_are_not_questions(message):
    assert is_question(pa.array([message])).to_pylist() == [False]


def test_no_message_is_not_a_question():
    assert is_question(pa.array([None, "Hur?"], pa.string())).to_pylist() == [False, True]


def test_long_messages_are_cut_at_the_limit_and_short_ones_kept():
    long = "å" * (MAX_MESSAGE_CHARS + 5)
    out = truncate(pa.array([long, "kort", None], pa.string())).to_pylist()
    assert out[0] == "å" * MAX_MESSAGE_CHARS
    assert out[1:] == ["kort", None]
