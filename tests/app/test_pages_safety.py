"""The safety page: every open flag in scope, SI first, with actions and the history."""

from __future__ import annotations

from sqlalchemy import Engine

from tests.app.pages_harness import clinic, page_text, run_page

__all__ = ["clinic"]


def test_therapist_sees_open_flags_in_scope_si_first(clinic: Engine) -> None:
    """Open SI flags of the therapist's patients, each with patient name and level word."""
    app = run_page("safety", "therapist")
    assert not app.exception
    headlines = _headlines(app)
    assert headlines[0].startswith("**▲▲ HIGH")
    assert any("Ada Lane" in h for h in headlines) and any("Ben Ortiz" in h for h in headlines)
    assert "Dan Moss" not in page_text(app)


def test_acknowledged_flag_moves_below_new_ones(clinic: Engine) -> None:
    """After acknowledging the top flag it is listed after the unacknowledged one."""
    app = run_page("safety", "therapist")
    first = _headlines(app)[0]
    next(b for b in app.button if b.label == "Acknowledge").click().run()
    assert "Acknowledged: safety plan reviewed." in page_text(app)
    headlines = _headlines(app)
    assert headlines[-1] == first


def test_history_lists_transitions(clinic: Engine) -> None:
    """The history shows the system's raise of each flag."""
    app = run_page("safety", "supervisor")
    history = app.dataframe[-1].value
    assert set(history["Action"]) >= {"raised"}
    assert set(history["Patient"]) <= {"Ada Lane", "Ben Ortiz", "Cara Wu"}


def test_admin_sees_flags_of_every_therapist(clinic: Engine) -> None:
    """An admin's safety list spans all therapists."""
    app = run_page("safety", "admin")
    assert "Ada Lane" in page_text(app) and "Ben Ortiz" in page_text(app)


def _headlines(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.value for m in app.markdown if m.value.startswith("**")]
