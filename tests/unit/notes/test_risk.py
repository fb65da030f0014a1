"""The risk-language detector: what fires, what is a denial, and the false friends that never fire."""

from __future__ import annotations

import pytest

from clinical.notes.risk import find_risk_sentences, risk_phrases


def reported(sentence: str) -> tuple[bool, bool] | None:
    """(denial, True) when the sentence is reported, None when it is not."""
    found = find_risk_sentences(sentence)
    if not found:
        return None
    assert len(found) == 1
    return found[0].denial, True


@pytest.mark.parametrize(
    "sentence",
    [
        "She has had thoughts of suicide most days.",
        "History of self-harm by cutting her forearms.",
        "Reports urges to cut last night.",
        "Took an overdose of her sleeping pills in 2019.",
        "I just want to die.",
        "Sometimes she wishes she could disappear.",
        "Some nights I hope I don't wake up.",
        "She feels hopeless about the future.",
        "He feels like a burden to his family.",
        "She has a plan to overdose on her stockpiled pills.",
        "He has access to a gun at home.",
        "She has been stockpiling her trazodone.",
        "He thought about jumping off the bridge near work.",
        "She bought a rope last week.",
        "She has been giving away her belongings.",
        "He wrote goodbye letters to his kids.",
        "She called her brother to say goodbye.",
        "In the session she saw herself lying in a coffin.",
        'She said "I\'m thinking about ending it."',
        "He said he won't be here much longer.",
        "I'd go to sleep and not wake up if I could.",
        "thought about kms last night",
        "she said she wants to unalive herself",
        "Passive SI, no plan.",
        "Sucidal thoughts this week.",
        "Feels hopless.",
        "Endorses intent to act on the thoughts.",
    ],
)
def test_risk_language_is_reported_as_affirmed(sentence: str) -> None:
    """Each kind of risk language fires, and is not taken for a denial."""
    assert reported(sentence) == (False, True)


@pytest.mark.parametrize(
    "sentence",
    [
        "Denies SI.",
        "No thoughts of self-harm.",
        "Denied HI/SI.",
        "No plan or intent.",
        "She is not suicidal.",
        "SI: denied.",
        "C-SSRS negative.",
        "PHQ-9 item 9 = 0.",
        "Denies SI, HI, plan or intent.",
        "Has never attempted suicide.",
        "She no longer feels hopeless.",
        "He is not going to kill himself, he says.",
        "Did not endorse suicidal ideation.",
        "She has stopped cutting.",
    ],
)
def test_denials_are_reported_and_marked_as_denials(sentence: str) -> None:
    """A sentence that only denies risk is still reported, marked as a denial."""
    assert reported(sentence) == (True, True)


@pytest.mark.parametrize(
    "sentence",
    [
        "Denies plan but endorses passive SI.",
        "No SI, but reports ongoing hopelessness.",
        "Denies current SI; history of overdose in 2019.",
        "She does not want to die, she wants the pain to stop.",
        "Denied SI at intake, today admits she thinks about dying.",
    ],
)
def test_a_sentence_that_denies_one_thing_and_affirms_another_is_no_denial(sentence: str) -> None:
    """The affirmed part is what a clinician must see: the sentence is not a denial."""
    assert reported(sentence) == (False, True)


@pytest.mark.parametrize(
    "sentence",
    [
        "She is hopeful about the next dose.",
        "He killed it at work this week.",
        "I'm dead tired after the night shift.",
        "She is dying to see her grandson.",
        "The lemon cake there is to die for.",
        "He had a shot of espresso before the session.",
        "She joked that she overdosed on coffee this morning.",
        "Her phone battery died during the call.",
        "Her father died in 2019 and she still misses him.",
        "He is cutting back on alcohol.",
        "We talked about bridging the gap between sessions.",
        "She is still learning the ropes at her new job.",
        "Plan: continue dosing weekly.",
        "Her intention is to reconnect with her body.",
        "She hung out with friends on Saturday.",
        "The deadline is killing me, she laughed.",
        "He jumped the gun on booking the trip.",
        "She won't be here next week because of a work trip.",
        "She stuck to her guns with her manager.",
        "The headache disappeared after lunch.",
        "Discussed the treatment plan and the safety plan.",
        "She cut her hair short and likes it.",
        "Financial burden of the divorce is heavy.",
        "She said goodbye to her old job last Friday.",
        "Bored to death in meetings, she said.",
    ],
)
def test_false_friends_never_fire(sentence: str) -> None:
    """Everyday idioms that only look like risk language are not reported."""
    assert reported(sentence) is None


def test_every_risk_sentence_of_a_note_is_reported_with_offsets() -> None:
    """A note with several risk sentences reports each, in order, with offsets into the note."""
    note = (
        "Pt. seen for integration.\n- Mood low\n- Denies plan\n"
        'She said, "I want to disappear." She has been giving away her books. Dr. Lee informed.'
    )
    found = find_risk_sentences(note)
    assert [(r.text, r.denial) for r in found] == [
        ("Denies plan", True),
        ('She said, "I want to disappear."', False),
        ("She has been giving away her books.", False),
    ]
    assert all(note[r.start : r.end] == r.text for r in found)
    assert found[2].categories == ("preparatory_behaviour",)


def test_risk_phrases_name_their_category() -> None:
    """Each risk phrase carries a category a clinician recognises."""
    categories = {p.category for p in risk_phrases("Has a plan to hang himself with a rope and feels hopeless.")}
    assert {"plan", "suicide", "means", "hopelessness"} <= categories


def test_a_letter_that_lower_cases_longer_hides_no_risk_words() -> None:
    """A dotted capital İ lower-cases to two characters, yet hides no risk words after it."""
    assert reported("Pt İlknur denies SI") == (True, True)
    found = find_risk_sentences("Met with İlknur, who has thoughts of suicide")
    assert found[0].categories == ("death_wish", "suicide")
