"""Note cards (issue 9): what a clinician reads of a note before a session, risk language first.

Every risk sentence note analysis found is shown first and in full, whatever the summary
picked (SPEC §7: risk is never hidden inside a summary); a denial ("denies SI") is shown
too, marked as a denial. Note text is whatever a person typed, so it is shown with
`st.text` (never Markdown) and escaped where Streamlit only takes Markdown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from components import plain
from services.views import IntentionLine, NotesDigest, NoteView

NO_RISK_FOUND = "No risk language found by note analysis. That is not an all-clear: read the note."
INTENTION_COLUMNS = ["Set on", "Intention", "Addressed in integration"]


def card_heading(note: NoteView, patient: str | None = None) -> str:
    """`Integration note · 2026-03-20 16:00 · therapist`, after the patient when the list mixes patients."""
    heading = f"{note.kind.replace('_', ' ').capitalize()} note · {note.written_at:%Y-%m-%d %H:%M} · {note.author}"
    return f"{plain.one_line(patient)} — {heading}" if patient else heading


def risk_label(risk: dict[str, Any]) -> str:
    """One risk sentence in words: `Risk language (plan, means): …` or `Denial (suicide): …`."""
    categories = ", ".join(str(c).replace("_", " ") for c in risk.get("categories", ()))
    about = f" ({categories})" if categories else ""
    kind = "Denial" if risk.get("denial") else "Risk language"
    return f"{kind}{about}: {plain.one_line(str(risk.get('text', '')))}"


def ordered_risks(note: NoteView) -> list[dict[str, Any]]:
    """Affirmed risk sentences before denials, each group in note order."""
    return sorted(note.risk_sentences, key=lambda risk: (bool(risk.get("denial")), risk.get("start", 0)))


def summary_text(note: NoteView) -> str:
    """The summary sentences, one per line, in the note's order."""
    return "\n".join(f"• {plain.one_line(sentence)}" for sentence in note.summary)


def intention_status(line: IntentionLine) -> str:
    """`yes (shared themes: grief, sister)`, `no`, or that no integration note has followed yet."""
    if line.integration_notes_after == 0:
        return "not yet: no integration note since"
    if line.addressed:
        return f"yes (shared themes: {', '.join(line.shared_themes)})"
    return "no"


def intentions_frame(lines: Sequence[IntentionLine]) -> pd.DataFrame:
    """The intentions as a table of plain text cells."""
    rows = [
        {
            "Set on": f"{line.set_on:%Y-%m-%d}",
            "Intention": plain.one_line(line.text),
            "Addressed in integration": intention_status(line),
        }
        for line in lines
    ]
    return pd.DataFrame(rows, columns=INTENTION_COLUMNS)


def render_note_card(note: NoteView, *, patient: str | None = None, expanded: bool = False) -> None:
    """A note card: heading, every risk sentence, the summary, the themes, the full text on demand."""
    import streamlit as st

    with st.container(border=True):
        st.text(card_heading(note, patient))
        for risk in ordered_risks(note):
            if risk.get("denial"):
                st.info(plain.escape_markdown(risk_label(risk)), icon="ℹ️")
            else:
                st.error(plain.escape_markdown(risk_label(risk)), icon="⚠️")
        if not note.risk_sentences:
            st.caption(NO_RISK_FOUND)
        if note.summary:
            st.caption("Summary (sentences from the note, in its order)")
            st.text(summary_text(note))
        if note.themes:
            st.caption("Themes: " + plain.escape_markdown(", ".join(note.themes)))
        with st.expander("Full note", expanded=expanded):
            st.text(note.text)


def render_note_cards(notes: Sequence[NoteView], *, empty: str = "No notes.") -> None:
    import streamlit as st

    if not notes:
        st.caption(empty)
    for note in notes:
        render_note_card(note)


def render_themes_and_intentions(digest: NotesDigest) -> None:
    """The themes that keep coming back in integration, and the intentions set in preparation."""
    import streamlit as st

    st.markdown("##### Recurring themes in integration")
    if digest.recurring_themes:
        st.text(", ".join(plain.one_line(theme) for theme in digest.recurring_themes))
    else:
        st.caption("No integration notes to draw themes from yet.")
    st.markdown("##### Intentions from preparation")
    if digest.intentions:
        st.dataframe(
            intentions_frame(digest.intentions),
            hide_index=True,
            column_config={
                "Set on": st.column_config.TextColumn(width=90),
                "Intention": st.column_config.TextColumn(width=520),
            },
        )
    else:
        st.caption("No intention found in the preparation notes.")


def render_notes_digest(digest: NotesDigest | None) -> None:
    """The patient page's digest: the latest integration notes as cards, then themes and intentions."""
    import streamlit as st

    if digest is None:
        return
    st.markdown("#### Latest integration notes")
    render_note_cards(digest.latest_integration, empty="No integration notes yet.")
    render_themes_and_intentions(digest)
