"""The fact layer on the real store, index and entity recogniser: facts learned at import,
knowledge updates closing older facts with history, answers that pick the current fact."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from app.core.records import HistoryAction, MemoryKind
from app.llm.runtime import LocalModel
from app.runtime import Reverie
from app.services.answer import Answer, answer_question
from app.services.chat import ChatSession
from app.services.extract import Extractor
from app.services.ingest import ingest_file
from app.storage.fact_store import FactStore
from tests.helpers import SCENARIO, SCENARIO_NOW, SCENARIO_QUESTIONS


def load(reverie: Reverie, path: Path = SCENARIO) -> None:
    ingest_file(reverie.store, reverie.index, path, fmt="auto", now=SCENARIO_NOW,
                params=reverie.params, entities=reverie.entities)  # fmt: skip


def load_lines(reverie: Reverie, chat: Path, lines: list[tuple[str, str, str]]) -> None:
    """A small chat of the user's own messages: (id, time, text) each."""
    load_turns(reverie, chat, [(i, t, "user", c) for i, t, c in lines])


def load_turns(reverie: Reverie, chat: Path, turns: list[tuple[str, str, str, str]]) -> None:
    """A small chat with the assistant's turns too: (id, time, role, text) each."""
    chat.write_text("".join(
        json.dumps({"id": i, "timestamp": t, "role": r, "content": c}) + "\n"
        for i, t, r, c in turns
    ))  # fmt: skip
    load(reverie, chat)


def ask(reverie: Reverie, question: str) -> Answer:
    return answer_question(
        question, store=reverie.store, index=reverie.index,
        model=reverie.model, now=SCENARIO_NOW, params=reverie.params,
    )  # fmt: skip


def current(reverie: Reverie, attribute: str, subject: str = "me") -> list[str]:
    return [
        m.value or ""
        for m in FactStore(reverie.store).current_facts()
        if m.attribute == attribute and (m.subject or "").lower() == subject.lower()
    ]


def test_an_import_learns_typed_memories_and_closes_replaced_facts(reverie: Reverie) -> None:
    load(reverie)
    kinds = reverie.store.counts()["live_by_kind"]
    assert kinds["semantic"] >= 20 and kinds["procedural"] >= 8
    assert current(reverie, "manager") == ["Grace Okafor"]
    assert current(reverie, "home city") == ["Manchester"]
    assert current(reverie, "home city", "Inês") == ["Porto"]
    # The older fact is closed, not deleted: its history says what replaced it.
    old = next(
        m
        for m in reverie.store.list_memories(kind=MemoryKind.SEMANTIC, limit=500)
        if m.value == "Leeds"
    )
    assert old.valid_to is not None and old.superseded_by is not None
    closing = [e for e in reverie.store.history(old.id) if e.action is HistoryAction.SUPERSEDE]
    assert closing and "Manchester" in closing[0].reason


def test_an_old_log_imported_late_does_not_replace_a_newer_fact(
    reverie: Reverie, tmp_path: Path
) -> None:
    newer = tmp_path / "newer.jsonl"
    newer.write_text(json.dumps({"id": "n", "timestamp": "2026-06-01T09:00:00Z", "role": "user",
                                 "content": "My manager is Ana Lima."}) + "\n")  # fmt: skip
    older = tmp_path / "older.jsonl"
    older.write_text(json.dumps({"id": "o", "timestamp": "2025-01-01T09:00:00Z", "role": "user",
                                 "content": "My manager is Bruno Costa."}) + "\n")  # fmt: skip
    load(reverie, newer)
    load(reverie, older)
    assert current(reverie, "manager") == ["Ana Lima"]


def test_entities_named_in_messages_are_linked_to_their_memories(reverie: Reverie) -> None:
    load(reverie)
    people = {r[0] for r in reverie.store.conn.execute(
        "SELECT name FROM entities WHERE kind = 'person'")}  # fmt: skip
    assert {"Jonas", "Grace Okafor"} <= people
    linked = reverie.store.conn.execute(
        "SELECT count(*) FROM links l JOIN entities e ON e.id = l.entity_id"
        " WHERE e.name = 'Jonas' AND l.relation = 'mentions'"
    ).fetchone()[0]
    assert linked >= 3  # the hike, the running partner, the concert (and their facts)


def test_the_scenario_is_answered_right_with_the_bundled_model(
    reverie: Reverie, model: LocalModel
) -> None:
    """Every question of the dev scenario: right answers, the user's own message cited, no
    stale fact stated as current, and abstention exactly where nothing was said."""
    load(reverie)
    spec = json.loads(SCENARIO_QUESTIONS.read_text())
    wrong = []
    for item in spec["questions"]:
        answer = answer_question(item["question"], store=reverie.store, index=reverie.index,
                                 model=model, now=SCENARIO_NOW, params=reverie.params)  # fmt: skip
        text = answer.text.lower()
        if item["type"] == "abstention":
            ok = answer.abstained
        else:
            ok = not answer.abstained and all(
                any(g.lower() in text for g in group.split("|")) for group in item["answer"]
            )
            ok = ok and not any(s.lower() in text for s in item["stale"])
            cited = {e.original_id for c in answer.citations for e in c.hit.sources}
            ok = ok and bool(cited & set(item["evidence"]))
        if not ok:
            wrong.append((item["question"], answer.text))
    assert not wrong


def test_the_bundled_model_extracts_with_no_failed_batches(
    reverie: Reverie, model: LocalModel
) -> None:
    load(reverie)
    report = Extractor(reverie.store, reverie.index, model, reverie.params).run(SCENARIO_NOW)
    assert report.batches > 0 and not report.failed_batches


def test_chat_learns_a_fact_at_once_and_keeps_its_reply_as_said(
    reverie: Reverie, model: LocalModel
) -> None:
    chat = ChatSession(reverie.store, reverie.index, model, reverie.params)
    noted = chat.say("My new manager is Ana Lima.", SCENARIO_NOW)
    assert noted.text.startswith("Noted: Your manager is Ana Lima")
    # The conversation keeps the reply as shown, for when it is restored after a restart.
    replies = [r[0] for r in reverie.store.conn.execute(
        "SELECT content FROM evidence WHERE role = 'assistant'")]  # fmt: skip
    assert replies == [noted.text]
    assert "Ana Lima" in chat.say("Who is my manager?", SCENARIO_NOW).text
    fixed = chat.say("That's wrong, it's Bruno Costa.", SCENARIO_NOW)
    assert fixed.text.startswith("Corrected: Your manager is Bruno Costa")
    answer = chat.say("Who is my manager?", SCENARIO_NOW)
    assert "Bruno Costa" in answer.text and "Ana" not in answer.text


def test_two_people_chatting_each_answer_for_their_own_words(
    reverie: Reverie, tmp_path: Path
) -> None:
    """In a chat between two people (LoCoMo-style imports), a question about one of them is
    not answered by the other's words, a question in a message is not an answer, and a
    "when" question is answered by the date the message gives, with its words cited."""
    chat = tmp_path / "chat.jsonl"
    lines = [
        ("1", "2023-04-03T15:00:00Z", "Jon", "Hey Gina, I had to shut down my bank account. "
         "It was tough, but I needed to do it for my biz."),
        ("2", "2023-04-03T15:01:00Z", "Gina", "Wow! Why did you shut down your bank account?"),
        ("3", "2023-04-03T15:02:00Z", "Jon", "Lost my job as a banker yesterday, so I'm "
         "starting my own dance studio."),
        ("4", "2023-04-03T15:03:00Z", "Gina", "I'm hosting a fashion show next month."),
    ]  # fmt: skip
    chat.write_text("".join(
        json.dumps({"id": i, "timestamp": t, "role": "user", "speaker": s, "content": c}) + "\n"
        for i, t, s, c in lines
    ))  # fmt: skip
    load(reverie, chat)

    assert ask(reverie, "Why did Gina shut down her bank account?").abstained
    jon = ask(reverie, "Why did Jon shut down his bank account?")
    assert not jon.abstained and "for my biz" in jon.text
    assert jon.citations[0].hit.sources[0].original_id == "1"
    lost = ask(reverie, "When did Jon lose his job as a banker?")
    assert lost.text.startswith("2 April 2023")
    assert "Lost my job as a banker yesterday" in lost.citations[0].excerpt
    assert ask(reverie, "When is Gina hosting a fashion show?").text.startswith("May 2023")


def test_questions_about_time_between_remembered_events_are_computed(
    reverie: Reverie, tmp_path: Path
) -> None:
    chat = tmp_path / "diary.jsonl"
    lines = [
        ("1", "2026-03-02T18:00:00Z", "Went to the Sunday mass at St. Mary's Church today."),
        ("2", "2026-03-20T18:00:00Z", "I bought a necklace for my sister."),
        ("3", "2026-04-02T18:00:00Z", "Attended the Ash Wednesday service at the cathedral "
         "yesterday, beautiful music."),
    ]  # fmt: skip
    load_lines(reverie, chat, lines)
    now = datetime(2026, 6, 1, tzinfo=UTC)

    def ask(question: str) -> Answer:
        return answer_question(
            question, store=reverie.store, index=reverie.index,
            model=reverie.model, now=now, params=reverie.params,
        )  # fmt: skip

    between = ask(
        "How many days had passed between the Sunday mass at St. Mary's Church and the"
        " Ash Wednesday service at the cathedral?"
    )
    assert between.text.startswith("30 days")
    assert [c.hit.sources[0].original_id for c in between.citations] == ["1", "3"]
    assert ask("How many months ago did I buy the necklace for my sister?").text.startswith(
        "2 months ago"
    )
    first = ask("Which did I do first, the Ash Wednesday service or the Sunday mass?")
    assert first.text.startswith("The Sunday mass")
    # An event never mentioned: no arithmetic on a guess.
    assert ask("How many days ago did I buy a smoker?").abstained


def test_a_question_wanting_a_time_of_day_is_answered_by_the_message_that_gives_one(
    reverie: Reverie, tmp_path: Path
) -> None:
    chat = tmp_path / "week.jsonl"
    lines = [
        ("1", "2026-05-30T07:50:00Z", "I usually go to the gym on Mondays, Wednesdays and "
         "Fridays, so I'd rather not have meetings then."),
        ("2", "2026-05-30T07:52:00Z", "Tuesday at 2:00 pm works for the client meeting. I "
         "need to be done before the gym, which is usually at 6:00 pm."),
    ]  # fmt: skip
    load_lines(reverie, chat, lines)
    answer = answer_question(
        "What time do I usually go to the gym?", store=reverie.store, index=reverie.index,
        model=reverie.model, now=SCENARIO_NOW, params=reverie.params,
    )  # fmt: skip
    assert answer.text.startswith("6:00 pm"), answer.text
    assert answer.citations[0].hit.sources[0].original_id == "2"


def test_a_question_about_the_previous_value_answers_what_was_replaced(
    reverie: Reverie, tmp_path: Path
) -> None:
    lines = [
        ("1", "2026-01-12T09:00:00Z", "My manager is Ana Lima."),
        ("2", "2026-04-07T09:00:00Z", "My new manager is Ben Ortiz."),
        ("3", "2026-02-01T09:00:00Z", "Ran the charity 5K in 27 minutes and 45 seconds, a "
         "personal best!"),
        ("4", "2026-05-03T09:00:00Z", "Another charity 5K today and a new personal best: 26 "
         "minutes and 30 seconds."),
        ("5", "2026-05-20T09:00:00Z", "Can you suggest a cable provider? Remember when I got "
         "pre-approved for $400,000 from Wells Fargo?"),
        ("6", "2026-03-20T09:00:00Z", "I got pre-approved for $350,000 from Wells Fargo."),
    ]  # fmt: skip
    load_lines(reverie, tmp_path / "updates.jsonl", lines)

    assert "Ben Ortiz" in ask(reverie, "Who is my manager?").text
    before = ask(reverie, "Who was my previous manager?")
    assert before.text.startswith("Your manager was Ana Lima until 7 April 2026")
    assert before.citations[0].hit.sources[0].original_id == "1"
    best = ask(reverie, "What was my previous personal best time for the charity 5K?")
    assert "27 minutes" in best.text and "26 minutes" not in best.text
    assert "26 minutes" in ask(reverie, "What is my personal best time for the charity 5K?").text
    # A question that tells ("remember when…?") is what the user said, and the newer amount.
    amount = ask(reverie, "What amount was I pre-approved for by Wells Fargo?")
    assert "$400,000" in amount.text and "$350,000" not in amount.text


def test_an_amount_said_beside_a_question_and_a_time_said_for_weekdays_answer(
    reverie: Reverie, tmp_path: Path
) -> None:
    lines = [
        ("1", "2026-05-27T11:00:00Z", "Can I use my worsted weight yarn for the amigurumi toys? "
         "I have a stash of 17 skeins that I found recently."),
        ("2", "2026-05-28T11:00:00Z", "I used some of my worsted weight yarn stash for gloves, "
         "and I wonder if I should adjust them for different hand sizes."),
        ("3", "2026-05-23T20:00:00Z", "I usually get home from work around 6:30 pm on weekdays, "
         "then I make dinner."),
        ("4", "2026-05-24T20:00:00Z", "I usually have about an hour between getting home from "
         "work and starting dinner."),
        ("5", "2026-05-25T20:00:00Z", "How many tote bags can I sew in a weekend?"),
    ]  # fmt: skip
    load_lines(reverie, tmp_path / "days.jsonl", lines)

    skeins = ask(reverie, "How many skeins of worsted weight yarn did I find in my stash?")
    assert skeins.text.startswith("17") and skeins.citations[0].hit.sources[0].original_id == "1"
    home = ask(reverie, "What time do I usually get home from work on weeknights?")
    assert home.text.startswith("6:30 pm")
    # The user's own question still answers nothing.
    assert ask(reverie, "How many tote bags can I sew in a weekend?").abstained


def test_a_birthday_said_as_an_age_answers_when_and_a_gift_question_needs_a_gift(
    reverie: Reverie, tmp_path: Path
) -> None:
    lines = [
        ("1", "2025-09-20T15:00:00Z", "One jar's going in the post to my little sister Immy."),
        ("2", "2025-10-04T09:00:00Z", "Rang Immy last night for her 30th – she'd had too much "
         "prosecco. Still a vet nurse, she got bitten by an offended rabbit last week."),
    ]  # fmt: skip
    load_lines(reverie, tmp_path / "immy.jsonl", lines)

    # The day the clause with the question's words gives (last night), not "last week".
    assert ask(reverie, "When is my sister's birthday?").text.startswith("3 October 2025")
    assert ask(reverie, "When did Immy turn 30?").text.startswith("3 October 2025")
    # Nothing says what the user got her: "she got bitten" is not a gift.
    assert ask(reverie, "What did I get Immy for her 30th birthday?").abstained


def test_an_assistants_echo_does_not_make_the_users_own_message_outdated(
    reverie: Reverie, tmp_path: Path
) -> None:
    from app.services.recall import search

    chat = tmp_path / "car.jsonl"
    lines = [
        ("1", "2026-05-09T09:00:00Z", "user", "Sold the Polo yesterday, a student drove it "
         "off. Replaced it with a secondhand Nissan Leaf, 2019, grey."),
        ("2", "2026-05-10T09:00:00Z", "assistant", "Noted: the Polo's gone and you now drive a "
         "2019 Nissan Leaf."),
    ]  # fmt: skip
    load_turns(reverie, chat, lines)
    hits = search(reverie.store, reverie.index, "What car do we drive?", now=SCENARIO_NOW,
                  params=reverie.params)  # fmt: skip
    own = next(h for h in hits if h.sources and h.sources[0].original_id == "1")
    assert own.current
    answer = answer_question(
        "What car do we drive?", store=reverie.store, index=reverie.index,
        model=reverie.model, now=SCENARIO_NOW, params=reverie.params,
    )  # fmt: skip
    assert answer.citations[0].hit.sources[0].original_id == "1" and "Leaf" in answer.text


def test_a_later_message_on_the_same_thing_answers_in_other_words(
    reverie: Reverie, tmp_path: Path
) -> None:
    lines = [
        ("1", "2026-01-05T09:00:00Z", "My PureGym membership costs £35 a month."),
        ("2", "2026-03-02T09:00:00Z", "Heads up: the PureGym membership went up to £42 a "
         "month."),
        ("3", "2026-02-01T09:00:00Z", "Went to the cinema with Ana, the popcorn cost £9."),
    ]  # fmt: skip
    load_lines(reverie, tmp_path / "gym.jsonl", lines)
    answer = answer_question(
        "How much does my PureGym membership cost?", store=reverie.store,
        index=reverie.index, model=reverie.model, now=SCENARIO_NOW, params=reverie.params,
    )  # fmt: skip
    assert answer.text.startswith("£42") and "£35" not in answer.text
    assert answer.citations[0].hit.sources[0].original_id == "2"


def test_a_question_naming_a_place_never_said_abstains(reverie: Reverie, tmp_path: Path) -> None:
    lines = [
        ("1", "2026-02-01T09:00:00Z", "I've been living in my current apartment in Osaka for "
         "a month now, the light is lovely."),
        ("2", "2026-03-01T09:00:00Z", "My new line manager is Callum Ferreira."),
        ("3", "2026-03-02T09:00:00Z", "Callum lives in Southsea, five minutes from the dock."),
    ]  # fmt: skip
    load_lines(reverie, tmp_path / "flat.jsonl", lines)
    assert not ask(reverie, "How long have I been living in my apartment in Osaka?").abstained
    # A false premise: the question's own name is in no message.
    assert ask(reverie, "How long have I been living in my apartment in Shinjuku?").abstained
    # Either word of a full name names the person.
    assert "Southsea" in ask(reverie, "Where does Callum Ferreira live?").text


def test_leaving_a_fact_s_value_in_other_words_is_an_update(
    reverie: Reverie, tmp_path: Path
) -> None:
    lines = [
        ("1", "2026-01-10T09:00:00Z", "I work at Monzo as a backend engineer."),
        ("2", "2026-05-29T17:00:00Z", "Last day at Monzo today! Starting at Wise on Monday."),
        ("3", "2026-01-25T09:00:00Z", "My phone is an iPhone 12."),
        ("4", "2026-06-11T09:00:00Z", "Dropped my phone in the sea, so I got a Pixel 8."),
        ("5", "2026-02-01T09:00:00Z", "At Monzo the team uses Kafka instead of RabbitMQ now."),
    ]  # fmt: skip
    load_lines(reverie, tmp_path / "changes.jsonl", lines)
    work = ask(reverie, "Where do I work?")
    assert "Wise" in work.text and "Monzo" not in work.text, work.text
    assert work.citations[0].hit.sources[0].original_id == "2"
    phone = ask(reverie, "What phone do I have?")
    assert "Pixel 8" in phone.text and "iPhone" not in phone.text


def test_a_thing_left_later_in_other_words_is_not_stated_as_current(
    reverie: Reverie, tmp_path: Path
) -> None:
    lines = [
        ("1", "2026-01-20T09:00:00Z", "My gym is the PureGym on the high street."),
        ("2", "2026-05-01T09:00:00Z", "Cancelled PureGym and joined the climbing wall in "
         "Hackney instead."),
        ("3", "2026-01-22T09:00:00Z", "I drive a 2012 Golf."),
        ("4", "2026-07-01T09:00:00Z", "Traded the Golf in for an electric Kia Niro."),
        ("5", "2026-02-01T09:00:00Z", "I'm learning Spanish on Duolingo."),
        ("6", "2026-05-15T09:00:00Z", "Switched from Spanish to Italian for the trip to Rome."),
        ("7", "2026-01-10T09:00:00Z", "I work at Monzo as a backend engineer."),
        ("8", "2026-02-03T09:00:00Z", "My manager is Priya."),
        ("9", "2026-06-01T09:00:00Z", "Priya left, so Tom is my boss now."),
    ]  # fmt: skip
    load_lines(reverie, tmp_path / "left.jsonl", lines)
    expected = {
        # the fact's head ("PureGym" of "PureGym on the high street") is what was left
        "Which gym do I go to?": ("2", "climbing wall", "high street"),
        # exercise, not the employer
        "Where do I work out?": ("2", "Hackney", "Monzo"),
        # "drive a Golf" is a car; trading it in replaces it, with no fact rule for either
        "What car do I drive?": ("4", "Kia Niro", "2012"),
        # a language named is a language; "switched from" leaves it
        "Which language am I learning?": ("6", "Italian", "Duolingo"),
        "Who was my manager before?": ("8", "Priya", "Tom"),
    }
    for question, (cited, said, stale) in expected.items():
        answer = ask(reverie, question)
        assert said in answer.text and stale not in answer.text, (question, answer.text)
        assert answer.citations[0].hit.sources[0].original_id == cited, question


def test_what_the_assistant_suggested_is_its_reply_to_the_users_own_question(
    reverie: Reverie, tmp_path: Path
) -> None:
    chat = tmp_path / "sleep.jsonl"
    lines = [
        ("1", "2025-03-07T09:00:00Z", "user", "any tips for actually sleeping after a night "
         "shift? i wake up at 11 every single time"),
        ("2", "2025-03-07T09:00:30Z", "assistant", "A few things that help night workers: "
         "blackout curtains plus earplugs, and an anchor block of 4 hours of sleep."),
        ("3", "2025-12-03T09:00:00Z", "user", "bram put me on early shifts, 7 to 15:30"),
        ("4", "2025-12-03T09:00:30Z", "assistant", "Early shifts from 7 to 15:30, that should "
         "do wonders for your sleep."),
        ("5", "2025-11-10T09:00:00Z", "user", "I'M ENGAGED. idris proposed last friday"),
        ("6", "2025-03-03T09:00:00Z", "user", "live in a small flat with my boyfriend idris"),
    ]  # fmt: skip
    load_turns(reverie, chat, lines)
    tips = ask(reverie, "What did you suggest for sleeping after night shifts?")
    assert "blackout" in tips.text and tips.citations[0].hit.sources[0].original_id == "2"
    status = ask(reverie, "What's my relationship status with Idris?")
    assert "ENGAGED" in status.text and status.citations[0].hit.sources[0].original_id == "5"


def test_how_much_is_not_answered_by_a_message_without_an_amount(
    reverie: Reverie, tmp_path: Path
) -> None:
    lines = [
        ("1", "2025-10-18T09:00:00Z", "We closed on the Westerville house yesterday afternoon."),
        ("2", "2025-10-25T09:00:00Z", "Officially Westerville residents as of today."),
    ]  # fmt: skip
    load_lines(reverie, tmp_path / "house.jsonl", lines)
    assert ask(reverie, "How much did we pay for the Westerville house?").abstained
    assert "Westerville" in ask(reverie, "Where do we live now?").text


def test_an_update_giving_the_time_asked_replaces_the_old_time_in_fewer_words(
    reverie: Reverie, tmp_path: Path
) -> None:
    chat = tmp_path / "netball.jsonl"
    lines = [
        ("1", "2026-03-16T10:30:00Z", "I've joined a social netball team at the Geelong Arena. "
         "Games are Wednesday nights at 8pm."),
        ("2", "2026-04-07T10:00:00Z", "Update: the netball fixture changed for the summer "
         "season, we're now playing on Thursday nights at 6:40."),
    ]  # fmt: skip
    load_lines(reverie, chat, lines)
    answer = ask(reverie, "What time do my netball games start?")
    assert "6:40" in answer.text and "8pm" not in answer.text, answer.text
    assert answer.citations[0].hit.sources[0].original_id == "2"


def test_a_later_message_about_someone_elses_choir_does_not_update_the_users(
    reverie: Reverie, tmp_path: Path
) -> None:
    chat = tmp_path / "choir.jsonl"
    lines = [
        ("1", "2026-03-01T10:30:00Z", "first rehearsal with the Ludlow Community Choir last "
         "night, it's Tuesdays at the Assembly Rooms"),
        ("2", "2026-03-20T10:00:00Z", "went to evensong at St Laurence's, Ollie from choir was "
         "on the organ, Fiona wants to join the church choir now, their rehearsals are on "
         "Thursday nights at the church hall"),
    ]  # fmt: skip
    load_lines(reverie, chat, lines)
    answer = ask(reverie, "What choir am I in?")
    assert "Ludlow Community Choir" in answer.text, answer.text


def test_how_long_something_lasted_needs_a_span_of_time(reverie: Reverie, tmp_path: Path) -> None:
    chat = tmp_path / "trips.jsonl"
    lines = [
        ("1", "2026-04-01T10:00:00Z", "I was in Japan for two weeks in March, mostly Kyoto."),
        ("2", "2026-04-20T10:00:00Z", "I'm actually thinking of visiting South Korea next."),
    ]  # fmt: skip
    load_lines(reverie, chat, lines)
    assert "two weeks" in ask(reverie, "How long was I in Japan for?").text
    assert ask(reverie, "How long was I in Korea for?").abstained


def test_which_suggestion_the_user_took_is_their_reply_to_it(
    reverie: Reverie, tmp_path: Path
) -> None:
    chat = tmp_path / "gift.jsonl"
    turns = [
        ("1", "2026-04-15T09:00:00Z", "user", "Can you suggest a birthday present for my best "
         "friend Jo? She loves gardening and gin."),
        ("2", "2026-04-15T09:00:30Z", "assistant", "A few ideas: a gin distillery tour for two, "
         "a native plant workshop, or a good pair of secateurs."),
        ("3", "2026-04-15T09:05:00Z", "user", "Oh I love the distillery tour idea. I'll book "
         "one at Four Pillars for the two of us."),
    ]  # fmt: skip
    load_turns(reverie, chat, turns)
    answer = ask(reverie, "Which of your present ideas for Jo did I end up going with?")
    assert "distillery" in answer.text, answer.text
    assert answer.citations[0].hit.sources[0].original_id == "3"
