"""Clinical notes as plain text, newest first.

A note holds whatever a person typed: it is never interpreted as Markdown or HTML, so a
stray `#`, `*` or link cannot change how it (or the page) reads. Risk sentences found by
note analysis are shown above the text, always, with denials marked as denials.
"""

from __future__ import annotations

import re

from components import plain
from services.views import NoteView

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def escape_markdown(text: str) -> str:
    """User text made safe for the few Streamlit calls that only take Markdown (titles, labels)."""
    # components.plain also hides colons, entities and autolinks from Streamlit's Markdown (issue 12).
    return plain.escape_markdown(text)


def newest_first(notes: tuple[NoteView, ...] | list[NoteView]) -> list[NoteView]:
    return sorted(notes, key=lambda note: note.written_at, reverse=True)


def note_heading(note: NoteView) -> str:
    return f"{note.written_at:%Y-%m-%d %H:%M} · {note.kind} note · {note.author}"


def risk_lines(note: NoteView) -> list[str]:
    return [
        ("DENIAL (marked by note analysis): " if risk.get("denial") else "RISK LANGUAGE: ") + str(risk.get("text", ""))
        for risk in note.risk_sentences
    ]


def render_notes(notes: tuple[NoteView, ...], *, limit: int | None = None) -> None:
    """Each note: heading, risk sentences (always), summary, then the full text — all plain."""
    import streamlit as st

    ordered = newest_first(notes)
    if not ordered:
        st.caption("No notes recorded.")
        return
    for index, note in enumerate(ordered[:limit] if limit else ordered):
        with st.container(border=True):
            st.text(note_heading(note))
            for line in risk_lines(note):
                if line.startswith("RISK"):
                    st.error(escape_markdown(line), icon="⚠️")
                else:
                    st.info(escape_markdown(line))
            if note.summary:
                st.text("Summary: " + " … ".join(note.summary))
            if note.themes:
                st.caption("Themes: " + escape_markdown(", ".join(note.themes)))
            with st.expander("Full note", expanded=index == 0):
                st.text(note.text)
