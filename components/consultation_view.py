"""Case consultation on screen: team outcomes with their counts, each therapist's caseload, the case list,
and the "De-identified" mode shared by the consultation and patient pages.

De-identified, every cell comes from a view that holds no identifier (services build it that
way); the charts are redrawn on "days since dose 1" and their specs are stripped of every
moment and checked for anything date-like before they are drawn — a chart that fails the
check is not drawn at all.
"""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import pandas as pd

from clinical.deidentify import find_date_like
from clinical.lifecycle import SI_KINDS
from clinical.team_outcomes import Rate
from components.severity import flag_title, level, level_text
from components.timeline import timeline_chart
from services.consultation import ConsultationCase, ConsultationView
from services.views import TimelineFrames

MODE_KEY = "deidentified_mode"  # one mode for the consultation and patient pages
TOGGLE_LABEL = "De-identified"
TOGGLE_HELP = (
    "For group consultation: pseudonyms instead of names and ids, ages instead of birth dates, "
    "'day N of course' (days since the first dose) instead of dates; free text hidden unless revealed."
)
# Fields of the timeline's data that hold moments or calendar days; none may reach a de-identified chart.
TEMPORAL_FIELDS = frozenset({"at", "date", "day_start_at", "day_end_at", "started_at", "written_at"})
DAY_AXIS_TITLE = "day of course (day 0 = first dose)"
CASE_COLUMNS = [
    "Patient",
    "Therapist",
    "Needs attention",
    "SI (latest)",
    "Latest PHQ-9",
    "Change",
    "Outcome",
    "Phase",
    "Doses",
    "Age",
    "Next session",
]


class DeidentificationError(RuntimeError):
    """Something date-like was about to be drawn in de-identified mode; it is not drawn."""


def deidentified_toggle(page: str) -> bool:
    """The "De-identified" toggle; its state follows the user from the consultation to the patient page."""
    import streamlit as st

    value = st.toggle(
        TOGGLE_LABEL, value=bool(st.session_state.get(MODE_KEY, False)), key=f"{page}_deidentified", help=TOGGLE_HELP
    )
    st.session_state[MODE_KEY] = value
    return bool(value)


# --- charts without dates --------------------------------------------------------------------------


def deidentified_timeline_spec(frames: TimelineFrames) -> dict[str, Any]:
    """The timeline on "days since dose 1" with every moment removed; raises if anything date-like is left."""
    if frames.first_dose_at is not None:
        spec = timeline_chart(frames, "days").to_dict()
    else:
        spec = _before_dosing_chart(frames).to_dict()
    return checked_spec(strip_moments(spec))


def strip_moments(spec: Any) -> Any:
    """The spec without temporal fields: dropped from every data row, every tooltip, every encoding."""
    if isinstance(spec, list):
        return [strip_moments(item) for item in spec if not _is_temporal_field(item)]
    if not isinstance(spec, dict):
        return spec
    cleaned: dict[str, Any] = {}
    for name, value in spec.items():
        if name in TEMPORAL_FIELDS:
            continue
        if _is_temporal_field(value):
            continue  # an encoding channel (or tooltip) that would show a moment
        if name in ("x", "x2") and isinstance(value, dict) and value.get("field") == "day":
            value = {**value, "title": DAY_AXIS_TITLE}
        cleaned[name] = strip_moments(value)
    return cleaned


def _is_temporal_field(item: Any) -> bool:
    return isinstance(item, dict) and (item.get("field") in TEMPORAL_FIELDS or item.get("type") == "temporal")


def checked_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """Fail closed: a de-identified spec that still reads like it holds a date is refused."""
    found = find_date_like(json.dumps(spec, default=str))
    if found:
        raise DeidentificationError(f"the chart still holds {len(found)} date-like value(s); it is not drawn")
    return spec


def _before_dosing_chart(frames: TimelineFrames) -> alt.Chart:
    """No dose yet: scores against days since the first record (the timeline's day axis needs a dose)."""
    scores = frames.scores[frames.scores["complete"].astype(bool)] if not frames.scores.empty else frames.scores
    first = pd.to_datetime(scores["at"]).min() if not scores.empty else None
    frame = pd.DataFrame(
        {
            "day": [] if first is None else ((pd.to_datetime(scores["at"]) - first) / pd.Timedelta(days=1)).round(2),
            "score": [] if first is None else scores["score"].astype("int64"),
            "instrument": [] if first is None else scores["instrument"].astype(str),
        }
    )
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("day:Q", title="days since the first assessment (before dosing)"),
            y=alt.Y("score:Q", title="total"),
            color=alt.Color("instrument:N", legend=alt.Legend(title="instrument")),
            tooltip=["instrument:N", "score:Q", alt.Tooltip("day:Q", title="day")],
        )
        .properties(width=700, height=200, title="Scores before dosing")
    )


# --- the consultation page -------------------------------------------------------------------------


def outcomes_frame(view: ConsultationView) -> pd.DataFrame:
    """The whole team, then each therapist, one row each; every rate as `n of d (p %)`, never a bare %."""
    rows = []
    for summary in (view.summary.team, *view.summary.therapists):
        outcomes = summary.outcomes
        burden = outcomes.flag_burden
        row = {"Therapist": _therapist(view, summary.therapist)}
        row |= {rate.name: rate.text() for rate in outcomes.rates()}
        row[f"Flags raised ({burden.days} days)"] = (
            f"{burden.raised} on {burden.patients} patients ({burden.per_patient:.2f} each)" if burden.patients else "—"
        )
        rows.append(row)
    return pd.DataFrame(rows)


def therapists_frame(view: ConsultationView) -> pd.DataFrame:
    """One row per therapist (the team first): SI flags waiting and overdue assessments before the counts."""
    rows = []
    for summary in (view.summary.team, *view.summary.therapists):
        waiting = [f"{view.label(w.patient_id)} {w.waited_text()}" for w in summary.unacknowledged_si]
        overdue = [view.label(key) for key in summary.overdue_assessments]
        kinds = summary.open_flags_by_kind.items()
        rows.append(
            {
                "Therapist": _therapist(view, summary.therapist),
                "Patients": str(len(summary.patient_ids)),
                "Unacknowledged SI flags (waiting)": f"{len(waiting)}: " + "; ".join(waiting) if waiting else "none",
                "Overdue assessments": f"{len(overdue)}: " + ", ".join(overdue) if overdue else "none",
                "Open flags by kind": ", ".join(f"{flag_title(kind)} {n}" for kind, n in kinds) or "no open flags",
                "By phase": ", ".join(f"{phase.replace('_', ' ')} {n}" for phase, n in summary.by_phase.items())
                or "no patients",
            }
        )
    return pd.DataFrame(rows)


def _therapist(view: ConsultationView, username: str | None) -> str:
    if username is None:
        return "Whole team"
    return view.therapist_names.get(username, username)


def attention(case: ConsultationCase) -> str:
    """Open flags, most severe first and SI before anything else of its level; no flag is not 'safe'."""
    if not case.open_flags:
        return "no open flags"
    ordered = sorted(case.open_flags, key=lambda flag: (level(flag[1]).rank, flag[0] not in SI_KINDS))
    return "; ".join(f"{level_text(lvl)} {flag_title(kind)} ({status})" for kind, lvl, status in ordered)


def cases_frame(cases: list[ConsultationCase]) -> pd.DataFrame:
    """The case list as text cells; no hidden column (the row number finds the case on the server)."""
    rows = [
        [
            case.patient,
            case.therapist,
            attention(case),
            case.si,
            case.latest_phq9,
            case.change,
            case.outcome,
            case.phase,
            case.doses,
            case.age,
            case.next_session,
        ]
        for case in cases
    ]
    return pd.DataFrame(rows, columns=CASE_COLUMNS)


def case_groups(view: ConsultationView) -> dict[str, tuple[str, ...] | None]:
    """The drill-down from a count to its patients: each rate's numerator and denominator, waiting SI flags."""
    team = view.summary.team
    groups: dict[str, tuple[str, ...] | None] = {"All patients": None}
    groups["Unacknowledged SI flags"] = tuple(w.patient_id for w in team.unacknowledged_si)
    groups["Overdue assessments"] = team.overdue_assessments
    for rate in team.outcomes.rates():
        groups[f"{rate.name}: counted ({rate.numerator})"] = rate.numerator_ids
        groups[f"{rate.name}: all {rate.denominator} in the denominator"] = rate.denominator_ids
    return groups


def rate_notes(rates: tuple[Rate, ...]) -> list[str]:
    return [
        f"{rate.name}: {rate.definition}." + (f" Left out: {rate.left_out}." if rate.left_out else "") for rate in rates
    ]


def render_consultation(view: ConsultationView) -> str | None:
    """Draw the consultation; return the key of the case the user selected (to open the patient)."""
    import streamlit as st

    team = view.summary.team
    mode = (
        "De-identified: pseudonyms, ages and days of the course; no names, ids or dates." if view.deidentified else ""
    )
    st.caption(
        f"As of {view.as_of_label} · {len(team.patient_ids)} patients · {len(view.summary.therapists)} therapists"
        f" · rule set {view.rule_set}. {mode}"
    )
    st.markdown("#### Team outcomes")
    st.dataframe(outcomes_frame(view), hide_index=True)
    with st.expander("How each rate is counted"):
        for line in rate_notes(team.outcomes.rates()):
            st.text(line)
    st.markdown("#### Caseloads")
    st.dataframe(therapists_frame(view), hide_index=True)
    st.markdown("#### Case list")
    return _case_list(view)


def _case_list(view: ConsultationView) -> str | None:
    import streamlit as st

    groups = case_groups(view)
    therapists = {"All therapists": None} | {
        _therapist(view, s.therapist): s.therapist for s in view.summary.therapists
    }
    left, right = st.columns(2)
    group = left.selectbox("Show", list(groups), key="consultation_group")
    therapist = right.selectbox("Therapist", list(therapists), key="consultation_therapist")
    keys = groups[group]
    cases = list(view.cases) if keys is None else view.cases_of(keys)
    if therapists[therapist] is not None:
        shown_name = _therapist(view, therapists[therapist])
        cases = [case for case in cases if case.therapist == shown_name]
    if not cases:
        st.info("No patients in this group.")
        return None
    event = st.dataframe(
        cases_frame(cases),
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="consultation_cases",
        column_config={
            "Patient": st.column_config.TextColumn(width=170, pinned=True),
            "Needs attention": st.column_config.TextColumn(width=320),
        },
    )
    st.caption("Most urgent first. Click a row to open the patient. No open flag is not an all-clear.")
    selected = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    return cases[selected[0]].key if selected and selected[0] < len(cases) else None


# --- choosing a patient, and the patient page's de-identified mode ---------------------------------

SELECTED_KEY = "selected_patient_id"  # the patient page's own session key: a drill-down lands there
REVEALED_KEY = "free_text_revealed_for"


def choose_patient(engine: Any, user: Any, *, deidentified: bool, key: str) -> str | None:
    """A patient picker over the user's scope: names, or pseudonyms (the id then stays on the server)."""
    import streamlit as st

    from services.deidentified_view import patient_choices

    if deidentified and "patient" in st.query_params:
        del st.query_params["patient"]  # an id in the address bar would name the patient
    labels = patient_choices(engine, user, deidentified=deidentified)
    options = sorted(labels, key=lambda pid: labels[pid])
    asked = st.session_state.get(SELECTED_KEY)
    if not deidentified and not asked:
        asked = st.query_params.get("patient")
    chosen = st.selectbox(
        "Patient (pseudonym)" if deidentified else "Patient",
        options,
        index=options.index(asked) if asked in options else None,
        format_func=lambda pid: labels[pid],
        placeholder="Choose a patient",
        key=f"{key}_{'pseudonym' if deidentified else 'id'}_choice",
    )
    if chosen:
        st.session_state[SELECTED_KEY] = chosen
    return chosen


def render_deidentified_patient(engine: Any, user: Any) -> None:
    """The patient page in consultation mode: pseudonym, age, days of the course; free text on request."""
    import streamlit as st

    from components.brief import render_shown_patient  # here: components.brief imports this module
    from services.access import AccessDenied, AuditUnavailable
    from services.deidentified_view import deidentified_patient, pseudonym_key, reveal_free_text

    patient_id = choose_patient(engine, user, deidentified=True, key="patient")
    if not patient_id:
        st.info("No patient chosen.")
        return
    try:
        shown = deidentified_patient(engine, user, patient_id, pseudonym_key=pseudonym_key(engine))
    except (AccessDenied, AuditUnavailable) as refused:
        st.error(str(refused))
        return
    revealed = None
    if st.session_state.get(REVEALED_KEY) == patient_id:
        revealed = reveal_free_text(engine, user, patient_id)  # audited on every showing
        if st.button("Hide free text again", key="hide_free_text"):
            st.session_state.pop(REVEALED_KEY, None)
            st.rerun()
    elif st.button(
        "Reveal free text",
        key="reveal_free_text",
        help="Notes and adverse events may name people, places and dates. Revealing them is recorded in the "
        "audit log under your name.",
    ):
        st.session_state[REVEALED_KEY] = patient_id
        st.rerun()
    render_shown_patient(shown, revealed=revealed, key="deidentified_patient")
