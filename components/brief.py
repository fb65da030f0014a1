"""One patient on one page — on screen, as a timeline image and as a PDF (the pre-session brief).

Used by the brief page and by the patient page's de-identified mode. Every cell is plain
text from `services.deidentified_view.ShownPatient`, so the same code draws the identified
and the de-identified brief; de-identified charts go through the date-free spec of
`components.consultation_view`.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from clinical.instruments import OUTCOME_INSTRUMENTS
from components.consultation_view import checked_spec, deidentified_timeline_spec, strip_moments
from components.frame import CRISIS_LINE
from components.notes_list import escape_markdown
from components.severity import flag_title, level_text
from components.timeline import XAxis, score_panel, sessions_lane, si_lane, timeline_chart
from services.brief import BRIEF_SECTIONS, Brief
from services.deidentified_view import RevealedText, ShownNote, ShownPatient

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# A de-identified PDF must not carry today's date in its metadata either: a neutral date instead.
NEUTRAL_PDF_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_MIN_IMAGE_ROOM_MM = 120  # below this the chart's labels get too small to read on paper
_PNG_SCALE = 1.25  # about 140 dpi across an A4 page: sharp on paper, and quick to render


# --- the timeline as a spec and as an image ----------------------------------------------------------


def timeline_spec(shown: ShownPatient) -> dict[str, Any] | None:
    """The Vega-Lite spec of the patient's full timeline: dates when identified, days of the course when not."""
    frames = shown.timeline
    if frames.scores.empty and frames.doses.empty and frames.si.empty:
        return None
    if shown.deidentified:
        return deidentified_timeline_spec(frames)
    return timeline_chart(frames, "date").to_dict()


def brief_timeline_spec(shown: ShownPatient) -> dict[str, Any] | None:
    """The brief's compact timeline: the primary score, the SI item and the doses on one shared axis.

    Blood pressure and CADSS are in the dose table beside it; drawing fewer panels keeps the
    image quick to render (the brief must be ready in under two seconds).
    """
    frames = shown.timeline
    if frames.scores.empty and frames.doses.empty and frames.si.empty:
        return None
    first = frames.first_dose_at
    if first is None and shown.deidentified:
        return deidentified_timeline_spec(frames)
    mode: XAxis = "days" if shown.deidentified else "date"
    scores = _with_day(frames.scores, first)
    doses = _with_day(frames.doses[["at", "dose_number"]], first)
    panels: list[Any] = []
    present = set(scores["instrument"]) if not scores.empty else set()
    primary = next((name for name in (*OUTCOME_INSTRUMENTS, "PHQ-2") if name in present), None)
    if primary is not None:
        own = scores[scores["instrument"] == primary]
        panels.append(score_panel(primary, own, doses, frames.baselines.get(primary), mode))
    panels += [si_lane(frames, mode), sessions_lane(frames, mode)]
    chart = alt.vconcat(*panels, spacing=10).resolve_scale(x="shared", color="independent", shape="independent")
    spec = chart.to_dict()
    return checked_spec(strip_moments(spec)) if shown.deidentified else spec


def _with_day(frame: pd.DataFrame, first_dose: Any) -> pd.DataFrame:
    """`day`: days since dose 1 (what the days axis plots); empty without a dose."""
    frame = frame.copy()
    if first_dose is None or frame.empty:
        frame["day"] = pd.Series(dtype="float64")
        return frame
    frame["day"] = ((pd.to_datetime(frame["at"]) - first_dose) / pd.Timedelta(days=1)).round(2)
    return frame


def timeline_png(shown: ShownPatient) -> bytes | None:
    """The brief's timeline rendered to PNG offline (vl-convert), for the PDF; None when nothing to plot."""
    spec = brief_timeline_spec(shown)
    if spec is None:
        return None
    import vl_convert

    return bytes(vl_convert.vegalite_to_png(spec, scale=_PNG_SCALE))


_WARMED = threading.Event()


def warm_up_renderer() -> None:
    """Start vl-convert's JavaScript engine in the background, once per process (its first render takes seconds)."""
    if _WARMED.is_set():
        return
    _WARMED.set()

    def render_once() -> None:
        import vl_convert

        vl_convert.vegalite_to_png({"mark": "point", "data": {"values": [{"x": 1}]}, "encoding": {}})

    threading.Thread(target=render_once, name="vl-convert-warm-up", daemon=True).start()


# --- on screen -----------------------------------------------------------------------------------------


def notes_frame(notes: tuple[ShownNote, ...]) -> pd.DataFrame:
    rows = [[note.when, note.kind, note.author, _risk_summary(note)] for note in notes]
    return pd.DataFrame(rows, columns=["When", "Kind", "Author", "Risk language"])


def _risk_summary(note: ShownNote) -> str:
    if not note.risk:
        return "none found"
    parts = []
    for risk in note.risk:
        what = ", ".join(risk.categories) or "risk"
        parts.append(f"{'denial' if risk.denial else 'RISK'}: {what}")
    return "; ".join(parts)


def render_shown_patient(shown: ShownPatient, *, revealed: RevealedText | None = None, key: str) -> None:
    """The whole patient as text (header, flags, outcomes, timeline, doses, notes) — used de-identified."""
    import streamlit as st

    _header(shown)
    st.markdown("#### Open flags")
    _flags(shown)
    st.markdown("#### Outcomes")
    if shown.outcomes.empty:
        st.caption("No complete assessment yet — no outcome to show.")
    else:
        st.dataframe(shown.outcomes, hide_index=True)
    st.markdown("#### Timeline")
    _timeline(shown, key=key)
    st.markdown("#### Doses")
    doses = shown.doses
    if revealed is not None and not doses.empty:
        shown_events = zip(doses["Dose"], doses["Adverse events"], strict=True)
        doses = doses.assign(**{"Adverse events": [revealed.adverse_events.get(n, a) for n, a in shown_events]})
    st.dataframe(doses, hide_index=True) if not doses.empty else st.caption("No doses given yet.")
    st.markdown("#### Notes (newest first)")
    _notes(revealed.notes if revealed is not None else shown.notes, hidden=revealed is None and shown.deidentified)


def _header(shown: ShownPatient) -> None:
    import streamlit as st

    st.subheader(escape_markdown(shown.title), anchor=False)
    st.text(shown.facts)
    st.text(f"{shown.si} · {shown.next_session}")


def _flags(shown: ShownPatient) -> None:
    import streamlit as st

    if not shown.flags:
        st.caption("No open flags. No flag is not an all-clear.")
    for flag in shown.flags:
        with st.container(border=True):
            status = flag.acknowledgement or flag.status
            st.text(f"{level_text(flag.level)} {flag_title(flag.kind)} · {status} · since {flag.since}")
            for line in flag.evidence:
                st.text(f"• {line}")


def _timeline(shown: ShownPatient, *, key: str) -> None:
    import streamlit as st

    spec = timeline_spec(shown)
    if spec is None:
        st.info("No assessments or doses recorded yet — nothing to plot.")
        return
    st.vega_lite_chart(spec, key=f"{key}_timeline")


def _notes(notes: tuple[ShownNote, ...], *, hidden: bool) -> None:
    import streamlit as st

    if not notes:
        st.caption("No notes recorded.")
        return
    if hidden:
        st.caption("Free text is hidden in de-identified mode; risk language is still listed by category.")
        st.dataframe(notes_frame(notes), hide_index=True)
        return
    for note in notes:
        with st.container(border=True):
            st.text(f"{note.when} · {note.kind} note · {note.author}")
            for risk in note.risk:
                line = ("DENIAL: " if risk.denial else "RISK LANGUAGE: ") + (risk.text or "")
                (st.info if risk.denial else st.error)(escape_markdown(line))
            if note.themes:
                st.caption("Themes: " + escape_markdown(", ".join(note.themes)))
            st.text(note.text or "")


def render_brief(brief: Brief, *, key: str) -> None:
    """The brief on one screen: the same sections as the PDF, the same (compact) timeline drawn by the browser."""
    import streamlit as st

    shown = brief.shown
    _header(shown)
    st.caption(f"As of {shown.as_of} · rule set {shown.rule_set}")
    # One column, in the PDF's order: wide tables stay whole at 1366 px.
    st.markdown("##### Suicidal ideation and open flags")
    _flags(shown)
    st.markdown("##### Current scores and change from baseline")
    st.dataframe(shown.outcomes, hide_index=True) if not shown.outcomes.empty else st.caption("No outcome yet.")
    st.markdown("##### Last integration note")
    _last_integration(brief.last_integration, deidentified=brief.deidentified)
    st.markdown("##### Dose history")
    st.dataframe(shown.doses, hide_index=True) if not shown.doses.empty else st.caption("No doses given yet.")
    st.markdown("##### Timeline")
    spec = brief_timeline_spec(shown)
    if spec is None:
        st.info("No assessments or doses recorded yet — nothing to plot.")
    else:
        st.vega_lite_chart(spec, key=f"{key}_timeline")


def _last_integration(note: ShownNote | None, *, deidentified: bool) -> None:
    import streamlit as st

    if note is None:
        st.caption("No integration note yet.")
        return
    for line in integration_lines(note, deidentified=deidentified):
        st.text(line)


def integration_lines(note: ShownNote, *, deidentified: bool) -> list[str]:
    """The last integration note as lines: when, summary, themes, every risk sentence (denials marked)."""
    lines = [f"{note.when} · {note.author}"]
    if deidentified:
        lines.append("Summary and themes hidden (de-identified: free text).")
        lines += [
            f"{'Denial' if r.denial else 'RISK'} sentence: {', '.join(r.categories) or 'risk'}" for r in note.risk
        ]
        return lines
    lines += [f"Summary: {sentence}" for sentence in note.summary] or ["Summary: (nothing extracted)"]
    lines.append("Themes: " + (", ".join(note.themes) or "none found"))
    lines += [f"{'DENIAL' if r.denial else 'RISK'}: {r.text}" for r in note.risk]
    return lines


# --- the PDF ---------------------------------------------------------------------------------------


class _BriefPDF(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.font_family, size=7)
        self.cell(0, 4, f"{CRISIS_LINE}  ·  page {self.page_no()}", align="C")


def brief_pdf(brief: Brief, png: bytes | None) -> bytes:
    """The brief as an A4 PDF: one page where it fits, every section named as on screen."""
    shown = brief.shown
    pdf = _BriefPDF(format="A4")
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(True, margin=16)
    font = _fonts(pdf)
    if brief.deidentified:
        pdf.set_creation_date(NEUTRAL_PDF_DATE)
    pdf.set_title(f"Pre-session brief: {shown.title}")
    pdf.add_page()
    pdf.set_font(font, size=14)
    _line(pdf, f"Pre-session brief — {shown.title}", 7, font)
    pdf.set_font(font, size=9)
    _line(pdf, shown.facts, 5, font)
    _line(pdf, f"As of {shown.as_of} · rule set {shown.rule_set}", 5, font)
    sections = dict.fromkeys(BRIEF_SECTIONS)
    for title in sections:
        if title == "Timeline" and png is not None and pdf.h - pdf.b_margin - pdf.get_y() < _MIN_IMAGE_ROOM_MM:
            pdf.add_page()  # the picture and its heading together, on a page of their own
        _section(pdf, title, font)
        if title == "Next session":
            _line(pdf, shown.next_session, 5, font)
        elif title == "Suicidal ideation and open flags":
            _line(pdf, shown.si, 5, font)
            for flag in shown.flags:
                status = flag.acknowledgement or flag.status
                _line(pdf, f"{level_text(flag.level)} {flag_title(flag.kind)} · {status} · since {flag.since}", 5, font)
                for item in flag.evidence:
                    _line(pdf, f"    • {item}", 4.5, font)
            if not shown.flags:
                _line(pdf, "No open flags (no flag is not an all-clear).", 5, font)
        elif title == "Current scores and change from baseline":
            _table(pdf, shown.outcomes, font, "No complete assessment yet.")
        elif title == "Timeline":
            if png is None:
                _line(pdf, "No assessments or doses recorded yet.", 5, font)
            else:
                _image(pdf, png)
        elif title == "Dose history":
            _table(pdf, shown.doses, font, "No doses given yet.", widths=_DOSE_WIDTHS)
        elif title == "Last integration note":
            note = brief.last_integration
            lines = integration_lines(note, deidentified=brief.deidentified) if note else ["No integration note yet."]
            for text in lines:
                _line(pdf, text, 5, font)
    return bytes(pdf.output())


def _image(pdf: FPDF, png: bytes) -> None:
    """The timeline in the space left on the page, as wide as the page allows."""
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")  # the PNG header
    room = pdf.h - pdf.b_margin - pdf.get_y()
    scale = min(pdf.epw / width, room / height)
    pdf.image(io.BytesIO(png), w=width * scale, h=height * scale)


def _fonts(pdf: FPDF) -> str:
    """DejaVu (covers ≥, ▲, —) where installed, else the PDF core font with text made Latin-1.

    One face only: parsing a TrueType file is most of the PDF's cost, so headings differ by size, not weight.
    """
    regular = FONT_DIR / "DejaVuSans.ttf"
    if regular.exists():
        pdf.add_font("DejaVu", "", str(regular))
        return "DejaVu"
    return "Helvetica"


def _text(pdf: FPDF, text: str) -> str:
    if pdf.font_family.lower() == "dejavu":
        return text
    return text.encode("latin-1", "replace").decode("latin-1")


def _line(pdf: FPDF, text: str, height: float, font: str) -> None:
    pdf.multi_cell(0, height, _text(pdf, text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _section(pdf: FPDF, title: str, font: str) -> None:
    if pdf.h - pdf.b_margin - pdf.get_y() < 25:  # never a heading alone at the foot of a page
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(font, size=11.5)
    _line(pdf, title, 6, font)
    pdf.set_font(font, size=9)


# Relative widths of the dose table's columns: the adverse events and the moment need room.
_DOSE_WIDTHS = (5, 13, 6, 5, 6, 8, 8, 8, 5, 7, 7, 9, 23)


def _table(pdf: FPDF, frame: pd.DataFrame, font: str, empty: str, widths: tuple[int, ...] | None = None) -> None:
    if frame.empty:
        _line(pdf, empty, 5, font)
        return
    pdf.set_font(font, size=7)
    # Grey headings rather than bold ones: only the regular face is loaded (see _fonts).
    headings = FontFace(emphasis="", fill_color=(225, 225, 225))
    fitting = widths if widths is not None and len(widths) == len(frame.columns) else None
    with pdf.table(
        text_align="LEFT", line_height=3.6, first_row_as_headings=True, headings_style=headings, col_widths=fitting
    ) as table:
        table.row([_text(pdf, str(name)) for name in frame.columns])
        for values in frame.itertuples(index=False):
            table.row([_text(pdf, str(value)) for value in values])
    pdf.set_font(font, size=9)
