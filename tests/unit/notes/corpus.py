# ruff: noqa: E501 - the notes are prose as a clinician types it: long lines are part of the data.
"""A labelled test set of synthetic KAP notes, written for this project (no real patients).

Each note lists every sentence that holds risk language, as a piece of its text, and whether
that sentence is a denial. A piece may be shorter than the sentence (it only has to lie
inside it). Notes in the `dev` half were written first and used while building the
detector; the `heldout` half was written afterwards and measured before any change (the
result is recorded in the report and in `test_risk_corpus.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LabelledNote:
    note_id: str
    kind: str
    text: str
    risk: list[tuple[str, bool]] = field(default_factory=list)  # (piece of the sentence, denial)
    split: str = "dev"


DEV: list[LabelledNote] = [
    LabelledNote(
        "dev-01",
        "progress",
        """S: Pt reports mood "about a 4 out of 10". Sleep 5-6 hrs, waking at 3 a.m. most nights.
O: Calm, linear, good eye contact. PHQ-9 = 17, item 9 = 1.
A: Moderately severe depression, passive SI without plan or intent. Denies HI.
P: Safety plan reviewed. Prep session #2 on Thurs. Pt agrees to call 988 if thoughts escalate.""",
        risk=[
            ("PHQ-9 = 17, item 9 = 1.", False),
            ("passive SI without plan or intent", False),
            ("Denies HI.", True),
        ],
    ),
    LabelledNote(
        "dev-02",
        "integration",
        """Integration session 2 days after dose 2 (IM 0.75 mg/kg). Pt arrived early and was eager to talk.
She described the medicine experience as "like floating over a dark lake" and said that for the first time in years she felt some distance from the inner critic. She spoke about her mother at length, particularly the summers at the lake house, and cried when she remembered being told she was "too much".
We explored how the critic sounds like her mother and practised noticing it without arguing. She was able to name a softer voice that said "you're allowed to rest."
She reports she killed it at work on Monday and was dead tired by Wednesday, which she laughed about.
Denies SI since the dose. Homework: two minutes of self-compassion practice each morning.""",
        risk=[("Denies SI since the dose.", True)],
    ),
    LabelledNote(
        "dev-03",
        "preparation",
        """Preparation session 1. Reviewed consent, what to expect on dosing day, and the role of set and setting.
Pt's intention for the course: "I want to stop living behind glass and feel things again."
She also hopes to repair her relationship with her sister, with whom she has not spoken since their father's funeral.
History: two prior attempts by overdose (2014, 2019), both followed by ICU admission. No attempts since.
Current SI passive and intermittent, "like a background hum". No firearms in the home; partner holds her medications and dispenses weekly.
Goal: return to part-time work by spring.""",
        risk=[
            ("two prior attempts by overdose (2014, 2019)", False),
            ("No attempts since.", True),
            ("Current SI passive and intermittent", False),
            ("No firearms in the home", True),
        ],
    ),
    LabelledNote(
        "dev-04",
        "dosing",
        """Dose 3 of 6. Sublingual ketamine 300 mg, held 15 min then spit.
BP pre 128/82, peak 146/90 at 20 min, post 132/84. HR 78. SpO2 min 96%. CADSS 31.
Pt lay with eyeshades and music. At ~25 min she said "I'm dying, I can feel myself going" and then, a few minutes later, "it's okay, it's just the edges dissolving."
Grounded with breath and hand on the blanket. Observed 120 min. Nausea mild, no emesis. Discharged to husband.""",
        risk=[("I'm dying, I can feel myself going", False)],
    ),
    LabelledNote(
        "dev-05",
        "progress",
        """Phone check-in re: missed appt. Pt apologised, said she overslept after a bad night.
Mood low. She said "honestly I don't see the point of anything anymore" and that she has been sleeping most of the day.
When asked directly she endorsed thoughts of not wanting to wake up. Denies plan, denies intent, denies access to firearms.
Partner is home this week. Safety plan reviewed by phone; pt able to name two reasons for living (her dog, her nephew).
Will move next prep visit forward to Tues.""",
        risk=[
            ("I don't see the point of anything anymore", False),
            ("endorsed thoughts of not wanting to wake up", False),
            ("Denies plan, denies intent, denies access to firearms.", True),
        ],
    ),
    LabelledNote(
        "dev-06",
        "integration",
        """Long integration session (75 min) following dose 4.
Pt spent much of the session on the image that came up during dosing: standing at her own funeral and watching people leave early. She said it was not frightening but "sad in a clean way", and that afterwards she felt more permission to be seen.
We linked this to the pattern of disappearing in relationships — going quiet, agreeing, leaving before she is left. She wants to practise staying in the room when she disagrees with her partner.
Reports her appetite is back and she walked with a friend twice. PHQ-9 down to 11 from 19 at baseline.
Asked about SI: "It's quieter. It's not gone." Passive, no plan, no intent. Agreed to keep the safety plan on the fridge.""",
        risk=[
            ("standing at her own funeral and watching people leave early", False),
            ("Asked about SI", False),
            ("Passive, no plan, no intent.", True),
        ],
    ),
    LabelledNote(
        "dev-07",
        "progress",
        """Brief note. Pt called crisis line last night after an argument with her son. She told the counselor she wanted to disappear and "just not exist for a while".
Today she says she is safe, is not suicidal, and regrets worrying everyone.
She has been stockpiling her trazodone for about two weeks; she agreed to bring the bottle to clinic tomorrow and give it to her sister to hold.
Supervisor consulted. C-SSRS administered: Q1 yes, Q2 yes, Q3 no, Q4 no, Q5 no, Q6 no.""",
        risk=[
            ("She told the counselor she wanted to disappear", False),
            ("is not suicidal", True),
            ("She has been stockpiling her trazodone", False),
            ("C-SSRS administered", False),
        ],
    ),
    LabelledNote(
        "dev-08",
        "integration",
        """Integration after dose 1.
Pt reports the session was "mostly colour and music". He felt hopeful afterwards for the first time in months and drove himself to the coast on Saturday (partner drove on dosing day as required).
He is dying to see his daughter at spring break and has been planning the trip. He says the dessert at the harbour place is "to die for".
Work stress continues; his manager's deadlines are "a dead end" but he feels less swallowed by them.
We discussed sleep hygiene and limiting caffeine — he joked that he overdosed on coffee before the session and we talked about how that affects his anxiety.
No safety concerns raised; PHQ-9 item 9 scored 0.""",
        risk=[("PHQ-9 item 9 scored 0.", True)],
    ),
    LabelledNote(
        "dev-09",
        "progress",
        """pt seen in clinic, tearful. says "i cant do this anymore, everyone would be better off without me".
reports she wrote a goodbye letter to her daughter last week and has given away her cat to a neighbour.
denies having a specific plan. husband has a shotgun in the garage - locked, she does not know the combination.
risk assessed as high; supervisor and on-call psychiatrist contacted, pt agreed to voluntary ED evaluation, husband to drive.""",
        risk=[
            ("i cant do this anymore, everyone would be better off without me", False),
            ("she wrote a goodbye letter to her daughter", False),
            ("denies having a specific plan.", True),
            ("husband has a shotgun in the garage", False),
        ],
    ),
    LabelledNote(
        "dev-10",
        "preparation",
        """Prep session 2 (of 2).
Intentions:
1. To feel less afraid of my own anger.
2. To stop numbing out with wine in the evenings.
3. To reconnect with music — she used to play cello and hasn't touched it since college.
We practised a grounding exercise for dosing day and talked about the possibility of difficult material about her brother's death.
Pt has no history of self-harm and no lifetime suicidal behaviour. Denies current SI.
Ride home arranged with a friend.""",
        risk=[
            ("Pt has no history of self-harm and no lifetime suicidal behaviour.", True),
            ("Denies current SI.", True),
        ],
    ),
    LabelledNote(
        "dev-11",
        "integration",
        """Integration session. Pt was flat at first, then animated when we talked about the garden.
She described the recurring thought "what's the point of trying if it always comes back", and said it is weaker than before the course but still there most mornings.
She is not having thoughts of killing herself. She said, "The wish to die used to be the first thing I felt when I woke up, and this week it wasn't."
She has started to cut back on sugar and is walking the dog every evening.
Themes: mornings, the garden, and her fear that the improvement won't last.""",
        risk=[
            ("what's the point of trying if it always comes back", False),
            ("She is not having thoughts of killing herself.", True),
            ("The wish to die used to be the first thing I felt", False),
        ],
    ),
    LabelledNote(
        "dev-12",
        "progress",
        """Follow-up 6 weeks after the last dose. Pt continues in remission (PHQ-9 = 3).
Working full days, sleeping 7 hrs. Reconnected with her brother; they are planning a hiking trip.
She said she feels "boringly okay", which she likes.
No SI, no self-harm urges. Plan: monthly check-ins, booster discussion if PHQ-9 rises above 10.""",
        risk=[("No SI, no self-harm urges.", True)],
    ),
    LabelledNote(
        "dev-13",
        "dosing",
        """Dose 1. IV racemic ketamine 0.5 mg/kg over 40 min (weight 82 kg, 41 mg).
BP pre 152/94 — repeated after 10 min rest, 144/88; proceeded per protocol. Peak 168/98, post (40 min) 140/86. HR 88, SpO2 min 95%.
Pt quiet through most of the infusion. Reported feeling "heavy and far away". At one point said "I thought I was dead, like I had already gone," and then laughed and said it was peaceful.
CADSS 38. No vomiting. Observed 2 hrs; ambulating steadily at discharge.""",
        risk=[("I thought I was dead, like I had already gone", False)],
    ),
    LabelledNote(
        "dev-14",
        "integration",
        """Integration #3.
Key points:
- Sleep better (6-7 h).
- Still feels like a burden to her family "because I can't work".
- Reports hopelessness about finances but says she wants to live to see her grandson grow up.
- Denies SI/HI.
- Wants to look into volunteering at the library.
Reviewed the values exercise; she picked "useful" and "gentle" as the two she wants to live by.""",
        risk=[
            ("Still feels like a burden to her family", False),
            ("Reports hopelessness about finances", False),
            ("Denies SI/HI.", True),
        ],
    ),
    LabelledNote(
        "dev-15",
        "progress",
        """Pt arrived 15 min late, tearful. Her partner ended things with her on Sunday.
She is angry and hurt but said firmly, "I'm not going to hurt myself over him."
She has not cut since 2021 and does not want to go back to that.
She is staying with her sister for the week. Will see her Friday and check in by phone Wednesday.""",
        risk=[
            ("I'm not going to hurt myself over him.", True),
            ("She has not cut since 2021", True),
        ],
    ),
    LabelledNote(
        "dev-16",
        "integration",
        """Pt described the dose as the hardest so far. He saw "a grey corridor with doors that wouldn't open" and felt trapped for what seemed like hours.
Afterwards he was exhausted. Over the weekend he had the thought that his kids would be better off if he were gone, which frightened him, and he called his brother.
He denies any plan or intent and says the thought passed within an hour. He has no access to guns; he sold his hunting rifle in 2020.
We talked about the corridor as an image of the last two years and what a door might be. He wants to tell his wife about the weekend.""",
        risk=[
            ("his kids would be better off if he were gone", False),
            ("He denies any plan or intent", True),
            ("He has no access to guns; he sold his hunting rifle in 2020.", True),
        ],
    ),
    LabelledNote(
        "dev-17",
        "preparation",
        """Intake/prep. 34 y/o, TRD, 4 failed antidepressant trials, partial response to ECT in 2022.
My intention is to find out whether I can feel joy again, says pt. She also wants to work on the shame she carries about her divorce.
C-SSRS screen negative today. Denies history of suicide attempts.
Medical: controlled HTN on lisinopril, BP today 134/86. No psychosis history. Discussed driving restrictions after dosing.""",
        risk=[
            ("C-SSRS screen negative today.", True),
            ("Denies history of suicide attempts.", True),
        ],
    ),
    LabelledNote(
        "dev-18",
        "progress",
        """Patient left a voicemail overnight: "I'm sorry for everything. Tell Dr. Amari thank you. I won't be a problem much longer."
Called back at 08:10 — no answer. Called emergency contact (mother) who went to the apartment; pt was asleep and safe.
Welfare check documented. Pt later acknowledged she had been drinking and had looked up how many of her sleeping pills it would take to die.
Same-day appointment arranged; means counselling done with pt and mother; mother took the pills home.""",
        risk=[
            ("I won't be a problem much longer.", False),
            ("had looked up how many of her sleeping pills it would take to die", False),
        ],
    ),
    LabelledNote(
        "dev-19",
        "integration",
        """Integration following dose 5. Pt full of energy, talked fast.
She went to a friend's birthday and stayed until the end. She said it felt like coming back from the dead — "like someone turned the colour back on".
Discussed not over-committing now that her energy is back; she tends to say yes to everything and then crash.
PHQ-9 = 6. Pt shared a cartoon her son drew of the "medicine room" which she plans to frame.""",
        risk=[],
    ),
    LabelledNote(
        "dev-20",
        "progress",
        """Collateral from husband (with pt's consent): he has noticed her sorting through her jewellery and labelling pieces for each of the grandchildren. She also updated her will last month.
Pt says this is "just being organised" after her friend's illness. She denies thoughts of death or dying. She did acknowledge "days when I'd rather not wake up" earlier in the winter.
Plan: increase contact to weekly, C-SSRS at each visit.""",
        risk=[
            ("She also updated her will last month.", False),
            ("She denies thoughts of death or dying.", True),
            ("days when I'd rather not wake up", False),
            ("C-SSRS at each visit", False),
        ],
    ),
    LabelledNote(
        "dev-21",
        "integration",
        """Pt came in saying she felt "shot" — didn't sleep well after a late shift, then had a shot of espresso and a big breakfast.
The dosing experience was about her body: she felt her shoulders, then her jaw, "letting go like a fist opening".
She is noticing how much tension she holds at work and wants to try the body-scan recording twice this week.
She laughed that her coworkers think she has become "annoyingly calm". Mood 6/10.""",
        risk=[],
    ),
    LabelledNote(
        "dev-22",
        "progress",
        """Pt sent a message through the portal: "can we talk tmrw. had a really bad night. thought about kms but didnt do anything, im ok now."
Called pt within the hour. She is at home with roommate. Denies current intent. Reports urges to cut last night, resisted by holding ice.
Appointment booked for 10:00 tomorrow.""",
        risk=[
            ("thought about kms but didnt do anything, im ok now.", False),
            ("Denies current intent.", True),
            ("Reports urges to cut last night", False),
        ],
    ),
    LabelledNote(
        "dev-23",
        "integration",
        """Integration session, 50 min. Pt continues to describe the medicine sessions as "a place where the noise stops".
Her main theme today was grief for her dad, who died three years ago, and the guilt that she was not with him at the end.
She wrote a letter to him as homework and read part of it aloud. It was moving; she said she felt lighter afterwards.
We discussed how grief and depression have been tangled for her. She would like to visit his grave with her brother in May.
She is hopeful about the next dose. Denies SI.""",
        risk=[("Denies SI.", True)],
    ),
    LabelledNote(
        "dev-24",
        "dosing",
        """Esketamine 84 mg intranasal (3 devices, 5 min apart). BP pre 122/78, 40 min 138/88, peak 142/90. HR 72. SpO2 99%.
Dissociation moderate (CADSS 24), resolved by 90 min. Pt described "a long tunnel and my grandmother's kitchen".
No adverse events. Observed 2 h. Discharged with partner.""",
        risk=[],
    ),
    LabelledNote(
        "dev-25",
        "progress",
        """Pt disclosed today that she has been going to the parking garage near her office at lunch and standing at the top level "just to see how it feels".
She said she doesn't plan to jump but the idea of falling is comforting. She has been having thoughts of suicide most days this week.
She has not told her partner. She agreed to a same-day psychiatric evaluation. Safety plan updated to avoid the garage; she will take the bus instead of driving.""",
        risk=[
            ("standing at the top level", False),
            ("She said she doesn't plan to jump but the idea of falling is comforting.", False),
            ("She has been having thoughts of suicide most days this week.", False),
        ],
    ),
    LabelledNote(
        "dev-26",
        "integration",
        """Pt reports a good week overall. He and his wife took the kids to the aquarium.
He noticed the old story "I ruin everything" came up when he forgot to pay a bill, and he could say "that's the depression talking".
He talked about his father's death when he was 12 and how no one spoke about it afterwards.
We practised naming feelings in his body. He is motivated and would like to go back to the gym.
No risk issues identified today.""",
        risk=[],
    ),
    LabelledNote(
        "dev-27",
        "progress",
        """Session focused on sleep and medication timing. Pt has cut her caffeine and stopped screens after 9 p.m.
She said she's been hanging in there and is hanging out with a friend from choir on Fridays.
She is worried the benefit from the last dose is fading ("like a battery that's dying"). PHQ-9 12, up from 8.
Discussed booster timing with prescriber. No SI reported; item 9 = 0.""",
        risk=[("No SI reported; item 9 = 0.", True)],
    ),
    LabelledNote(
        "dev-28",
        "integration",
        """Pt quiet today. She said "I don't want to be here anymore, I'm just so tired of fighting."
When asked what she meant she clarified she means alive, not the session. She has had thoughts of overdosing on her lithium but has not acted on them.
She says she would never do it because of her daughter. Pt hopeless about the divorce settlement.
C-SSRS: Q1 yes, Q2 yes, Q3 yes, Q4 no, Q5 no. Plan: safety plan revised, lithium to be dispensed weekly, follow up in 2 days, supervisor informed.""",
        risk=[
            ("I don't want to be here anymore, I'm just so tired of fighting.", False),
            ("She has had thoughts of overdosing on her lithium but has not acted on them.", False),
            ("Pt hopeless about the divorce settlement.", False),
            ("C-SSRS: Q1 yes", False),
        ],
    ),
    LabelledNote(
        "dev-29",
        "preparation",
        """Pt set her intentions today. She hopes to "meet the part of me that gave up" and to be kinder to her body.
She wants to understand why she feels so empty at family gatherings.
She describes her depression as "a heavy coat I can't take off". She sees no way out of her current job but is hopeful the treatment will help her think more clearly about it.
Denies SI. No self-harm history. Husband will drive on dosing days.""",
        risk=[
            ("She sees no way out of her current job", False),
            ("Denies SI.", True),
            ("No self-harm history.", True),
        ],
    ),
    LabelledNote(
        "dev-30",
        "progress",
        """Telehealth. Pt in car (parked). Says the week was "fine, busy".
Mood 5/10. Appetite ok. No alcohol. Denies suicidal ideation, denies self harm. Reports some hopelessness about whether the improvement will last, "but not in a dark way".
Next dose Tuesday 9:30.""",
        risk=[
            ("Denies suicidal ideation, denies self harm.", True),
            ("Reports some hopelessness about whether the improvement will last", False),
        ],
    ),
    LabelledNote(
        "dev-31",
        "integration",
        """Pt described walking across the bridge into town every morning and noticing the river for the first time in years.
She said the medicine helped her see her life "from above, like a map", and she could see paths she had not noticed.
She is bridging the gap between her work self and her home self by leaving her laptop at the office.
She's been learning the ropes at her new job and feels competent. No SI.""",
        risk=[("No SI.", True)],
    ),
    LabelledNote(
        "dev-32",
        "progress",
        """Pt disclosed a history of cutting in adolescence (arms, thighs), last episode age 19.
Currently no urges. She has scars she covers with long sleeves and feels shame about them.
We discussed how the dosing environment will be set up so she can keep her sleeves down.
She also reported thoughts of wanting to disappear during the worst weeks of January; none since February.""",
        risk=[
            ("history of cutting in adolescence", False),
            ("She also reported thoughts of wanting to disappear", False),
        ],
    ),
    LabelledNote(
        "dev-33",
        "integration",
        """Integration after dose 6 (final dose of the course).
Pt reflected on the course. At the start she said she was "ready to die if this didn't work"; today she said she is not afraid of the future.
She wants to keep the morning practice and to return to choir. She has told her sister about the attempt in 2018 for the first time.
We reviewed warning signs together: withdrawing from friends, not answering texts, sleeping past noon.
Denies SI, plan, intent. Follow-up in 4 weeks.""",
        risk=[
            ("ready to die if this didn't work", False),
            ("She has told her sister about the attempt in 2018", False),
            ("Denies SI, plan, intent.", True),
        ],
    ),
    LabelledNote(
        "dev-34",
        "progress",
        """Pt reports she is "drowning in paperwork" with the move and killing time on her phone at night instead of sleeping.
She is cutting down on screen time and set an alarm to start winding down at 10.
Discussed the upcoming anniversary of her mother's death in March and made a plan for the day (visit to the coast with her partner).
Mood fair, affect brighter than last week.""",
        risk=[],
    ),
]


H = "heldout"

HELDOUT: list[LabelledNote] = [
    LabelledNote(
        "held-01",
        "integration",
        """Integration, 3 days post dose 2. Pt described feeling "lighter but raw". She talked about her marriage and the pattern of swallowing her anger until it comes out sideways.
She said that on Sunday night she sat in the bath and thought about how easy it would be to just slip under and not come up. She did not act on this and got out when her husband knocked.
She was clear that she does not want to die, "I want the noise to stop." We agreed to move the next integration session closer to the dose.
Homework: notice the first sign of anger in the body.""",
        risk=[
            ("thought about how easy it would be to just slip under and not come up", False),
            ("She was clear that she does not want to die", True),
        ],
        split=H,
    ),
    LabelledNote(
        "held-02",
        "progress",
        """Med check with prescriber present. Sertraline continued at 150 mg. Sleep improved with trazodone 50 mg prn.
Pt denies suicidal thoughts, denies thoughts of harming others. No self-injurious behavior since last visit.
BP 126/80. Weight stable. Next dosing session scheduled.""",
        risk=[
            ("Pt denies suicidal thoughts, denies thoughts of harming others.", True),
            ("No self-injurious behavior since last visit.", True),
        ],
        split=H,
    ),
    LabelledNote(
        "held-03",
        "integration",
        """He came in laughing about his weekend — his team won the pub quiz and he "killed it" on the music round.
In the medicine session he met an image of himself as a boy on his grandfather's boat and felt safe. He wants to take his own son fishing this summer.
We talked about how he has been able to tolerate boredom without reaching for his phone. He's dead set on finishing the deck before June.
No concerns about safety today.""",
        risk=[],
        split=H,
    ),
    LabelledNote(
        "held-04",
        "progress",
        """Urgent session requested by pt. She reports that since the layoff she "can't see any future" and has been sleeping 14 hours a day.
She said she has been thinking that her children would be better off with their father and that she is "just a weight on everyone".
She endorses passive death wish. When asked about a plan she said she has thought about taking all of her husband's oxycodone, which is in the bathroom cabinet.
She agreed that her husband will lock the medication in his car tonight. Crisis plan written together. Psychiatry consult same day.""",
        risk=[
            ('"can\'t see any future"', False),
            ("her children would be better off with their father", False),
            ("She endorses passive death wish.", False),
            ("she has thought about taking all of her husband's oxycodone", False),
        ],
        split=H,
    ),
    LabelledNote(
        "held-05",
        "preparation",
        """Prep 1. Pt is a 52 y/o teacher with recurrent MDD since his 20s. Previous trials: fluoxetine, venlafaxine, bupropion augmentation, lithium augmentation.
His intention: "To remember what it's like to look forward to something."
He also hopes to sleep through the night and to stop snapping at his students.
Lifetime C-SSRS: ideation with no method in 2019, no behaviour. Currently denies ideation.
Reviewed dosing-day logistics and the no-driving rule. Wife to pick him up.""",
        risk=[
            ("Lifetime C-SSRS: ideation with no method in 2019, no behaviour.", False),
            ("Currently denies ideation.", True),
        ],
        split=H,
    ),
    LabelledNote(
        "held-06",
        "dosing",
        """IM ketamine 0.75 mg/kg (63 kg, 47 mg) L deltoid. BP pre 118/76, post 134/84, peak 140/88. HR 84. SpO2 min 97%.
Pt tearful at 15 min, said "I'm at my own funeral and nobody came". Therapist sat with her; by 35 min she said the room "filled with people".
CADSS 29. Mild nausea treated with ondansetron 4 mg ODT. Observed 110 min.""",
        risk=[("I'm at my own funeral and nobody came", False)],
        split=H,
    ),
    LabelledNote(
        "held-07",
        "integration",
        """Pt reflected on dose 3. She described an overwhelming sense of her grandmother's love and cried through most of the hour.
She has been writing in her journal every day and has started painting again — she showed a small watercolour of the sea.
She noticed she is less harsh with herself when she makes mistakes at work.
Mood 7/10. She says she is "hopeful for the first time since my divorce". No SI.""",
        risk=[("No SI.", True)],
        split=H,
    ),
    LabelledNote(
        "held-08",
        "progress",
        """pt no show for 9am. called x2, left vm. emergency contact (brother) reached, he had spoken to pt last night, she said "I'm done, I'm so done with all of it."
brother went to apt, pt safe, had been drinking. she denies she meant suicide but admitted she had thought about driving her car into the river.
pt agreed to come in at 2pm with brother. supervisor aware.""",
        risk=[
            ("she denies she meant suicide but admitted she had thought about driving her car into the river.", False),
        ],
        split=H,
    ),
    LabelledNote(
        "held-09",
        "integration",
        """Integration session after dose 4. Pt talked about the end of her first marriage and said it felt like "a death I never grieved".
She described lying on the couch last week wishing she could go to sleep and never wake up, then said it passed within the afternoon.
She is clear she has no intention of acting on it and would tell her partner.
We explored grief rituals she might do for the marriage. She wants to write a letter to her younger self.""",
        risk=[
            ("wishing she could go to sleep and never wake up", False),
            ("She is clear she has no intention of acting on it and would tell her partner.", True),
        ],
        split=H,
    ),
    LabelledNote(
        "held-10",
        "progress",
        """Quick check-in by phone after the weekend.
- Mood "up and down"
- Slept ok Fri/Sat, poorly Sun
- Went to her niece's birthday, left early
- Denies SI/SH
- Next session Thurs 3pm""",
        risk=[("Denies SI/SH", True)],
        split=H,
    ),
    LabelledNote(
        "held-11",
        "integration",
        """Pt described the dose as "like falling through the floor of myself". She was frightened at first and then felt held.
She said she has been thinking a lot about her brother, who died by suicide in 2016, and whether she could have done something.
She has never told anyone that she found the note he left. She denies current thoughts of suicide herself.
We will keep returning to the grief at her pace.""",
        risk=[
            ("her brother, who died by suicide in 2016", False),
            ("She denies current thoughts of suicide herself.", True),
        ],
        split=H,
    ),
    LabelledNote(
        "held-12",
        "progress",
        """Pt reports feeling worthless and like a failure as a father. He said "My kids would be better off without me around."
When asked, he denied any intent to kill himself and said he would never leave them.
He agreed to tell his wife how bad things have been. Safety plan given; crisis line numbers in his phone.""",
        risk=[
            ("My kids would be better off without me around.", False),
            ("he denied any intent to kill himself and said he would never leave them.", True),
        ],
        split=H,
    ),
    LabelledNote(
        "held-13",
        "integration",
        """The dose brought up memories of the car accident in 2018. He saw the windshield and felt the cold, but this time he could "step out of the car" and look at it from the side of the road.
He said he always assumed he should have died that night. Since the dose he feels "allowed to be here".
Sleep better. Nightmares down from nightly to twice this week. He wants to visit the site with his sister.""",
        risk=[("He said he always assumed he should have died that night.", False)],
        split=H,
    ),
    LabelledNote(
        "held-14",
        "progress",
        """Pt stressed about exams, says the revision schedule is "killing me" and she is running on caffeine.
She is sleeping 5 hours. She is proud that she went to the gym twice.
Mood low-moderate. Discussed pacing and scheduling breaks. No safety concerns; denies self-harm urges.""",
        risk=[("No safety concerns; denies self-harm urges.", True)],
        split=H,
    ),
    LabelledNote(
        "held-15",
        "integration",
        """Pt reported a difficult few days. Her mother was hospitalised and pt has been the one managing everything.
She said "sometimes I just want to disappear, get on a train and not tell anyone where I'm going". When asked, she said she means run away, not die, and denied wanting to be dead.
She feels guilty for resenting her mother. We explored the burden of being the "capable one" in her family.""",
        risk=[
            ("sometimes I just want to disappear", False),
            ("denied wanting to be dead", True),
        ],
        split=H,
    ),
    LabelledNote(
        "held-16",
        "progress",
        """Pt brought in a list of what she has been doing since the last dose:
1. Walking every morning.
2. Called an old friend.
3. Cleared out the spare room and donated clothes.
4. Booked a dentist appointment she had avoided for 3 years.
She is proud of the list. Mood 6/10. No suicidal ideation.""",
        risk=[("No suicidal ideation.", True)],
        split=H,
    ),
    LabelledNote(
        "held-17",
        "progress",
        """Collateral call from pt's roommate, who was worried. She found pt's journal open on the table with a page titled "letters" addressed to her parents and sister, saying sorry and goodbye.
She also said pt has been giving away her plants and her bike.
Pt called in; she acknowledged writing the letters and said she has been thinking about hanging herself. She has not bought anything.
Mobile crisis team dispatched with pt's consent.""",
        risk=[
            ("saying sorry and goodbye", False),
            ("pt has been giving away her plants and her bike", False),
            ("she has been thinking about hanging herself", False),
        ],
        split=H,
    ),
    LabelledNote(
        "held-18",
        "integration",
        """Integration after dose 6. Pt's PHQ-9 is 5 (baseline 21).
She talked about going back to work and about the fear that "the old me" will come back. We reviewed the relapse-prevention plan and early warning signs.
She said she no longer has the thoughts of ending her life that she had for most of last year.
She would like monthly booster conversations. Termination of the acute phase planned.""",
        risk=[("She said she no longer has the thoughts of ending her life that she had for most of last year.", True)],
        split=H,
    ),
    LabelledNote(
        "held-19",
        "progress",
        """Pt struggled to talk today. Long silences. When he did speak he said he feels hopeless about ever working again and that "there's no point".
Asked directly, he said he has had thoughts of shooting himself. He owns a handgun, kept in a safe at home.
He agreed to let his brother take the handgun tonight and confirmed by text at 19:40 that the brother had it. Follow up tomorrow.""",
        risk=[
            ('he feels hopeless about ever working again and that "there\'s no point"', False),
            ("he has had thoughts of shooting himself", False),
            ("He owns a handgun, kept in a safe at home.", False),
            ("He agreed to let his brother take the handgun tonight", False),
        ],
        split=H,
    ),
    LabelledNote(
        "held-20",
        "integration",
        """Pt described the dose as peaceful. "Like lying on warm sand." She was surprised by how little happened visually.
She has been sleeping better and feels more patient with her teenagers. Her daughter said "you seem less sad, mom", which made her cry.
Plan: continue, review PHQ-9 next week.""",
        risk=[],
        split=H,
    ),
    LabelledNote(
        "held-21",
        "progress",
        """Pt reports intrusive images of jumping in front of the subway when she is on the platform; she does not want to die and the images frighten her.
She has started waiting at the back of the platform near the wall. Discussed intrusive thoughts vs intent, and ERP.
She denies any plan or intent. Discussed with supervisor re: OCD assessment.""",
        risk=[
            ("Pt reports intrusive images of jumping in front of the subway", False),
            ("She denies any plan or intent.", True),
        ],
        split=H,
    ),
    LabelledNote(
        "held-22",
        "integration",
        """Pt arrived with coffee, joked that she'd overdosed on coffee before the session so she'd "be awake for the feelings".
She described the medicine as gentler this time. She felt like she was floating in a warm, dark space and could hear her own heartbeat.
She shared that her relationship with her father is softening and they had lunch for the first time in two years.
She wants to keep the momentum. Mood bright.""",
        risk=[],
        split=H,
    ),
    LabelledNote(
        "held-23",
        "progress",
        """Pt tearful, says she has been "so tired of everything" and that she sometimes wishes she would get sick and die so it wouldn't be her fault.
She denied active SI, plan, or intent. She has a history of self-harm by burning (last 2017).
She has two cats and a close friend she calls daily; these keep her going.""",
        risk=[
            ("she sometimes wishes she would get sick and die", False),
            ("She denied active SI, plan, or intent.", True),
            ("She has a history of self-harm by burning (last 2017).", False),
        ],
        split=H,
    ),
    LabelledNote(
        "held-24",
        "integration",
        """Pt described a vision during the session of a black wave pulling her under; she said it felt like dying but then she "came up breathing".
She has been more able to say no to extra shifts and had a weekend off for the first time in months.
We talked about the vision as an image of the depression, and the surfacing as something she can do.
She denies SI.""",
        risk=[
            ("she said it felt like dying but then she", False),
            ("She denies SI.", True),
        ],
        split=H,
    ),
    LabelledNote(
        "held-25",
        "progress",
        """Pt reports a good week. He finished the cabinet he was building for his daughter's room.
He said he's been cutting out takeaway and cooking at home, and feels better for it.
He and his wife went to see a film, "a proper date". Mood 7/10.""",
        risk=[],
        split=H,
    ),
    LabelledNote(
        "held-26",
        "progress",
        """Pt disclosed that she has kept a stash of her old sertraline and lorazepam "just in case", about 60 tablets in total.
She says she has no current plan to use them but it makes her feel she "has a way out".
She agreed to bring them to the pharmacy for disposal with her partner this week. Means restriction discussed in detail.""",
        risk=[
            ("she has kept a stash of her old sertraline and lorazepam", False),
            ("She says she has no current plan to use them but it makes her feel she", False),
        ],
        split=H,
    ),
    LabelledNote(
        "held-27",
        "integration",
        """Pt talked about his father's death last spring and the funeral he could not attend because of his own illness. He still has his father's watch.
He said the medicine gave him a feeling of his father's hand on his shoulder.
He is sleeping better. He would like to plant a tree in his garden for his father.
Denies thoughts of self-harm.""",
        risk=[("Denies thoughts of self-harm.", True)],
        split=H,
    ),
    LabelledNote(
        "held-28",
        "progress",
        """Pt said "honestly, if I got hit by a bus tomorrow I'd be relieved." When explored, she described this as a long-standing passive wish not to be alive rather than a plan.
She denies intent. Her C-SSRS today: wish to be dead yes, active thoughts no.
Increased session frequency to weekly.""",
        risk=[
            ("if I got hit by a bus tomorrow I'd be relieved.", False),
            ("she described this as a long-standing passive wish not to be alive rather than a plan.", False),
            ("She denies intent.", True),
            ("Her C-SSRS today: wish to be dead yes, active thoughts no.", False),
        ],
        split=H,
    ),
    LabelledNote(
        "held-29",
        "preparation",
        """Prep 2. Pt set three goals for the course: to feel less numb, to re-engage with her running group, and to stop cancelling plans with friends.
She would like to understand why she shuts down when her partner raises money.
Discussed music for the sessions; she chose instrumental. Pt is hopeful and a little anxious.
No suicidal thoughts at present; no history of attempts.""",
        risk=[("No suicidal thoughts at present; no history of attempts.", True)],
        split=H,
    ),
    LabelledNote(
        "held-30",
        "integration",
        """Pt reported she has stopped cutting for 6 weeks, the longest since she was 16, and wanted to celebrate it.
She described urges on Tuesday after a fight with her mother and used the ice and the red pen instead.
We named the urge as a wave and practised riding it. She says she feels "like a different person, but still me".""",
        risk=[
            ("Pt reported she has stopped cutting for 6 weeks", True),
            (
                "She described urges on Tuesday after a fight with her mother and used the ice and the red pen instead.",
                False,
            ),
        ],
        split=H,
    ),
]

CORPUS: list[LabelledNote] = DEV + HELDOUT
