"""URL state: every filter and selection of a view lives in `st.query_params`.

A copied link reopens the same view in any browser. How it works, once per script run:

1. `begin()` compares the address with what this session last wrote. When they differ (a link
   was opened, or the visitor edited the address), the address's values are this run's
   *incoming* values; otherwise the values the session already holds stand.
2. Each widget is created through `choice`, `day_range` or `several`: an incoming value is checked
   against an allowlist (known options, page ids, sane dates) and, when valid, becomes the
   widget's value; an invalid one is dropped with a warning and the default is used. Nothing
   from the address is ever used unchecked, so it cannot reach SQL as text.
3. `finish()` writes the values of the widgets this page rendered back into the address, so it
   always shows the current view (and nothing else), and shows the warnings.

The values live in a session store, the source of truth: Streamlit forgets a widget's state
when the page changes, so every widget gets its value from the store on every run and reports
changes back by callback. That is what lets a filter follow the visitor from page to page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from ui.i18n import DEFAULT_LANG, LANGS, t

STORE = "_svarstid_store"  # name -> value, across pages and runs
WRITTEN = "_svarstid_written"  # the query parameters this session last wrote
INCOMING = "_svarstid_incoming"  # this run's values from a new address, not yet consumed
NOW = "_svarstid_now"  # name -> values to write into the address at the end of this run
WARNINGS = "_svarstid_warnings"
NOTES = "_svarstid_notes"
LANG = "_svarstid_lang"
EARLIEST_DAY = date(2004, 1, 1)  # no Facebook page is older
LATEST_DAY = date(2099, 12, 31)
MAX_VALUE_CHARS = 200  # longer URL values are refused before any lookup

Params = dict[str, tuple[str, ...]]
# what each address parameter is called on screen (ui.i18n keys)
PARAM_LABELS = {
    "lang": "language", "period": "period", "since": "since", "until": "until", "scope": "scope",
    "clock": "clock", "level": "level", "sector": "sector", "id": "param_id", "ids": "param_ids",
    "snapshot": "sheet_snapshot", "goal": "goal", "chart": "chart_choice",
}  # fmt: skip


def _read_url() -> Params:
    return {k: tuple(st.query_params.get_all(k)) for k in st.query_params}


def begin() -> None:
    """Start a run: decide whether the address brings new values (see the module docstring)."""
    ss = st.session_state
    ss.setdefault(STORE, {})
    current = _read_url()
    ss[INCOMING] = dict(current) if current != ss.get(WRITTEN) else {}
    ss[NOW] = {}
    ss[WARNINGS] = []
    ss[NOTES] = []


def _incoming(name: str) -> tuple[str, ...] | None:
    return st.session_state.get(INCOMING, {}).pop(name, None)


def warn(name: str) -> None:
    """Note that the address's value for `name` was not usable (shown by finish)."""
    st.session_state.setdefault(WARNINGS, []).append(name)


def _keep(name: str, value: Any, url: tuple[str, ...] | None) -> None:
    st.session_state[STORE][name] = value
    if url is not None:
        st.session_state[NOW][name] = url


def stored(name: str, default: Any = None) -> Any:
    return st.session_state.get(STORE, {}).get(name, default)


def _clean(raw: tuple[str, ...]) -> list[str]:
    return [v for v in raw if 0 < len(v) <= MAX_VALUE_CHARS]


def _resolve(name: str, valid: Callable[[Any], bool], parse: Callable, default: Any) -> Any:
    """An incoming value when valid, else (with a warning) the default; without one, the
    stored value when still valid (options can change with the level), else the default."""
    raw = _incoming(name)
    if raw is not None:
        values = _clean(raw)
        parsed = parse(values) if values else None
        if parsed is not None and valid(parsed):
            return parsed
        warn(name)
        return default
    value = stored(name, default)
    return value if valid(value) else default


def _prepare(name: str, key: str, value: Any) -> dict:
    """Give the widget its value for this run; its changes reach the store by callback.

    The store, not the widget, is the source of truth: Streamlit drops a widget's state when
    the page changes (even for the same key on the next page), so the value is set again on
    every run, before the widget is created.
    """
    st.session_state[key] = value
    return {"key": key, "on_change": _sync, "args": (name, key)}


def _sync(name: str, key: str) -> None:
    st.session_state[STORE][name] = st.session_state[key]


def choice(
    name: str,
    options: Sequence[str],
    default: str,
    widget: Callable[..., Any],
    label: str,
    format_func: Callable[[str], str] = str,
    aliases: dict[str, str] | None = None,
    quiet_default: bool = False,
    **kwargs,
) -> str:
    """One option of `options`, kept in the address as `name=<option>`; an address value in
    `aliases` (an option that was merged into another) opens the option it names. With
    `quiet_default`, the default is left out of the address (a choice most views never make)."""
    options = list(options)
    if default not in options:
        default = options[0]
    valid = options.__contains__
    aliases = aliases or {}
    value = _resolve(
        name,
        lambda v: isinstance(v, str) and valid(v),
        lambda vs: aliases.get(vs[-1], vs[-1]),
        default,
    )
    wiring = _prepare(name, f"w_{name}", value)
    result = widget(label, options, format_func=format_func, **wiring, **kwargs)
    if result not in options:  # a cleared widget
        result = default
    _keep(name, result, (result,) if result and not (quiet_default and result == default) else None)
    return result


def several(
    name: str,
    options: Sequence[str],
    default: Sequence[str],
    widget: Callable[..., Any],
    label: str,
    format_func: Callable[[str], str] = str,
    max_selections: int | None = None,
    **kwargs,
) -> list[str]:
    """Some of `options`, kept in the address as repeated `name=<option>`."""
    options = list(options)
    known = set(options)
    limit = max_selections or len(options)

    def valid(v) -> bool:
        return isinstance(v, list) and len(v) <= limit and all(x in known for x in v)

    def parse(values: list[str]) -> list[str] | None:
        """The known values of the address (a warning names the others); None if none is."""
        asked = list(dict.fromkeys(values))
        good = [v for v in asked if v in known][:limit]
        if len(good) < len(asked) and good:
            warn(name)
        return good or None

    value = _resolve(name, valid, parse, list(default))
    wiring = _prepare(name, f"w_{name}", value)
    result = widget(
        label, options, format_func=format_func, max_selections=max_selections, **wiring, **kwargs
    )
    result = [x for x in result if x in known]
    _keep(name, result, tuple(result) if result else None)
    return result


def day_range(
    names: tuple[str, str],
    defaults: tuple[date, date],
    widget: Callable[..., Any],
    labels: tuple[str, str],
) -> tuple[date, date]:
    """Two dates, from and to: a reversed pair from the address (or typed in) is swapped in
    the store before the fields are drawn, so the fields show what is computed (and a notice
    says so)."""
    first, second = names
    since = _resolve(first, _sane_day, _iso_day, defaults[0])
    until = _resolve(second, _sane_day, _iso_day, defaults[1])
    if since > until:
        since, until = until, since
        note("swapped_dates")
    out = []
    for name, value, label in zip(names, (since, until), labels, strict=True):
        wiring = _prepare(name, f"w_{name}", value)
        result = widget(
            label, min_value=EARLIEST_DAY, max_value=LATEST_DAY, format="YYYY-MM-DD", **wiring
        )
        if not _sane_day(result):
            result = value
        out.append(result)
    since, until = out
    if since > until:  # typed in reversed on this run: swap the fields on the next
        since, until = until, since
        note("swapped_dates")
    for name, value in zip(names, (since, until), strict=True):
        _keep(name, value, (value.isoformat(),))
    return since, until


def _sane_day(v) -> bool:
    return isinstance(v, date) and EARLIEST_DAY <= v <= LATEST_DAY


def note(key: str) -> None:
    """A notice (an ui.i18n key) to show with the address's warnings."""
    st.session_state.setdefault(NOTES, []).append(key)


def remap(name: str, valid: Callable[[Any], bool], fn: Callable[[Any], Any]) -> Any:
    """When the stored value of `name` no longer fits (`valid` says no: e.g. a page id after a
    switch to agency level) and the address brings no new one, replace it with `fn(value)`;
    returns the value replaced (None when nothing was)."""
    if name in st.session_state.get(INCOMING, {}):
        return None
    old = stored(name)
    if old is None or old == [] or valid(old):
        return None
    new = fn(old)
    if new is None or new == []:
        return None
    st.session_state[STORE][name] = new
    return old


def _last(values: list[str]) -> str:
    return values[-1]


def _iso_day(values: list[str]) -> date | None:
    text = values[-1]
    if len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


# -- the two values every page shares -------------------------------------------------------------


def language() -> str:
    """The interface language from the switch in the sidebar (`lang=sv|en` in the address)."""
    lang = choice(
        "lang",
        LANGS,
        DEFAULT_LANG,
        st.sidebar.radio,
        "Språk · Language",
        format_func=lambda code: t(f"lang_{code}", code),
        horizontal=True,
    )
    st.session_state[LANG] = lang
    return lang


def current_language() -> str:
    return st.session_state.get(LANG, DEFAULT_LANG)


def snapshot(known: Sequence[str]) -> str | None:
    """The pinned snapshot (`snapshot=<id>`, one of `known`) or None for the latest data."""
    known = list(known)
    raw = _incoming("snapshot")
    if raw is not None:
        values = _clean(raw)
        if values and values[-1] in known:
            st.session_state[STORE]["snapshot"] = values[-1]
            st.session_state["w_pin"] = True
        else:
            warn("snapshot")
            st.session_state[STORE]["snapshot"] = None
            st.session_state["w_pin"] = False
    pinned = stored("snapshot")
    if pinned not in known:
        pinned = None
    st.session_state[STORE]["snapshot"] = pinned
    if pinned:
        st.session_state[NOW]["snapshot"] = (pinned,)
    return pinned


def pin_switch(snapshot_id: str | None, label: str, help_text: str) -> None:
    """A checkbox that pins the address to `snapshot_id` (or unpins it)."""

    def changed() -> None:
        st.session_state[STORE]["snapshot"] = snapshot_id if st.session_state["w_pin"] else None

    st.session_state["w_pin"] = bool(stored("snapshot"))
    st.checkbox(label, key="w_pin", on_change=changed, help=help_text, disabled=not snapshot_id)


PUBLIC_URL_VARIABLE = "SVARSTID_PUBLIC_URL"


def public_url() -> str:
    """The dashboard's address as the public reaches it, without a trailing slash:
    `$SVARSTID_PUBLIC_URL` (or the secret `SVARSTID_PUBLIC_URL`, which Streamlit's secrets make
    an environment variable; ui.data.source loads them), else the scheme and host the visitor's
    browser used (st.context.url) with the server's base path; empty when neither is known."""
    import os
    from urllib.parse import urlsplit

    configured = os.environ.get(PUBLIC_URL_VARIABLE, "").strip()
    if configured.startswith(("https://", "http://")):
        return configured.rstrip("/")
    seen = st.context.url
    if not seen:
        return ""
    parts = urlsplit(seen)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{parts.scheme}://{parts.netloc}" + (f"/{base}" if base else "")


def view_link(url_path: str) -> str:
    """An absolute link to this view (page `url_path` with the address's values)."""
    return f"{public_url()}/{url_path}?{query_string()}"


def query_string() -> str:
    """The address's query string for the values registered so far in this run."""
    pairs = [(k, v) for k, vs in st.session_state.get(NOW, {}).items() for v in vs]
    return urlencode(pairs)


# -- the end of a run -----------------------------------------------------------------------------


def finish(notices) -> None:
    """Write this view's values into the address and show the warnings in `notices`."""
    ss = st.session_state
    target: Params = dict(ss.get(NOW, {}))
    if target != _read_url():
        st.query_params.from_dict({k: list(v) if len(v) != 1 else v[0] for k, v in target.items()})
    ss[WRITTEN] = target
    names = list(dict.fromkeys(ss.get(WARNINGS, [])))
    notes = list(dict.fromkeys(ss.get(NOTES, [])))
    if names or notes:  # one notice for everything the address could not give as it was
        lang = current_language()
        labels = [f"{t(PARAM_LABELS[n], lang) if n in PARAM_LABELS else n} ({n})" for n in names]
        lines = []
        if labels:
            key = "bad_param" if len(labels) == 1 else "bad_params"
            lines.append(t(key, lang, name=", ".join(labels)))
        lines += [t(n, lang) for n in notes]
        with notices:
            st.warning("  \n".join(lines), icon=":material/link_off:")
