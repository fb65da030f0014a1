# ruff: noqa: E501 - a regular expression reads best unbroken; cutting one mid-alternation hides its shape.
"""The risk-language lexicon: what counts as risk language, and the false friends that do not.

Written for recall first (a missed sentence about self-harm is the worst failure of this
feature), then precision: every pattern is anchored on a phrase a clinician or patient uses
for suicide, self-harm, wanting to die or disappear, hopelessness, burden, plans, means,
intent, goodbye behaviour or death imagery, and idioms that only look like it are listed as
false friends.

Notation: a plain space in a pattern means "any run of whitespace" (notes wrap lines). A
named group `core` marks the risk word itself when the pattern also holds the words that
introduce it ("denies plan"): negation is then judged before the core, so "denies" counts.

Decisions on borderline language (documented here because they are clinical choices):
- "overdosed on coffee / caffeine / sugar / Netflix" is humour and does not fire; any other
  overdose does, including "overdosed on her sleeping pills".
- Deaths of other people ("her father died", "since her brother's death", "her late
  husband") are grief, not risk language; imagery of the patient's own death fires.
- "at the end of my rope" fires as hopelessness; "learning the ropes" and "jump rope" do not.
- "safety plan reviewed" alone is an intervention, not risk language, and does not fire;
  "C-SSRS", "PHQ-9 item 9" and "SI" always do (a denial when the answer is negative).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Reflexive pronouns, tolerating "her self" and common typos ("myslef").
SELF = r"(?:(?:my|him|her|them|your|our|one|it) ?(?:self|selves|slef|sef|selfs)|themself)"
KIN = (
    r"(?:mother|father|mom|mum|mommy|dad|daddy|parents?|brother|sister|siblings?|husband|wife|partner|spouse|"
    r"son|daughter|child|children|baby|kids?|grand\w*|aunt|uncle|cousin|niece|nephew|friend|friends|boyfriend|"
    r"girlfriend|fianc\w*|dog|cat|pet|puppy|horse|boss|coworker|co-worker|colleague|neighbou?r|mentor|"
    r"step\w*|in-laws?|father-in-law|mother-in-law|relatives?|classmate|roommate|teacher|patient|client|"
    r"best friend|ex)"
)
MEDS = (
    r"(?:pills|meds|medications?|tablets|capsules|sleeping pills|sleep aids?|painkillers|pain pills|opioids|"
    r"oxy\w*|benzos|benzodiazepines|tylenol|acetaminophen|paracetamol|ambien|xanax|klonopin|ativan|valium|"
    r"insulin|lithium|seroquel|trazodone|antidepressants|prescriptions?)"
)
HIGH_PLACES = (
    r"(?:bridge|roof|rooftop|building|balcony|cliff|ledge|overpass|parking (?:garage|structure|deck)|window|"
    r"tower|high-rise|highrise|top floor|dam|quarry|platform)"
)
COMPANY = r"(?:people|others|him|her|them|crowds?|family|kids|children|friends|men|women|strangers|\w+ people)"
SCHEDULING = (
    r"(?:today|tonight|tomorrow|next|this|on|for (?:the|a|her|his|my|their|our)|until|till|during|at|when|while|"
    r"because|due|over the|in (?:the|january|february|march|april|may|june|july|august|september|october|"
    r"november|december|person|clinic|group|session)|by \d|between)"
)


@dataclass(frozen=True)
class RiskPattern:
    """One pattern; `lowered` is the same pattern for lower-cased text (faster than IGNORECASE)."""

    category: str
    regex: re.Pattern[str]
    lowered: re.Pattern[str]
    case_sensitive: bool
    has_core: bool


def _compile(pattern: str, *, case_sensitive: bool = False) -> re.Pattern[str]:
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(pattern.replace(" ?", r"\s*").replace(" ", r"\s+"), flags)


_RAW_PATTERNS: tuple[tuple[str, str], ...] = (
    # --- suicide -------------------------------------------------------------------------
    ("suicide", r"\bsuicid\w*"),
    ("suicide", r"\bsi\b"),
    ("suicide", r"\bideation\b"),
    ("suicide", r"\bc-? ?ssrs\b"),
    ("suicide", r"\b(?:phq-?9 )?item (?:#)?9\b"),
    ("suicide", r"\bmadrs item 10\b"),
    ("suicide", r"\bkill?(?:s|ed|ing)? " + SELF),
    ("suicide", r"\b(?:take|takes|took|taking|taken) (?:my|his|her|their|your|one's) (?:own )?li(?:fe|ves)\b"),
    ("suicide", r"\bend(?:s|ed|ing)? (?:my|his|her|their|your|one's) (?:own )?li(?:fe|ves)\b"),
    (
        "suicide",
        r"\b(?:hang|hangs|hanging|hanged|hung|shoot|shoots|shooting|shot|drown|drowns|drowning|drowned|"
        r"poison\w*|gas|gassing|gassed|suffocat\w*|smother\w*|electrocut\w*|asphyxiat\w*|strangl\w*) " + SELF,
    ),
    (
        "suicide",
        r"\b(?:jump\w*|step\w*|walk\w*|throw\w* " + SELF + r"|lie|lying|lay) (?:down )?in front of (?:a |an |the )?"
        r"(?:oncoming )?(?:train|bus|truck|lorry|car|traffic|subway|tram)",
    ),
    (
        "suicide",
        r"\b(?:drive|drives|drove|driving|driven|steer\w*|veer\w*|crash\w*|swerv\w*|aim\w*) (?:my |her |his |their |the )?"
        r"(?:car |truck )?(?:into|off) (?:a |the |oncoming )?(?:tree|wall|traffic|bridge|cliff|embankment|barrier|"
        r"truck|pole|overpass|river|lake|median|semi)",
    ),
    ("suicide", r"\bcrash\w* (?:the|my|her|his|their) car on purpose\b"),
    (
        "suicide",
        r"\b(?:slit|slits|slash\w*|slic\w*|cut\w*|open\w*) (?:my|his|her|their|your) (?:own )?(?:wrists?|throat)\b",
    ),
    ("suicide", r"\b(?:put|putting|puts) a bullet\b|\bblow\w* (?:my|his|her|their) (?:own )?brains\b"),
    (
        "suicide",
        r"\b(?:prior|previous|past|recent|last|first|second|third|two|three|multiple|several|aborted|interrupted|"
        r"failed|hx of|history of|lifetime) (?:\w+ )?attempts?\b(?! (?:at|to|of|with|on)\b)",
    ),
    (
        "suicide",
        r"\b(?:no|any|denies|denied|the|her|his|their|an|one|this|that|after the|since the|since her|since his|my) "
        r"(?:suicide )?(?P<core>attempts?)\b(?! (?:at|to|of|with|on|was made to)\b)",
    ),
    ("suicide", r"\battempted (?:to )?(?:suicide|kill|end|hang|overdose|die|take|od)\b"),
    ("suicide", r"\b(?:imminent|acute) (?:risk|danger)\b(?! of (?!self|suicide|harm|death|dying))"),
    # --- self-harm -----------------------------------------------------------------------
    ("self_harm", r"\bself[- ]?harm\w*|\bselfharm\w*|\bself[- ]?injur\w*|\bself[- ]?mutilat\w*|\bself[- ]?inflicted\b"),
    ("self_harm", r"\bnssi\b|\bdsh\b"),
    (
        "self_harm",
        r"\b(?:cut|cuts|cutting|burn|burns|burning|burned|burnt|hurt|hurts|hurting|harm|harms|harming|harmed|injur\w*|"
        r"stab|stabs|stabbing|stabbed|scratch\w*|hit|hits|hitting|punch\w*|bang\w*|starv\w*|bite|biting|bit|"
        r"pick\w*|carv\w*|mutilat\w*|punish\w*|beat|beating) " + SELF,
    ),
    ("self_harm", r"\bcutting\b"),
    (
        "self_harm",
        r"\b(?:has|had|hasn'?t|has not|hadn'?t|haven'?t|have not|not|never|last|stopped|started|began|relaps\w*|urges? to|"
        r"want(?:s|ed)? to|need(?:s|ed)? to|since (?:she|he|i|they)(?: last)?) (?:\w+ )?(?P<core>cut)\b"
        r"(?=\s*(?:[.,;!?)]|$|since|in (?:\d|over|years|months|weeks)|for (?:\d|over|years|months|weeks|a (?:year|while|"
        r"month|week))|again|today|yesterday|last|this (?:week|month|year)|anymore|any more|once|twice|recently|before|"
        r"when|after|and|but|(?:her|his|my|their) (?:arms?|legs?|wrists?|thighs?|stomach|skin)))",
    ),
    (
        "self_harm",
        r"\bcut\w* (?:on |into )?(?:my|her|his|their|your) (?:own )?(?:arms?|wrists?|legs?|thighs?|skin|stomach|"
        r"body|forearms?|hips?|ankles?)\b",
    ),
    (
        "self_harm",
        r"\b(?:urges?|impulses?|temptations?|thoughts?|history|hx|relaps\w*|fantas\w*) (?:to|of|about|on|into) "
        r"(?:cut|cutting|burn|burning|scratch\w*|carv\w*|hurt|hurting|harm|harming)\b(?! (?:someone|others|anyone|"
        r"people|him|her|them|the)\b)",
    ),
    # Urges met with the substitution skills taught for self-harm (ice, a red pen, a rubber band).
    ("self_harm", r"\burges?\b(?=.*\b(?:ice|ice cubes?|red pen|red marker|rubber band|elastic band|hair tie)\b)"),
    (
        "self_harm",
        r"\b(?:fresh|new|healing|superficial|deep) (?:cuts|wounds|lacerations|scratches|burns|scars|marks)\b",
    ),
    (
        "self_harm",
        r"\b(?:cuts|scars|lacerations|marks|burns) on (?:my|her|his|their) (?:\w+ )?(?:arms?|wrists?|legs?|thighs?|stomach)\b",
    ),
    ("self_harm", r"\b(?:harm|danger|threat|risk|hazard)s? to (?:self|" + SELF + r")\b"),
    # --- overdose ------------------------------------------------------------------------
    ("overdose", r"\boverdos\w*"),
    ("overdose", r"\bOD(?:'?d|ed|ing)?\b"),
    (
        "overdose",
        r"\b(?:take|takes|took|taking|taken|swallow\w*|ingest\w*|down\w*) (?:all|a bunch|a handful|handfuls|a lot|"
        r"extra|too many|too much|the rest|the whole bottle|a whole bottle|a bottle|bottles|dozens|twenty|thirty|"
        r"forty|fifty|\d{2,})(?: of)? (?:my |her |his |their |the |them|\w+ )?(?:\w+'s )?" + MEDS,
    ),
    ("overdose", r"\btoo many " + MEDS + r"\b"),
    # --- means ---------------------------------------------------------------------------
    ("means", r"\b(?:stockpil|hoard|stash)\w*"),
    (
        "means",
        r"\b(?:sav|collect|gather|hid|hide|hiding|hidden|squirrel|accumulat|buy|bought|order|keep|kept|"
        r"keeping)\w* (?:up )?(?:\w+ ){0,2}" + MEDS + r"\b(?! (?:in|at) (?:a|the|her|his|my|their) (?:pill|weekly)? ?"
        r"(?:organi[sz]er|dispenser|pharmacy))",
    ),
    (
        "means",
        MEDS + r" (?:she|he|i|they) (?:has |had |have |'s |'d )?(?:been )?(?:saved|saving|collected|"
        r"collecting|stockpiled|stockpiling|hoarded|hoarding|stashed|hidden|hid|kept|keeping)\b",
    ),
    ("means", r"\b(?:bottles?|stash|stockpile|handful|piles?|cache|bag|drawer|box) (?:full )?of " + MEDS + r"\b"),
    ("means", r"\blethal\w*"),
    (
        "means",
        r"\b(?:firearms?|handguns?|guns?|pistols?|rifles?|shotguns?|revolvers?|ammunition|ammo|bullets?|"
        r"weapons?|glock|\.22|\.38|9 ?mm)(?!\w)",
    ),
    ("means", r"\b(?:nooses?|ligatures?)\b"),
    (
        "means",
        r"\b(?:bought|buy|buys|buying|purchas\w*|order\w*|tie|tied|ties|tying|hid|hide|hidden|hiding|keeps?|kept|"
        r"got|found|test\w*|stash\w*|carr\w*|brought|has|have|had) (?:a |the |some |her |his |my |their )?(?:length of |"
        r"piece of |coil of )?(?:rope|cord|belt|cable|ligature)s?\b(?! (?:to|for) (?:the|a|her|his) (?:boat|tent|garden|"
        r"climb\w*|camping|gym|dog|hammock|swing|laundry|washing))|\b(?:rope|cord|belt) (?:around|from|to hang)\b"
        r"|\b(?:hang\w*|strangl\w*) (?:\w+ ){0,2}(?:with|using|by) (?:a |the |her |his |my )?(?:rope|cord|belt|ligature)\b",
    ),
    (
        "means",
        r"\b(?:jump\w*|leap\w*|throw\w* "
        + SELF
        + r"|fall\w*|fell|dive|diving) (?:off|from|out of) (?:a |an |the |her |his |"
        r"my |their |that )?(?:\w+ )?" + HIGH_PLACES + r"\b",
    ),
    (
        "means",
        r"\b(?:edge|railing|rail|top|side) of (?:a |the |that )?(?:\w+ )?(?:bridge|roof|rooftop|building|balcony|cliff|overpass|parking garage|platform|tracks)\b",
    ),
    (
        "means",
        r"\b(?:drove|drive|driving|walked|walk|walking|went|go|going|stood|stand|standing|sat|sitting|climbed|"
        r"climb\w*|parked|looking down from|looked down from|lingered) (?:to|on|onto|at|up|near|by|beside|under) "
        r"(?:a |the |her |his |my |that |this )?(?:\w+ )?(?:bridge|roof|rooftop|ledge|cliff|overpass|train tracks|"
        r"railway tracks|railroad tracks|tracks|edge|top (?:level|floor|deck|storey|story))\b",
    ),
    ("means", r"\b(?:high places?|high buildings?|tall buildings?)\b"),
    ("means", r"\bheights\b"),
    ("means", r"\b(?:train|railway|railroad|subway) (?:tracks|line|platform)\b"),
    ("means", r"\bcarbon monoxide\b|\bexhaust fumes\b|\bcar exhaust\b|\bhelium\b"),
    ("means", r"\b(?:razors?|razor blades?|blades?|box cutters?|scalpels?)\b"),
    (
        "means",
        r"\b(?:access to|restrict\w*|restriction of|removal of|remov\w*|lock\w* up|secur\w*|gave up) "
        r"(?:lethal |the |any |all |her |his |their )?means\b",
    ),
    # --- plan ----------------------------------------------------------------------------
    (
        "plan",
        r"\b(?P<core>(?:plans?|planning|planned|plotting|intends?|intending|intended|preparing|prepared|decided|"
        r"deciding|going|gonna) (?:to|how to|on|for|a way to) (?:\w+ ){0,2}(?:kill\w*|end (?:it|it all|things|"
        r"everything|my life|her life|his life|their life)|ending (?:it|it all|things|everything)|die|dying|"
        r"overdos\w*|od|jump\w*|hang\w*|shoot\w*|hurt\w*|harm\w*|take (?:my|her|his|their) (?:own )?life|"
        r"cut (?:my|her|his|their)|cutting (?:my|her|his|their)|unaliv\w*))",
    ),
    (
        "plan",
        r"\b(?:suicide|suicidal|si|a specific|specific|concrete|detailed|clear|definite|formed|formulated|"
        r"elaborate|organi[sz]ed) (?P<core>plans?)\b(?! (?:for|of care)\b)",
    ),
    (
        "plan",
        r"\b(?:has|had|have|having|with|without|w/o|w/|no|denies|denied|denying|deny|endorses|endorsed|reports|"
        r"reported|any) (?:a |any |current |specific |concrete |"
        r"detailed )?(?P<core>plans?)\b(?=\s*(?:[.;,)!?]|$|or\b|and\b|but\b|/|nor\b|to (?:die|end|kill|act|use|take|do it|go through|follow through)|of action "
        r"(?:to|for) (?:die|end|kill)))",
    ),
    (
        "plan",
        r"\b(?P<core>(?:plans?|intent|method|means|preparatory behaviou?r)) ?"
        r"(?:or|and|/|nor|,) ?(?:any )?(?:intent|plans?|means|method|preparatory)\b",
    ),
    (
        "plan",
        r"\b(?:research\w*|looked up|looking up|look up|looks up|googl\w*|search\w*|read about|reading about|"
        r"watch\w* videos about|asked about) (?:\w+ ){0,3}(?:ways|methods?|how|doses?|amounts?) (?:to|of|for|that "
        r"would|needed to|it would take to) (?:\w+ ){0,2}(?:die|dying|kill\w*|end\w*|overdos\w*|suicide|hang\w*|"
        r"be fatal|fatal)",
    ),
    ("plan", r"\b(?:suicide|lethal|specific|chosen|preferred) methods?\b"),
    (
        "plan",
        r"\b(?:picked|chose|chosen|choosing|set|setting|sets) (?:a |the )?(?:date|day|time) (?:to|for) (?:die|dying|it|end\w*|kill\w*|do it)\b",
    ),
    (
        "plan",
        r"\b(?:mentally )?rehears\w* (?:\w+ ){0,2}(?:suicide|hanging|overdos\w*|jumping|death|dying|(?:her|his|my|their) (?:own )?death)",
    ),
    # --- intent --------------------------------------------------------------------------
    (
        "intent",
        r"\b(?:no|denies|denied|denying|deny|any|has|have|had|with|w/|without|w/o|endorses|endorsed|expresses|"
        r"expressed|reports|reported|suicidal|lacks|lacking) "
        r"(?:a |any |current |clear |active )?(?P<core>intent)\b",
    ),
    (
        "intent",
        r"\bintent (?:to|on) (?:act|die|kill\w*|end\w*|harm\w*|hurt\w*|follow through|carry (?:it |this )?out)\b",
    ),
    (
        "intent",
        r"\b(?P<core>act(?:s|ed|ing)? (?:up)?on (?:the |these |those |her |his |my |their |such |suicidal |any |that |this )?"
        r"(?:thoughts|urges|impulses|feelings|ideation|plan|plans|wish|wishes|desire))\b"
        r"(?! (?:to|about|of) (?:drink|use|eat|binge|smoke|spend|shop|gamble|text|call|quit|leave))(?!(?: her| his| my)? values)",
    ),
    (
        "intent",
        r"\b(?:would|will|might|could|wouldn'?t|won'?t|never|not|to|going to|gonna|of|about|without|from) (?:ever )?"
        r"act(?:ing)? (?:up)?on (?:it|them)\b",
    ),
    (
        "intent",
        r"\b(?:no|any|denies|denied|without|with|has|had|some|clear|strong|expressed|expresses|stated) (?:current |real )?"
        r"(?P<core>intention) (?:of|to) (?:act\w*|kill\w*|harm\w*|hurt\w*|end\w*|follow\w* through|do\w* it|die|dying)\b",
    ),
    (
        "intent",
        r"\bfollow(?:ing|s|ed)? through (?:with|on) (?:it|the plan|suicide|killing|ending|her plan|his plan|a plan)\b",
    ),
    # --- wanting to die / disappear ---------------------------------------------------------
    (
        "death_wish",
        r"\b(?:want|wants|wanted|wanting|wish|wishes|wished|wishing|longing|long|longs|longed|ready|desire\w*|"
        r"yearn\w*|prefer\w*|rather|hope|hopes|hoped|hoping|pray|prays|prayed|praying|would like|'d like|need|needs|"
        r"needed) (?:(?:i|she|he|they|we|you|could|would|might|can|just|simply|to|that|it|all|only|sometimes|often|"
        r"really|'d|would|honestly|secretly|quietly|badly|desperately|to be able to) ){0,4}(?:die|be dead|not exist|"
        r"stop existing|cease to exist|not be alive|not be here|not be around|be gone|disappear|vanish|go to sleep "
        r"forever|sleep forever|fall asleep forever|never wake up|not wake up|not to wake up|not waking up|"
        r"dead|go away forever|not have been born|never have been born|never been born|never existed)\b"
        r"(?! (?:into|for a|for the|from (?:work|home|the)|by|before|until|to the|to a|on (?:a|vacation|holiday)|with)\b"
        r"| (?:today|tonight|right now|in (?:this|the) (?:session|group|meeting|room|office|clinic))\b)",
    ),
    (
        "death_wish",
        r"\b(?:hope|hopes|hoped|hoping|wish\w*|pray\w*) (?:that )?(?:i|she|he|they) (?:just |simply )?(?:doesn'?t|don'?t|"
        r"won'?t|wouldn'?t|never|will not|would not|didn'?t|does not|do not) (?:ever )?wake up\b",
    ),
    (
        "death_wish",
        r"\b(?:won'?t|wouldn'?t|will not|would not|never|not|not to|no longer) (?:ever )?wak(?:e|ing) up\b(?! (?:for|until|till|in time|on time|early|before|at|when|by|to|with|from|in the|during|through)\b)",
    ),
    (
        "death_wish",
        r"\b(?:go|going|went|gone|fall|falling) (?:to sleep|asleep|to bed) (?:and|&) (?:not|never) (?:wake|waking)\b",
    ),
    ("death_wish", r"\bsleep forever\b|\beternal (?:sleep|rest)\b"),
    (
        "death_wish",
        r"\b(?:doesn'?t|does not|don'?t|do not|didn'?t|did not|no longer|not|never) (?:really |even |particularly )?"
        r"(?:want|wants|wanting|wish|wishes|wishing|care|cares|feel like|feels like)\w* (?:to )?(?:live|be alive|exist|"
        r"go on|keep living|keep going|be here|wake up|be around|continue living|survive)\b"
        r"(?! (?:with|in|near|at|alone|together|by|like this job|there|for (?:the|a|this|that)|on (?:the|a|this)|"
        r"today|right now|in this|anymore in)\b)",
    ),
    (
        "death_wish",
        r"\btired of (?:living|life|being alive|existing|it all|everything|fighting|being here|waking up)\b",
    ),
    (
        "death_wish",
        r"\b(?:not|isn'?t|wasn'?t|no longer|never) (?:really )?worth (?:living|it anymore|going on|being alive|the fight|fighting for)\b",
    ),
    (
        "death_wish",
        r"\b(?:life|living|existence|going on|being alive) (?:\w+ ){0,3}?(?:isn'?t|is not|wasn'?t|was not|not|no longer|never) (?:really )?worth\b",
    ),
    (
        "death_wish",
        r"\b(?:idea|ideas|thought|thoughts|image|images|fantasy|fantasies) of (?:falling|jumping|crashing|drowning)\b"
        r"(?! (?:asleep|in love|into|back|behind|apart|out|for|at|off the wagon|short|ill|sick|through)\b)",
    ),
    (
        "death_wish",
        r"\b(?:slip|slips|slipped|slipping|sink|sinks|sank|sinking|go|went|going|drift\w*) (?:\w+ )?(?:under|beneath)"
        r"(?: the water| the surface)? and (?:not|never) (?:come|coming|resurfac\w*|surfac\w*)\b",
    ),
    ("death_wish", r"\bdeath wish\b|\bwish(?:es|ed)? for death\b"),
    (
        "death_wish",
        r"\bwish(?:es|ed|ing)? (?:that )?(?:i|she|he|they|we) (?:was|were|had been|'d been|could be) (?:dead|gone|never born)\b",
    ),
    ("death_wish", r"\b(?:never|not) (?:have )?(?:been born|existed)\b"),
    (
        "death_wish",
        r"\bbetter off dead\b|\brather be dead\b|\b(?:would|'d) rather (?:die|be dead|not exist|not be alive|not be here|not wake up)\b",
    ),
    (
        "death_wish",
        r"\b(?:thoughts?|thinking|thinks|thought|ruminat\w*|preoccup\w*|fantas\w*|obsess\w*|dreams?|dreaming|dreamt|"
        r"dreamed|daydream\w*|images?|imagining|imagined|imagines|visions?|musing|muses|mused) (?:of|about|on|over) "
        r"(?:\w+ ){0,2}?(?:dying|death|being dead|not existing|not being alive|non-?existence|suicide|disappearing|"
        r"vanishing|not waking up|ending it|ending things|killing " + SELF + r"|(?:my|her|his|their) (?:own )?"
        r"(?:death|funeral|grave))\b",
    ),
    (
        "death_wish",
        r"\b(?:wants?|wanted|wanting|wish\w*|need\w*) (?:it|everything|the pain|this|things|it all|all of it|"
        r"all of this|life|the suffering|everything) (?:all )?to (?:just )?(?:stop|end|be over|go away)\b",
    ),
    (
        "death_wish",
        r"\bmake (?:it|it all|everything|the pain|this|all of this|the thoughts) (?:all )?(?:stop|end|go away)\b",
    ),
    (
        "death_wish",
        r"\b(?:for|let) (?:it|everything|it all|this|all of this|all of it|things|life) (?:all )?to (?:end|be over)\b",
    ),
    (
        "death_wish",
        r"\b(?:wouldn'?t|would not|doesn'?t|does not|don'?t|do not|didn'?t|did not) (?:really )?(?:mind|care) "
        r"(?:if|whether) (?:i|she|he|they) (?:\w+ ){0,2}?(?:died|dies|die|didn'?t wake up|did not wake up|never woke up|"
        r"got hit|get hit|was killed|were killed|crashed|disappeared|woke up|lived)\b",
    ),
    (
        "death_wish",
        r"\b(?:disappear|vanish)\w* (?:forever|for good|permanently|off the face of the earth|without a trace|and never come back)\b",
    ),
    ("death_wish", r"\b(?:not|never|stop|stopped|cease) (?:to )?exist(?:ing)?\b|\bnon-?existen\w*"),
    ("death_wish", r"\bready to die\b"),
    ("death_wish", r"\b(?:hit|struck|run over|killed) by (?:a |an )?(?:bus|car|truck|train)\b"),
    # --- euphemisms -------------------------------------------------------------------------
    (
        "euphemism",
        r"\bend(?:s|ing)? (?:it|it all|things|everything)\b(?! (?:with|on|there|early|for|at|by|off|up|now|soon|here|before|after|well|nicely|properly|positively|tonight with)\b)",
    ),
    ("euphemism", r"\bend it all\b|\bended it all\b"),
    (
        "euphemism",
        r"\b(?:not|never|won'?t|wouldn'?t|will not|would not|no longer|not going to|isn'?t going to) (?:\w+ )?(?:be|being) "
        r"(?:here|around|alive)\b(?! " + SCHEDULING + r"\b| " + COMPANY + r"\b)",
    ),
    (
        "euphemism",
        r"\b(?:has|have|had|having|gives? (?:her|him|me|them)|as|keep\w* (?:it|them) as) an? (?:way|escape|exit) "
        r"(?:out|route|hatch)\b(?! of (?:the|her|his|my|this|that|a|an)\b)",
    ),
    ("euphemism", r"\bunaliv\w*|\bself[- ]?delet\w*|\bsewer ?slide\b|\bkms\b|\bkys\b|\bctb\b"),
    ("euphemism", r"\boff(?:ing)? " + SELF),
    (
        "euphemism",
        r"\b(?:permanent solution|easy way out|(?:do|doing|does|did) something (?:stupid|drastic|permanent|dumb|rash|irreversible))\b",
    ),
    (
        "euphemism",
        r"\b(?:six|6) feet under\b|\bpushing up daisies\b|\bmeet (?:my|her|his|their) maker\b|\bkick the bucket\b|\brest in peace\b",
    ),
    (
        "euphemism",
        r"\b(?:won'?t|wouldn'?t|will not|would not) (?:have to )?(?:be a (?:problem|burden)|worry about (?:me|her|him)|"
        r"deal with (?:me|her|him)|put up with (?:me|her|him)) (?:much longer|for long|anymore|any more|soon)\b",
    ),
    (
        "euphemism",
        r"\b(?:join|be with|see) (?:my|her|his|their) (?:late|dead|deceased) \w+\b(?! (?:in (?:my|her|his) dreams|in the vision))",
    ),
    (
        "euphemism",
        r"\bwhen (?:i'?m|i am|she'?s|she is|he'?s|he is|they'?re|they are) (?:gone|dead|not here|no longer here)\b",
    ),
    ("euphemism", r"\bafter (?:i'?m|i am|she'?s|she is|he'?s|he is|they'?re|they are) (?:gone|dead)\b"),
    # --- hopelessness ----------------------------------------------------------------------
    ("hopelessness", r"\bhopeless\w*|\bhopless\w*"),
    (
        "hopelessness",
        r"\b(?:no|lost|losing|lose|loses|without|zero|little|gave up|giving up|give up|loss of|abandoned|out of) (?:all )?(?:hope|faith in (?:the future|getting better|anything))\b",
    ),
    ("hopelessness", r"\bdespair\w*|\bdespondent\b|\bdoomed\b|\bbeyond help\b|\ba lost cause\b|\bbeyond repair\b"),
    (
        "hopelessness",
        r"\b(?:no|without|can'?t see an?y?|cannot see an?y?|doesn'?t see an?y?|see no|sees no|saw no|couldn'?t see an?y?) (?:way out|future|light at the end|end in sight|way forward|point)\b(?! (?:sessions?|appointments?|doses?|visits?|dates?|plans to)\b)",
    ),
    (
        "hopelessness",
        r"\b(?:things|it|life|nothing|this|i|she|he|they|anything|everything|depression|the depression) (?:will |is going to "
        r"|'s going to |are going to |is ever going to |are )?(?:never|not|won'?t|will not) (?:ever )?(?:get better|"
        r"change|improve|be (?:any )?different|be okay|be ok|be better|be happy again|feel better)\b"
        r"(?! (?:her|his|my|the|their|a|an|jobs|anything|medication|meds|dose|plans|until|before|unless)\b)",
    ),
    (
        "hopelessness",
        r"\bnothing (?:will|is going to|can|could|ever|would) (?:ever )?(?:change|help|work|get better|make a difference|fix)\b",
    ),
    (
        "hopelessness",
        r"\bwhat'?s the point\b(?! of (?!living|life|going|trying|anything|it|being|getting|carrying|any|even|me|existing|waking))",
    ),
    (
        "hopelessness",
        r"\b(?:don'?t|doesn'?t|didn'?t|can'?t|cannot|do not|does not|did not|fail\w* to|no longer) (?:really )?(?:see|sees) "
        r"(?:the|any|a|much) point\b(?= (?:of|in) (?:anything|living|life|going on|trying|getting up|any of (?:it|this)|"
        r"existing|being alive|carrying on|it all)|\s*(?:anymore|any more|[.!?,;\"]|$))",
    ),
    (
        "hopelessness",
        r"\b(?:there'?s|there is|see|sees|saw|seeing) no point\b|\bno point (?:in |to )?(?:living|going on|trying|anything|carrying on|being alive|life|getting up|any of|existing|anymore|any more)\b",
    ),
    (
        "hopelessness",
        r"\b(?:life|everything|living|it all|all of it|existence|trying|the future|being alive|going on) (?:\w+ ){0,2}?(?:pointless|meaningless|futile)\b|\b(?:pointless|meaningless|futil)\w* (?:of|to) (?:life|living|it all|everything|existence|going on|trying)\b",
    ),
    (
        "hopelessness",
        r"\b(?:can'?t|cannot|can not|couldn'?t|could not|unable to) (?:\w+ )?(?:go on|keep going|carry on|continue like this|do this "
        r"anymore|do this any more|do it anymore|do it any more|take (?:it|this) (?:anymore|any more|much longer|much more)|take "
        r"(?:much|any) more|keep doing this|live like this|handle (?:it|this) (?:anymore|any more)|cope anymore|cope any more|"
        r"face another day|face (?:it|life) anymore|see a way out|see a future|see any future|see a way forward)\b"
        r"(?! (?:a|an|the|her|his|my|their|vacation|holiday|leave|walks?|dates?|trips?|meds|medication|about|with|at|for|to|"
        r"back|out)\b)",
    ),
    (
        "hopelessness",
        r"\bgiv(?:e|es|ing|en) up on (?:life|living|everything|"
        + SELF
        + r"|the future|it all|getting better|ever getting better)\b|\bgave up on (?:life|living|everything|"
        + SELF
        + r"|the future|it all|getting better)\b",
    ),
    (
        "hopelessness",
        r"\b(?:wants?|wanted|wanting|ready|going|about|thought about|thinking about|feels? like|felt like|close|tempted) to (?:just )?give up\b(?=\s*(?:[.!?;,\"”]|$|and\b|entirely|completely|for good|altogether))",
    ),
    (
        "hopelessness",
        r"\bno (?:reasons?|purpose) (?:to|for) (?:live|living|go on|going on|keep going|be here|stay|get up|being here|being alive)\b|\bnothing (?:left )?to live for\b",
    ),
    ("hopelessness", r"\bend of (?:my|her|his|their|your) rope\b"),
    (
        "hopelessness",
        r"\b(?:can'?t|cannot) (?:see|imagine) (?:a |any |herself in a |himself in a |myself in a )?(?:future|way out|things getting better|ever feeling better|getting better)\b",
    ),
    # --- burden ----------------------------------------------------------------------------
    ("burden", r"\bburden\w*"),
    (
        "burden",
        r"\bbetter off (?:without (?:me|him|her|them|us)|if (?:i|she|he|they) (?:was|were|wasn'?t|weren'?t|was not|were not|died|disappeared|left|weren't|had never)\b)",
    ),
    (
        "burden",
        r"\b(?:everyone|everybody|family|kids|children|they|people|the world|her kids|his kids|her family|his family|my family|"
        r"her children|his children|my kids|my children|others) (?:would|will|'d) (?:all )?be (?:so much |much )?(?:better off|happier|relieved)\b",
    ),
    ("burden", r"\bdead weight\b|\bdrag on everyone\b|\bwaste of (?:space|oxygen|air|a life)\b"),
    ("burden", r"\b(?:no one|nobody|noone|none of them) (?:would|will) (?:even )?(?:miss|notice|care)\b"),
    # --- goodbye / preparatory behaviour ---------------------------------------------------
    (
        "preparatory_behaviour",
        r"\b(?:giv(?:e|es|ing|en)|gave) (?:away )?(?:\w+ ){0,3}?away\b|\bgiv(?:e|es|ing|en) away\b|\bgave away\b",
    ),
    (
        "preparatory_behaviour",
        r"\b(?:writ(?:e|es|ing|ten)|wrote|draft\w*|left|leaving|leave|compos\w*|prepar\w*|typ\w*|record\w*) "
        r"(?:\w+ ){0,2}?(?:goodbye|good-bye|farewell|suicide|final|last) (?:notes?|letters?|messages?|emails?|texts?|videos?|words)\b",
    ),
    (
        "preparatory_behaviour",
        r"\b(?:writ(?:e|es|ing|ten)|wrote|draft\w*) (?:\w+ ){0,2}?letters? (?:to|for) (?:each of |all of )?(?:her|his|my|their|the) "
        r"(?!late |deceased |dead |younger |older |inner |future |past |teenage |little |child )(?:\w+ )?"
        r"(?:kids|children|family|wife|husband|partner|parents|mom|dad|mother|father|sons?|daughters?|loved ones|sister|"
        r"brother|friends|grandchildren|siblings)\b",
    ),
    (
        "preparatory_behaviour",
        r"\b(?:say|says|saying|said) (?:\w+ ){0,3}?(?:goodbyes?|good-?byes?|farewells?)\b",
    ),
    (
        "preparatory_behaviour",
        r"\b(?:goodbye|good-bye|farewell) (?:letters?|notes?|messages?|calls?|texts?|visits?)\b|\bfinal goodbyes?\b",
    ),
    (
        "preparatory_behaviour",
        r"\b(?:put|putting|puts|get|getting|got|gets|set|setting) (?:all )?(?:her|his|my|their) (?:affairs|things|papers|paperwork|house|life) in order\b",
    ),
    (
        "preparatory_behaviour",
        r"\b(?:updat|writ|wrote|draft|mak|made|chang|finaliz|sign|review|redo|redid)\w* (?:a |her |his |my |their |the )?"
        r"(?:new )?(?:will|testament|life insurance|power of attorney|advance directive|funeral arrangements?|"
        r"beneficiar\w*)\b(?! (?:be|to|help|make|feel|need|not|have|allow|give|get|probably|likely)\b)",
    ),
    ("preparatory_behaviour", r"\blife insurance (?:polic\w*|pays?|payout|would|cover\w*)\b"),
    (
        "preparatory_behaviour",
        r"\b(?:plann\w*|arrang\w*|pick\w*|chose|choos\w*|paid for|pay for|organi[sz]\w*) (?:\w+ )?(?:own )?funeral\b",
    ),
    (
        "preparatory_behaviour",
        r"\bif (?:anything|something) (?:happens|happened|were to happen|should happen|was to happen) to (?:me|her|him|them)\b",
    ),
    ("preparatory_behaviour", r"\b(?:final|last) (?:wishes|arrangements|letter|goodbye|farewell)\b"),
    (
        "preparatory_behaviour",
        r"\bwho (?:would|will|could) (?:take care of|look after|care for|feed|walk|raise) (?:the |her |his |my |their )?(?:kids|children|dog|cat|pets?|son|daughter)\b",
    ),
    # --- death imagery ----------------------------------------------------------------------
    ("death_imagery", r"\bdeath\b|\bdeaths\b"),
    ("death_imagery", r"\bdying\b"),
    ("death_imagery", r"\b(?:die|dies)\b"),
    ("death_imagery", r"\bdied\b"),
    ("death_imagery", r"\bdead\b"),
    (
        "death_imagery",
        r"\b(?:coffins?|caskets?|graveyards?|cemeter(?:y|ies)|gravestones?|tombstones?|headstones?|tombs?|"
        r"corpses?|cadavers?|skeletons?|skulls?|grim reaper|afterlife|after-life|hearse|morgue|mortuary|"
        r"buried alive)\b",
    ),
    # Funerals and obituaries are grief when they are someone else's: only one's own counts.
    ("death_imagery", r"\b(?:my|her|his|their|own) (?:own )?(?:funeral|burial|eulogy|obituary|wake|memorial)\b"),
    (
        "death_imagery",
        r"\b(?:imagin\w*|saw|see|seeing|sees|pictur\w*|visions? of|dream\w* (?:of|about)|plann\w*|arrang\w*|writ\w*|"
        r"wrote|rehears\w*) (?:\w+ ){0,2}(?:funeral|eulogy|obituary|burial)\b",
    ),
    ("death_imagery", r"\bgraves?\b"),
    ("death_imagery", r"\b(?:being|been|was|were|be|get|got|getting) (?:buried|killed|murdered)\b"),
    ("death_imagery", r"\b(?:my|her|his|their) (?:own )?(?:body|corpse) (?:lying|laid out|in a|being)\b"),
    # --- harm to others ----------------------------------------------------------------------
    ("harm_to_others", r"\bHI\b"),
    ("harm_to_others", r"\bhomicid\w*"),
    (
        "harm_to_others",
        r"\b(?:thoughts?|urges?|ideas?|fantas\w*|intent|plans?|impulses?) (?:of|to|about) (?:harm|hurt|kill|attack|"
        r"stab|shoot|strangl)\w* (?:someone|anyone|others|other people|people|him|her|them|(?:her|his|my|their) "
        r"(?:\w+ )?" + KIN + r")\b",
    ),
    (
        "harm_to_others",
        r"\b(?:harm|danger|threat|risk|hazard)s? to (?:others|other people|anyone|someone|the public)\b",
    ),
    ("harm_to_others", r"\bviolen\w* (?:thoughts|urges|ideation|fantas\w*|impulses)\b"),
    (
        "harm_to_others",
        r"\b(?:wants?|wanted|wanting|going|gonna) to kill (?:him|her|them|someone|everyone|anybody|my|his|her)\b",
    ),
)

# Case matters for these: "HI" (homicidal ideation) is not "hi", "OD" is not "od".
_CASE_SENSITIVE = {r"\bHI\b", r"\bOD(?:'?d|ed|ing)?\b"}

RISK_PATTERNS: tuple[RiskPattern, ...] = tuple(
    RiskPattern(
        category,
        _compile(pattern, case_sensitive=pattern in _CASE_SENSITIVE),
        _compile(pattern, case_sensitive=True),
        pattern in _CASE_SENSITIVE,
        "(?P<core>" in pattern,
    )
    for category, pattern in _RAW_PATTERNS
)

# Idioms that only look like risk language. A risk match lying wholly inside one is dropped.
_RAW_FALSE_FRIENDS: tuple[str, ...] = (
    # "dead", "die", "dying", "death" in everyday speech
    r"\bdead (?:tired|beat|end|ends|line|lines|set|serious|wrong|right|last|ahead|center|centre|silence|silent|quiet|"
    r"still|calm|asleep|on|battery|phone|zone|air|heat|ringer|giveaway|bolt|even|stop|straight|easy|simple|"
    r"certain|sure|broke|pan|lift|lifts|skin|leaves|plants?|flowers?|weight(?! on)|of (?:winter|night))\b",
    r"\bdrop[- ]dead\b",
    r"\b(?:back|return\w*|rais\w*|rose|risen|rising) from the dead\b",
    r"\b(?:visit\w*|tend\w*|flowers (?:on|at|to)|plac\w* \w+ (?:on|at)|went to|go to|going to|stood at|standing at|sat at|"
    r"sitting at) (?:his|her|their|the|a|my|our) (?!own )(?:\w+ )?(?:graves?|graveside|headstone|tombstone)\b",
    r"\b(?:visit\w*|went to|go to|going to|walk\w* (?:in|through)) (?:the |a )?(?:cemetery|graveyard)\b",
    r"\bover my dead body\b",
    r"\b(?:like|as if it were|as though it were) [\"']?a death\b|\bdeath warmed (?:over|up)\b",
    r"\bdead to the world\b",
    r"\b(?:to )?die for\b",
    r"\bdie[- ]?hards?\b",
    r"\b(?:die|dies|died|dying) (?:down|off|out|away)\b",
    r"\bdying (?:to|for) (?!die|death|be dead|end|kill)\w+",
    r"\b(?:die|dying|died) (?:of|from|with) (?:laughter|laughing|embarrassment|boredom|shame|curiosity|thirst|hunger|"
    r"cuteness|jealousy|envy)\b",
    r"\b(?:nearly|almost|could have|could've|about to) died? (?:laughing|of laughter|of embarrassment)\b",
    r"\bdying (?:breed|art|light|embers|battery|phone|plants?|flowers?|tree|fire|conversation|wish of (?:her|his|my) \w+)\b",
    r"\b(?:battery|batteries|phone|laptop|car|engine|plant|plants|flowers|tree|conversation|fire|light|bulb|motor|"
    r"tablet|computer|mood in the room|wifi|wi-fi|internet|signal|garden|lawn)(?: that'?s| that is| which is| that was|"
    r" had| has| have| just| finally| completely| is| was| were| are)* (?:died|dies|dying|dead)\b",
    r"\b(?:bored|scared|frightened|worried|sick|tired|loved|beaten|talked|done|worked|starved|freezing|frozen) to death\b",
    r"\b(?:the )?death of me\b",
    r"\bdeath by (?:powerpoint|a thousand cuts|meetings?|paperwork)\b",
    r"\bdeath (?:metal|valley|star|row)\b",
    r"\blife[- ](?:or|and)[- ]death\b",
    # other people's deaths are grief, not risk language
    KIN + r"(?:'s|s') (?:\w+ )?(?:death|dying|passing|funeral|grave|burial|illness and death)\b",
    KIN
    + r",? (?:(?:who|had|has|have|recently|suddenly|just|unexpectedly|finally|also|both|then) ){0,3}(?:died|passed away|"
    r"passed|dies|is dying|was dying|is dead|was dead|are dead|were dead)\b",
    r"\b(?:death|dying|loss|passing|funeral|grave|burial|died|dead) (?:of|for|at|by) (?:her|his|my|their|a|an|the|our) (?:\w+ )?(?:late )?"
    + KIN
    + r"\b",
    r"\b(?:dying|late|dead|deceased) (?:\w+ )?" + KIN + r"\b",
    r"\b(?:her|his|my|their|our) (?:\w+ )?" + KIN + r" (?:who|that) (?:\w+ ){0,2}(?:died|is dying|was dying|passed)\b",
    r"\bwho (?:had )?died (?:when|in|last|years|two|three|suddenly|of)\b",
    r"\b(?:grandparents?|relatives) (?:\w+ ){0,2}?dead\b",
    # "kill", "shoot", "gun", "bullet", "shot"
    r"\bkill(?:ed|ing)? it\b",
    r"\bjump(?:ed|ing|s)? the gun\b",
    r"\b(?:stick(?:s|ing)?|stuck) to (?:my|her|his|their|our|your) guns\b",
    r"\b(?:glue|nail|staple|heat|water|squirt|nerf|toy|spray|paint|caulk|caulking|grease|massage|starting|radar|"
    r"smoking|top|big|hired|son of a) guns?\b",
    r"\bguns? (?:shy|show)\b|\bgun-shy\b|\bunder the gun\b|\bgunning for\b|\bguns blazing\b",
    r"\bbullet (?:points?|journal\w*|list|train)\b|\bbulleted\b|\b(?:magic|silver) bullet\b|\b(?:dodged|bite|bit|biting) "
    r"the bullet\b",
    r"\bsecret weapon\b|\bweapon of choice\b",
    # "cut", "cutting", "blade", "razor"
    r"\bcutting (?:back|down|out|ties|corners|edge|costs|carbs|sugar|class|classes|school|off|in|through|it close|hair|"
    r"the grass|the lawn|onions|vegetables|wood|paper|coupons|the cord|the session|loose|remarks?|words|comments?|"
    r"board|boards|room|her losses|his losses|my losses|a deal|weight|caffeine|alcohol|the cake|fabric|a rug)\b",
    r"\bcost[- ]cutting\b|\bcutting-edge\b|\bpaper cuts?\b|\bcutting (?:remark|comment)s?\b",
    r"\bshoulder blades?\b|\bblades? of grass\b|\b(?:fan|mower|rotor|turbine|ceiling fan|windmill|skate|roller) blades?\b|\brollerblad\w*",
    r"\brazor[- ](?:sharp|thin)\b|\boccam'?s razor\b",
    r"\b(?:burn|burns|burning|burned|burnt) (?:out|outs|the midnight oil|bridges|calories|incense|sage|candles?|"
    r"through|the toast|dinner)\b|\bburnout\b|\bheartburn\b|\bsunburn\w*\b",
    # "overdose" humour, "pills" in ordinary adherence, "means" in ordinary speech
    r"\boverdos\w* on (?:coffee|caffeine|espresso|sugar|candy|chocolate|cake|carbs|netflix|tv|television|screen time|"
    r"true crime|podcasts|self-help|work|news|social media|reality tv|nostalgia|christmas|vitamin c|cuteness|"
    r"kindness|therapy|information|memes|cookies|sweets|pizza|cheese|junk food|sunshine)\b",
    # "hang", "rope", "bridge", "heights", "jump", "edge"
    r"\b(?:jump|skipping|skip|tow|climbing|jumping|ropes) ropes?\b|\brope (?:swing|course|bridge|ladder)\b|\bthe ropes\b",
    r"\b(?:fear|afraid|scared|terrified|frightened|phobia|fearful) of heights\b|\b(?:new|great|greater|dizzying|giddy|lofty) heights\b",
    r"\bbridg(?:e|es|ing) the gap\b|\bbridge (?:between|to|from|with|loan|club|game)\b",
    r"\b(?:cross|crossed|crossing) (?:that|the) bridge\b",
    # hopelessness look-alikes
    r"\b(?:on|at|in|with) (?:the|her|his|my|their) (?:first|second|third|1st|2nd|3rd|next|last|final|fourth) attempt\b",
    r"\bhopeless(?:ly)? (?:romantic|in love|devoted|optimist|optimistic|at (?:math|cooking|directions|sports|spelling))\b",
    r"\bno hope(?:r)? of (?:getting|finding|making|catching|winning|finishing)\b",
    # burden in its ordinary senses
    r"\b(?:financial|caregiver|caregiving|care-giving|symptom|side[- ]effect|disease|treatment|tax|administrative|"
    r"pill|medication|documentation|paperwork|debt|cognitive|allostatic|emotional labou?r|work|academic|"
    r"illness|economic|regulatory|student[- ]loan|care) burdens?\b",
    r"\bburdens? of (?:proof|disease|symptoms|illness|treatment|care|debt|responsibility|caregiving|expectation|"
    r"expectations|work|the (?:illness|disease|condition|commute))\b",
    r"\b(?:lift|lifted|lifting|lighten|lightened|lightening|eases?|eased|easing|reduc\w*|shar\w*|carr\w*|set down|put down|"
    r"laid down|lays down|relieved of) (?:the |her |his |my |their |a |some of the |some )?(?:\w+ )?burdens?\b",
    r"\bunburden\w*",
    r"\bburdens? of (?:being (?:the|a|an|responsible|in charge|strong|capable|perfect|the one)|having to|caring|carrying|"
    r"holding|keeping|looking after|proof)\b",
    # goodbyes and giving away that are not farewells
    r"\b(?:say|says|saying|said) (?:her |his |my |their )?goodbyes? (?:to|at) (?:the |her |his |my |that |an? )?(?:old|former|past|"
    r"younger|previous|inner|critic|version|habit|habits|pattern|patterns|story|job|addiction|drinking|shame|guilt|anger|"
    r"fear|depression|anxiety|self|identity|house|home|apartment|city|town|airport|station|door|group|party|gate|"
    r"ways|life she|life he|coworkers|colleagues|team|class|old self|part of)\w*",
    r"\b(?:goodbyes?|farewells?) (?:at the end of|to end|after) (?:the )?(?:session|group|visit|call)\b",
    r"\b(?:goodbye|farewell) (?:party|parties|lunch|dinner|card|gift|drinks|hug)\b",
    r"\b(?:said|say|saying) goodbye (?:to (?:her|his|my|their) (?:\w+ )?(?:kids|children|son|daughter|partner|husband|wife) )?"
    r"(?:at|before) (?:the )?(?:school|camp|daycare|airport|station|door|drop-off|dropoff|work|bus)\b",
    r"\b(?:giv(?:e|es|ing|en)|gave) away (?:the|a) (?:ending|plot|surprise|game|answer|secret|bride|punchline|spoiler)\b",
    r"\bgive-?aways?\b",
    r"\bgiv(?:e|es|ing|en) (?:it|this|that) away\b",
    # plan / intent / method / acting on in ordinary senses (plan alone never fires, see plan patterns)
    r"\bact(?:ed|ing|s)? on (?:her|his|my|their|these|those|the) (?:values|insights?|intentions?|goals?|advice|"
    r"feedback|recommendations?|plan for (?:the )?(?:week|weekend))\b",
    # ending things that are not a life
    r"\b(?:the|an|that|this|in the|by the|at the|towards the|toward the|near the|to the) end,? (?:it|things|everything)\b",
    r"\bend(?:s|ed|ing)? (?:it|things|everything) (?:with (?:him|her|them|a|the)|on (?:a|good|bad|that|this)|early|there)\b",
    r"\bend(?:s|ed|ing)? things with\b",
    # "not be here / around" when it is about a calendar
    r"\b(?:won'?t|will not|not) be (?:here|around) (?:next|on|this|for|until|till|during|over|in|tomorrow|today|tonight)\b",
    # "not wake up" in sleep complaints
    r"\b(?:didn'?t|did not|couldn'?t|could not|doesn'?t|does not|don'?t|do not|hard to|trouble|struggl\w*|fail\w*) "
    r"(?:to )?wak(?:e|ing) up\b",
    # "stockpile", "hoard" of ordinary things; "lethal" of ordinary things
    r"\b(?:stockpil|hoard|stash)\w* (?:of )?(?:food|groceries|canned|snacks|supplies|toilet|water|books|yarn|clothes|"
    r"craft|seeds|candy|wine|coffee|paper|junk|stuff in (?:the|her|his) (?:garage|basement))\w*",
    r"\b(?:compulsive )?hoarding (?:disorder|behaviou?rs? (?:of|with) (?:objects|stuff|items))\b",
    r"\blethal (?:weapon|dose of sarcasm|combination of (?:deadlines|stress))\b",
    # "weapon"/"gun" in games and sport
    r"\b(?:video game|game|games|fortnite|call of duty|paintball|laser tag|nerf|airsoft) (?:\w+ )?(?:guns?|weapons?)\b",
    r"\b(?:guns?|weapons?) in (?:the )?(?:video )?games?\b",
    # means restriction already achieved is still shown (fires as means): nothing here.
    # attempts that are not suicide attempts
    # "si" in other languages and units
    r"\bsi (?:units?|unit system)\b",
    # "HI" as a greeting at the start of quoted speech is written "Hi"; nothing needed here.
    # "OD" as an eye abbreviation
    r"\bOD (?:and|/) OS\b|\bOU\b",
    # imagery of peace that mentions graves in a non-death sense
    r"\bgrave (?:concern|concerns|danger|risk|doubts?|mistake|error|illness|condition|situation|warning|news|"
    r"matter|tone|voice|expression)\b|\bgravely\b",
    # hitting / punching oneself in jokes about forgetting
    r"\b(?:kick|kicked|kicking|pinch|pinched|pinching) (?:my|her|him|them)sel(?:f|ves)\b",
    # "high places" in metaphors
    r"\bfriends in high places\b",
    r"\bat no (?:point|time)\b",
    # 'hurt herself' in accidents is still shown (clinicians want to see it): nothing here.
)

FALSE_FRIENDS: tuple[re.Pattern[str], ...] = tuple(_compile(p) for p in _RAW_FALSE_FRIENDS)
FALSE_FRIENDS_LOWERED: tuple[re.Pattern[str], ...] = tuple(_compile(p, case_sensitive=True) for p in _RAW_FALSE_FRIENDS)

# Misspellings of the words that matter most ("sucidal", "hopless", "overdoes" is a real word).
FUZZY_TARGETS: dict[str, str] = {
    "suicide": "suicide",
    "suicidal": "suicide",
    "suicidality": "suicide",
    "hopeless": "hopelessness",
    "hopelessness": "hopelessness",
    "overdose": "overdose",
    "overdosed": "overdose",
}
# Real words within one edit of a target: never treated as a misspelling.
FUZZY_REAL_WORDS = frozenset(
    {
        "homeless",
        "homelessness",
        "overdoes",
        "overdone",
        "overdue",
        "suicides",
        "subside",
        "subsided",
        "decide",
        "suicided",
        "hopeful",
        "topless",
        "soapless",
        "ropeless",
        "overdosing",
        "overtones",
        "overdose",
        "suicidal",
        "suicide",
        "hopeless",
        "overdosed",
    }
)

# Words that make what follows (or precedes) them a denial.
NEGATION_CUES = frozenset(
    {
        "no",
        "not",
        "never",
        "denies",
        "denied",
        "deny",
        "denying",
        "without",
        "nor",
        "none",
        "neither",
        "negative",
        "absent",
        "free",
        "absence",
        "ruled",
        "rules",
        "resolved",
        "nil",
        "w/o",
        "non",
        "nothing",
        "cannot",
        "nope",
        "n't",
        "nah",
        "refutes",
        "refuted",
        "disavows",
        "disavowed",
        "lacks",
        "lacking",
        "zero",
        "sold",
        "removed",
        "surrendered",
        "rid",
        "disposed",
        "relinquished",
    }
)
# Cues that deny only what follows them at once ("stopped cutting", "quit self-harming").
SHORT_RANGE_NEGATION_CUES = frozenset({"stopped", "quit", "ceased", "stopping", "quitting"})
# A cue followed by these is not a denial ("no longer denies", "not sure", "can't stop").
PSEUDO_NEGATIONS = (
    "no change",
    "no changes",
    "no increase",
    "no decrease",
    "no reduction",
    "no improvement",
    "not only",
    "not sure",
    "not certain",
    "not clear",
    "no doubt",
    "not necessarily",
    "no longer denies",
    "no longer deny",
    "not deny",
    "n't deny",
    "not denying",
    "n't denying",
    "never denied",
    "not just",
    "can't stop",
    "cannot stop",
    "couldn't stop",
    "could not stop",
    "won't stop",
    "will not stop",
    "not stop",
    "didn't stop",
    "did not stop",
    "no one",
    "nothing but",
    "not rule out",
    "cannot rule out",
    "can't rule out",
    "not ruled out",
    "not able to stop",
    "unable to stop",
    "no matter",
    "not without",
    "without knowing",
    "not resolved",
    "not fully resolved",
    "not entirely",
    "not completely",
    "negative thoughts",
    "negative self",
    "negative beliefs",
    "not going away",
    "no relief",
    "nothing helps",
    "nothing has helped",
    "not helping",
    "no help",
    "not better",
    "no better",
    "not getting better",
    "no way",
    "no idea",
    "not want to talk",
    "not want to discuss",
    "free time",
)
# Words that end the reach of a negation: what follows is asserted on its own.
SCOPE_BREAKERS = (
    r"\bbut\b",
    r"\bhowever\b",
    r"\balthough\b",
    r"\bthough\b",
    r"\byet\b",
    r"\bexcept\b",
    r"\bwhereas\b",
    r"\bwhile\b",
    r"\bapart from\b",
    r"\bother than\b",
    r"\binstead\b",
    r"\bstill\b",
    r"\bnonetheless\b",
    r"\bnevertheless\b",
    r"\bthen\b",
    r"[;:!?]",
    r"\.(?:\s|$)",
    r"—",
    r" - ",
    r"(?:,|\band\b|\bor\b)\s+(?:she|he|they|i|pt|patient|client|we|her|his|my|their|it|there|this|that|which)\b",
    r"\b(?:because|since|as|so|until|unless|when|whenever|if|though|after|before)\b",
)
# Verbs that assert something new; they end a negation's reach unless negated themselves.
AFFIRMING_VERBS = (
    r"\b(?:endorse|endorses|endorsed|endorsing|reports|reported|reporting|admits|admitted|admitting|acknowledges|"
    r"acknowledged|describes|described|describing|expresses|expressed|expressing|voices|voiced|discloses|disclosed|"
    r"shares|shared|mentions|mentioned|states|stated|says|said|feels|felt|continues|continued|remains|remained|"
    r"notes|noted|confirms|confirmed|revealed|reveals|presents|presented|wrote|writes|texted|told|tells|asked|"
    r"became|becomes|started|began|has had|has been having|endorsement)\b",
)
# After a risk word, these within the same clause deny it ("SI: denied", "self-harm — none").
POST_NEGATION = (
    r"^\W{0,4}(?:[\w/-]+\W{1,3}){0,4}?(?:was |were |is |are |has been |have been |been |all )?(?:denied|negative|neg|absent|"
    r"not present|not endorsed|not reported|not elicited|not indicated|not assessed as present|ruled out|resolved|none|"
    r"nil|n/a|non-?contributory|0/\d|= ?0|: ?0)(?!\w)",
    # "the passive death wish present before the first dose has not returned"
    r"^\W{0,4}(?:[\w/-]+\W{1,3}){0,6}?(?:has|have|had|is|are|was|were) (?:not (?:returned|recurred|come back|been present)|"
    r"since (?:resolved|remitted|lifted)|(?:fully |completely )?(?:resolved|remitted|lifted|gone))\b",
    r"^\s*(?:/\s*\w+\s*)?[:=\-–?]\s*(?:no|none|denied|denies|neg|negative|0|absent|nil|n)\b",
    r"^\s*\(\s*(?:no|none|denied|neg|negative|0|absent)\b",
)
