"""A synthetic personal history for benchmarks at scale: deterministic for a given seed.

    .venv/bin/python -m bench.synthetic_history --messages 100000 --out bench/results/history-100k

Writes three files into --out:

- `chat.jsonl`: chat sessions with Reverie (the user's messages and the assistant's replies) in
  the `jsonl` import format (`reverie ingest chat.jsonl` reads it);
- `screen.jsonl`: screen-capture frames, one OCR-like text per line with the application and
  window title, grouped in episodes (`{"id", "episode", "timestamp", "app", "title", "text"}`).
  Capture stores each frame as a `screen` message of its episode (app/storage/capture_store.py);
  bench/scale.py feeds these lines through that same store call, in batches;
- `questions.json`: questions whose evidence is known (the ids of the lines that answer them),
  in the layout of bench/scenarios/*_questions.json (`type`, `question`, `answer`, `stale`,
  `evidence`), plus `now` (the end of the history).

The history spans --months months (12 by default) and mixes everyday filler that keeps naming
the same people and places (the distractors a real history is full of) with needles: facts the
user states and later updates (manager, employer, home city, a friend's city or job), one-off
facts about people (birthdays, pets, allergies), recurring procedures written out step by step,
dated events, and screens that show something worth asking about (booking references, invoice
totals, meeting rooms). Everything comes from seeded `random.Random`: the same seed and size
write byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

START = datetime(2025, 12, 1, tzinfo=UTC)
USER = "Sam"
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip

FIRST = (
    "Ana", "Priya", "Tomás", "Grace", "Liam", "Chloe", "Ravi", "Noor", "Mateo", "Yuki", "Olu",
    "Freya", "Jonas", "Amara", "Kofi", "Ines", "Dmitri", "Sofia", "Hamza", "Lena", "Arjun",
    "Maeve", "Bruno", "Zara", "Emeka", "Hana", "Felix", "Leila", "Oscar", "Mina", "Rafael",
    "Astrid", "Kenji", "Nadia", "Callum", "Esme", "Tariq", "Ingrid", "Diego", "Aisha", "Pavel",
    "Rosa", "Idris", "Clara", "Mikko", "Saanvi", "Luca", "Niamh", "Omar", "Beatriz",
)  # fmt: skip
LAST = (
    "Lima", "Raman", "Okafor", "Berg", "Novak", "Haddad", "Costa", "Tanaka", "Mensah", "Walsh",
    "Kowalski", "Ferreira", "Lindqvist", "Adeyemi", "Moreau", "Petrov", "Sato", "Quinn",
    "Rahman", "Vidal", "Keller", "Nakamura", "Osei", "Brennan", "Farouk", "Jensen", "Ortega",
    "Chowdhury", "Varga", "Silva",
)  # fmt: skip
CITIES = (
    "Leeds", "Manchester", "Bristol", "Lisbon", "Porto", "Berlin", "Glasgow", "Edinburgh",
    "Valencia", "Utrecht", "Ghent", "Bologna", "Cork", "Gdansk", "Tallinn", "Lyon", "Bilbao",
    "Aarhus", "Brno", "Nantes", "Sheffield", "York", "Cardiff", "Norwich", "Turin",
)  # fmt: skip
COMPANIES = (
    "Northwind Analytics", "Helio Energy", "Bluefin Labs", "Corvid Health", "Tessera Bank",
    "Lumen Logistics", "Quarry Games", "Saltmarsh Studio", "Orbit Freight", "Kestrel Systems",
    "Fennel Foods", "Juniper Legal", "Marlow Robotics", "Pinecone Media", "Atlas Insurance",
)  # fmt: skip
JOBS = (
    "nurse", "architect", "data engineer", "teacher", "pharmacist", "carpenter", "translator",
    "paramedic", "accountant", "product designer", "physiotherapist", "journalist", "chef",
    "electrician", "lawyer", "librarian", "pilot", "vet", "surveyor", "sound engineer",
)  # fmt: skip
VENUE_A = (
    "Copper", "Little", "Blue", "Old", "Green", "Golden", "Hidden", "Corner", "Salt", "Wild",
    "Lantern", "Velvet", "Rusty", "Paper", "North", "Harbour",
)  # fmt: skip
VENUE_B = (
    "Kettle", "Fig", "Anchor", "Oak", "Spoon", "Lark", "Pantry", "Crane", "Orchard", "Mill",
    "Bakery", "Tavern", "Bistro", "Canteen", "Larder", "Yard",
)  # fmt: skip
MEALS = ("breakfast", "brunch", "lunch", "dinner", "coffee", "drinks", "a quick bite")
ACTIVITIES = (
    "cleaning the flat", "sorting old photos", "repotting the plants", "reading on the balcony",
    "fixing the bike chain", "batch cooking for the week", "doing the laundry",
    "painting the hallway", "practising guitar", "studying Spanish", "running by the river",
    "swimming laps", "baking sourdough", "planning the holidays", "answering emails",
    "assembling a bookshelf", "tidying the garage", "writing in my journal", "walking in the park",
    "watching the football", "learning to knit", "climbing at the wall", "doing yoga",
)  # fmt: skip
MOODS = ("tired", "cheerful", "restless", "calm", "stressed", "content", "a bit low", "energised")
REASONS = (
    "slept badly", "the sun finally came out", "too many meetings", "a long walk helped",
    "the deadline moved", "the neighbours were noisy again", "had a good run",
    "the train was late twice", "finished a big task", "it rained all day",
)  # fmt: skip
TOPICS = (
    "the quarterly budget", "the new onboarding flow", "the migration plan", "the team offsite",
    "customer churn", "the hiring pipeline", "the security audit", "the release checklist",
    "the pricing page", "the data retention policy", "the roadmap review", "the office move",
    "the API rate limits", "the dashboard redesign", "the vendor contract", "the sprint demo",
)  # fmt: skip
THINGS = ("an article", "a podcast", "a spreadsheet", "a recipe", "a video", "a long email",
          "some photos", "a playlist", "a book tip", "a voice note")  # fmt: skip
FILMS = (
    "a documentary about whales", "an old western", "a Korean thriller", "a silly comedy",
    "a space film", "a cooking show", "a French drama", "a nature series", "a heist film",
)  # fmt: skip
ITEMS = (
    "a new kettle", "running shoes", "a desk lamp", "groceries", "a birthday card", "light bulbs",
    "a rain jacket", "coffee beans", "a phone case", "printer ink", "a plant pot", "bike lights",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
REPLIES = (
    "That sounds lovely, {who}!", "Noted. Anything else on your mind?",
    "Hope the rest of the day goes well.", "Good to hear. Shall I remind you later?",
    "That's a lot. Take a break if you can.", "Thanks for telling me, I'll remember that.",
    "Sounds like a full day!", "Nice. How did it go?", "I hope it works out.",
)  # fmt: skip
PETS = (("dog", "Biscuit"), ("cat", "Pixel"), ("dog", "Juniper"), ("cat", "Miso"),
        ("rabbit", "Clover"), ("dog", "Pepper"), ("cat", "Nimbus"), ("parrot", "Kiwi"))  # fmt: skip
ALLERGIES = ("peanuts", "shellfish", "cats", "penicillin", "pollen", "sesame", "dust mites")
APPS = (
    ("Firefox", "Inbox — Mail"), ("Slack", "#team-data"), ("Code", "pipeline.py — work"),
    ("Firefox", "News — The Guardian"), ("LibreOffice Calc", "budget.ods"),
    ("Evince", "report.pdf"), ("Firefox", "Calendar"), ("Terminal", "ssh build-01"),
)  # fmt: skip
GOAL_VERBS = (
    "renew", "back up", "reset", "set up", "file", "book", "update", "submit", "clean", "order",
)  # fmt: skip
GOAL_OBJECTS = (
    "the parking permit", "the NAS", "the office VPN", "the home router", "the expense claim",
    "the boiler service", "the passport photos", "the council tax payment", "the water filter",
    "the team rota", "the car insurance", "the gym locker", "the printer drivers",
    "the library card", "the tax return", "the bike lock code", "the shared calendar",
    "the laptop warranty", "the smoke alarm battery", "the pension transfer",
)  # fmt: skip
STEP_WORDS = (
    "portal", "form", "receipt", "password", "checklist", "reference", "folder", "button",
    "account", "settings", "cable", "voucher", "code", "appointment", "invoice", "profile",
)  # fmt: skip
EVENTS = (
    "a pottery class", "a jazz concert", "a wine tasting", "a charity run", "a board game night",
    "a photography walk", "a comedy show", "a book launch", "a cooking workshop", "a film festival",
    "a salsa lesson", "an escape room", "a farmers market", "a museum late", "a pub quiz",
)  # fmt: skip


@dataclass
class Line:
    at: datetime
    kind: str  # "chat" or "screen"
    data: dict[str, Any]


@dataclass
class Question:
    type: str
    question: str
    answer: list[str]
    evidence: list[str]
    stale: list[str] = field(default_factory=list)


class History:
    """Writes the history in time order; each needle is placed at a chosen moment."""

    def __init__(self, messages: int, months: int, seed: int, screen_share: float) -> None:
        self.rng = random.Random(seed)
        self.total = messages
        self.end = START + timedelta(days=30.4 * months)
        self.screen_share = screen_share
        rng = self.rng
        self.people = [f"{a} {b}" for a in FIRST for b in LAST]
        rng.shuffle(self.people)
        self.venues = [f"{a} {b}" for a in VENUE_A for b in VENUE_B]
        rng.shuffle(self.venues)
        self.chat_seq = 0
        self.frame_seq = 0
        self.episode_seq = 0
        self.questions: list[Question] = []

    # ----------------------------------------------------------- the timeline

    def _moments(self, count: int) -> list[datetime]:
        """`count` moments spread over the span, mostly in waking hours."""
        span = (self.end - START).total_seconds()
        out = []
        for _ in range(count):
            day = START + timedelta(seconds=self.rng.random() * span)
            hour = self.rng.choice((8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22))
            out.append(
                day.replace(hour=hour, minute=self.rng.randrange(60), second=0, microsecond=0)
            )
        return sorted(out)

    def _pick(self, pool: tuple[str, ...] | list[str], spread: int = 0) -> str:
        # Everyday filler names a few people and places often and the rest rarely, as life does.
        if spread and self.rng.random() < 0.7:
            return pool[self.rng.randrange(min(spread, len(pool)))]
        return self.rng.choice(pool)

    # ------------------------------------------------------------ chat filler

    def filler(self) -> str:
        r, p = self.rng, self._pick
        who = p(self.people, 40).split()[0]
        venue = p(self.venues, 30)
        choice = r.randrange(9)
        if choice == 0:
            return f"Had {r.choice(MEALS)} with {who} at {venue} today, {r.choice(REASONS)}."
        if choice == 1:
            return f"Spent the afternoon {r.choice(ACTIVITIES)}; feeling {r.choice(MOODS)}."
        if choice == 2:
            return f"Reminder to self: sort out {r.choice(ITEMS)} before {r.choice(WEEKDAYS)}."
        if choice == 3:
            return f"{who} sent me {r.choice(THINGS)} about {r.choice(TOPICS)}, need to read it."
        if choice == 4:
            return f"Feeling {r.choice(MOODS)} today, {r.choice(REASONS)}."
        if choice == 5:
            verdict = r.choice(("loved it", "meh", "too long", "fell asleep halfway"))
            return f"Watched {r.choice(FILMS)} with {who}; {verdict}."
        if choice == 6:
            return (f"Work was {r.choice(('busy', 'quiet', 'chaotic', 'fine'))}: "
                    f"{r.choice(('a long call', 'a review', 'a workshop', 'a planning session'))}"
                    f" about {r.choice(TOPICS)} with {who}.")  # fmt: skip
        if choice == 7:
            return f"Bought {r.choice(ITEMS)} at {venue} for {r.randrange(3, 90)} pounds."
        return (f"{r.choice(WEEKDAYS)} plan: {r.choice(ACTIVITIES)}, then "
                f"{r.choice(MEALS)} at {venue} around {r.randrange(1, 12)}.")  # fmt: skip

    # ------------------------------------------------------------------ needles

    def needles(self, budget: int) -> list[tuple[datetime, str, Question | None, str]]:
        """(moment, text, question or None, tag) for about `budget` needle messages. A
        question's evidence is filled in when its message gets its id; the tag says which
        (`last` marks the message that answers an update chain)."""
        r = self.rng
        out: list[tuple[datetime, str, Question | None, str]] = []
        # The user's own updated facts: each slot changes a few times over the span.
        slots = (
            ("manager", "My manager is now {v}.", "Who is my manager?", self.people[200:260]),
            ("employer", "I started working at {v} this week.", "Which company do I work for now?",
             list(COMPANIES)),
            ("home city", "We moved, I live in {v} now.", "Which city do I live in?", list(CITIES)),
            ("gym", "Switched gyms, I now train at {v} Fitness.", "Which gym do I train at?",
             self.venues[100:130]),
        )  # fmt: skip
        for _, template, question, pool in slots:
            values = r.sample(pool, 4)
            times = self._moments(4)
            q = Question("knowledge-update", question, [values[-1]], [], values[:-1])
            for i, (value, at) in enumerate(zip(values, times, strict=True)):
                out.append((at, template.format(v=value), q, "last" if i == 3 else "stale"))
        # Then facts about people: a city and a job that change once, a birthday, a pet, an
        # allergy. One person per ~8 needles keeps names unique at every size.
        people = self.people[300:]
        kinds = ("city", "job", "birthday", "pet", "allergy", "procedure", "event", "screen")
        index = 0
        while len(out) < budget and index < len(people):
            person = people[index]
            first = person.split()[0]
            kind = kinds[index % len(kinds)]
            index += 1
            if kind == "city":
                old, new = r.sample(CITIES, 2)
                t1, t2 = self._moments(2)
                q = Question("knowledge-update", f"Where does {person} live now?", [new], [], [old])
                out.append((t1, f"{person} lives in {old}, near the station.", q, "stale"))
                out.append((t2, f"{person} just moved to {new} for good.", q, "last"))
            elif kind == "job":
                old, new = r.sample(JOBS, 2)
                t1, t2 = self._moments(2)
                ask = f"What does {person} work as now?"
                q = Question("knowledge-update", ask, [new], [], [old])
                out.append((t1, f"{person} works as a {old} at the hospital in town.", q, "stale"))
                out.append((t2, f"{person} retrained and is a {new} now.", q, "last"))
            elif kind == "birthday":
                day, month = r.randrange(1, 29), r.choice(MONTHS)
                q = Question("single-fact", f"When is {person}'s birthday?", [f"{day} {month}"], [])
                said = f"{person}'s birthday is on {day} {month}, must not forget."
                out.append((self._moments(1)[0], said, q, "last"))
            elif kind == "pet":
                animal, name = r.choice(PETS)
                name = f"{name} {r.choice(('the Second', 'Junior', 'Bean', 'Moon', 'Star'))}"
                q = Question("single-fact", f"What is the name of {person}'s {animal}?", [name], [])
                said = f"{first} adopted a {animal} called {name}; {person} sent photos."
                out.append((self._moments(1)[0], said, q, "last"))
            elif kind == "allergy":
                allergy = r.choice(ALLERGIES)
                q = Question("single-fact", f"What is {person} allergic to?", [allergy], [])
                said = f"Careful when cooking for {person}: allergic to {allergy}."
                out.append((self._moments(1)[0], said, q, "last"))
            elif kind == "procedure":
                goal = f"{r.choice(GOAL_VERBS)} {r.choice(GOAL_OBJECTS)} for {person}"
                words = r.sample(STEP_WORDS, 3)
                code = f"{r.choice('KMPRTX')}{r.randrange(100, 999)}"
                steps = (f"To {goal}: first open the {words[0]} page, then enter code {code} "
                         f"in the {words[1]} field, and finally keep the {words[2]}.")  # fmt: skip
                q = Question("procedure", f"How do I {goal}?", [code], [])
                # A recurring procedure: written out once, then mentioned when done again.
                t1, t2 = self._moments(2)
                out.append((t1, steps, q, "last"))
                again = f"Did the {goal.split(' for ')[0]} thing for {first} again today."
                out.append((t2, again, None, ""))
            elif kind == "event":
                event, venue = r.choice(EVENTS), self.venues[130 + index % 120]
                at = self._moments(1)[0]
                date = f"{at.day} {MONTHS[at.month - 1]}"
                q = Question("temporal", f"When did I go to {event} with {person}?", [date], [])
                said = f"Went to {event} at {venue} with {person} tonight, great fun."
                out.append((at, said, q, "last"))
            else:
                ref = "".join(r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))
                city = r.choice(CITIES)
                ask = f"What is the booking reference for the {city} trip with {person}?"
                q = Question("screen", ask, [ref], [])
                text = (f"Booking confirmed | Reference {ref} | Guests: {USER}, {person} | "
                        f"Hotel {r.choice(self.venues)} , {city} | Check-in {r.randrange(1, 28)} "
                        f"{r.choice(MONTHS)} | Manage booking | Contact us")  # fmt: skip
                out.append((self._moments(1)[0], text, q, "screen"))
        return sorted(out, key=lambda item: item[0])

    # ---------------------------------------------------------------- screens

    def screen_text(self, app: str, title: str) -> str:
        r, p = self.rng, self._pick
        who = p(self.people, 40)
        if app == "Slack":
            return " | ".join(f"{p(self.people, 40).split()[0]}: {self.filler()}"
                              for _ in range(r.randrange(2, 5)))  # fmt: skip
        if "Mail" in title:
            return (f"Inbox ({r.randrange(1, 40)}) | From: {who} | Subject: {r.choice(TOPICS)} | "
                    f"Hi {USER}, {self.filler()} Best, {who.split()[0]}")  # fmt: skip
        if app == "Code":
            return (f"def handle_{r.choice(STEP_WORDS)}(batch): rows = load({r.randrange(9999)}) "
                    f"# TODO {r.choice(TOPICS)} return rows | Problems: {r.randrange(5)} | Ln "
                    f"{r.randrange(1, 900)}, Col {r.randrange(1, 80)}")  # fmt: skip
        if app == "LibreOffice Calc":
            cells = " ".join(str(r.randrange(100, 99999)) for _ in range(8))
            quarter = f"Q{r.randrange(1, 5)}"
            return f"budget.ods | Sheet1 | {r.choice(TOPICS)} | {quarter} | {cells} | Sum"
        if "Calendar" in title:
            return (f"Calendar | {r.choice(WEEKDAYS)} | {r.randrange(8, 18)}:00 {r.choice(TOPICS)}"
                    f" with {who} | {r.randrange(8, 18)}:30 {r.choice(MEALS)} at "
                    f"{p(self.venues, 30)}")  # fmt: skip
        if app == "Terminal":
            return (f"$ make test | {r.randrange(10, 400)} passed, {r.randrange(3)} failed in "
                    f"{r.randrange(2, 90)}.{r.randrange(10)}s | $ git log --oneline | "
                    f"{r.randrange(16**7):07x} Fix {r.choice(TOPICS)}")  # fmt: skip
        return (f"{title} | {self.filler()} | {self.filler()} | Comments ({r.randrange(300)})"
                f" | Share | Related: {r.choice(TOPICS)}")  # fmt: skip

    def screen_episode(self, at: datetime, frames: int, text: str | None = None) -> list[Line]:
        """Frames of one window; the text grows or scrolls a little between frames (captured
        because it changed), as a real episode's frames do."""
        self.episode_seq += 1
        app, title = self.rng.choice(APPS)
        if text is not None:
            app, title = "Firefox", "Booking confirmation"
        lines = []
        body = text or self.screen_text(app, title)
        for i in range(frames):
            if i and text is None:
                body = f"{body[len(body) // 3 :]} | {self.screen_text(app, title)}"[-600:]
            self.frame_seq += 1
            lines.append(Line(at + timedelta(seconds=15 * i), "screen", {
                "id": f"f{self.frame_seq}", "episode": f"e{self.episode_seq}",
                "timestamp": (at + timedelta(seconds=15 * i)).isoformat().replace("+00:00", "Z"),
                "app": app, "title": title, "text": body,
            }))  # fmt: skip
        return lines

    # ------------------------------------------------------------------ whole

    def lines(self) -> Iterator[Line]:
        needles = self.needles(budget=max(40, self.total // 40))
        screens = int(self.total * self.screen_share)
        chats = self.total - screens - len(needles)
        # Filler chat turns come in sessions of a few user messages, each with a reply.
        moments = self._moments(max(1, chats // 6))
        events: list[tuple[datetime, int, Any]] = [(m, 0, "session") for m in moments]
        events += [(needle[0], 1, needle) for needle in needles]
        episodes = self._moments(max(1, screens // 4))
        events += [(m, 2, "episode") for m in episodes]
        events.sort(key=lambda e: (e[0], e[1]))
        written = 0
        session = 0
        for at, _, what in events:
            if written >= self.total:
                break
            if what == "session":
                session += 1
                name = f"chat-{at:%Y-%m-%d}-{session}"
                for turn in range(3):
                    t = at + timedelta(minutes=2 * turn)
                    yield self._chat(t, name, "user", self.filler())
                    reply = self.rng.choice(REPLIES).format(who=USER)
                    yield self._chat(t + timedelta(seconds=30), name, "assistant", reply)
                written += 6
            elif what == "episode":
                frames = self.rng.randrange(2, 7)
                yield from self.screen_episode(at, frames)
                written += frames
            else:
                _, text, question, tag = what
                if tag == "screen":
                    [line] = self.screen_episode(at, 1, text)
                    assert question is not None
                    question.evidence.append(line.data["id"])
                    yield line
                else:
                    session += 1
                    line = self._chat(at, f"chat-{at:%Y-%m-%d}-{session}", "user", text)
                    if question is not None and tag == "last":
                        question.evidence.append(line.data["id"])
                    yield line
                if question is not None and question not in self.questions:
                    self.questions.append(question)
                written += 1

    def _chat(self, at: datetime, session: str, role: str, text: str) -> Line:
        self.chat_seq += 1
        return Line(at, "chat", {
            "id": f"c{self.chat_seq}", "session": session,
            "timestamp": at.isoformat().replace("+00:00", "Z"), "role": role,
            "speaker": USER if role == "user" else "Reverie", "content": text,
        })  # fmt: skip


def generate(messages: int, out: Path, *, months: int = 12, seed: int = 7,
             screen_share: float = 0.4) -> dict[str, Any]:  # fmt: skip
    """Write the three files; returns a summary (counts, span, questions by type)."""
    out.mkdir(parents=True, exist_ok=True)
    history = History(messages, months, seed, screen_share)
    counts = {"chat": 0, "screen": 0}
    with (out / "chat.jsonl").open("w", encoding="utf-8") as chat, \
         (out / "screen.jsonl").open("w", encoding="utf-8") as screen:  # fmt: skip
        for line in history.lines():
            counts[line.kind] += 1
            target = chat if line.kind == "chat" else screen
            target.write(json.dumps(line.data, ensure_ascii=False) + "\n")
    # Only questions whose answering message was written (a chain cut by the size is dropped).
    questions = [q for q in history.questions if q.evidence]
    by_type: dict[str, int] = {}
    for q in questions:
        by_type[q.type] = by_type.get(q.type, 0) + 1
    spec = {
        "about": f"Synthetic history (bench/synthetic_history.py, seed {seed}): {messages} "
        f"messages over {months} months. evidence: the ids (chat c…, screen f…) that answer.",
        "now": history.end.isoformat().replace("+00:00", "Z"),
        "questions": [q.__dict__ for q in questions],
    }
    (out / "questions.json").write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n")
    return {**counts, "questions": len(questions), "by_type": by_type, "now": spec["now"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--screen-share", type=float, default=0.4)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    summary = generate(args.messages, args.out, months=args.months, seed=args.seed,
                       screen_share=args.screen_share)  # fmt: skip
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
