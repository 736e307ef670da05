"""Escaping text from the data for Markdown: nothing in a name is read as markup."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ui.format import _JOINER, _MARKDOWN_SPECIAL, md_escape

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
    return re.sub(r"\\(.)", r"\1", text).replace(_JOINER, "")


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
