"""Clinical prose for the demo clinic's notes, written for this project.

A note is assembled from paragraphs drawn from many small banks: an opening, what the
patient brought (one of a dozen life themes, each with its own material for preparation,
dosing and integration), how the course is going (matching the PHQ-9 trend), a risk
paragraph that matches the patient's actual SI answers (a denial when there is none), and
a plan. Every patient is fictional; names come in through `{name}` and pronouns through
`{he}`/`{him}`/`{his}` (capitalised forms `{He}`/`{His}`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Memory:
    """What one patient's notes have said so far, so the next note does not repeat itself."""

    seen: set[str] = field(default_factory=set)
    last_imagery: tuple[str, int] | None = None  # theme and index of the last dose's imagery


@dataclass(frozen=True)
class Person:
    first_name: str
    pronoun: str  # "she" or "he"


@dataclass(frozen=True)
class DoseFacts:
    route: str
    number: int
    dose_mg: float
    weight_kg: float | None
    bp_pre: tuple[int, int] | None
    bp_peak: tuple[int, int] | None
    bp_post: tuple[int, int] | None
    heart_rate: int
    spo2_min: int
    cadss: int
    observed_minutes: int
    adverse_events: str | None


@dataclass(frozen=True)
class NoteFacts:
    """What a note may speak of: who, their themes and intention, and how things stand."""

    person: Person
    themes: tuple[str, str]
    intention: str
    number: int = 0  # session or dose number
    mood: str = "baseline"  # baseline, improving, responding, flat, slipping
    si: str = "none"  # none, passive, high, resolved
    dose: DoseFacts | None = None
    memory: Memory = field(default_factory=Memory)


# ------------------------------------------------------------------------------- themes

THEMES: dict[str, dict[str, list[str]]] = {
    "grief": {
        "background": [
            "{name}'s father died fourteen months ago after a long illness during which {name} was the main "
            "caregiver. {He} describes the months since as 'grey static' and says {he} has not cried once, "
            "which frightens {him} more than the sadness would.",
            "The depressive episode deepened after {his} mother's sudden death last spring. {name} still has "
            "her voicemail greeting saved and listens to it on bad nights; {he} calls this 'checking she's "
            "still gone'.",
        ],
        "intentions": [
            "to let myself grieve instead of managing it",
            "to say the things I never got to say to my dad",
            "to find out whether there is anything under the numbness",
        ],
        "imagery": [
            "Midway through the session {name} described walking through {his} childhood kitchen and finding "
            "it exactly as it was, down to the radio on the windowsill. {He} wept quietly for several minutes "
            "and later said it was the first time the loss had felt 'clean' rather than heavy.",
            "{name} reported a long passage of imagery in which {he} sat beside a hospital bed that slowly "
            "turned into a rowing boat. {He} said {he} understood, without words, that {he} was allowed to "
            "stop rowing.",
        ],
        "insight": [
            "{name} returned to the kitchen image from the dose and linked it to how much of {his} grief has "
            "been spent on logistics — the estate, the house, {his} siblings' arguments. We named the "
            "difference between tending to the loss and tending to the paperwork.",
            "{He} spoke about guilt over the final weeks of caregiving, particularly a night {he} lost {his} "
            "temper. We explored self-forgiveness without rushing toward it; {name} agreed to write the "
            "unsent letter we discussed at preparation.",
        ],
        "progress": [
            "{name} visited the grave for the first time since the funeral and described it as sad but "
            "bearable. {He} is sleeping through most nights.",
        ],
    },
    "burnout": {
        "background": [
            "{name} works in emergency nursing and has been on reduced duties since a panic episode during a "
            "shift in the summer. {He} describes {him}self as 'a machine that ran out of fuel and kept going'.",
            "A senior role in software delivery has consumed {his} evenings and weekends for three years. "
            "{name} says {he} no longer recognises the person who used to enjoy building things.",
        ],
        "intentions": [
            "to remember what I actually like doing",
            "to stop measuring my worth in output",
            "to rest without feeling guilty about it",
        ],
        "imagery": [
            "During the peak {name} reported seeing {him}self from above, still typing at a desk in an empty "
            "office building at night. {He} felt tenderness rather than judgement toward that figure.",
            "{name} described an experience of weightlessness, 'like being unplugged', and said {his} "
            "to-do list kept appearing and dissolving before {he} could read it. {He} laughed several times "
            "during the session, which {he} later said {he} had not done in months.",
        ],
        "insight": [
            "We worked with the image of the empty office. {name} identified three commitments {he} keeps out "
            "of fear rather than value and decided to drop one of them this week, knowing it will be "
            "uncomfortable.",
            "{name} noticed a strong urge to 'do integration properly' and we named this as the same "
            "perfectionism that drives the burnout. {He} agreed to an assignment of deliberately unstructured "
            "time: one hour, no goal.",
        ],
        "progress": [
            "{name} has negotiated a phased return to work with clearer boundaries around on-call hours and "
            "reports that {he} noticed the change before {his} manager did.",
        ],
    },
    "childhood": {
        "background": [
            "{name} grew up with a mother whose moods set the temperature of the house and learned early to "
            "be invisible. {He} describes a lifelong sense of being 'slightly behind glass' with other people.",
            "{name} describes a childhood that looked fine from the outside: good schools, no shouting, and "
            "no one ever asking how {he} felt. {He} says {he} learned that feelings were an inconvenience.",
        ],
        "intentions": [
            "to meet the kid I was and tell them they weren't too much",
            "to feel safe in my own body for an hour",
            "to understand why I disappear around people I love",
        ],
        "imagery": [
            "{name} encountered an image of {him}self at about seven years old, sitting on the stairs "
            "listening to an argument below. {He} reported being able to sit next to the child and said "
            "'that kid just needed someone to sit there'.",
            "{name} described the sensation of a pane of glass in front of {his} chest slowly warming and "
            "then simply no longer being there. {He} was tearful and quiet for much of the descent.",
        ],
        "insight": [
            "We returned to the child on the stairs. {name} noticed how often {he} still monitors other "
            "people's moods before {his} own, and linked this to {his} exhaustion in {his} relationship. "
            "We practised naming one feeling aloud without explaining or apologising for it.",
            "{name} was cautious today, saying the dose had opened 'more than I expected'. We slowed down, "
            "used grounding, and agreed that not every memory needs to be worked through at once.",
        ],
        "progress": [
            "{name} told {his} partner about the image of the child on the stairs and described feeling met "
            "rather than judged; {he} wants to bring this into couples work later.",
        ],
    },
    "separation": {
        "background": [
            "{name}'s marriage of sixteen years ended last year. {He} shares custody of two teenagers and "
            "describes the empty house on alternate weeks as the hardest part of {his} life now.",
            "A long relationship ended abruptly in the spring when {his} partner moved abroad. {name} "
            "ruminates for hours about what {he} should have done differently.",
        ],
        "intentions": [
            "to stop rehearsing conversations that are already over",
            "to learn how to be alone without it feeling like punishment",
        ],
        "imagery": [
            "{name} described the sensation of letting go of a rope {he} had been holding for years and "
            "noticing {his} hands were sore. {He} spent much of the session with {his} palms open on the "
            "blanket.",
            "{name} reported imagery of a house with every door open and wind moving through it. At first "
            "this felt like loss; by the end of the session {he} described it as 'airing out'.",
        ],
        "insight": [
            "{name} connected the rope image to {his} attempts to manage {his} former partner's feelings "
            "long after the separation. We explored what it would mean to let the other person be wrong "
            "about {him}.",
            "{He} described the alternate weeks as less bleak since the last dose and has started inviting "
            "a friend over on the first evening the children leave, which we framed as a deliberate ritual.",
        ],
        "progress": [
            "{name} says the rumination now takes minutes rather than hours and {he} can usually interrupt "
            "it with a walk.",
        ],
    },
    "chronic_pain": {
        "background": [
            "{name} has lived with fibromyalgia for nine years and describes a spiral in which pain, poor "
            "sleep and low mood feed each other. {He} is wary of 'yet another treatment that will fail'.",
            "A spinal injury six years ago ended {his} career as a carpenter. {name} manages the pain "
            "reasonably well but says the loss of {his} trade took {his} sense of who {he} is.",
        ],
        "intentions": [
            "to have a different relationship with the pain, even if it stays",
            "to find out who I am when I'm not a patient",
        ],
        "imagery": [
            "{name} noticed that for a long stretch of the session {he} could not locate the pain in {his} "
            "body at all. {He} described this as 'a vacation I didn't know I was allowed to take'.",
            "{name} reported imagery of {his} workshop, every tool hung in its place, and felt grief and "
            "pride at the same time. {He} asked that we return to this at integration.",
        ],
        "insight": [
            "{name} reported that the pain-free window lasted into the evening after the dose and then "
            "returned. We discussed holding that window as information rather than as a promise.",
            "We explored the workshop image. {name} identified that {his} hands still know the work and "
            "talked about teaching a weekend class at the community college, something {he} had dismissed "
            "as 'not real carpentry'.",
        ],
        "progress": [
            "Pain scores are unchanged but {name} reports spending less of the day bracing against it; {he} "
            "has resumed short walks with {his} dog.",
        ],
    },
    "perfectionism": {
        "background": [
            "{name} is a doctoral candidate who has rewritten the same thesis chapter for eleven months. "
            "{He} describes a voice that finds the flaw in everything, including in {his} attempts to rest.",
            "{name} was the 'reliable one' in every job and family role. {He} describes intense shame after "
            "small mistakes and replays them for days.",
        ],
        "intentions": [
            "to make something imperfect and let it exist",
            "to notice the critic without obeying it",
        ],
        "imagery": [
            "{name} described the critic as a figure standing behind {him} with a clipboard. During the "
            "session the figure became smaller and eventually 'just a tired person who wanted to keep me "
            "safe'.",
            "{name} reported a long period of music-driven imagery with no narrative at all, which {he} found "
            "at first unsettling ('I kept waiting for the point') and then deeply restful.",
        ],
        "insight": [
            "We worked with the image of the critic with the clipboard. {name} was surprised by the "
            "compassion {he} felt for it and we discussed thanking the critic for its intention while "
            "declining its advice.",
            "{name} submitted a section of the chapter to {his} supervisor without a final reread, as agreed "
            "last time. The anxiety peaked and passed within an hour, which {he} called 'evidence'.",
        ],
        "progress": [
            "{name} has sent the full chapter draft. {He} notes the critic is still there but 'talks less "
            "and I argue back more'.",
        ],
    },
    "parenting": {
        "background": [
            "{name} has two children under five and describes the depression as starting after the second "
            "birth. {He} loves {his} children and feels like a stranger to them, which {he} finds unbearable.",
            "{name} is the single parent of a teenager with significant mental health needs. {He} describes "
            "being on alert at all hours and having nothing left for {him}self.",
        ],
        "intentions": [
            "to be present with my kids instead of watching myself parent",
            "to put my own oxygen mask on first",
        ],
        "imagery": [
            "{name} reported imagery of standing in the sea, waves arriving one after another, and noticing "
            "that {he} did not have to stop each one — only stay standing.",
            "{name} described holding {his} youngest as a newborn and feeling the warmth {he} had missed at "
            "the time. {He} cried and said, 'I was there after all.'",
        ],
        "insight": [
            "{name} reflected that {he} has been treating every hard moment at home as a verdict on {his} "
            "parenting. We explored the wave image as a model for the evenings: the tantrums arrive, "
            "{he} stays standing.",
            "{He} arranged for {his} sister to take the children one afternoon a week, the first time {he} "
            "has asked for help without a crisis to justify it.",
        ],
        "progress": [
            "{name} describes bath time and bedtime as 'ordinary again' and says {he} now notices moments "
            "of delight, not only the effort.",
        ],
    },
    "moral_injury": {
        "background": [
            "{name} served two deployments as a combat medic. {He} is not troubled by classic re-experiencing "
            "so much as by a persistent sense of having failed people {he} could not save.",
            "{name} worked in child protection for twelve years and left after a case ended badly. {He} "
            "carries a sense of complicity that no review or reassurance has touched.",
        ],
        "intentions": [
            "to put down what I have been carrying for other people",
            "to see whether forgiveness is even possible for me",
        ],
        "imagery": [
            "{name} reported seeing the faces of people from {his} years of service, one after another, "
            "without the usual dread. {He} said each of them seemed to nod and move on.",
            "{name} described sitting in a vast, quiet space and sensing that what happened was larger than "
            "any one person's failure. {He} was tearful and said 'I was part of it, not all of it.'",
        ],
        "insight": [
            "We explored the difference between responsibility and blame. {name} wrote the names {he} "
            "remembers on a card and decided to keep it rather than burn it: 'they should be remembered by "
            "someone who cared.'",
            "{name} was irritable today and said the dose had stirred old anger at the institution. We made "
            "room for the anger as a moral emotion rather than a symptom.",
        ],
        "progress": [
            "{name} has joined a peer group for former service members and reports that saying the hardest "
            "part aloud there felt 'survivable'.",
        ],
    },
    "caregiving": {
        "background": [
            "{name}'s spouse has early-onset Alzheimer's disease. {He} is the primary caregiver and describes "
            "grieving someone who is still in the next room.",
            "{name} cares for a brother with a severe brain injury. Respite has fallen through twice this "
            "year and {he} describes {his} own life as 'on indefinite hold'.",
        ],
        "intentions": [
            "to find some part of my life that is still mine",
            "to love my partner as they are now, not as they were",
        ],
        "imagery": [
            "{name} described dancing with {his} spouse at their wedding and then, in the same image, "
            "holding their hand in the present. {He} said both were true and neither cancelled the other.",
            "{name} reported a long, quiet stretch of being alone in a forest, which {he} described as "
            "'finally off duty'.",
        ],
        "insight": [
            "We explored anticipatory grief and the wedding image. {name} wants to keep a small ritual of "
            "playing their wedding song on Sundays, without expecting recognition.",
            "{name} noticed resentment alongside love and was relieved when we treated both as expected "
            "rather than shameful. {He} agreed to contact the respite service again this week.",
        ],
        "progress": [
            "Respite care is now in place two mornings a week. {name} uses one for {him}self and one for "
            "errands and calls the first one 'non-negotiable'.",
        ],
    },
    "sobriety": {
        "background": [
            "{name} has been sober from alcohol for four years and attends a mutual-help group. {He} "
            "describes the depression as the thing drinking used to cover.",
            "{name} stopped drinking eighteen months ago with a good recovery network but says the flatness "
            "since then 'makes sobriety feel like a waiting room'.",
        ],
        "intentions": [
            "to feel something good without needing a drink for it",
            "to find out what I was trying to drown",
        ],
        "imagery": [
            "{name} described the session as 'feeling the good part without the crash'. {He} was attentive "
            "to whether the experience resembled being drunk and concluded that it did not.",
            "{name} reported imagery of a frozen lake cracking and dark water underneath, which {he} "
            "approached with curiosity. {He} linked it to {his} first years of heavy drinking.",
        ],
        "insight": [
            "We reviewed the dose in relation to {his} recovery. {name} reports no cravings, has spoken to "
            "{his} sponsor about the treatment and feels it fits with {his} programme.",
            "{name} explored the lake image and the emotions {he} avoided in {his} twenties: loneliness after "
            "a move, a parent's illness. {He} wants to bring this to {his} group as well.",
        ],
        "progress": [
            "{name} remains sober, with no cravings reported. {He} says the flatness has lifted enough that "
            "meetings feel like connection rather than duty.",
        ],
    },
    "loneliness": {
        "background": [
            "{name} moved across the country two years ago for a job and has not built a social life. {He} "
            "works remotely and some weeks speaks to no one in person.",
            "{name} lost most of {his} friendships during a long depressive episode in {his} thirties and "
            "now feels too ashamed to reach out.",
        ],
        "intentions": [
            "to feel connected to something bigger than my apartment",
            "to be brave enough to call someone",
        ],
        "imagery": [
            "{name} reported imagery of a crowded, noisy dinner table where {he} was simply one of the "
            "guests. {He} noticed that nobody was looking at {him} and found that a relief.",
            "{name} described a sense of being connected to 'everyone who has ever felt this way' and said "
            "it made the loneliness feel shared rather than personal.",
        ],
        "insight": [
            "We translated the dinner-table image into something concrete. {name} has decided to join a "
            "weekly climbing group, chosen because the activity gives {him} something to do with {his} "
            "hands while {he} meets people.",
            "{name} texted an old friend after the last session and got a warm reply. We explored the "
            "catastrophic predictions {he} made beforehand and compared them with what happened.",
        ],
        "progress": [
            "{name} has attended the climbing group three times and has a standing coffee with one member. "
            "{He} describes this as 'small, and not small at all'.",
        ],
    },
    "identity": {
        "background": [
            "{name} came out to {his} family last year and {his} parents have not spoken to {him} since. "
            "{He} describes a depression that began long before that, rooted in years of hiding.",
            "{name} is a first-generation professional who feels at home neither in {his} family's world nor "
            "in {his} colleagues'. {He} describes living 'between two languages'.",
        ],
        "intentions": [
            "to feel that I'm allowed to exist as I am",
            "to stop translating myself for everyone",
        ],
        "imagery": [
            "{name} described standing in front of a mirror and seeing {him}self clearly for the first time "
            "in years, without the familiar wince. {He} smiled through much of the session.",
            "{name} reported imagery of {his} grandmother's hands making bread and a strong sense that "
            "{he} belonged to a long line of people who survived by adapting.",
        ],
        "insight": [
            "{name} spoke about the mirror image and the relief of not performing. We discussed where in "
            "{his} week {he} already gets to be unedited and how to widen that space.",
            "{name} explored the grandmother image. {He} wants to learn the bread recipe from an aunt, which "
            "we framed as reconnecting with family on {his} own terms.",
        ],
        "progress": [
            "{name} reports more days when {he} feels 'like one person instead of two'. {He} has begun "
            "writing about {his} family history.",
        ],
    },
}

# ------------------------------------------------------------------------- generic banks

INTAKE_OPENINGS = [
    "Intake assessment for ketamine-assisted psychotherapy. {name} was referred by {his} psychiatrist "
    "after three adequate antidepressant trials and a course of CBT without lasting benefit.",
    "Initial assessment. {name} found the clinic through {his} primary care physician and arrived with a "
    "folder of previous treatment records, which {he} said {he} had been 'carrying around like evidence'.",
    "First appointment. {name} was punctual, well groomed and soft-spoken, with a restricted affect that "
    "brightened briefly when {he} talked about {his} dog.",
    "Intake for treatment-resistant depression. {name} describes a depressive illness of more than ten "
    "years with partial responses to medication and a recent episode that has not lifted in eight months.",
    "Intake session. {name} was referred by {his} therapist of four years, who will continue weekly "
    "sessions alongside the KAP course; releases of information signed for both clinicians.",
    "Assessment visit. {name} was initially guarded and asked several sharp questions about the evidence "
    "base for ketamine, which we discussed openly; {he} relaxed noticeably once those were answered.",
]

INTAKE_SCREENING = [
    "Medical screen: no history of psychosis or mania, no uncontrolled hypertension, no current substance "
    "use disorder. Medications reviewed; the prescriber is aware of the planned course.",
    "Screened for contraindications: no personal or family history of psychosis, resting BP within range at "
    "today's visit, no cardiac history. Benzodiazepine use is limited to rare PRN doses, which we agreed to "
    "avoid within 24 hours of a dose.",
    "No contraindications identified. {name} takes an SSRI and a low dose of a sleep aid; both continue. "
    "{He} has a driver lined up for dosing days.",
    "Reviewed medical history with the prescribing physician's assessment: no psychotic features, no "
    "bipolar history, BP normal at rest, pregnancy not possible per patient report. Cleared for the course.",
]

PREP_OPENINGS = [
    "Preparation session {number}. We reviewed what to expect from the medicine, the structure of the dosing "
    "day, and how the therapist will and will not intervene during the experience.",
    "Preparation session {number}. {name} arrived with a written list of questions, most about losing "
    "control; we went through each one.",
    "Preparation session {number}. {name} reported mild anticipatory anxiety about the first dose and also "
    "'more hope than I've felt in a while', which {he} was wary of.",
    "Preparation session {number}. We spent most of the hour on {his} history and what {he} hopes will be "
    "different, then practised the breathing and grounding we will use on dosing days.",
    "Preparation session {number}, in person. {name} toured the dosing room, tried the eyeshades and "
    "headphones and chose to keep a blanket and a photo of {his} garden nearby.",
    "Preparation session {number}. {name} was quieter than at intake and said the week had been heavy. We "
    "slowed the pace and focused on building trust rather than covering content.",
]

SET_AND_SETTING = [
    "Discussed set and setting: the music, the eyeshades, the option to speak or stay silent, and an agreed "
    "signal for wanting the therapist's hand on the shoulder. Consent for supportive touch was given and can "
    "be withdrawn at any time.",
    "Psychoeducation: dissociation is expected and time-limited; difficult material may come up and is not "
    "a sign that something is going wrong. We agreed to meet whatever arises with curiosity rather than "
    "resistance.",
    "We talked about the difference between the medicine's effects and the therapy: the dose may open a "
    "window, and the work of the integration sessions is what turns it into change.",
    "Reviewed practicalities: nothing to eat for four hours before the dose, a ride home arranged, no "
    "driving until the next morning, and a quiet evening planned.",
    "{name} asked whether {he} might 'see something terrible'. We discussed that frightening imagery can "
    "occur, that {he} will not be alone with it, and that the instruction is to move toward it if {he} can.",
]

INTENTION_LINES = [
    "Stated intention: '{intention}.' We agreed to hold it lightly and let the session go where it goes.",
    "{name} chose the intention '{intention}' after some discussion and wrote it on a card to bring to the first dose.",
    "{He} named {his} intention as '{intention}', and said it felt both embarrassing and true.",
    "Intention, in {his} words: '{intention}.' We talked about how an intention is a direction, not a demand.",
]

ROUTE_OPENINGS = {
    "iv": [
        "Dose {number}: IV racemic ketamine {dose_mg:g} mg ({mg_per_kg:.2f} mg/kg at {weight_kg:g} kg) infused "
        "over 40 minutes by the nursing team, with continuous pulse oximetry and BP every 10 minutes.",
        "Dose {number}, intravenous ketamine {dose_mg:g} mg ({mg_per_kg:.2f} mg/kg) over 40 minutes. Cannula "
        "placed on the first attempt; {name} settled quickly once the music started.",
    ],
    "im": [
        "Dose {number}: IM ketamine {dose_mg:g} mg ({mg_per_kg:.2f} mg/kg) into the deltoid by the physician. "
        "Onset within five minutes; {name} lay back with eyeshades on.",
        "Dose {number}, intramuscular ketamine {dose_mg:g} mg ({mg_per_kg:.2f} mg/kg at {weight_kg:g} kg). "
        "{name} asked for the therapist's hand on {his} shoulder at onset, as agreed.",
    ],
    "sublingual": [
        "Dose {number}: sublingual ketamine lozenge {dose_mg:g} mg, held for 15 minutes and then spat out per "
        "protocol. {name} lay back with eyeshades on and music playing.",
        "Dose {number}, ketamine troche {dose_mg:g} mg sublingually. {He} found the taste unpleasant but "
        "managed the full hold time.",
    ],
    "oral": [
        "Dose {number}: oral ketamine {dose_mg:g} mg in solution. Onset was slower than with the lozenge and "
        "gentler; {name} spent the first twenty minutes talking before settling.",
    ],
    "intranasal": [
        "Dose {number}: intranasal esketamine {dose_mg:g} mg ({devices} devices, five minutes apart) under the "
        "REMS protocol, with the required two-hour observation.",
        "Dose {number}, esketamine nasal spray {dose_mg:g} mg. {name} self-administered under supervision "
        "and then reclined with eyeshades.",
    ],
}

DOSING_EXPERIENCE = [
    "The onset was marked by a sense of the body becoming very large and then very light. {name} spoke "
    "little and moved {his} hands slowly in time with the music.",
    "{name} described a long stretch of colour and geometry without emotional content, followed by a "
    "sudden wave of sadness that {he} allowed rather than fought.",
    "There was a period of anxiety at the peak; {name} said 'I don't like this' twice. With grounding and "
    "a reminder of {his} intention {he} settled and later called the anxious part 'the door'.",
    "{name} reported an experience of dying and being reborn, which {he} described as peaceful rather than "
    "frightening, and was clear afterwards that it felt symbolic.",
    "{name} was talkative throughout, narrating images as they came. Much of it was playful, some of it "
    "poignant; {he} asked that we not analyse it today.",
    "{He} described floating above a dark landscape and, toward the end, noticing small lights coming on "
    "one by one 'like a town waking up'.",
    "The experience was subtle at this dose. {name} was a little disappointed and we normalised that some "
    "sessions are quiet.",
    "{name} saw an image of {his} own funeral, attended by people {he} loves, and said afterwards that it "
    "was not about wanting to die but about 'seeing that I matter to them'.",
]

DOSING_CLOSINGS = [
    "Returned to baseline orientation by the end of observation, walking steadily; left with {his} partner.",
    "Alert and oriented at discharge, ambulating independently. Picked up by a friend.",
    "At discharge {name} was calm, a little tired, and able to summarise the session clearly. Ride home confirmed.",
    "Met discharge criteria. {He} chose to sit quietly with tea for ten minutes before leaving with {his} sister.",
    "Discharged home with {his} spouse once steady on {his} feet; reminded not to drive until tomorrow.",
]

# Integration material for doses whose experience was not one of the theme images.
GENERIC_INSIGHTS = [
    "{name} found it hard to put the session into words. We worked with the felt sense instead: a loosening "
    "in the chest that {he} can still find when {he} slows {his} breathing.",
    "We revisited the moment of anxiety during the dose. {name} noticed that it passed when {he} stopped "
    "trying to control it and wondered aloud where else in {his} life that might be true.",
    "{name} said the session 'didn't mean anything' and then, later in the hour, linked the sadness at the "
    "peak to a friendship that ended last year. We left the link open rather than tidying it up.",
    "Much of the hour was spent on what {name} noticed in the days after the dose: food tasting better, "
    "irritation passing faster, a morning when {he} sang in the car.",
    "{name} brought a drawing made the evening after the dose — mostly colour, one dark shape in the corner. "
    "{He} chose to talk about the colour first and the shape last.",
    "We talked about the relationship between the dose and the rest of {his} week. {name} wants the "
    "experience to 'fix' things and we explored the pressure that puts on each session.",
    "{name} described the after-glow lasting two days and then a dip on the third, which {he} took as a "
    "failure. We reframed the dip as the ordinary return of the week and looked at what helped.",
]

INTEGRATION_OPENINGS = [
    "Integration session after dose {number}.",
    "Integration, following dose {number}. {name} arrived a few minutes early and was eager to talk.",
    "Integration session {number}. {name} brought a page of notes {he} wrote the evening after the dose.",
    "Integration after dose {number}. {name} was reflective and somewhat tired; {he} slept for most of the "
    "afternoon after the session.",
    "Integration session after dose {number}, by video at {his} request.",
    "Integration following dose {number}. {name} began by saying {he} was not sure anything had changed, "
    "then spent twenty minutes describing what had.",
]

MOOD = {
    "baseline": [
        "Mood remains low, with poor sleep and little pleasure in the day, in keeping with the intake picture.",
        "{name} says the week was 'the usual grey'. It is early, and {he} is trying not to scan every hour "
        "for signs of change.",
    ],
    "improving": [
        "{name} reports some lifting of mood since the last session: getting out of bed is easier and "
        "{he} noticed enjoying a meal with friends.",
        "The change is modest but real: {name} describes 'more good hours in the day' and fewer early "
        "morning awakenings.",
        "{He} describes the improvement as uneven — two good days, then a flat one — and we talked about "
        "expecting a jagged line rather than a straight one.",
        "PHQ-9 is down from baseline. {name} is cautious about trusting it but says other people have noticed "
        "{him} laughing more.",
    ],
    "responding": [
        "{name} describes a clear change: {he} wakes up without dread, has resumed things {he} had given up, "
        "and says the depression feels 'like weather that moved on'.",
        "Scores have roughly halved since baseline. {name} is enjoying food, music and company again and "
        "worries mainly about whether it will last, which we discussed openly.",
        "{He} described a week of ordinary pleasures — cooking, a long phone call, an afternoon in the park — "
        "and said 'I forgot I used to be like this.'",
        "The improvement has held. {name} has more energy than {he} knows what to do with and we talked "
        "about pacing rather than trying to make up for lost years in a month.",
    ],
    "flat": [
        "{name} says little has changed in {his} mood since the course began. {He} values the sessions "
        "themselves but the days in between remain heavy.",
        "PHQ-9 is essentially unchanged from baseline. {name} is discouraged and asked directly whether "
        "{he} is 'one of the people it doesn't work for'.",
        "{He} describes the doses as interesting but not transformative, and the week in between as "
        "indistinguishable from before the course.",
        "Mood is unchanged; sleep a little better. {name} is frustrated and we agreed to raise dose "
        "adjustment and alternatives with the prescriber.",
    ],
    "slipping": [
        "{name} reports that the low mood has crept back over the last fortnight: more time in bed, less "
        "interest in the things that had come back.",
        "The gains of the course are fading. {name} noticed it first as irritability, then as the old "
        "heaviness in the mornings.",
        "{He} is frightened by the return of symptoms and reads it as proof the treatment failed. We "
        "reframed it as information for planning, including a possible booster dose.",
    ],
}

INTEGRATION_PLANS = [
    "Plan: a daily ten-minute walk without the phone, and journaling about the main image from the dose.",
    "Homework: write down three moments each day when {he} felt even slightly at ease, to bring next time.",
    "Plan: continue weekly therapy with {his} primary therapist, share these integration notes with that "
    "therapist if {he} wishes, next dose as scheduled.",
    "Agreed to call one person {he} has been avoiding before the next dose.",
    "Plan: keep the intention card on the fridge, practise the breathing exercise before sleep, next "
    "integration after the following dose.",
    "We agreed on a short creative practice — drawing the imagery rather than describing it — as a way to "
    "stay with the material without over-analysing it.",
    "Plan: schedule one pleasant activity on each of the two days after the next dose, when {he} tends to "
    "feel most open.",
    "Next steps: bring the question of medication timing to the prescriber, keep sleep regular, review "
    "the intention before the next dose.",
]

FOLLOW_UP_OPENINGS = [
    "Follow-up visit, {number} weeks after the last dose.",
    "Monthly follow-up. {name} attended in person and looked well.",
    "Follow-up session. {name} had completed the weekly questionnaires online before the visit.",
    "Scheduled follow-up after the course. {name} arrived on time and was chatty in the waiting area.",
]

GENERAL_PROGRESS = (
    "{name} has kept up the daily walk agreed during integration and says it has become the anchor of {his} "
    "mornings rather than a chore.",
    "{name} describes a recent wobble after a poor night's sleep that lifted within two days; {he} noticed "
    "that {he} no longer reads a bad day as the start of a relapse.",
    "{He} reports returning to a hobby abandoned years ago and finding that the pleasure is there, if quieter "
    "than {he} remembered.",
)

FOLLOW_UP_PLANS = [
    "Plan: continue weekly online PHQ-9 and GAD-7, next follow-up in four weeks, earlier contact if symptoms "
    "return for more than a week.",
    "We discussed a booster dose if needed and agreed on the signs that would prompt one. Next follow-up as scheduled.",
    "Plan: maintenance therapy with {his} primary therapist; our follow-up continues monthly for now.",
]

RISK = {
    "none": [
        "Denies suicidal ideation, intent or plan.",
        "Risk: denies any thoughts of suicide or self-harm; no change in protective factors.",
        "No suicidal ideation reported on direct questioning, and none endorsed on PHQ-9 item 9.",
        "Asked directly about thoughts of death or suicide; {name} denied any, past or present.",
        "{name} denies SI, HI and self-harm. Protective factors include {his} close relationships and {his} work.",
        "Risk reviewed: no suicidal thoughts, no self-harm; {he} is future-oriented and making plans.",
    ],
    "passive": [
        "Endorses passive suicidal ideation — 'sometimes I think it would be easier not to wake up' — without "
        "intent or plan. Safety plan reviewed and up to date; crisis numbers confirmed.",
        "{name} reports thoughts that {his} family would be better off without {him} on several days this "
        "fortnight. Denies intent, plan or preparatory behaviour. Means safety discussed; safety plan "
        "reviewed.",
        "Passive death wishes persist ('I wouldn't mind not being here'), at a similar level to intake. No "
        "intent, no plan, no rehearsal. C-SSRS administered. {He} agreed to use the safety plan and call "
        "the crisis line if the thoughts change.",
        "Hopelessness remains prominent and {name} describes feeling tired of living on some days. Denies "
        "any plan or intent; we updated the safety plan together and confirmed {his} brother as a support.",
    ],
    "high": [
        "{name} endorsed thoughts of being better off dead on more than half the days in the past two weeks, "
        "worse since a conflict at home. {He} denies a plan or intent and has no access to firearms; "
        "medications are held by {his} partner. C-SSRS administered, safety plan reviewed, supervisor "
        "consulted before proceeding.",
        "Risk: frequent suicidal thoughts this fortnight, described as intrusive rather than wished for. "
        "{He} has thought about how but has no plan and no intent, and agreed to means restriction at home. "
        "Safety plan rewritten, crisis line numbers on {his} phone, next contact within 48 hours.",
    ],
    "resolved": [
        "The passive death wish present before the first dose has not returned; denies SI today.",
        "Denies suicidal ideation. {name} noted, unprompted, that the 'better off not here' thoughts stopped "
        "the day after the first dose.",
        "No suicidal thoughts since the last contact. The safety plan stays in place and {he} knows how to reach us.",
    ],
}

EVENT_NOTES = {
    "missed_integration": [
        "Phone call. {name} cancelled the integration session scheduled after dose {number} (childcare fell "
        "through) and did not take up the offered video slot. Will process the dose at the next integration "
        "session. Denies SI on the phone.",
    ],
    "dropout": [
        "{name} did not attend dose 2 and did not respond to two voicemails. Reached today by phone: {he} "
        "felt 'too raw' after the first session and wants to pause the course. Denies suicidal ideation; "
        "agreed to contact us or {his} primary therapist if that changes. Course paused at {his} request.",
    ],
    "discharge": [
        "Discharge summary. {name} completed the course and two months of follow-up with sustained response. "
        "Relapse signs and the route back to the clinic discussed; care returns to {his} primary therapist "
        "and psychiatrist. Denies SI at discharge.",
    ],
    "overdue_reminder": [
        "Weekly check-in questionnaires have not been completed for three weeks; two automated reminders "
        "and a text went unanswered. Left a voicemail asking {name} to call back. No information about "
        "current mood or risk.",
    ],
    "bp_follow_up": [
        "Follow-up call after yesterday's dose, when BP rose above 180 systolic during the infusion. {name} "
        "feels well, no headache or chest pain. Discussed with the prescriber: pre-dose BP must be below "
        "140/90 before the next infusion, with a slower rate if it is borderline.",
    ],
    "safety_plan": [
        "Safety planning session. {name} continues to report passive suicidal ideation on most days. "
        "Together we rewrote the safety plan: warning signs (staying in bed past noon, cancelling plans), "
        "coping steps, two people to call, the crisis line and 988. Medications are now dispensed weekly. "
        "Case discussed in supervision.",
    ],
    "high_risk_review": [
        "Risk review before dose {number}. PHQ-9 item 9 scored 2 today after a difficult week. C-SSRS: "
        "wish to be dead and non-specific thoughts, no method, intent or plan, no recent behaviour. Safety "
        "plan reviewed, partner aware. Supervisor consulted by phone; agreed to proceed with the dose with "
        "a check-in call tomorrow.",
    ],
    "relapse_call": [
        "Check-in call prompted by rising PHQ-9 scores over the last three weeks. {name} describes the old "
        "morning heaviness returning. Denies suicidal ideation. Discussed a booster dose and an earlier "
        "follow-up; {he} will talk it over with {his} psychiatrist.",
    ],
}


# ---------------------------------------------------------------------------- assembling


def _fill(text: str, facts: NoteFacts, **extra: object) -> str:
    she = facts.person.pronoun == "she"
    words: dict[str, object] = {
        "name": facts.person.first_name,
        "he": "she" if she else "he",
        "him": "her" if she else "him",
        "his": "her" if she else "his",
        "He": "She" if she else "He",
        "His": "Her" if she else "His",
        "number": facts.number,
        "intention": facts.intention,
    }
    words.update(extra)
    return text.format(**words)


def _choose(rng: random.Random, bank: list[str] | tuple[str, ...], facts: NoteFacts) -> str:
    """A paragraph this patient's notes have not used yet (any, once the bank is exhausted)."""
    fresh = [text for text in bank if text not in facts.memory.seen]
    chosen = rng.choice(fresh or bank)
    facts.memory.seen.add(chosen)
    return chosen


def _theme(facts: NoteFacts, rng: random.Random, part: str, extra: tuple[str, ...] = ()) -> str:
    """Material from either of the patient's themes (plus any general paragraphs offered)."""
    return _choose(rng, [*THEMES[facts.themes[0]][part], *THEMES[facts.themes[1]][part], *extra], facts)


def _join(paragraphs: list[str]) -> str:
    return "\n\n".join(p for p in paragraphs if p)


def _risk(facts: NoteFacts, rng: random.Random, state: str | None = None) -> str:
    return _choose(rng, RISK[state or facts.si], facts)


def _screening_risk(facts: NoteFacts) -> str:
    # Before any dose "resolved" cannot apply; a patient without SI gets a plain denial.
    return "none" if facts.si == "resolved" else facts.si


def intake_note(rng: random.Random, facts: NoteFacts) -> str:
    paragraphs = [
        _choose(rng, INTAKE_OPENINGS, facts),
        _choose(rng, THEMES[facts.themes[0]]["background"], facts),
        _choose(rng, INTAKE_SCREENING, facts),
        _risk(facts, rng, _screening_risk(facts)),
        "Plan: preparation sessions before the first dose; PHQ-9 and GAD-7 before each dose and weekly after.",
    ]
    return _join([_fill(p, facts) for p in paragraphs])


def preparation_note(rng: random.Random, facts: NoteFacts) -> str:
    paragraphs = [
        _choose(rng, PREP_OPENINGS, facts),
        _choose(rng, THEMES[facts.themes[1]]["background"], facts) if facts.number == 1 else "",
        _choose(rng, INTENTION_LINES, facts),
        _choose(rng, SET_AND_SETTING, facts),
        _risk(facts, rng, _screening_risk(facts)),
    ]
    return _join([_fill(p, facts) for p in paragraphs])


def _dose_values(dose: DoseFacts) -> dict[str, object]:
    weight = dose.weight_kg or 0.0
    return {
        "dose_mg": dose.dose_mg,
        "weight_kg": weight,
        "mg_per_kg": dose.dose_mg / weight if weight else 0.0,
        "devices": int(dose.dose_mg // 28),  # one esketamine device delivers 28 mg
    }


def _vitals_sentence(dose: DoseFacts) -> str:
    def bp(reading: tuple[int, int] | None) -> str:
        return f"{reading[0]}/{reading[1]}" if reading else "not recorded"

    sentence = (
        f"BP {bp(dose.bp_pre)} before the dose, peak {bp(dose.bp_peak)}, {bp(dose.bp_post)} at 40 minutes; "
        f"HR {dose.heart_rate}, SpO2 no lower than {dose.spo2_min}%. CADSS {dose.cadss}. "
        f"Observed for {dose.observed_minutes} minutes."
    )
    if dose.bp_post is None:
        sentence += " The 40-minute reading was missed while the cuff was being replaced."
    if dose.adverse_events:
        sentence += f" {dose.adverse_events}"
    return sentence


def _dose_experience(rng: random.Random, facts: NoteFacts) -> str:
    """A theme image (remembered, so the integration note can return to it) or a general one."""
    if rng.random() < 0.4:
        facts.memory.last_imagery = None
        return _choose(rng, DOSING_EXPERIENCE, facts)
    theme = rng.choice(facts.themes)
    bank = THEMES[theme]["imagery"]
    fresh = [i for i, text in enumerate(bank) if text not in facts.memory.seen]
    index = rng.choice(fresh or list(range(len(bank))))
    facts.memory.seen.add(bank[index])
    facts.memory.last_imagery = (theme, index)
    return bank[index]


def dosing_note(rng: random.Random, facts: NoteFacts) -> str:
    assert facts.dose is not None
    values = _dose_values(facts.dose)
    paragraphs = [
        _fill(_choose(rng, ROUTE_OPENINGS[facts.dose.route], facts), facts, **values),
        _vitals_sentence(facts.dose),
        _fill(_dose_experience(rng, facts), facts),
        _fill(_risk(facts, rng, _risk_after_dose(facts.si)), facts),
        _fill(_choose(rng, DOSING_CLOSINGS, facts), facts),
    ]
    return _join(paragraphs)


def _risk_after_dose(si: str) -> str:
    # The dosing note reports the morning's screen; a high answer is detailed in its own review note.
    return {"high": "passive"}.get(si, si)


def _insight(rng: random.Random, facts: NoteFacts) -> str:
    if facts.memory.last_imagery is not None:
        theme, index = facts.memory.last_imagery
        facts.memory.last_imagery = None
        return THEMES[theme]["insight"][index]
    return _choose(rng, GENERIC_INSIGHTS, facts)


def integration_note(rng: random.Random, facts: NoteFacts) -> str:
    paragraphs = [
        _choose(rng, INTEGRATION_OPENINGS, facts),
        _insight(rng, facts),
        _choose(rng, MOOD[facts.mood], facts),
        _risk(facts, rng),
        _choose(rng, INTEGRATION_PLANS, facts),
    ]
    return _join([_fill(p, facts) for p in paragraphs])


def follow_up_note(rng: random.Random, facts: NoteFacts) -> str:
    paragraphs = [
        _choose(rng, FOLLOW_UP_OPENINGS, facts),
        _theme(facts, rng, "progress", GENERAL_PROGRESS),
        _choose(rng, MOOD[facts.mood], facts),
        _risk(facts, rng),
        _choose(rng, FOLLOW_UP_PLANS, facts),
    ]
    return _join([_fill(p, facts) for p in paragraphs])


def event_note(rng: random.Random, facts: NoteFacts, reason: str) -> str:
    """A progress note about something that happened between sessions (a call, a review)."""
    return _fill(_choose(rng, EVENT_NOTES[reason], facts), facts)


def pick_themes(rng: random.Random) -> tuple[str, str]:
    first, second = rng.sample(sorted(THEMES), 2)
    return first, second


def pick_intention(rng: random.Random, themes: tuple[str, str]) -> str:
    return rng.choice(THEMES[themes[0]]["intentions"] + THEMES[themes[1]]["intentions"])
