"""What a question asks: its specific words (stemmed, with words said otherwise made one),
its wh-word, whether it asks for a how-to, about the user or about what the assistant said,
and the kind of thing it wants. Which fact answers it is app/core/fact_match.py; answers are
selected, not written (app/services/selection.py). Pure functions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from app.core.extraction import stem
from app.core.fact_words import (
    CAT_BREEDS,
    DOG_BREEDS,
)
from app.core.keywords import STOPWORDS, TIME_WORDS, keywords

# Irregular past forms people use in questions and statements ("grew up" / "grow up").
IRREGULAR = {
    "went": "go", "gone": "go", "grew": "grow", "grown": "grow", "did": "do", "done": "do",
    "made": "make", "took": "take", "taken": "take", "got": "get", "gotten": "get",
    "saw": "see", "seen": "see", "bought": "buy", "brought": "bring", "thought": "think",
    "told": "tell", "said": "say", "met": "meet", "left": "leave", "ran": "run", "ate": "eat",
    "eaten": "eat", "drank": "drink", "drove": "drive", "driven": "drive", "wrote": "write",
    "written": "write", "gave": "give", "given": "give", "found": "find", "began": "begin",
    "begun": "begin", "flew": "fly", "flown": "fly", "sold": "sell", "spent": "spend",
    "taught": "teach", "caught": "catch", "felt": "feel", "kept": "keep", "knew": "know",
    "known": "know", "lost": "lose", "paid": "pay", "read": "read", "sent": "send",
    "slept": "sleep", "spoke": "speak", "swam": "swim", "won": "win", "wore": "wear",
    "chose": "choose", "chosen": "choose", "built": "build", "born": "birth", "children": "child",
    "people": "person", "women": "woman", "men": "man", "feet": "foot", "mice": "mouse",
    "bled": "bleed", "fed": "feed", "led": "lead", "rang": "ring", "rung": "ring", "sang": "sing",
    "swum": "swim", "flight": "fly", "flights": "fly", "flying": "fly", "hung": "hang", "dug": "dig", "stuck": "stick", "studied": "study", "moved": "move", "lives": "live", "living": "live", "lived": "live",
    # Same meaning, other word: what people write and what they later ask.
    "relocated": "move", "relocate": "move", "relocating": "move", "bday": "birthday",
    "birthdays": "birthday", "b-day": "birthday", "purchased": "buy",
    "adopted": "adopt", "favorite": "favourite", "colour": "color", "mum": "mom",
    "mother": "mom", "father": "dad", "kids": "child", "kid": "child", "started": "start",
    "starting": "start", "begin": "start", "job": "work", "works": "work", "working": "work",
    "worked": "work", "career": "work", "profession": "work", "occupation": "work",
    "bf": "boyfriend", "gf": "girlfriend",  # texting: "my bf", "her gf"
    "undergrad": "bachelor", "undergraduate": "bachelor", "bachelors": "bachelor",
    "bsc": "bachelor", "grad": "graduate", "postgrad": "master", "masters": "master",
    "msc": "master", "phd": "doctorate",
    # "Which vet clinic ...?" / "Bellarine Vet Hospital"
    "hospital": "clinic", "hospitals": "clinic", "clinics": "clinic",
    "swollen": "swell", "swelling": "swell",  # "my swollen ankles" / "ankle swelling"
    "rehearsal": "practice", "rehearsals": "practice", "practise": "practice",
    "practices": "practice", "practising": "practice", "practicing": "practice",
    "motorbike": "bike", "motorbikes": "bike", "motorcycle": "bike", "bicycle": "bike",
}  # fmt: skip
# Words in a question that say what kind of answer is wanted, not what it is about.
GENERIC = frozenset(
    """name names called call do does get go happen happened happen tell say remember know
    use used using mention mentioned think kind sort type thing things one ones currently
    current usually typically now recently these days lately ever still new old favourite
    again first last time times often long much many something anything everything life
    recommend recommended suggest suggested suggestion recommendation advise advice told
    want wanted like need please give me details detail exactly home remind reminder follow
    conversation conversations chat chatted discussion discussed discuss earlier provide
    provided
    wondering wonder moment main status going rn atm tbh ngl lol pls plz""".split()  # noqa: SIM905
)
_FIRST_PERSON = re.compile(r"\b(i|my|me|mine|myself|we|our|us)\b", re.I)
_TO_ASSISTANT = re.compile(
    r"\b(?:did|do|would|could|can|have|had|were|was)\s+you\b|\byou\s+(?:recommend|suggest|said|say|told|tell|mention|gave|give|propose|advise|list|name|recommended|suggested|mentioned|proposed|advised|provided|provide|shared|share|sent|wrote|showed|explained|offered|listed|named|found)|\byour\s+(?:[\w-]+\s+){0,2}(?:recommendations?|suggestions?|advice|answers?|ideas?|lists?|tips?|options?|picks?)\b",
    re.I,
)
_PROCEDURE = re.compile(
    r"\bhow\s+(?:do|did|should|can|would)\s+(?:i|we)\b|\bhow\s+to\b|\b(?:routine|steps|process|procedure|recipe|method|checklist|workflow)\b"
    # "remind me how I wax the chain", "what do I need for the permit renewal", "what order"
    r"|\bhow\s+(?:i|we)\s+(?!am\b|was\b|feel|felt)[a-z]+\b|\bwhat\s+do\s+(?:i|we)\s+need\s+(?:for|to)\b"
    r"|\b(?:what|which)\s+order\b"
    # "How does Dev make his lamb curry?", "What do I do if I have to use my EpiPen?"
    r"|\bhow\s+(?:does|did)\s+[\w']+\s+(?:make|cook|bake|brew|fix|clean|prepare|do)\b"
    # "How should Adwoa take Mama's blood pressure?"
    r"|\bhow\s+should\s+[\w']+\s+(?:make|cook|do|take|use|give|apply|check|measure)\b"
    r"|\bwhat\s+(?:do|should)\s+(?:i|we)\s+do\s+(?:if|when)\b"
    r"|\bhow\s+(?:do|does)\s+(?:[\w'-]+\s+){1,3}work\b"  # "how do returns work at jb"
    # "How are my thesis backups set up?"
    r"|\bhow\s+(?:is|are|was|were)\s+(?:my|our)\s+(?:[\w'-]+\s+){1,3}?"
    r"(?:set\s*up|configured|organi[sz]ed|arranged|scheduled|done|run)\b",
    re.I,
)
_WHAT_HAPPENED = re.compile(
    r"\bwhat\s+(?:did\s+(?:i|we)\s+(?:do|get up to)|happened|was\s+(?:i|we)\s+(?:doing|up\s+to)|went\s+on)\b|\bwhere\s+(?:was|were|did)\s+(?:i|we)\b|\bwho\s+did\s+(?:i|we)\s+(?:see|meet)\b",
    re.I,
)


_ROLE = re.compile(r"^\s*[\w .'-]{1,30}:\s+")
# "tell me", "give me": the writer as the one asked for, not as the one told of.
# ... and "World War I", "Part I": a numeral, not the writer.
_ASKED_FOR_ME = re.compile(
    r"\b(?:tell|give|show|help|send|let|remind|teach|explain to|walk|provide)\s+me\b"
    r"|\b(?:war|part|phase|chapter|act|season|type|level|class|stage|grade|book|volume)\s+I\b",
    re.I,
)
_REQUEST_OPENER = re.compile(
    r"^(?:please|can|could|would|will|how|what|why|which|who|where|when|is|are|do|does|tell|"
    r"write|give|explain|list|summari[sz]e|translate|generate|create|make|correct|rewrite|"
    r"describe|suggest|help|act|imagine|pretend|compare|provide|find|show|draft)\b",
    re.I,
)


def about_the_user(question: str) -> bool:
    """ "How many doctors did I visit?": asks about the user's own life."""
    return bool(_FIRST_PERSON.search(question)) and not asks_the_assistant(question)


def impersonal_request(text: str) -> bool:
    """A message that asks for something and tells nothing of its writer ("Could you tell me
    about the ships of the Grand Fleet?", "Please correct the grammar below: ..."): it may
    share the question's words but cannot say what the user did or has. A note to self
    ("dentist = Dr. Okafor") asks nothing, so is not one."""
    body = _ROLE.sub("", text, count=1)
    if _FIRST_PERSON.search(_ASKED_FOR_ME.sub("", body)):
        return False
    return "?" in body or bool(_REQUEST_OPENER.match(body))


def asks_the_assistant(question: str) -> bool:
    """ "Which hotel did you recommend?": about what the assistant said, not about the user."""
    return bool(_TO_ASSISTANT.search(question))


def fold(text: str) -> str:
    """Lower case without accents: "Inês" and "Ines" are the same name to a user."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def term(word: str) -> str:
    word = fold(word)
    base = IRREGULAR.get(word, word)
    stemmed = stem(base)
    # "swimming" -> "swimm" -> "swim", "planned" -> "plann" -> "plan"
    if (
        stemmed != base
        and len(stemmed) >= 4
        and stemmed[-1] == stemmed[-2]
        and stemmed[-1] not in "lsz"
    ):
        stemmed = stemmed[:-1]
    return stemmed


# "Rang Immy last night for her 30th", "Dad turns 60": a birthday, said without the word.
_AGE_BIRTHDAY = re.compile(
    r"\b(?:his|her|my|their|your|[\w-]+'s|[\w-]+’s)\s+(\d{1,3})(?:st|nd|rd|th)\b(?!\s+(?!birthday|bday|today|tonight|tomorrow|yesterday|on\b|is\b|was\b)[a-z])"
    r"|\bturn(?:ed|s|ing)?\s+(\d{1,3})\b",
    re.I,
)


def _lexicon(words: str) -> frozenset[str]:
    """Whole words, folded: compared unstemmed, since stems collide ("according" and the
    Honda "accord")."""
    return frozenset(fold(w) for w in words.split())


def _words(text: str) -> set[str]:
    return {fold(w) for w in re.findall(r"[\w'’-]+", text)}


# Things people name without saying what they are, and the word for what they are: "drive
# the subaru" is about the user's car, "went with a pixel 8" about their phone, "switched
# from Spotify to Apple Music" about an app, "I'm learning Spanish" about a language.
_CAR_MAKES = _lexicon(
    """audi bmw buick cadillac chevy chevrolet chrysler citroen dacia dodge fiat ford honda
    hyundai jeep kia lexus mazda mercedes mini mitsubishi nissan opel peugeot porsche renault
    seat skoda subaru suzuki tesla toyota vauxhall volkswagen vw volvo
    corolla civic prius outback niro yaris camry qashqai octavia clio fiesta rav4 cr-v crv
    f-150 f150 silverado tacoma highlander accord forester wrangler tundra sienna odyssey
    mustang corvette jetta passat tiguan juke micra kuga"""
)
_APPS = _lexicon(
    """spotify deezer tidal itunes audible netflix hulu disney youtube twitch whatsapp signal
    telegram messenger slack discord zoom skype notion obsidian evernote trello todoist
    strava duolingo headspace calm instagram tiktok facebook twitter snapchat reddit uber
    lyft deliveroo doordash ubereats monzo revolut paypal venmo airbnb"""
)
_LANGUAGES = _lexicon(
    """arabic cantonese catalan chinese czech danish dutch english finnish french german greek
    hebrew hindi hungarian icelandic indonesian irish italian japanese korean latin mandarin
    norwegian polish portuguese romanian russian spanish swahili swedish thai turkish
    ukrainian urdu vietnamese welsh"""
)
# "I'M ENGAGED" answers "What's my relationship status with Idris?"
_TOGETHER = _lexicon(
    """engaged married dating divorced separated single boyfriend girlfriend partner fiance
    fiancee husband wife wedding proposed"""
)
_PHONES = _lexicon("iphone pixel galaxy oneplus xperia fairphone")
_DIETS = _lexicon("vegetarian vegan pescatarian pescetarian")
_DOG_BREEDS = _lexicon(
    " ".join(b for b in DOG_BREEDS if " " not in b and b not in {"lab", "pup", "boxer"})
)
_CAT_BREEDS = _lexicon(" ".join(b for b in CAT_BREEDS if " " not in b))
# "I drive a 2012 Golf": a model the lists do not know.
_DRIVES_A = re.compile(
    r"\b(?:driv(?:e|es|ing)|drove)\s+(?:home\s+|off\s+in\s+)?(?:a|an|the|my|our)\s+(?:\d{4}\s+)?[A-Z]"
)
# "doing italian now, with an actual tutor": a language being learnt.
_LEARNING = re.compile(
    r"\b(?:duolingo|tutor|lesson|class|course|practi[cs]|stud|learn|doing)", re.I
)
# "Where do I work out?" is about exercise, not about work.
_WORK_OUT = re.compile(r"\bwork(?:s|ing|ed)?[\s-]?outs?\b", re.I)


_KINDS = {"phone": _PHONES, "car": _CAR_MAKES, "language": _LANGUAGES, "diet": _DIETS}
_KIND_ASKED = re.compile(
    r"\b(?:what|which)\s+(?:kind\s+of\s+|type\s+of\s+|make\s+of\s+)?(phone|car|language|diet)s?\b"
    r"|\bwhat\s+(?:do|did)\s+(?:i|we)\s+(drive)\b",
    re.I,
)


def kind_asked(question: Question) -> str | None:
    """The kind of thing a question asks to be named ("What phone do I have?": a phone),
    when the lexicons know its members."""
    m = _KIND_ASKED.search(question.text)
    if m is None:
        return None
    return "car" if m[2] else m[1].lower()


# After a make, words that are no model: "picked up the Niro yesterday".
_NOT_A_MODEL = frozenset(
    [
        "yesterday",
        "today",
        "tomorrow",
        "tonight",
        "now",
        "again",
        "last",
        "next",
        "this",
        "finally",
        "instead",
        "anymore",
        "too",
        "lol",
        "haha",
    ]
)


def kind_members(kind: str, text: str) -> list[str]:
    """The words of `text` that name a member of `kind`, in order ("pixel", "italian"),
    with a model number after them ("pixel 8")."""
    members = _KINDS[kind]
    found: list[str] = []
    words = list(re.finditer(r"[\w'-]+", text))
    i = 0
    while i < len(words):
        if fold(words[i].group()) not in members:
            i += 1
            continue
        # with a model after it: "pixel 8", "kia e-niro", "Kia Niro"
        end = i + 1
        if end < len(words) and (
            words[end].group()[:1].isdigit()
            or (
                kind == "car"
                and words[end].group().lower() not in STOPWORDS
                and words[end].group().lower() not in _NOT_A_MODEL
            )
        ):
            end += 1
        found.append(text[words[i].start() : words[end - 1].end()])
        i = end
    if kind == "car" and not found and (drives := _DRIVES_A.search(text)):
        model = re.match(r"[\w'-]+(?:\s+[A-Z][\w'-]*)*", text[drives.end() - 1 :])
        found = [model.group()] if model else []
    return found


_GAVE_BIRTH = re.compile(
    r"\bhad\s+(?:the|a|her|their|our)\s+baby\b|\bgave\s+birth\b|\bwas\s+born\b", re.I
)
_RUNS_A = re.compile(
    r"\b(?:runs?|owns?|ran|owned)\s+(?:a|an|the|his|her|their)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:practice|business|shop|company|firm|clinic|restaurant|cafe|café|bakery|salon|studio|bar)\b",
    re.I,
)


# Names of fields people shorten: "undergrad in CS" answers "Bachelor's in Computer Science".
_FIELDS = re.compile(r"\bcomputer science\b|\bcomp sci\b", re.I)


def terms(text: str) -> set[str]:
    found = {term(w) for w in keywords(fold(_FIELDS.sub(" cs ", _WORK_OUT.sub(" gym ", text))))}
    said = _words(text)
    if said & _CAR_MAKES or _DRIVES_A.search(text) or term("car") in found:
        # a car is what the user drives: "we bought a car!" answers "What do I drive?"
        found |= {term("car"), term("drive")}
    if said & _LANGUAGES:
        found.add(term("language"))
        if _LEARNING.search(text):
            found.add(term("learn"))
    if said & _PHONES:
        found.add(term("phone"))
    if said & _TOGETHER:
        found.add(term("relationship"))
    if said & _DIETS:
        found.add(term("diet"))
    # "mum's cavoodle pickles" answers "What's mum's dog called?"
    if said & _DOG_BREEDS:
        found.add(term("dog"))
    if said & _CAT_BREEDS:
        found.add(term("cat"))
    if said & _APPS or re.search(r"\bapple music\b|\bgoogle maps\b", text, re.I):
        found.add(term("app"))
    if _GAVE_BIRTH.search(text):  # "Priya had the baby early this morning"
        found.add(term("birth"))
    if _RUNS_A.search(text):  # "He runs a dental practice in Lakewood": his work
        found.add(term("work"))
    if re.search(r"\bfirst\s+(?:day|shift|week)\s+(?:at|with|of)\b", text, re.I):
        found.add(term("start"))  # "First day at Tideline done": when the job started
    for m in _AGE_BIRTHDAY.finditer(text):
        found |= {term("birthday"), term("turn"), m[1] or m[2]}
    return found


@dataclass(frozen=True)
class Question:
    text: str
    wh: str  # who, where, when, which, what, how, how many, or "" (yes/no and others)
    procedure: bool  # asks how to do something
    to_assistant: bool  # asks what Reverie (the assistant) said
    what_happened: bool  # asks what happened (at a time it names)
    first_person: bool
    focus: frozenset[str]  # the specific words an answer must hold

    @property
    def asks_when(self) -> bool:
        return self.wh == "when" or bool(
            re.search(r"\bwhat (?:date|day|time|year|month)\b", self.text, re.I)
        )


_USE_VERB = re.compile(
    r"^(\W*(?:what|which)\s+(?:[\w'-]+\s+){1,2}(?:do|does|did)\s+[\w'-]+)\s+"
    r"(?:ride|drive|use|own|wear|have|play|carry)\b"
    r"(?:\s*(?:these\s+days|now|nowadays|day\s+to\s+day|every\s*day|daily))?"
    # "What position does Ruby play in volleyball?": where it is used stays
    r"(?=\s*(?:(?:in|at|for|on|with)\s+[\w' -]+)?\??\s*$)",
    re.I,
)


def analyse(question: str, user_names: Iterable[str] = ()) -> Question:
    # "what does Jonas do for a living" asks about work, and "living" is not "live".
    question = re.sub(
        r"\bdo(?:es)?\s+for\s+(?:a\s+living|work|money)\b", "do for work", question, flags=re.I
    )
    question = _FIELDS.sub("CS", _WORK_OUT.sub("go to the gym", question))
    # "Which city is Giulia from?" asks where she is from, whatever the place is.
    question = re.sub(
        r"\bwhich\s+(?:city|town|country|place|part\s+of\s+\w+)\s+(is|are|was|were)\b(?=.*\bfrom\b)",
        r"where \1",
        question,
        flags=re.I,
    )
    # "I'm planning my trip to Speyer again and wanted to confirm, what's the phone number
    # of the tourism board?": the question is the part after the preamble.
    asking = question
    tail = re.search(
        r"[,.;:!?]\s*(?:and\s+|so\s+|but\s+)?((?:what|which|who|where|when|how|can you|could you|do you|did you)\b.*)$",
        question.strip(),
        re.I,
    )
    if tail and len(tail[1].split()) >= 4:
        asking = tail[1]
        said = {term(w) for w in keywords(fold(asking)) if w not in GENERIC}
        if _PROCEDURE.search(asking) and not said - HOW_TO_WORDS:
            # "Mateo wants to port his number to Fizz, what are the steps?": the preamble
            # says what the steps are for.
            asking = question
    # "our previous conversation about X" points at the chat, not at what is asked.
    asking = re.sub(
        r"\b(?:our|the|my|a|that)\s+(?:previous|last|earlier|past)\s+(?:conversation|chat|discussion)s?\b",
        " ",
        asking,
        flags=re.I,
    )
    # "did I end up going with": how it turned out, not an end
    asking = re.sub(r"\bend(?:ed|ing)?\s+up\b", " ", asking, flags=re.I)
    # "What bike do I ride?", "Which car do we drive?": the verb only says the thing is
    # theirs; what is asked is the bike ("new (used) bike!! kona dew").
    asking = _USE_VERB.sub(r"\1", asking)
    lowered = asking.strip().lower()
    wh_match = re.match(
        r"(?:and |so |also |but )?(how many|how much|how long|how often|who|whom|whose|where|when|which|what|how|why)\b",
        lowered,
    )
    wh = wh_match[1] if wh_match else ""
    names = {fold(n) for n in user_names}
    focus = {
        t
        for w in keywords(fold(asking))
        if w not in GENERIC and w not in TIME_WORDS and w not in names
        for t in [term(w)]
        if t not in GENERIC
    }
    return Question(
        question,
        wh,
        bool(_PROCEDURE.search(question)),
        bool(_TO_ASSISTANT.search(question)),
        bool(_WHAT_HAPPENED.search(question)),
        bool(_FIRST_PERSON.search(question)) or any(n in fold(question) for n in names),
        frozenset(focus),
    )


def coverage(question: Question, text: str) -> float:
    """The share of the question's specific words that `text` holds (or says otherwise:
    "eli moved into her place in seattle" tells where she lives)."""
    if not question.focus:
        return 0.0
    held = question.focus & terms(text)
    for word in question.focus - held:
        other = _SAID_OTHERWISE.get(word)
        if other is not None and other.search(text):
            held = held | {word}
    return len(held) / len(question.focus)


_SAID_OTHERWISE = {
    # "What does Hannah do for work?" / "She teaches Year 3 in a primary school"
    term("work"): re.compile(r"\bteach(?:es|ing)?\b|\bnurs(?:es|ing)\b", re.I),
    # "Anya's 10 on 14 June!!!", "idris turns 35 on saturday": an age on a day
    term("birthday"): re.compile(
        r"(?:'s|’s|\s+is|\s+turns?|\s+turning|\s+will\s+be)\s+\d{1,3}(?:st|nd|rd|th)?\s+"
        r"(?:on|next|this|today|tomorrow|tmrw|in)\b",
        re.I,
    ),
    term("live"): re.compile(
        r"\bmov(?:ed|ing|es)\s+(?:in)?to\b"
        r"|\b(?:new|her|his|their|my|our)\s+(?:place|flat|house|apartment)\s+in\b",
        re.I,
    ),
}


def enough(question: Question, covered: float) -> bool:
    """Whether a memory holding this share of the question's specific words may answer it:
    all of one or two words, all but one of three or four, 60 % of more."""
    n = len(question.focus)
    if n == 0:
        return False
    need = n if n <= 2 else (n - 1 if n <= 4 else 0.6 * n)
    return covered * n + 1e-9 >= need


# The words that ask for a how-to, not what it is about ("What are my steps for ...").
HOW_TO_WORDS = frozenset(
    terms("step steps recipe routine process procedure method checklist workflow instructions")
)
