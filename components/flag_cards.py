"""A flag as a card: level in words and colour, status, since, evidence, and its actions.

The card only asks; it returns what the clinician chose (`FlagAction`) and the page hands
that to the service, which checks access and the resolve rule again. When resolving is
not allowed, the reason is written on the card before anyone clicks — no hovering needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from components.notes_list import escape_markdown
from components.severity import flag_title, level, level_text
from services.views import FlagCard, FlagTransitionRow

ACKNOWLEDGEMENTS = ("safety plan reviewed", "C-SSRS administered", "consulted supervisor", "other")


@dataclass(frozen=True)
class FlagAction:
    """What a clinician asked to do with a flag."""

    action: Literal["acknowledge", "resolve"]
    flag: FlagCard
    acknowledgement: str | None = None
    note: str = ""


def evidence_lines(card: FlagCard) -> list[str]:
    """`2026-03-04 — detail` for every piece of evidence, oldest first."""
    lines = []
    for item in sorted(card.evidence, key=lambda e: str(e.get("date", ""))):
        lines.append(f"{item.get('date', 'date unknown')} — {item.get('detail', '(no detail)')}")
    return lines


def headline(card: FlagCard, *, with_patient: bool = False) -> str:
    who = f"{card.patient_name} — " if with_patient else ""
    return f"{level_text(card.level)} · {who}{flag_title(card.kind)}"


def render_flag_card(
    card: FlagCard, *, key: str, with_patient: bool = False, actions: bool = True
) -> FlagAction | None:
    """Draw one card; return the action the clinician submitted on it, if any."""
    import streamlit as st

    shown = level(card.level)
    with st.container(border=True):
        top = st.columns([3, 1])
        top[0].markdown(f"**{escape_markdown(headline(card, with_patient=with_patient))}**")
        top[1].badge(f"{shown.word} · {card.status}", color=shown.badge_colour)  # type: ignore[arg-type]
        st.caption(f"Open since {card.since:%Y-%m-%d} · status: {card.status} · rule set {card.rule_set}")
        if card.last_acknowledgement:
            st.text(f"Acknowledged: {card.last_acknowledgement}")
        # Short evidence is open for new flags; a long list stays one click away so the page stays scannable.
        with st.expander(f"Evidence ({len(card.evidence)})", expanded=card.status == "new" and len(card.evidence) <= 4):
            # Plain text: evidence may quote what a person typed.
            st.text("\n".join(evidence_lines(card)) or "No evidence recorded.")
        if not actions:
            return None
        return _actions(card, key)


def _actions(card: FlagCard, key: str) -> FlagAction | None:
    import streamlit as st

    # The reason comes first and outside the fold: nobody should have to click to learn it.
    if card.resolve_refusal:
        st.warning(f"Cannot resolve yet: {card.resolve_refusal}")
    label = "Acknowledge or resolve" if card.status == "new" else "Resolve"
    with st.expander(label, expanded=False):
        left, right = st.columns([3, 2])
        with left.form(key=f"{key}_ack", clear_on_submit=True, border=False):
            choice = st.selectbox("Action taken", ACKNOWLEDGEMENTS, key=f"{key}_ack_choice")
            note = st.text_input("Note", key=f"{key}_ack_note", placeholder="what you did or decided")
            if st.form_submit_button("Acknowledge", disabled=card.status != "new"):
                return FlagAction("acknowledge", card, acknowledgement=choice, note=note)
        with right:
            resolve_note = st.text_input("Resolution note", key=f"{key}_resolve_note")
            if st.button("Resolve", key=f"{key}_resolve", disabled=card.resolve_refusal is not None):
                return FlagAction("resolve", card, note=resolve_note)
    return None


def render_flag_cards(cards: tuple[FlagCard, ...], *, key: str, with_patient: bool = False) -> FlagAction | None:
    """Every card in the given order; the first submitted action wins (one per run)."""
    import streamlit as st

    if not cards:
        st.info("No open flags. This is not an all-clear: it only means no rule has fired on the records we have.")
        return None
    chosen = None
    for card in cards:
        action = render_flag_card(card, key=f"{key}_{card.flag_id}_{card.kind}", with_patient=with_patient)
        chosen = chosen or action
    return chosen


def render_history(rows: tuple[FlagTransitionRow, ...]) -> None:
    """The append-only history of flag transitions, newest first, as a table of plain text."""
    import pandas as pd
    import streamlit as st

    if not rows:
        st.caption("No flag transitions recorded yet.")
        return
    frame = pd.DataFrame(
        [
            {
                "When": f"{row.at:%Y-%m-%d %H:%M}",
                "Patient": row.patient_name,
                "Flag": flag_title(row.kind),
                "Action": row.action,
                "By": row.actor,
                "Acknowledgement": row.acknowledgement or "",
                "Note": row.note or "",
            }
            for row in rows
        ]
    )
    st.dataframe(frame, hide_index=True)
