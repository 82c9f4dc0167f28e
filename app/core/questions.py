"""What a question asks, and which remembered fact, how-to or sentence answers it.

Answers are *selected*, not written: the best current fact for the question's subject and
attribute, else the how-to whose goal it names, else the sentence of a remembered message
that holds the question's specific words. A question whose specific words no memory holds is
not answered ("What is my dog called?" when only a cat was ever mentioned). Pure functions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from app.core.extraction import stem
from app.core.fact_words import (
    CAT_BREEDS,
    DOG_BREEDS,
    ME,
    PERSON_RELATIONS,
    PETS,
    canonical_attribute,
)
from app.core.keywords import STOPWORDS, TIME_WORDS, keywords
from app.core.records import Memory

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
    r"|\bwhat\s+(?:do|should)\s+(?:i|we)\s+do\s+(?:if|when)\b"
    r"|\bhow\s+(?:do|does)\s+(?:[\w'-]+\s+){1,3}work\b",  # "how do returns work at jb"
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
            or (kind == "car" and words[end].group().lower() not in STOPWORDS)
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
        if _PROCEDURE.search(asking) and not said - _HOW_TO_WORDS:
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
    """The share of the question's specific words that `text` holds."""
    if not question.focus:
        return 0.0
    return len(question.focus & terms(text)) / len(question.focus)


def enough(question: Question, covered: float) -> bool:
    """Whether a memory holding this share of the question's specific words may answer it:
    all of one or two words, all but one of three or four, 60 % of more."""
    n = len(question.focus)
    if n == 0:
        return False
    need = n if n <= 2 else (n - 1 if n <= 4 else 0.6 * n)
    return covered * n + 1e-9 >= need


# Question phrasings of attributes the fact layer knows, as extra words for matching.
_ATTRIBUTE_CUES = (
    (r"\b(?:live|lives|living|reside|based|hometown|city|town|moved)\b|\bmy home\b", "home city"),
    (
        # not "how do I get to work at the moment"
        r"\bwork(?:s|ing)?\s+(?:for|at)\b(?!\s+the\s+moment)|\bemploy|\bcompany\b|\bemployer\b|\bwhere\s+do(?:es)?\s+\w+\s+work\b(?!\s+out)",
        "employer",
    ),
    (
        r"\bfor a living\b|\bfor work\b|\bjob\b|\boccupation\b|\bprofession\b|\bwork(?:s)? as\b|\bjob title\b|\bwhat does \w+ do\b(?!\s+(?:if|when|with|about|after|before|to)\b)|\bwhat do i do\b(?!\s+(?:if|when|with|about|after|before|to)\b)|\brole\b|\bposition\b",
        "job",
    ),
    (
        r"\bget(?:ting)? to work\b|\bcommute|\btravel to work\b|\bgo to work\b|\bto the office\b",
        "commute",
    ),
    (r"\ballerg", "allergy"),
    (r"\bhow\s+old\b", "age"),
    (
        r"\b(?:medication|medicine|meds|tablets?|pills?|prescribed|dose|taking\s+for)\b",
        "medication",
    ),
    (r"\b(?:GP|family doctor)\b", "gp"),
    (r"\bdiet|\bcan'?t eat\b|\bdon'?t eat\b|\bintoleran", "diet"),
    (r"\boriginally from\b|\bwhere\s+(?:is|was|are)\s+[\w ]+\s+from\b", "grew up in"),
    (r"\bgr[eo]w(?:n)? up\b|\braised\b", "grew up in"),
    (r"\bbirthday\b|\bborn\b", "birthday"),
    (r"\bboss\b", "manager"),
    (r"\b(?:am|are|is)\s+\w+\s+(?:dating|seeing)\b|\bgoing\s+out\s+with\b", "partner"),
    (r"\bvegetarian\b|\bvegan\b", "diet"),
    # "which mobile provider", "which network is my mobile on": the network, not the phone
    (
        r"\b(?:mobile|phone|cell)\b[^?]*\b(?:provider|network|carrier|operator)\b"
        r"|\b(?:provider|network|carrier|operator)\b[^?]*\b(?:mobile|phone|cell)\b",
        "mobile network",
    ),
)


CUED_ATTRIBUTES = frozenset(a for _, a in _ATTRIBUTE_CUES)
# Words that name what is asked about a subject: a memory lacking one cannot answer, however
# close in meaning ("When is Naomi's birthday?" / "Naomi and I are a thing").
# Not the words for what people take, their doctor or their network: "he's on Semintra"
# answers "What medication is Crumpet on?" without saying "medication".
_SAID_OTHERWISE = frozenset({"medication", "gp", "mobile network"})
ATTRIBUTE_WORDS = frozenset(
    t
    for a in (*(c for c in CUED_ATTRIBUTES if c not in _SAID_OTHERWISE), *PERSON_RELATIONS, *PETS)
    for t in terms(a)
) | frozenset(terms("birthday born work live move"))


def attribute_words(attribute: str) -> set[str]:
    """The words that name an attribute, with those people use for it ("commute": work,
    commute, office, train, bus, ...)."""
    found = terms(attribute)
    found |= {term(w) for w in _ATTRIBUTE_WORDS.get(attribute, "").split()}
    return found - {term(w) for w in GENERIC}


_ATTRIBUTE_WORDS = {
    "commute": "commute commuting work office train bus tram ferry tube metro bike cycle drive car walk",
    "home city": "live living moved move flat house home apartment city",
    "employer": "job work works company joined offer role",
    "job": "job work works role position title",
    "partner": "girlfriend boyfriend partner wife husband dating together",
    "diet": "eat eating diet vegan vegetarian meat",
}


def _question_attribute_terms(question: str) -> set[str]:
    found = terms(question)
    for pattern, attribute in _ATTRIBUTE_CUES:
        if re.search(pattern, question, re.I):
            found |= terms(attribute) | {"§" + attribute}
    for word in keywords(fold(question)):
        if word not in {"home", "city", "address", "role", "position"}:  # too vague alone
            found |= terms(canonical_attribute(word))
    return found


def _attribute_matches(attribute: str, asked: set[str]) -> bool:
    if "§" + attribute in asked:
        return True
    wanted = terms(attribute)
    return bool(wanted) and wanted <= asked


_RELATIONS = frozenset((*PERSON_RELATIONS, *PETS))


def _adds_a_number(question: str, value: str) -> bool:
    return bool(
        set(re.findall(r"\d+(?:\.\d+)?", value)) - set(re.findall(r"\d+(?:\.\d+)?", question))
    )


def _name_in(question: str, subject: str) -> bool:
    folded = fold(question)
    subject = fold(subject)
    if re.search(rf"\b{re.escape(subject)}\b", folded):
        return True
    first = subject.split()[0] if subject.split() else ""
    return len(first) >= 3 and bool(re.search(rf"\b{re.escape(first)}\b", folded))


def _is_me(subject: str | None, me: set[str]) -> bool:
    return subject is not None and fold(subject) in me


def resolve_relations(
    question: str, facts: Sequence[Memory], user_names: Iterable[str] = ()
) -> str:
    """ "Where does my sister live?" becomes "Where does Inês live?" when the facts name the
    sister, so the next hop is an ordinary question about a named person; "my brother's
    wife" takes two hops. A question about the relation itself ("Who is my sister?") is
    left alone."""
    names = list(user_names)
    me = {fold(ME), *(fold(n) for n in names)}
    relations = sorted(
        (f for f in facts if f.attribute in _RELATIONS and f.value and f.subject),
        key=lambda f: (-len(f.attribute or ""), -(f.valid_from or f.observed_at).timestamp()),
    )
    # "Which vet does our kelpie go to?": the pet of that breed, by name
    for fact in facts:
        if fact.attribute == "breed" and fact.value and fact.subject:
            breed = [w for w in fact.value.split() if w.lower() not in {"cross", "mix"}]
            said = rf"(?:{re.escape(' '.join(breed))}|{re.escape(breed[-1])})" if breed else ""
            if said:
                question = re.sub(
                    rf"\b(?:my|our)\s+{said}(?:\s+(?:cross|mix))?\b",
                    fact.subject,
                    question,
                    flags=re.I,
                )
    for _ in range(3):
        hopped = _one_hop(question, relations, me, names)
        if hopped == question:
            break
        question = hopped
    return question


def _one_hop(question: str, relations: list[Memory], me: set[str], names: list[str]) -> str:
    folded = fold(question)
    for fact in relations:
        assert fact.attribute is not None and fact.value is not None and fact.subject
        if _is_me(fact.subject, me):
            owner = r"(?:my|our)"
        else:
            first = re.escape(fold(fact.subject).split()[0])
            owner = rf"{first}(?:\s+\w+)?(?:'s|’s)"
        for found in re.finditer(rf"\b{owner}\s+([\w-]+)(?:\s+([\w-]+))?", folded):
            one, two = found[1], found[2]
            # "my sister", "my running partner", "my college roommate" (modifier + relation)
            if canonical_attribute(one) == fact.attribute:
                end, words = found.end(1), [one]
            elif two and fact.attribute in {
                canonical_attribute(f"{one} {two}"),
                canonical_attribute(two),
            }:
                end, words = found.end(2), [one, two]
            else:
                continue
            span = question[found.start() : end]
            hopped = question.replace(span, fact.value, 1)
            left = analyse(question.replace(span, " ", 1), names).focus - terms(fact.attribute)
            left -= {term(w) for w in words}
            cued = any(
                re.search(p, hopped, re.I) for p, a in _ATTRIBUTE_CUES if a != fact.attribute
            )
            if left or cued:
                return hopped
    return question


def _says_my(question: str, attribute: str, user_names: Iterable[str]) -> bool:
    """ "my manager", "my boss", "Maya's cat": the question names this relation of the user."""
    owners = "|".join(["my", "our", *(re.escape(n) + "(?:'s|’s)" for n in user_names)])
    for match in re.finditer(rf"\b(?:{owners})\s+((?:[\w-]+\s+)?[\w-]+)", question, re.I):
        words = match[1].lower().split()
        forms = {" ".join(words), words[0], words[-1]}
        if attribute in {canonical_attribute(f) for f in forms}:
            return True
    return False


_PLACE_ATTRIBUTES = frozenset({"home city", "grew up in"})


def _answers_the_kind(question: Question, attribute: str) -> bool:
    """ "Who is the director of the studio I work at?" wants a person, not the employer the
    question mentions; "Where…" wants a place or a workplace, not a person."""
    if question.wh in {"who", "whom"}:
        return attribute in _RELATIONS or attribute not in CUED_ATTRIBUTES | _PLACE_ATTRIBUTES
    return True


def match_fact(
    question: Question, facts: Sequence[Memory], user_names: Iterable[str] = ()
) -> Memory | None:
    """The fact that answers the question, if one does: the right subject (a person the
    question names, else the user) and an attribute the question asks about. The most
    recently stated fact wins among equals; the most specific attribute among several."""
    asked = _question_attribute_terms(question.text)
    me = {fold(ME), *(fold(n) for n in user_names)}
    semantic = [f for f in facts if f.attribute and f.attribute != "procedure" and f.subject]
    named = [
        f
        for f in semantic
        if not _is_me(f.subject, me) and _name_in(question.text, f.subject or "")
    ]
    if named:
        candidates = named
    elif question.first_person:
        # "Who am I dating?" asks for the partner without saying "my partner"
        cued_now = {a for p, a in _ATTRIBUTE_CUES if re.search(p, question.text, re.I)}
        candidates = [
            f for f in semantic
            if _is_me(f.subject, me)
            and (f.attribute not in _RELATIONS or f.attribute in cued_now
                 or _says_my(question.text, f.attribute or "", user_names))
        ]  # fmt: skip
        # "In which city lives my sister?" with no sister named: about her, so none of the
        # user's own facts answers; only the relation itself ("Who is my sister?") may.
        relatives = {
            canonical_attribute(m[1])
            for m in re.finditer(r"\b(?:my|our)\s+([\w-]+)", question.text, re.I)
        } & _RELATIONS
        if relatives:
            candidates = [f for f in candidates if f.attribute in relatives]
    else:
        return None
    cued = {a for _, a in _ATTRIBUTE_CUES if "§" + a in asked}
    about = [
        f for f in candidates
        if _attribute_matches(f.attribute or "", asked)
        # "Where does Naomi work?" asks for an employer: her job's words match, not its kind.
        and (not cued or f.attribute in cued or f.attribute not in CUED_ATTRIBUTES)
        # "which neighbourhood of Denver" (but "what dose of losartan" / "losartan 50mg")
        and not (_name_in(question.text, f.value or "") and not _adds_a_number(question.text, f.value or ""))
        and _answers_the_kind(question, f.attribute or "")
        and not _asks_another_thing(question.text, f.attribute or "")
    ]  # fmt: skip
    if not about:
        return None

    def strength(f: Memory) -> tuple[bool, int]:
        return "§" + (f.attribute or "") in asked, len(terms(f.attribute or ""))

    best = max(strength(f) for f in about)
    about = [f for f in about if strength(f) == best]
    return max(about, key=lambda m: (m.valid_from or m.observed_at, m.id))


_HEAD = re.compile(
    r"^\s*(?:what|which)\s+(?:kind\s+of\s+|sort\s+of\s+|type\s+of\s+)?([a-z]+)\b", re.I
)
_AUXILIARY = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "am",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "will",
        "would",
        "can",
        "should",
        "s",
    ]
)


def _asks_another_thing(question: str, attribute: str) -> bool:
    """ "What part do I sing in the choir?" asks for a part: the choir is only where, so
    the fact naming the choir does not answer it."""
    named = "|".join(re.escape(w) for w in attribute.split())
    # "Where does my choir's musical director play?": about someone of the choir
    if re.search(rf"\b(?:my|our)\s+(?:{named})(?:'s|’s)\s+\w", question, re.I):
        return True
    head = _HEAD.match(question)
    if head is None or head[1].lower() in _AUXILIARY or term(head[1]) in terms(attribute):
        return False
    return bool(
        re.search(
            rf"\b(?:in|at|on|for|with|from|of)\s+(?:the\s+|my\s+|our\s+)?(?:{named})\b",
            question,
            re.I,
        )
    )


_HOW_TO_WORDS = frozenset(
    terms("step steps recipe routine process procedure method checklist workflow instructions")
)


def match_procedure(question: Question, procedures: Sequence[Memory]) -> Memory | None:
    """The how-to whose goal holds the question's specific words (most of them)."""
    if not question.procedure or not question.focus:
        return None
    # "What are my steps for centering clay?": the words that ask for a how-to are not
    # what it is about.
    focus = question.focus - _HOW_TO_WORDS
    question = replace(question, focus=focus or question.focus)
    best: tuple[float, float, int] | None = None
    chosen: Memory | None = None
    for memory in procedures:
        goal = terms(memory.subject or "")
        if not goal:
            continue
        # "brew" matches "homebrew", "bass" matches "p-bass".
        shared = sum(
            1 for w in question.focus if w in goal or any(len(w) >= 4 and w in g for g in goal)
        )
        shared = min(shared, len(goal))
        share = shared / len(question.focus)
        precision = shared / len(goal)
        key = (share, precision, memory.id)
        # A long goal read from a rambling message holds other words too: two shared words
        # are enough there.
        precise = precision >= 0.5 or (shared >= 2 and len(goal) > 6)
        if shared and not (share >= 0.66 and precise):
            # "centering finally clicked: 1. wedge the clay ... 3. wheel fast": the goal
            # names one of the words and its steps all the others.
            steps = terms(memory.text)
            found = sum(1 for w in question.focus if w in goal or w in steps)
            # "How do I bake my sourdough bread?" / "Sourdough (my weekend routine): ... bread
            # flour ... dutch oven": of three or more words, the steps may lack one.
            # One word ("How do I get to work?") is too little to find a how-to by its steps.
            every = len(question.focus) >= 2 and found == len(question.focus)
            if every or (len(question.focus) >= 3 and found >= len(question.focus) - 1):
                share, precise = 0.66, True
                key = (share, precision, memory.id)
        if share >= 0.66 and precise and (best is None or key > best):
            best, chosen = key, memory
    return chosen
