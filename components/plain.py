"""What a person typed, on the screen as text: never Markdown, HTML, LaTeX, icons, colours or links.

Names, notes, adverse events and file names may hold anything (issue 12). `st.text`,
`st.code` and dataframe cells never interpret what they show, so they are the first choice.
Some Streamlit calls take only Markdown (headings, alerts, captions, widget and expander
labels, `help=`), and Streamlit's Markdown understands far more than CommonMark: `:red[…]`
colours, `:material/…:` icons, `$…$` LaTeX, GitHub-style autolinks, HTML entities. For
those, `escape_markdown` makes the text read back exactly as typed.
"""

from __future__ import annotations

import re

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones Markdown,
# GFM, KaTeX and Streamlit's directives give meaning to (`&` for entities such as `&lt;`).
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&=^])")
# Streamlit finds `:material/x:` icons and `:red[…]` colours even after `\:`; a numeric
# character reference shows the same colon but hides it from that search.
_COLON_REFERENCE = "&#58;"
# GFM turns `http://…`, `www.…` and `a@b.c` into links after escapes are decoded. An
# invisible word joiner inside the trigger keeps the text as it reads and makes no link.
_WORD_JOINER = "\u2060"
_AUTOLINK_TRIGGERS = re.compile(r"(?i)(?<=https)(?=:)|(?<=http)(?=:)|(?<=ftp)(?=:)|(?<=www)(?=\.)|(?<=@)")
_LINE_BREAKS = re.compile(r"[\r\n\t\f\v]+")


def escape_markdown(text: str) -> str:
    """User text for a Streamlit call that only takes Markdown: it reads back exactly as typed."""
    joined = _AUTOLINK_TRIGGERS.sub(_WORD_JOINER, str(text))
    return _MARKDOWN_SPECIALS.sub(r"\\\1", joined).replace(":", _COLON_REFERENCE)


def one_line(text: str, *, limit: int | None = None) -> str:
    """User text for a heading or label: line breaks as spaces, optionally cut at `limit` characters."""
    flat = _LINE_BREAKS.sub(" ", str(text)).strip()
    if limit is not None and len(flat) > limit:
        flat = flat[: max(limit - 1, 0)] + "…"
    return flat


def markdown_label(text: str, *, limit: int | None = 120) -> str:
    """User text as a heading, label or expander title: one line, escaped."""
    return escape_markdown(one_line(text, limit=limit))


def show_text(text: str) -> None:
    """User text as a block of plain text (`st.text`): nothing in it is interpreted."""
    import streamlit as st

    st.text(str(text))
