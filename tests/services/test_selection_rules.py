"""Pure rules of answer selection: whose thing a message tells of, and what asks for the past."""

from __future__ import annotations

from app.core.answer_checks import kind_words, someone_elses, tells_the_deed_asked
from app.core.questions import analyse
from app.services.selection import asks_before


def test_a_name_only_as_someones_owner_is_not_about_them() -> None:
    question = analyse("When is Idris's birthday?")
    assert someone_elses(question, "back from marrakech! idris' grandma turned 90")
    assert not someone_elses(question, "idris turns 35 on saturday (the 22nd)")
    assert not someone_elses(question, "idris' grandma turned 90 and idris turns 35 in march")


def test_originally_from_does_not_ask_for_an_older_value() -> None:
    assert not asks_before(analyse("Where is my manager originally from?"))
    assert asks_before(analyse("What did I originally plan for the trip?"))
    assert asks_before(analyse("Who was my manager before?"))
    assert not asks_before(analyse("What did I do before the wedding?"))


def test_the_users_own_birthday_and_someone_elses_mother() -> None:
    mine = analyse("When is my birthday?")
    assert someone_elses(mine, "lina turned 6 today, we facetimed")
    assert not someone_elses(mine, "My birthday is on 3 May")
    assert not someone_elses(mine, "i turn 34 next week, no fuss please")
    mother = analyse("What is Idris's mother's name?")
    assert someone_elses(mother, "idris proposed last friday. my mum cried on the phone")
    assert not someone_elses(mother, "idris' mum is called Samira, she's lovely")


def test_someone_elses_pet_and_a_break_up_never_told() -> None:
    cat = analyse("what's my cat's name")
    assert someone_elses(cat, "he's from footscray and has a cat named tofu")
    assert not someone_elses(cat, "my cat tofu is asleep")
    asked = analyse("when did kai and i break up")
    assert not tells_the_deed_asked(asked, "kai and i are official 🥹")
    assert tells_the_deed_asked(asked, "kai and i broke up last night")


def test_the_kind_of_thing_asked_for_need_not_be_said() -> None:
    question = analyse("What health issue did I initially think was just a cold?")
    assert kind_words(question) == {"health", "issu"}
    assert kind_words(analyse("Where do I live?")) == set()


def test_when_did_i_needs_the_user_to_have_done_it() -> None:
    asked = analyse("When did I retire?")
    assert not tells_the_deed_asked(asked, "The crew leader is a retired firefighter named Gus")
    assert tells_the_deed_asked(asked, "as of February 28th I am officially retired")
    assert tells_the_deed_asked(asked, "retired last week, still getting used to it")


def test_a_greeting_is_never_the_sentence_quoted() -> None:
    from app.core.answer_spans import best_sentence

    told = (
        "Good evening. Yesterday I drove the Morris out to Clifden for the Connemara Vintage "
        "Car Rally, which I have entered every year since 2003. There were seventy-odd cars "
        "this year, and we came second in the pre-1970 class. Kind regards, Hugo"
    )
    quoted = best_sentence(analyse("What did I do on 21 June?"), told)
    assert quoted.startswith("Yesterday I drove the Morris"), quoted
    # a message of nothing but pleasantries is still quoted as said
    assert best_sentence(analyse("What did I say?"), "Good morning.") == "Good morning."


def test_a_quote_leaves_out_the_clause_telling_what_was_left() -> None:
    from app.core.leaving import current_part

    said = "finally retired the xps, bought a macbook pro 14 (m4 pro, 48gb) with freelance money."
    assert current_part("What laptop do I have?", said) == (
        "… bought a macbook pro 14 (m4 pro, 48gb) with freelance money."
    )
    moved = "we're officially out of the life sciences centre and into michael smith labs"
    assert current_part("Which building is my lab in?", moved) == "… into michael smith labs"
    # a question about the leaving, or what was before, keeps it
    assert current_part("Which laptop did I retire?", said) == said
    # "a cancelled train" and "dropped her to 1.25mg" leave nothing
    train = "callum stuck on a cancelled train outside Chichester, where he lives"
    assert current_part("Where does Callum live?", train) == train
    dose = "thyroid values are good, so they dropped her to 1.25mg once a day"
    assert current_part("How much medication does Pistache get?", dose) == dose


def test_a_name_asked_for_must_stand_by_the_thing_named() -> None:
    from app.core.answer_checks import names_no_one_new

    def unanswered(question: str, sentence: str) -> bool:
        return names_no_one_new(analyse(question), sentence, sentence)

    cafe = "Our youngest, Clare, lives in Westport, where she runs a small café on the Mall."
    assert unanswered("What is Clare's café called?", cafe)  # "Mall" is in "small"
    assert not unanswered("What is Clare's café called?", "Clare runs a café called The Lark.")
    cat = "On a less pleasant note, the Dolans' cat, a large ginger tom, dug up my onions."
    assert unanswered("What is the Dolans' cat called?", cat)
    pigs = "Gail next door is feeding the kids' guinea pigs while we're in the Lakes."
    assert unanswered("What are the guinea pigs called?", pigs)
    assert not unanswered("What are the guinea pigs called?", "The guinea pigs are Salt & Pepper.")


def test_what_someone_does_needs_a_message_telling_their_work() -> None:
    from app.core.answer_shapes import gives_what_is_asked

    asked = analyse("What does Priya do?")
    assert gives_what_is_asked(asked, "Priya, I should explain, is a GP in Didsbury.")
    assert gives_what_is_asked(asked, "she runs a small café on the Mall")
    assert not gives_what_is_asked(asked, "Ronan, Priya and Arjun flew over on Christmas Eve.")


def test_a_how_to_taught_by_someone_is_not_someone_elses() -> None:
    asked = analyse("How do I make Maureen's brown soda bread?")
    taught = "Maureen has been teaching me to make her mother's brown soda bread. You heat ..."
    assert not someone_elses(asked, taught)
    assert someone_elses(analyse("When is Fen's birthday?"), "it was Fen's mum's birthday")


def test_an_amount_raised_to_a_new_one_is_an_update() -> None:
    from app.services.selection import _UPDATE

    assert _UPDATE.search("because of the hospital bills I have increased it to £350 a month")
    assert _UPDATE.search("I'm moving us to Cascade Stone Mill starting July 1st")
    assert not _UPDATE.search("I send Adwoa £250 every month with WorldRemit")


def test_how_much_a_thing_costs_wants_money_and_a_dose_a_measure() -> None:
    from app.core.answer_spans import short_span

    price = analyse("How much is a loaf of our country sourdough?")
    assert short_span(price, "Country sourdough at 78% hydration, 40 loaves a day") is None
    assert short_span(price, "Starting 7/1 the country loaf will be $10.50.") == "$10.50"
    dose = analyse("How much thyroid medication does Pistache get now?")
    assert short_span(dose, "they dropped her to 1.25mg once a day") == "1.25mg"
