"""Escaping text from the data for Markdown: nothing in a name is read as markup."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ui.format import _JOINER, _MARKDOWN_SPECIAL, isolate, md_escape

NAMES = [
    "&lt;b&gt;fet&lt;/b&gt; &amp; &copy;",
    ":material/warning: Verket :smile:",
    "%{x} %{customdata} Verket",
    "<script>alert(1)</script> **fet** [a](javascript:x)",
    "\u202eRTL-överstyrning\u202c Verket",
    "Verket https://evil.example anna@evil.example www.evil.example",
    "Ett" + "ord" * 2000,
]


def _unescape(text: str) -> str:
    """What a reader sees once Markdown resolves the escapes (the joiner is invisible)."""
    text = re.sub(r"\\(.)", r"\1", text).replace(_JOINER, "")
    if text.startswith("\u2068"):  # the isolate around a right-to-left name (see `isolate`)
        text = re.sub("[\u202c\u2069]+$", "", text[1:])
    return text


@pytest.mark.parametrize("name", NAMES)
def test_a_name_reads_back_as_itself(name):
    assert _unescape(md_escape(name)) == name


@pytest.mark.parametrize("name", NAMES)
def test_no_markup_survives_the_escape(name):
    out = md_escape(name)
    unescaped = re.sub(r"\\.", "", out)  # what Markdown could still read as syntax
    assert not any(ch in unescaped for ch in _MARKDOWN_SPECIAL)
    assert not re.search(r":[^" + _JOINER + "]", out)  # no shortcode can start after a colon
    assert "&lt;" not in unescaped and "&amp;" not in unescaped


@settings(derandomize=True, max_examples=300)
@given(st.text())
def test_any_text_reads_back_as_itself(text):
    assert _unescape(md_escape(text)) == text


_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200f"


def _open_after(text: str) -> int:
    """How many embeddings, overrides and isolates are still open at the end of `text`, by the
    matching rules of UAX #9 (a PDI closes its isolate and whatever was opened inside it; a PDF
    closes the last embedding or override inside the current isolate; unmatched closers are
    ignored)."""
    stack: list[str] = []
    for ch in text:
        if ch in "\u202a\u202b\u202d\u202e":
            stack.append("E")
        elif ch in "\u2066\u2067\u2068":
            stack.append("I")
        elif ch == "\u202c" and stack and stack[-1] == "E":
            stack.pop()
        elif ch == "\u2069" and "I" in stack:
            while stack.pop() != "I":
                pass
    return len(stack)


@pytest.mark.parametrize(
    "name",
    ["\u202eRTL-överstyrning Verket", "\u2069\u202e\u202e Verket", "مرحبا Verket", "\u2067x"],
)
def test_a_right_to_left_name_leaves_nothing_open_after_it(name):
    assert _open_after(name) > 0 or "مرحبا" in name
    out = isolate(name)
    assert out.startswith("\u2068") and name in out
    assert _open_after(out) == 0
    assert _open_after(md_escape(name)) == 0


def test_left_to_right_names_are_not_touched():
    assert isolate("Försäkringskassan 2017 &lt;") == "Försäkringskassan 2017 &lt;"


@settings(derandomize=True, max_examples=300)
@given(st.text(alphabet=st.sampled_from(_CONTROLS + "ab ע"), max_size=30))
def test_any_mix_of_directional_controls_is_closed(text):
    assert _open_after(isolate(text)) == 0
