"""Matching questions to facts and sentences: the right subject, attribute, hop and words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.core.answer_checks import names_no_one_new, someone_elses
from app.core.answer_spans import best_sentence, short_span, statements
from app.core.fact_match import match_fact, match_procedure, resolve_relations
from app.core.fact_words import ME
from app.core.questions import (
    about_the_user,
    analyse,
    coverage,
    enough,
    impersonal_request,
    kind_asked,
    kind_members,
    term,
    terms,
)
from app.core.records import Memory, MemoryKind

T = datetime(2026, 1, 1, tzinfo=UTC)


def fact(memory_id: int, subject: str, attribute: str, value: str, month: int = 1) -> Memory:
    when = T.replace(month=month)
    return Memory(
        memory_id, MemoryKind.SEMANTIC, f"{attribute}: {value}", when, when, 0.7, 30.0,
        valid_from=when, subject=subject, origin="rules", attribute=attribute, value=value,
    )  # fmt: skip


FACTS = [
    fact(1, ME, "manager", "Grace Okafor", 9),
    fact(2, ME, "sister", "Inês"),
    fact(3, "Inês", "home city", "Porto", 9),
    fact(4, ME, "home city", "Manchester", 8),
    fact(5, ME, "cat", "Pixel"),
    fact(6, "Jonas", "job", "climbing instructor", 10),
    fact(7, ME, "running partner", "Jonas", 4),
    fact(8, ME, "employer", "Helio Energy", 9),
    fact(9, ME, "commute", "cycle to the station and then take the train", 11),
    fact(10, ME, "allergy", "peanuts"),
    fact(11, "Inês", "partner", "Rui"),
]


def answer(question: str) -> str | None:
    asked = resolve_relations(question, FACTS, ["Maya"])
    found = match_fact(analyse(asked, ["Maya"]), FACTS, ["Maya"])
    return found.value if found else None


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("Who is my manager?", "Grace Okafor"),
        ("Who's my boss these days?", "Grace Okafor"),
        ("Which city do I live in?", "Manchester"),
        ("Where do I live now?", "Manchester"),
        ("Which company do I work for now?", "Helio Energy"),
        ("How do I get to work these days?", "cycle to the station and then take the train"),
        ("What food am I allergic to?", "peanuts"),
        ("What is my cat called?", "Pixel"),
        ("Where does Inês live now?", "Porto"),
        ("Where does Ines live?", "Porto"),  # without the accent, as people type
        ("What does Jonas do for a living?", "climbing instructor"),
        # Two hops: the relation names a person, then a fact about that person.
        ("Where does my sister live now?", "Porto"),
        ("What does my running partner do now?", "climbing instructor"),
        ("What is my sister's partner called?", "Rui"),
        ("Who is my sister?", "Inês"),
        ("What is Maya's cat called?", "Pixel"),  # the user by name
    ],
)
def test_a_question_finds_the_fact_that_answers_it(question: str, value: str) -> None:
    assert answer(question) == value


@pytest.mark.parametrize(
    "question",
    [
        "What is the name of my dog?",  # a cat is known, not a dog
        "What is my brother's name?",  # a sister is known, not a brother
        "What is my blood type?",
        "When is Jonas's birthday?",
        "Where does Jonas live?",
        "Where does my brother live?",  # not the user's own city: no brother is named
    ],
)
def test_a_question_no_fact_answers_finds_none(question: str) -> None:
    assert answer(question) is None


def test_the_newest_of_two_current_facts_wins() -> None:
    older, newer = fact(20, ME, "phone", "Fairphone 4", 3), fact(21, ME, "phone", "iPhone 15", 10)
    found = match_fact(analyse("What phone do I have?"), [newer, older])
    assert found is not None and found.value == "iPhone 15"


def test_a_how_to_is_found_by_its_goal() -> None:
    restore = Memory(30, MemoryKind.PROCEDURAL, "How to restore the staging database: 1. ...",
                     T, T, 0.7, 30.0, subject="restore the staging database",
                     attribute="procedure")  # fmt: skip
    bread = Memory(31, MemoryKind.PROCEDURAL, "How to make your sourdough: 1. ...", T, T, 0.7,
                   30.0, subject="make your sourdough", attribute="procedure")  # fmt: skip
    assert match_procedure(analyse("How do I restore the staging database?"), [bread, restore])
    assert match_procedure(analyse("How do I make sourdough?"), [restore, bread]) is bread
    assert match_procedure(analyse("How do I get to work?"), [restore, bread]) is None


def test_specific_words_decide_whether_a_memory_can_answer() -> None:
    dog = analyse("What is the name of my dog?")
    assert dog.focus == {"dog"}
    assert not enough(dog, coverage(dog, "We adopted a cat today! Her name is Pixel."))
    grew = analyse("Where did Grace grow up?")
    assert enough(grew, coverage(grew, "Lunch with Grace, she told me she grew up in Galway."))


def test_the_answering_sentence_and_span_are_picked_from_a_long_message() -> None:
    q = analyse("Where did Grace grow up?")
    text = ("Long week. " * 30) + "Lunch with Grace today, she told me she grew up in Galway."
    sentence = best_sentence(q, text)
    assert sentence.startswith("Lunch with Grace")
    assert short_span(q, sentence) == "Galway"
    when = analyse("When is my dentist appointment?")
    assert short_span(when, "Booked the dentist for 2 December with Dr Shah.") == "2 December"


def test_a_question_in_a_message_tells_nothing_and_a_day_is_not_an_amount() -> None:
    assert statements("Congrats! Where is the internship? I'm so happy.") == (
        "Congrats! I'm so happy."
    )
    assert statements("Where is it?") == ""
    # Some questions tell: they are kept as what was said.
    told = "Can you recommend a cable provider? Remember when I got pre-approved for $400,000?"
    assert statements(told) == "Remember when I got pre-approved for $400,000?"
    assert statements("Did I mention I adopted a cat? Any food tips?") == (
        "Did I mention I adopted a cat?"
    )
    long = "I can't wait to own a home - remember when I got pre-approved for $400,000?"
    assert statements(long) == long
    assert statements("Do you remember when Ana's birthday is?") == ""
    assert statements("I start at Helio on Monday, right?") == "I start at Helio on Monday, right?"
    rent = analyse("How much rent do we pay?")
    assert short_span(rent, "we move in on the 28th and pay £950 a month") == "£950"
    assert short_span(rent, "we move in on the 28th") is None


def test_an_amount_or_a_time_is_taken_near_the_words_it_answers() -> None:
    wait = analyse("How long did I wait for the decision on my asylum application?")
    said = (
        "It's crazy how long it took for my asylum application to get approved. It took over"
        " a year to get the decision. Anyway, I need tips on finding a job."
    )
    sentence = best_sentence(wait, said)
    assert short_span(wait, sentence) == "over a year"
    commute = analyse("How long is my daily commute to work?")
    assert short_span(commute, "My commute is 45 minutes each way.") == "45 minutes each way"
    miles = analyse("How many miles did I run on Sunday?")
    assert short_span(miles, "I slept 8 hours, then on Sunday I ran 12 miles.") == "12 miles"


def test_a_question_after_a_preamble_is_about_what_it_asks() -> None:
    q = analyse(
        "I'm planning my trip to Speyer again and I wanted to confirm, what's the phone number"
        " of the Speyer tourism board that you provided me earlier?"
    )
    assert q.wh == "what" and q.to_assistant
    assert {"phon", "number", "tourism", "board", "speyer"} <= q.focus
    assert not {"plan", "trip", "confirm", "provid"} & q.focus


def test_a_who_question_is_not_answered_by_a_place_or_an_employer() -> None:
    facts = [fact(1, ME, "employer", "Harbourlight"), fact(2, ME, "home city", "Gosport")]
    assert match_fact(analyse("Who is the director of the studio I work at?"), facts) is None
    assert match_fact(analyse("Who drove the van when we moved?"), facts) is None
    assert match_fact(analyse("Where do I work?"), facts) == facts[0]
    sentence = (
        "my new line manager is Callum Ferreira (head of objects), not Odile as I'd assumed –"
        " Odile Marchetti is the studio director."
    )
    assert short_span(analyse("Who is the studio director?"), sentence) == "Odile Marchetti"
    assert short_span(analyse("Who is my line manager?"), sentence) == "Callum Ferreira"


def test_who_and_where_spans_take_the_person_and_the_place_the_question_is_about() -> None:
    engaged = "Luca got engaged to Marta! The wedding is planned for next September in Porto."
    assert short_span(analyse("Who is Luca marrying?"), engaged) == "Marta"  # not "The"
    assert short_span(analyse("Where is Luca's wedding?"), engaged) == "Porto"
    moved = "My brother Luca just moved to Lisbon for a job at Feedzai."
    assert short_span(analyse("Where does Luca work?"), moved) == "Feedzai"
    assert short_span(analyse("Where does my brother live?"), moved) == "Lisbon"


def test_a_make_or_an_app_named_counts_as_the_thing_asked_about() -> None:
    assert {"car"} <= terms("drove the subaru up to Denver")
    assert "app" in terms("I switched from Spotify to Apple Music")
    assert "car" not in terms("I switched from Spotify to Apple Music")


def test_an_amount_is_not_a_number_the_question_names_nor_a_year() -> None:
    camera = analyse("How many trips have I taken my Canon EOS 80D camera on?")
    assert short_span(camera, "I've had my Canon EOS 80D with me on 5 trips now") == "5 trips"
    coins = analyse("How many pre-1920 American coins do I have?")
    assert short_span(coins, "I added a 1915 quarter, so 38 coins now") == "38 coins"


def test_a_how_to_is_found_by_its_goal_and_steps_together() -> None:
    centering = Memory(
        32, MemoryKind.PROCEDURAL, "How to centering finally clicked: 1. wedge the clay 2. slam "
        "it on a damp wheel head 3. wheel fast, wet hands", T, T, 0.7, 30.0,
        subject="centering finally clicked", attribute="procedure",
    )  # fmt: skip
    knafeh = Memory(33, MemoryKind.PROCEDURAL, "How to mum's knafeh: 1. shred the kataifi ...",
                    T, T, 0.7, 30.0, subject="mum's knafeh", attribute="procedure")  # fmt: skip
    steps = analyse("What are my steps for centering clay on the wheel?")
    assert match_procedure(steps, [knafeh, centering]) is centering
    assert match_procedure(analyse("What's my mum's knafeh recipe?"), [centering, knafeh]) is knafeh
    # one word of the goal is not enough when the steps lack the others
    assert match_procedure(analyse("How do I center a div on a web page?"), [centering]) is None


def test_things_named_without_saying_what_they_are() -> None:
    assert {"car", "driv"} <= terms("we bought a car! second hand kia e-niro")
    assert "car" in terms("I drive a 2012 Golf.") and "car" in terms("sold the old yaris")
    assert term("phone") in terms("went with a pixel 8 in the end")
    assert "diet" in terms("pescatarian now, mostly bc of the fish")
    assert {"languag", "learn"} <= terms("doing italian now, with an actual tutor on zoom")
    assert "learn" not in terms("my grandmother was italian")
    assert "car" in terms("Mercedes") and "app" in terms("switched to YouTube Music")
    # working out is exercise, not work
    assert analyse("Where do I work out?").focus == {"gym"}


def test_at_the_moment_is_not_what_is_asked_about() -> None:
    assert analyse("What phone do I have at the moment?").focus == {term("phone")}


def test_the_kind_of_thing_asked_and_its_members_named() -> None:
    language = analyse("Which language am I learning?")
    assert kind_asked(language) == "language"
    said = "ok im ditching duolingo spanish. doing italian now, with an actual tutor"
    assert kind_members("language", said) == ["spanish", "italian"]
    assert kind_asked(analyse("What do I drive these days?")) == "car"
    assert kind_members("car", "we bought a car! second hand kia e-niro") == ["kia e-niro"]
    assert kind_members("car", "I drive a 2012 Golf.") == ["Golf"]
    assert kind_members("phone", "went with a pixel 8 in the end") == ["pixel 8"]
    assert kind_asked(analyse("Where do I live?")) is None


def test_which_city_someone_is_from_asks_where_they_are_from() -> None:
    question = analyse("Which city is Giulia from?")
    assert question.wh == "where" and question.focus == {term("giulia")}
    assert analyse("Which city am I living in?").wh == "which"


def test_kinds_are_whole_words_not_stems() -> None:
    # "according" stems like the Honda "accord"
    assert "car" not in terms("'Leafy' according to Fen")
    assert kind_members("car", "a Nissan Leaf, 'Leafy' according to Fen") == ["Nissan Leaf"]
    assert kind_members("car", "drove home a 2025 RAV4 Hybrid in silver") == ["RAV4 Hybrid"]


def test_a_title_stays_with_its_name_and_births_and_businesses_are_named() -> None:
    from app.core.answer_spans import sentences

    said = "His vet is Dr. Kowalski at Sawmill Animal Hospital. We walk every morning."
    assert sentences(said)[0] == "His vet is Dr. Kowalski at Sawmill Animal Hospital."
    assert short_span(analyse("Who is Bruno's vet?"), sentences(said)[0]) == "Dr. Kowalski"
    assert term("born") in terms("Priya had the baby early this morning. A little girl, Leela")
    assert term("work") in terms("He runs a dental practice in Lakewood")


def test_how_something_works_asks_for_a_how_to() -> None:
    assert analyse("how do returns work at jb").procedure
    assert not analyse("Where do I work?").procedure


@pytest.mark.parametrize(
    ("message", "impersonal"),
    [
        ("user: Could you tell me about the types of ships in World War I?", True),
        ("Please correct the grammar below: the fee is RM197", True),
        ("How would you monetise a QR code that cannot be copied?", True),
        ("user: I visited Dr. Patel about my sinuses. Any tips?", False),
        ("note: new dentist = Dr. Okafor", False),  # a note to self tells, it asks nothing
        ("Can you recommend hotels in Porto? My budget is 100 a night.", False),
    ],
)
def test_a_request_that_tells_nothing_of_its_writer(message: str, impersonal: bool) -> None:
    assert impersonal_request(message) is impersonal


def test_a_question_about_the_users_own_life() -> None:
    assert about_the_user("How many different doctors did I visit?")
    assert not about_the_user("Which hotel did you recommend to me?")
    assert not about_the_user("What did Caroline research?")


def test_a_fact_named_only_as_where_something_is_does_not_answer() -> None:
    choir = [fact(20, ME, "choir", "Ludlow Community Choir")]
    assert match_fact(analyse("What choir am I in?"), choir) == choir[0]
    # asks for a part; the choir is only where it is sung
    assert match_fact(analyse("What part do I sing in the choir?"), choir) is None
    # about someone of the choir, not the choir
    assert match_fact(analyse("Where does my choir's musical director play?"), choir) is None


def test_asked_for_a_name_a_sentence_naming_no_one_new_cannot_answer() -> None:
    q = analyse("What's the name of Knödel's vet?")
    assert names_no_one_new(
        q, "Knödel vet check: thyroid better, pill once a day.", "Knödel vet check."
    )
    q = analyse("What's the name of my dog?")
    assert not names_no_one_new(q, "We got a puppy, his name is Biscuit.", "His name is Biscuit.")
    # a writer who never capitalises names is not held to it
    assert not names_no_one_new(q, "we got a puppy, his name is biscuit.", "his name is biscuit.")


def test_what_a_question_asks_is_not_read_from_words_that_only_look_like_it() -> None:
    facts = [
        fact(30, ME, "job", "senior accountant"),
        fact(31, ME, "employer", "Tideline"),
        fact(32, ME, "commute", "ride my bike to the office"),
        fact(33, "Dev", "age", "45"),
    ]
    assert match_fact(analyse("What do I do if I have to use my EpiPen?"), facts) is None
    found = match_fact(analyse("How do I get to work at the moment?"), facts)
    assert found is not None and found.attribute == "commute"
    found = match_fact(analyse("How old is Dev now?"), facts)
    assert found is not None and found.value == "45"


def test_asked_for_a_relatives_name_the_name_must_stand_by_the_relation() -> None:
    q = analyse("What's my sister's name?")
    told = "Christmas lunch with Dev's parents and my sister coming down."
    assert names_no_one_new(q, told, told)
    assert not names_no_one_new(q, "My sister Inês is coming down.", "My sister Inês is coming.")


def test_a_pet_asked_for_by_its_breed_is_the_pet_of_that_breed() -> None:
    facts = [fact(40, "Mango", "breed", "kelpie"), fact(41, "Knödel", "breed", "British Shorthair")]
    assert resolve_relations("Which vet clinic does our kelpie go to?", facts) == (
        "Which vet clinic does Mango go to?"
    )
    assert (
        resolve_relations("What does my British Shorthair eat?", facts) == "What does Knödel eat?"
    )


@pytest.mark.parametrize(
    ("question", "sentence", "abstains"),
    [
        ("What's Callum's best friend called?", "We did the Skyrail up to Kuranda.", True),
        ("What was the name of the apartment we stayed at?",
         "Staying in an apartment near Four Mile Beach.", True),
        ("What's the name of my physical therapist?",
         "My physical therapist, Kendra, gave me a home routine.", False),
        ("What is the name of my best friend?", "Aylin = my best friend since uni.", False),
        ("What's my GP called again?", "At the new surgery I saw Dr Okonkwo, lovely chap.", False),
    ],
)  # fmt: skip
def test_a_name_asked_for_a_thing_stands_by_that_thing(
    question: str, sentence: str, abstains: bool
) -> None:
    assert names_no_one_new(analyse(question), sentence, sentence) is abstains


def test_a_value_the_question_names_still_answers_when_it_says_more() -> None:
    dose = [fact(50, ME, "medication", "losartan 50mg")]
    found = match_fact(analyse("what dose of losartan am I on"), dose)
    assert found is not None and found.value == "losartan 50mg"


def test_someone_elses_friend_is_not_answered_by_the_users_own() -> None:
    q = analyse("What's Callum's best friend called?")
    assert someone_elses(q, "Hi! My friend Jo put me onto this.")
    assert not someone_elses(analyse("What's Fen's birthday?"), "Fen's birthday is 3 May.")


def test_words_said_otherwise_match_what_is_asked() -> None:
    assert terms("my swollen ankles") >= {term("swelling")}
    assert terms("what night is choir practice") & terms("first rehearsal with the choir") == {
        term("choir"),
        term("practice"),
    }


def test_a_clinic_is_a_hospital_to_the_words_that_match() -> None:
    assert terms("Which vet clinic does Mango go to?") & terms("Bellarine Vet Hospital") >= {
        term("clinic")
    }


def test_asking_which_of_the_assistants_ideas_is_about_what_it_said() -> None:
    q = analyse("Which of your present ideas for Jo did I end up going with?")
    assert q.to_assistant and q.focus == {term("present"), term("ideas"), term("Jo")}


def test_a_verb_of_using_is_not_what_a_which_question_asks_about() -> None:
    assert analyse("What bike do I ride?").focus == {term("bike")}
    assert analyse("Which phone do I use now?").focus == {term("phone")}
    # a how-to keeps its verb
    assert term("drive") in analyse("How do I drive to work?").focus


def test_moving_into_a_place_tells_where_someone_lives() -> None:
    asked = analyse("Where does Eli live?")
    assert coverage(asked, "eli moved into her place in seattle this week!") == 1.0
    assert coverage(asked, "ELI GOT A JOB OFFER. scientist at ridgeline in seattle") == 0.5


def test_an_age_on_a_day_tells_a_birthday() -> None:
    asked = analyse("When is Anya's birthday?")
    assert coverage(asked, "Anya's 10 on 14 June!!! she wants a party") == 1.0
    assert coverage(asked, "Anya's 10 and loves gymnastics") == 0.5


def test_a_motorbike_is_a_bike_and_teaching_is_work() -> None:
    assert analyse("What motorbike do I ride?").focus == {term("bike")}
    asked = analyse("What does Hannah do for work?")
    assert coverage(asked, "Hannah! She teaches Year 3 in a primary school in Hackney") == 1.0


def test_how_someone_should_do_something_asks_for_a_how_to() -> None:
    assert analyse("How should Adwoa take Mama's blood pressure?").procedure
    assert not analyse("How does Dev take the news?").procedure


def test_how_often_a_thing_is_used_is_not_what_is_asked() -> None:
    assert analyse("What car do we drive day to day?").focus == {term("car")}


def test_a_verb_of_using_before_where_it_is_used_is_dropped_too() -> None:
    asked = analyse("What position does Ruby play in volleyball?")
    assert asked.focus == {term("position"), term("ruby"), term("volleyball")}
