"""The words the fact rules read with: who the user is (ME), names as people write them,
relations, pets and breeds, job words and attribute synonyms, and reading a message into
sentences and names. Pure functions of text.
"""

from __future__ import annotations

import re

from app.core.keywords import STOPWORDS

ME = "me"  # the subject of whatever the user says about themselves

_NAME_WORD = r"[A-ZÀ-Ý][\wÀ-ÿ\-]*(?:['’][A-Z][\wÀ-ÿ]*)?"
# "Dr. Amira Haddad", "Ms. Kaur": a title is part of the name
NAME = rf"(?:(?:Dr|Mrs|Mr|Ms|Miss|Prof)\.?\s+)?{_NAME_WORD}(?:\s+(?:de |da |do |van |von )?{_NAME_WORD}){{0,3}}"
_END = r"(?=\s*(?:[.,;:!?\n()\U0001F300-\U0001FAFF\u2600-\u27BF]|\s-\s|\s(?:and|but|so|because|which|who|since|although|though|while|when|if|as|for|with|from|after|before|until)\s|$))"
# Words after a value that are about when or how sure, not part of the value.
_TRAILING = re.compile(
    r"\s+(?:now|there|here|too|again|already|anymore|these days|nowadays|for now|at the moment"
    r"|currently|today|finally|instead|as well|by the way|actually)$",
    re.I,
)

# Relations between people (and pets) that are named right after "my": "my sister Inês".
PERSON_RELATIONS = (
    "sister", "brother", "mum", "mom", "mother", "dad", "father", "partner", "wife", "husband",
    "boyfriend", "girlfriend", "bf", "gf", "fiancé", "fiancée", "fiance", "fiancee", "son", "daughter",
    "cousin", "aunt", "uncle", "niece", "nephew", "grandma", "grandmother", "grandpa",
    "grandfather", "friend", "best friend", "bestie", "flatmate", "roommate", "housemate", "neighbour",
    "neighbor", "colleague", "coworker", "boss", "manager", "line manager", "team lead",
    "mentor", "therapist", "doctor", "dentist", "gp", "landlord", "landlady", "running partner",
    "climbing partner", "tutor", "teacher", "coach", "trainer", "accountant", "lawyer",
    "allergist", "physio", "physiotherapist", "vet", "optician", "dermatologist", "psychologist",
    "psychiatrist", "counsellor", "counselor", "midwife", "surgeon", "specialist", "hairdresser",
    "mechanic", "plumber", "electrician", "nanny", "babysitter", "personal trainer",
    "supervisor", "advisor", "adviser", "best mate",
)  # fmt: skip
# The attributes whose value is a person: a relation, or someone who has a role for the user.
PERSON_SLOTS = frozenset(PERSON_RELATIONS) | {"manager", "partner", "mum", "dad", "flatmate"}
PETS = (
    "cat", "dog", "kitten", "puppy", "rabbit", "bunny", "hamster", "guinea pig", "parrot",
    "budgie", "tortoise", "turtle", "horse", "pony", "fish", "ferret", "snake", "lizard",
)  # fmt: skip
_REL_RE = "|".join(sorted((*PERSON_RELATIONS, *PETS), key=len, reverse=True))
_MODIFIER = r"(?i:(?:new|little|older|younger|big|best|old|college|childhood|school|uni|twin|baby|ex|former|primary|main)\s+){0,2}"
DOG_BREEDS = (
    "beagle", "labrador", "lab", "retriever", "poodle", "terrier", "collie", "spaniel",
    "greyhound", "whippet", "husky", "corgi", "pug", "dachshund", "shepherd", "schnauzer",
    "boxer", "bulldog", "chihuahua", "sheepdog", "rottweiler", "doberman", "lurcher",
    "cockapoo", "labradoodle", "spaniel mix", "mutt", "pup", "cavoodle", "cavapoo", "groodle",
    "spoodle", "goldendoodle", "dalmatian", "staffy", "kelpie", "akita", "shiba", "samoyed",
    "malamute", "westie", "pomeranian", "maltese", "frenchie", "vizsla", "weimaraner",
)  # fmt: skip
CAT_BREEDS = (
    "tabby", "siamese", "persian", "maine coon", "ragdoll", "bengal", "moggy", "shorthair",
    "longhair", "sphynx", "abyssinian", "burmese", "birman",
)  # fmt: skip
_BREED_RE = "|".join(sorted((*DOG_BREEDS, *CAT_BREEDS), key=len, reverse=True))
_JOB_WORD = (
    # Words with a job's ending that are no job ("a better one", "the winner", "my sister").
    r"(?:(?!(?:winner|loser|beginner|other|another|better|bigger|older|younger|number|matter"
    r"|order|answer|member|sister|brother|mother|father|daughter|together|never|ever|over"
    r"|under|after|later|water|weather|winter|summer|dinner|power|paper|letter|corner"
    r"|center|centre|computer|character|chapter|disaster|changer|cracker|banger|stunner"
    r"|killer|thriller|trailer|monster|burger|finger|ginger|danger|border|reminder|wonder"
    r"|ladder|folder|error|mirror|horror|terror|colour|color|anger|hunger|tiger|record"
    r"|poster|toaster|blender|charger|router|scooter|tractor|radiator|trailer)\b)"
    r"[a-z]+(?:eer|ist|ian|ger|ner|ter|ser|ker|der|ler|ver|rer|tor|sor|nor|ic)"
    r"|nurse|chef|cook|vet|medic|paramedic|firefighter|cop|officer|doctor|pilot|barista|teacher"
    r"|driver|lawyer|engineer|designer|developer|analyst|manager|director|instructor|coach"
    r"|pharmacist|dentist|surgeon|midwife|carer|cleaner|baker|butcher|farmer|plumber"
    r"|electrician|builder|architect|accountant|librarian|professor|lecturer|researcher"
    r"|scientist|writer|editor|journalist|artist|musician|photographer|consultant|clerk"
    r"|receptionist|waiter|waitress|bartender|student|intern|ceo|cto|founder|GP|assistant"
    r"|attendant|agent|cashier|operative)"
)


def _species(word: str) -> str:
    word = word.lower()
    if word in DOG_BREEDS:
        return "dog"
    if word in CAT_BREEDS:
        return "cat"
    return word


_PET_RE = "|".join(sorted(PETS, key=len, reverse=True))

# Different words for the same attribute; facts and questions are both mapped through this.
ATTRIBUTE_SYNONYMS = {
    "boss": "manager",
    # One current partner, whatever the word: a new girlfriend replaces the old boyfriend.
    "girlfriend": "partner",
    "boyfriend": "partner",
    "bf": "partner",
    "gf": "partner",
    "line manager": "manager",
    "new manager": "manager",
    "current manager": "manager",
    "team lead": "manager",
    "mom": "mum",
    "mother": "mum",
    "father": "dad",
    "neighbor": "neighbour",
    "coworker": "colleague",
    "kitten": "cat",
    "puppy": "dog",
    "bunny": "rabbit",
    "roommate": "flatmate",
    "bestie": "best friend",
    "best mate": "best friend",
    "housemate": "flatmate",
    "fiancé": "partner",
    "fiancée": "partner",
    "fiance": "partner",
    "fiancee": "partner",
    "favorite": "favourite",
    "job title": "job",
    "job": "job",
    "role": "job",
    "position": "job",
    "occupation": "job",
    "profession": "job",
    "mobile": "phone",
    "mobile phone": "phone",
    "cell phone": "phone",
    "smartphone": "phone",
    "company": "employer",
    "workplace": "employer",
    "home town": "home city",
    "hometown": "home city",
    "city": "home city",
    "home": "home city",
    "address": "home city",
}


def canonical_attribute(words: str) -> str:
    words = " ".join(words.lower().replace("favorite", "favourite").split())
    words = re.sub(r"^(?:new|current|old|former|previous|present|latest|own)\s+", "", words)
    words = re.sub(r"\s+(?:there|now|here)$", "", words)
    return ATTRIBUTE_SYNONYMS.get(words, words)


def _clean_value(value: str) -> str:
    value = value.strip(" \t\"'“”‘’")
    value = re.sub(r"^(?:now|currently|still|actually)\s+", "", value, flags=re.I)
    previous = None
    while previous != value:
        previous = value
        value = _TRAILING.sub("", value).strip()
    value = re.sub(r"^(?:a|an|the|some)\s+", "", value, flags=re.I)
    return value.strip(" ,")


def _value_at(message: str, offset: int, raw: str) -> tuple[str, int, int] | None:
    """The cleaned value and its span in the message, or None when nothing is left."""
    value = _clean_value(raw)
    if not value or len(value) > 80:
        return None
    start = message.find(value, offset)
    if start < 0:
        return None
    return value, start, start + len(value)


# A sentence: a full stop inside a number or word ("1.25mg", "e.g.") or after a title ("Dr.
# Kowalski", "St. Jude's") does not end it.
SENTENCE = (
    r"(?:[^.!?\n]|[.!?](?=\w)|(?<=\bDr)\.|(?<=\bMr)\.|(?<=\bMrs)\.|(?<=\bMs)\.|(?<=\bSt)\."
    r"|(?<=\bProf)\.|(?<=\bMt)\.)+(?:[.!?]+|$)"
)


def _sentences(message: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs; a numbered list stays one sentence with its heading."""
    if re.search(r"\n\s*(?:\d{1,2}[.)]|[-*•])\s", message):
        return [(0, message)]
    out: list[tuple[int, str]] = []
    for match in re.finditer(SENTENCE, message):
        text = match.group().strip()
        if text:
            out.append((match.start() + match.group().find(text), text))
    return out


def lower_case_style(message: str) -> bool:
    """Written without capitals for names: sentences start in lower case, and no Titlecase
    word stands past a sentence's start."""
    starts = [t[0] for t in re.split(r"(?<=[.!?\n])\s+", message.strip()) if t and t[0].isalpha()]
    if not starts or sum(c.islower() for c in starts) * 2 < len(starts):
        return False
    for sentence in re.split(r"(?<=[.!?\n])\s+", message):
        words = sentence.split()[1:]
        if any(re.fullmatch(r"[A-ZÀ-Ý][a-zà-ÿ'’\-]+[,;:!?.)]*", w) for w in words if w != "I"):
            return False
    return True


def _namey(text: str, most: int) -> str:
    """The leading words of `text` that can be a name (no common word), at most `most`."""
    kept: list[str] = []
    words = text.split()
    for at, word in enumerate(words):
        bare = word.strip(",.;:!?()\"'").lower()
        if not bare or bare in _COMMON or not re.match(r"[^\W\d_]", bare):
            break
        if bare.endswith("ied"):  # "my mum cried on the phone", "my sister married Tom"
            break
        after = words[at + 1].lower() if at + 1 < len(words) else ""
        if kept and after.endswith("ing") and len(after) > 5:
            break  # "her husband howard keep sending me shiba videos": keep is no surname
        kept.append(word.strip(",.;:!?()\"'"))
        if len(kept) == most:
            break
    return " ".join(kept)


_CALENDAR = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    mon tue tues wed weds thu thur thurs fri sat sun feb apr jun jul aug sep sept oct nov dec
    """.split()  # noqa: SIM905
)


def names_in(sentence: str) -> list[str]:
    """Capitalised names in a sentence; its first word only when it does not look like an
    ordinary word capitalised to start the sentence ("Starting", "The"). A month or a day
    ("due in October") names no one."""
    found = []
    for m in re.finditer(rf"\b({NAME})", sentence):
        name = m[1]
        if name.lower() in _CALENDAR:
            continue
        title, _, rest = name.partition(" ")
        if rest and title.lower() in PERSON_RELATIONS:  # "Sister Katrin called"
            name = rest
        if m.start() == len(sentence) - len(sentence.lstrip()):
            first = name.split()[0].lower()
            if first in STOPWORDS or first.endswith(("ing", "ed", "ly")) or first in _OPENERS:
                rest = name.split()[1:]
                if not rest:
                    continue
                name = " ".join(rest)
        found.append(name)
    return found


_OPENERS = frozenset(
    [
        "got",
        "went",
        "saw",
        "had",
        "called",
        "booked",
        "sold",
        "back",
        "big",
        "heads",
        "lunch",
        "dinner",
        "accepted",
        "first",
        "starting",
        "here",
        "when",
        "to",
        "thanks",
        "yes",
        "no",
        "ok",
        "okay",
        "sure",
        # past tenses without "-ed": "Rang Immy last night", "Met Sofia for coffee"
        "rang",
        "met",
        "told",
        "took",
        "made",
        "caught",
        "drove",
        # greetings: "Good afternoon.", "Hello again"
        "good",
        "hello",
        "hi",
        "hiya",
        "hey",
        "dear",
        "morning",
        "evening",
    ]
)


_COMMON = STOPWORDS | frozenset(
    """great nice good bad fine ok okay cool chill amazing awesome lovely sweet kind busy
    away sick home back out here there new old young older younger little big best super
    really very so pretty kinda sorta totally honestly literally actually basically just
    also always never sometimes usually still even though tho btw lol haha omg ugh yeah yes
    no not now then today tomorrow yesterday tonight later soon again finally too annoying
    strict mad upset angry happy sad tired stressed worried excited nervous hands hand off
    on in at to from with for and or but is was are were be been being has have had said
    says told tells thinks thought wants wanted called calls came comes went goes got gets
    getting going coming moving moved living lives lived works working worked started
    starting leaving left visiting visited staying stayed laughed loved loves hated asked
    texted rang phoned messaged emailed helped proposed agreed decided dropped picked bought
    made took gave sent seems looks sounds misses done finished over one two three four five
    first
    second last next other another same whole half bit lot lots thing things stuff guy
    girl man woman person people friend friends family everyone someone anyone nobody
    wife husband partner boyfriend girlfriend sister brother mum mom dad mother father
    boss manager team job work office company school college uni university city town
    place house flat apartment car dog cat baby kid kids son daughter named called name
    who which that what where when how why whose he she they it we you i me him her them
    us my your his our their its this these those a an the i'm he's she's they're we're
    it's there's that's""".split()  # noqa: SIM905
)
