"""A page holding only a title: the AppTest harness's own cost, the denominator of `render_ratio`."""

import streamlit as st

st.title("Caseload")
