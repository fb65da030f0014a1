"""Safety flags: every open flag in scope with evidence and actions, then their history."""

from __future__ import annotations

import streamlit as st

from components.flag_cards import render_flag_cards, render_history
from components.guard import require_login
from components.resources import dashboard_engine
from services.safety import acknowledge, resolve, safety_view

RESULT_KEY = "safety_action_result"

user = require_login(page="safety")
engine = dashboard_engine()
st.subheader("Safety flags", anchor=False)
st.caption(
    "Newest unacknowledged suicidal-ideation flags first; acknowledged flags below. "
    "This list is decision support, not a crisis channel."
)

if RESULT_KEY in st.session_state:
    done, message = st.session_state.pop(RESULT_KEY)
    (st.success if done else st.error)(message)
    st.toast(message)  # seen wherever the page is scrolled to when the action was taken

with st.spinner("Evaluating flags…"):
    view = safety_view(engine, user)
action = render_flag_cards(view.open_flags, key="safety", with_patient=True)
if action is not None:
    if action.action == "acknowledge":
        result = acknowledge(engine, user, action.flag, action.acknowledgement or "other", action.note)
    else:
        result = resolve(engine, user, action.flag, action.note)
    st.session_state[RESULT_KEY] = (result.done, result.message)
    st.rerun()

with st.expander("History of flag transitions", expanded=False):
    render_history(view.history)
