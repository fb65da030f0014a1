"""The patient timeline (SPEC §7): the whole course in one Altair chart.

Panels share one x axis (dates, or days since dose 1): a score panel per instrument with
its severity bands, the response (50 % of baseline) and remission lines; a sessions lane
with every dose (number, route, mg, mg/kg) and integration session; the SI item on its own
lane with positive days shaded; blood pressure and CADSS per dose. Only complete
assessments are plotted as totals, and a line breaks where an assessment is incomplete:
a missing value is a gap, never a zero.
"""

from __future__ import annotations

from typing import Literal

import altair as alt
import pandas as pd

from clinical.instruments import INSTRUMENTS, OUTCOME_INSTRUMENTS
from clinical.rules import DEFAULT_RULES, Rules
from components.severity import OKABE_ITO, bands_frame
from services.views import TimelineFrames

XAxis = Literal["date", "days"]
# Fits the main column at 1366 px with the sidebar open (axis titles and legends included).
_WIDTH = 700
_GREY = "#555555"


def _with_days(frame: pd.DataFrame, first_dose: pd.Timestamp | None) -> pd.DataFrame:
    """Add `day` (days since dose 1, fractional) so the same layers work on either axis."""
    frame = frame.copy()
    if first_dose is None or frame.empty:
        frame["day"] = pd.Series(dtype="float64")
        return frame
    frame["day"] = ((pd.to_datetime(frame["at"]) - first_dose) / pd.Timedelta(days=1)).round(2)
    return frame


def _x(mode: XAxis) -> alt.X:
    # Padding keeps the first dose's labels clear of the lane names on the left.
    if mode == "days":
        return alt.X("day:Q", title="days since dose 1", scale=alt.Scale(padding=24))
    return alt.X("at:T", title="date", axis=alt.Axis(format="%d %b"), scale=alt.Scale(padding=24))


def _segments(scores: pd.DataFrame) -> pd.DataFrame:
    """Complete scores of one instrument, with a segment id that changes after each incomplete one."""
    ordered = scores.sort_values("at")
    segment = (~ordered["complete"].astype(bool)).cumsum()
    complete = ordered.assign(segment=segment)[ordered["complete"].astype(bool) & ordered["score"].notna()]
    return complete.assign(score=complete["score"].astype("int64"))


def score_panel(
    instrument: str,
    scores: pd.DataFrame,
    doses: pd.DataFrame,
    baseline: int | None,
    mode: XAxis,
    rules: Rules = DEFAULT_RULES,
) -> alt.LayerChart:
    """One instrument's scores over its severity bands, with the response and remission lines."""
    maximum = INSTRUMENTS[instrument].total_max or 0
    y_scale = alt.Scale(domain=[0, maximum], nice=False)
    bands = bands_frame(instrument, rules)
    bands = bands.assign(
        y=(bands["lower"] - 0.5).clip(lower=0),
        y2=(bands["upper"] - 0.5).clip(upper=maximum),
    )
    layers: list[alt.Chart] = [
        alt.Chart(bands)
        .mark_rect(opacity=0.22)
        .encode(
            y=alt.Y("y:Q", scale=y_scale, title=f"{instrument} total"),
            y2="y2:Q",
            color=alt.Color("colour:N", scale=None),
        ),
        alt.Chart(bands)
        .mark_text(align="left", baseline="middle", dx=4, fontSize=10, color=_GREY)
        .encode(x=alt.value(0), y=alt.Y("middle:Q", scale=y_scale), text="band:N"),
    ]
    layers += _reference_lines(instrument, baseline, y_scale, rules)
    if not doses.empty:
        layers.append(
            alt.Chart(doses).mark_rule(color=OKABE_ITO["blue"], opacity=0.35, strokeDash=[2, 2]).encode(x=_x(mode))
        )
    complete = _segments(scores)
    tooltip = [
        alt.Tooltip("at:T", title="administered", format="%Y-%m-%d %H:%M"),
        alt.Tooltip("score:Q", title="total"),
        alt.Tooltip("band:N", title="band"),
    ]
    layers.append(
        alt.Chart(complete)
        .mark_line(color="black", strokeWidth=2)
        .encode(x=_x(mode), y=alt.Y("score:Q", scale=y_scale), detail="segment:N")
    )
    layers.append(
        alt.Chart(complete)
        .mark_point(filled=True, color="black", size=45)
        .encode(x=_x(mode), y=alt.Y("score:Q", scale=y_scale), tooltip=tooltip)
    )
    return alt.layer(*layers).properties(width=_WIDTH, height=170, title=instrument)


def _reference_lines(instrument: str, baseline: int | None, y_scale: alt.Scale, rules: Rules) -> list[alt.Chart]:
    lines = []
    outcome = rules.outcomes.get(instrument)
    if outcome is not None:
        lines.append({"y": outcome.remission_at_or_below, "label": f"remission ≤ {outcome.remission_at_or_below}"})
    if baseline is not None and baseline > 0:
        response = baseline * (100 - rules.response_reduction_pct) / 100
        lines.append({"y": response, "label": f"response: {rules.response_reduction_pct:g} % of baseline {baseline}"})
    if not lines:
        return []
    frame = pd.DataFrame(lines)
    rule = alt.Chart(frame).mark_rule(strokeDash=[6, 3], color=OKABE_ITO["blue"]).encode(y=alt.Y("y:Q", scale=y_scale))
    text = (
        alt.Chart(frame)
        .mark_text(align="right", baseline="bottom", dy=-2, fontSize=10, color=OKABE_ITO["blue"])
        .encode(x=alt.value(_WIDTH - 4), y=alt.Y("y:Q", scale=y_scale), text="label:N")
    )
    return [rule, text]


def _lane_rows(frames: TimelineFrames, first_dose: pd.Timestamp | None) -> pd.DataFrame:
    """The sessions lane as text: each dose's number, route, mg, mg/kg; integrations; incomplete scores."""
    rows: list[dict[str, object]] = []
    for dose in frames.doses.itertuples(index=False):
        route = str(dose.route).upper() if pd.notna(dose.route) else "route ?"
        mg = f"{dose.dose_mg:g} mg" if pd.notna(dose.dose_mg) else "mg ?"
        per_kg = f"{dose.mg_per_kg:.2f} mg/kg" if pd.notna(dose.mg_per_kg) else "mg/kg ?"
        for lane, text in (("Dose", f"#{dose.dose_number}"), ("Route", route), ("mg", mg), ("mg/kg", per_kg)):
            rows.append({"at": dose.at, "lane": lane, "text": text, "what": f"dose #{dose.dose_number}"})
    for session in frames.integrations.itertuples(index=False):
        rows.append({"at": session.at, "lane": "Integration", "text": "◆", "what": "integration session"})
    incomplete = frames.scores[~frames.scores["complete"].astype(bool)] if not frames.scores.empty else frames.scores
    for assessment in incomplete.itertuples(index=False):
        rows.append(
            {
                "at": assessment.at,
                "lane": "Incomplete",
                "text": "✕",
                "what": f"{assessment.instrument}: items missing, no total",
            }
        )
    frame = pd.DataFrame(rows, columns=["at", "lane", "text", "what"])
    return _with_days(frame, first_dose)


_LANES = ["Dose", "Route", "mg", "mg/kg", "Integration", "Incomplete"]


def sessions_lane(frames: TimelineFrames, mode: XAxis) -> alt.Chart:
    """Every dose with its number, route, mg and mg/kg written out; integration sessions as ◆."""
    lanes = _lane_rows(frames, frames.first_dose_at)
    return (
        alt.Chart(lanes)
        .mark_text(fontSize=10, color="black")
        .encode(
            x=_x(mode),
            y=alt.Y("lane:N", sort=_LANES, scale=alt.Scale(domain=_LANES), title=None),
            text="text:N",
            tooltip=[alt.Tooltip("at:T", title="when", format="%Y-%m-%d %H:%M"), "what:N", "text:N"],
        )
        .properties(width=_WIDTH, height=6 * 16, title="Sessions")
    )


def si_lane(frames: TimelineFrames, mode: XAxis) -> alt.LayerChart:
    """The SI item of each SI-bearing assessment; positive days shaded and labelled."""
    si = frames.si.copy()
    if si.empty:
        si = pd.DataFrame(columns=["at", "instrument", "item", "answer", "positive", "high"])
    si["lane"] = si["instrument"].astype(str) + " item " + si["item"].astype(str)
    si["status"] = [
        "positive, high" if high else ("positive" if positive else "negative")
        for positive, high in zip(si["positive"], si["high"], strict=True)
    ]
    si["label"] = [f"{a}" + (" +" if p else "") for a, p in zip(si["answer"], si["positive"], strict=True)]
    si = _with_days(si, frames.first_dose_at)
    days = _positive_days(si, frames.first_dose_at)
    colour = alt.Color(
        "status:N",
        scale=alt.Scale(
            domain=["positive, high", "positive", "negative"],
            range=[OKABE_ITO["vermillion"], OKABE_ITO["orange"], OKABE_ITO["blue"]],
        ),
        legend=alt.Legend(title="SI answer", orient="right"),
    )
    shape = alt.Shape(
        "status:N",
        scale=alt.Scale(domain=["positive, high", "positive", "negative"], range=["triangle-up", "diamond", "circle"]),
        legend=None,
    )
    x_start, x_end = ("day_start:Q", "day_end:Q") if mode == "days" else ("day_start_at:T", "day_end_at:T")
    shade = (
        alt.Chart(days)
        .mark_rect(color=OKABE_ITO["vermillion"], opacity=0.18)
        .encode(x=alt.X(x_start), x2=x_end, tooltip=[alt.Tooltip("date:N", title="positive SI day")])
    )
    tooltip = [
        alt.Tooltip("at:T", title="administered", format="%Y-%m-%d %H:%M"),
        "lane:N",
        alt.Tooltip("answer:Q", title="answer"),
        "status:N",
    ]
    points = (
        alt.Chart(si)
        .mark_point(filled=True, size=70)
        .encode(x=_x(mode), y=alt.Y("lane:N", title=None), color=colour, shape=shape, tooltip=tooltip)
    )
    labels = (
        alt.Chart(si).mark_text(dx=9, align="left", fontSize=10).encode(x=_x(mode), y=alt.Y("lane:N"), text="label:N")
    )
    lanes = max(1, si["lane"].nunique())
    return alt.layer(shade, points, labels).properties(
        width=_WIDTH, height=22 * lanes + 10, title="Suicidal ideation item (shaded: positive day)"
    )


def _positive_days(si: pd.DataFrame, first_dose: pd.Timestamp | None) -> pd.DataFrame:
    columns = ["date", "day_start_at", "day_end_at", "day_start", "day_end"]
    if si.empty or not si["positive"].astype(bool).any():
        return pd.DataFrame(columns=columns)
    starts = pd.to_datetime(si.loc[si["positive"].astype(bool), "at"]).dt.normalize().drop_duplicates()
    frame = pd.DataFrame({"day_start_at": starts, "day_end_at": starts + pd.Timedelta(days=1)})
    frame["date"] = frame["day_start_at"].dt.strftime("%Y-%m-%d")
    if first_dose is not None:
        frame["day_start"] = (frame["day_start_at"] - first_dose) / pd.Timedelta(days=1)
        frame["day_end"] = frame["day_start"] + 1
    else:
        frame["day_start"] = frame["day_end"] = float("nan")
    return frame[columns]


def vitals_panels(frames: TimelineFrames, mode: XAxis, rules: Rules = DEFAULT_RULES) -> list[alt.LayerChart]:
    """Blood pressure (pre, peak, post) and CADSS per dose, with the BP thresholds of the rules."""
    readings = []
    for dose in frames.doses.itertuples(index=False):
        for timing in ("pre", "peak", "post"):
            sys, dia = getattr(dose, f"bp_{timing}_sys"), getattr(dose, f"bp_{timing}_dia")
            if pd.notna(sys) and pd.notna(dia):
                readings.append(
                    {
                        "at": dose.at,
                        "timing": timing,
                        "sys": int(sys),
                        "dia": int(dia),
                        "reading": f"{int(sys)}/{int(dia)}",
                        "dose": f"#{dose.dose_number}",
                    }
                )
    bp = _with_days(
        pd.DataFrame(readings, columns=["at", "timing", "sys", "dia", "reading", "dose"]), frames.first_dose_at
    )
    y = alt.Scale(domain=[40, 220])
    timing_shape = alt.Shape(
        "timing:N",
        scale=alt.Scale(domain=["pre", "peak", "post"], range=["circle", "triangle-up", "square"]),
        legend=alt.Legend(title="BP reading", orient="right"),
    )
    tooltip = ["dose:N", "timing:N", alt.Tooltip("reading:N", title="BP (mmHg)")]
    thresholds = pd.DataFrame(
        [
            {"y": rules.bp_pre_sys_high, "label": f"pre-dose {rules.bp_pre_sys_high} systolic"},
            {"y": rules.bp_any_sys_severe, "label": f"{rules.bp_any_sys_severe} systolic (any reading)"},
        ]
    )
    layers = [
        alt.Chart(thresholds)
        .mark_rule(strokeDash=[6, 3], color=OKABE_ITO["vermillion"])
        .encode(y=alt.Y("y:Q", scale=y)),
        alt.Chart(thresholds)
        .mark_text(align="right", baseline="bottom", dy=-2, fontSize=10, color=OKABE_ITO["vermillion"])
        .encode(x=alt.value(_WIDTH - 4), y=alt.Y("y:Q", scale=y), text="label:N"),
        alt.Chart(bp)
        .mark_rule(strokeWidth=2, color=_GREY)
        .encode(x=_x(mode), y=alt.Y("dia:Q", scale=y, title="BP mmHg (dia–sys)"), y2="sys:Q", tooltip=tooltip),
        alt.Chart(bp)
        .mark_point(filled=True, size=50, color="black")
        .encode(x=_x(mode), y=alt.Y("sys:Q", scale=y), shape=timing_shape, tooltip=tooltip),
    ]
    bp_chart = alt.layer(*layers).properties(width=_WIDTH, height=130, title="Blood pressure per dose")
    cadss = _with_days(
        frames.doses[frames.doses["cadss"].notna()][["at", "dose_number", "cadss"]], frames.first_dose_at
    )
    cadss_chart = alt.layer(
        alt.Chart(cadss)
        .mark_bar(width=10, color=OKABE_ITO["reddish_purple"])
        .encode(
            x=_x(mode),
            y=alt.Y("cadss:Q", title="CADSS", scale=alt.Scale(domain=[0, 92])),
            tooltip=["dose_number:Q", "cadss:Q"],
        ),
        alt.Chart(cadss).mark_text(dy=-7, fontSize=10).encode(x=_x(mode), y="cadss:Q", text="cadss:Q"),
    ).properties(width=_WIDTH, height=80, title="CADSS (dissociation) per dose")
    return [bp_chart, cadss_chart]


def timeline_chart(frames: TimelineFrames, mode: XAxis = "date", rules: Rules = DEFAULT_RULES) -> alt.VConcatChart:
    """The whole course: score panels, sessions lane, SI lane, vitals; one shared x axis."""
    if mode == "days" and frames.first_dose_at is None:
        mode = "date"  # no dose yet: "days since dose 1" has no origin
    first = frames.first_dose_at
    scores = _with_days(frames.scores, first)
    # The score panels only need where each dose falls (the vertical dose rules).
    doses = _with_days(frames.doses[["at", "dose_number"]], first)
    instruments = _plotted_instruments(scores)
    score_panels = [
        score_panel(name, scores[scores["instrument"] == name], doses, frames.baselines.get(name), mode, rules)
        for name in instruments
    ]
    # The primary instrument, then SI and the doses right under it: the three a reader needs together.
    panels: list[alt.TopLevelMixin] = [*score_panels[:1], si_lane(frames, mode), sessions_lane(frames, mode)]
    panels += score_panels[1:]
    if not frames.doses.empty:
        panels += vitals_panels(frames, mode, rules)
    return alt.vconcat(*panels, spacing=14).resolve_scale(x="shared", color="independent", shape="independent")


def _plotted_instruments(scores: pd.DataFrame) -> list[str]:
    """Outcome instruments first in SPEC order (PHQ-9 is primary), then PHQ-2; never CADSS/C-SSRS."""
    present = set(scores["instrument"]) if not scores.empty else set()
    order = [*OUTCOME_INSTRUMENTS, "PHQ-2"]
    return [name for name in order if name in present]


def render_timeline(frames: TimelineFrames, key: str = "timeline") -> None:
    """Draw the timeline with a choice of x axis (dates, or days since dose 1)."""
    import streamlit as st

    if frames.scores.empty and frames.doses.empty and frames.si.empty:
        st.info("No assessments or doses recorded yet — nothing to plot.")
        return
    options = {"Dates": "date", "Days since dose 1": "days"}
    if frames.first_dose_at is None:
        options = {"Dates": "date"}
    choice = st.radio("X axis", list(options), horizontal=True, key=f"{key}_axis")
    mode: XAxis = "days" if options[choice] == "days" else "date"
    st.altair_chart(timeline_chart(frames, mode), key=f"{key}_chart")
