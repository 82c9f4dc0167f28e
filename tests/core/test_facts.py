"""The fact layer's rules: facts and how-tos read from what people write, without a model."""

from __future__ import annotations

import pytest

from app.core.fact_words import ME
from app.core.facts import read_facts
from app.core.procedures import read_procedure


def said(text: str, known: tuple[str, ...] = ()) -> set[tuple[str, str, str]]:
    """Every fact read from a message, as (subject, attribute, value)."""
    return {(f.subject, f.attribute, f.value) for f in read_facts(text, known)}


def facts(text: str) -> dict[tuple[str, str], str]:
    return {(f.subject, f.attribute): f.value for f in read_facts(text)}


@pytest.mark.parametrize(
    ("text", "subject", "attribute", "value"),
    [
        ("My new manager is Ana Lima, she starts Monday.", ME, "manager", "Ana Lima"),
        ("Big news: my boss is now Tomás Ferreira.", ME, "manager", "Tomás Ferreira"),
        ("My manager at Helio is Grace Okafor.", ME, "manager", "Grace Okafor"),
        ("I live in Leeds, near Hyde Park.", ME, "home city", "Leeds"),
        ("We moved to Manchester this weekend!", ME, "home city", "Manchester"),
        ("I moved from Leeds to Porto in March.", ME, "home city", "Porto"),
        ("Starting my new job at Acme Labs on Monday.", ME, "employer", "Acme Labs"),
        ("I work for Northwind Analytics.", ME, "employer", "Northwind Analytics"),
        ("First day at Helio Energy today.", ME, "employer", "Helio Energy"),
        ("I now work there as a senior data engineer.", ME, "job", "senior data engineer"),
        ("Heads up: I'm allergic to peanuts.", ME, "allergy", "peanuts"),
        ("For now I drive to work.", ME, "commute", "drive to work"),
        ("I switched from driving to taking the train to work.", ME, "commute",
         "taking the train to work"),
        ("We adopted a cat today! Her name is Pixel.", ME, "cat", "Pixel"),
        ("My sister Inês lives in Lisbon.", ME, "sister", "Inês"),
        ("My sister Inês lives in Lisbon.", "Inês", "home city", "Lisbon"),
        ("Inês's birthday is on 12 June.", "Inês", "birthday", "12 June"),
        ("Jonas is my running partner.", ME, "running partner", "Jonas"),
        ("Jonas quit, he now works as a climbing instructor.", "Jonas", "job",
         "climbing instructor"),
        ("My favourite coffee is now a cortado.", ME, "favourite coffee", "cortado"),
        ("I upped my weekly running goal to 30 km.", ME, "weekly running goal", "30 km"),
        ("Got a new phone, an iPhone 15.", ME, "phone", "iPhone 15"),
        ("Our team uses Airflow for orchestration.", ME, "team tool for orchestration",
         "Airflow"),
        ("Lunch with Grace, she told me she grew up in Galway.", "Grace", "grew up in",
         "Galway"),
        ("Remember that my bike lock code is 4512.", ME, "bike lock code", "4512"),
    ],
)  # fmt: skip
def test_a_stated_fact_is_read_with_its_subject_attribute_and_verbatim_value(
    text: str, subject: str, attribute: str, value: str
) -> None:
    found = facts(text)
    assert found.get((subject, attribute), "").startswith(value), found
    fact = next(f for f in read_facts(text) if (f.subject, f.attribute) == (subject, attribute))
    assert text[fact.start : fact.end] == fact.value  # a span of the source, never rewritten


@pytest.mark.parametrize(
    "text",
    [
        "My last day at Northwind is next Friday.",  # leaving is not working there
        "My day was long and my feet hurt.",
        "How is my manager doing these days?",
        "My sister is not sure yet.",
        "It is sunny in Lisbon.",
    ],
)
def test_sentences_that_state_no_fact_yield_none(text: str) -> None:
    assert not [f for f in read_facts(text) if f.attribute in {"employer", "sister", "home city"}]


def test_numbered_steps_become_a_procedure_with_its_goal() -> None:
    procedure = read_procedure(
        "My routine for the weekly report:\n1. export the dashboard to CSV\n"
        "2. paste the numbers into the template\n3. write three highlights"
    )
    assert procedure is not None
    assert procedure.goal == "routine for the weekly report"
    assert procedure.steps == (
        "export the dashboard to CSV",
        "paste the numbers into the template",
        "write three highlights",
    )


@pytest.mark.parametrize(
    ("text", "goal", "first", "last"),
    [
        ("Here is how I restore the staging database: first stop the api, then download the "
         "snapshot, then run pg_restore, and finally restart the api.",
         "restore the staging database", "stop the api", "restart the api"),
        ("When I deploy the dashboard I run make build, then make test, and then make deploy.",
         "deploy the dashboard", "run make build", "make deploy"),
        ("To renew my parking permit: log into the council portal, upload the V5C, pay the "
         "fee, then print the confirmation page.",
         "renew your parking permit", "log into the council portal",
         "print the confirmation page"),
    ],
)  # fmt: skip
def test_sequenced_steps_become_a_procedure(text: str, goal: str, first: str, last: str) -> None:
    procedure = read_procedure(text)
    assert procedure is not None
    assert (procedure.goal, procedure.steps[0], procedure.steps[-1]) == (goal, first, last)


@pytest.mark.parametrize(
    "text",
    [
        "Went hiking in the Dales with Jonas, then had a pint.",  # two things, no how-to
        "To be honest, I am tired.",
        "My sister called.",
    ],
)
def test_ordinary_messages_are_not_procedures(text: str) -> None:
    assert read_procedure(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "My store is something I'm always working on.",
        "My journey is inspiring others.",
        "My customers is key.",
    ],
)
def test_how_a_thing_is_going_is_not_what_it_is(text: str) -> None:
    assert facts(text) == {}


def test_what_a_thing_is_is_a_fact() -> None:
    assert facts("My favourite hobby is playing guitar.") == {
        (ME, "favourite hobby"): "playing guitar"
    }


def test_a_new_employer_after_a_leaving_do_in_the_same_long_sentence_is_read() -> None:
    said = (
        "First day done. So – no longer at the Solent Maritime Trust (the leaving do on Friday"
        " was very teary) – I'm now with Harbourlight as of this morning."
    )
    assert facts(said)[(ME, "employer")] == "Harbourlight"


def test_a_pronoun_after_a_known_name_written_in_lower_case_is_that_person() -> None:
    said = "fen says hi btw. she's a midwife at QA (Queen Alexandra) so her shifts vary"
    found = {(f.subject, f.attribute, f.value) for f in read_facts(said, ["Fen"])}
    assert ("Fen", "job", "midwife") in found
    # Unknown lower-case words are not people.
    assert not any(f.subject == "fen" for f in read_facts(said, []))


def test_a_diet_said_as_what_it_is_now_is_read() -> None:
    said = "Started eating fish again, so pescatarian now I guess."
    assert [(f.attribute, f.value) for f in read_facts(said)] == [("diet", "pescatarian")]
    assert read_facts("The new place round the corner is so vegan now.") == []


def test_numbered_steps_under_a_heading_without_a_colon() -> None:
    procedure = read_procedure(
        "writing down the pill thing for pistache bc idris never remembers. she gets 2.5mg.\n"
        "1) hide the pill in a tiny bit of pill pocket\n2) give her a plain treat first\n"
        "3) then the one with the pill\n4) another plain treat right after"
    )
    assert procedure is not None and procedure.goal == "pill thing for pistache"
    assert procedure.steps[0] == "hide the pill in a tiny bit of pill pocket"


def test_one_step_a_line_after_how_i_do_it() -> None:
    procedure = read_procedure(
        "so for my own sanity, this is how i do handover at the end of a shift (SBAR):\n"
        "S – situation: one sentence\nB – background: admission reason\n"
        "A – assessment: vitals trend\nR – recommendation: what needs doing next"
    )
    assert procedure is not None and procedure.goal == "do handover at the end of a shift"
    assert len(procedure.steps) == 4 and procedure.steps[3].startswith("R – recommendation")


def test_a_diet_said_without_i_am() -> None:
    assert [(f.attribute, f.value) for f in read_facts(
        "been vegetarian since i was 19 so lentils are basically my personality")] == [
        ("diet", "vegetarian")]  # fmt: skip
    assert [(f.attribute, f.value) for f in read_facts(
        "i've started eating fish again. pescatarian now, mostly bc of idris' family")] == [
        ("diet", "pescatarian")]  # fmt: skip


def test_a_verb_after_my_relation_is_no_name_in_lower_case_chat() -> None:
    facts = read_facts("i'm engaged! my mum cried on the phone for 20 minutes")
    assert not [f for f in facts if f.attribute == "mum"]


def test_a_relation_in_an_aside_and_the_relation_after_it() -> None:
    facts = read_facts("also yasmin (my big sister) and her husband pieter came over after")
    assert {(f.subject, f.attribute, f.value) for f in facts} >= {
        (ME, "sister", "yasmin"),
        ("yasmin", "husband", "pieter"),
    }


def test_a_job_qualified_for_and_a_fiance_is_the_partner() -> None:
    facts = read_facts("pieter finally got his licence as a harbour pilot!!", ["pieter"])
    assert [(f.subject, f.attribute, f.value) for f in facts] == [
        ("pieter", "job", "harbour pilot")
    ]
    said = {(f.attribute, f.value) for f in read_facts("My fiancé Sam is a nurse.")}
    assert ("partner", "Sam") in said


def test_names_given_later_in_asides_and_after_a_joining_word() -> None:
    assert (ME, "tutor", "giulia") in said(
        "doing italian now, with an actual tutor on zoom. her name is giulia"
    )
    assert (ME, "best friend", "femke") in said("kingsday with femke (bestie since nursing school)")
    # an aside that only mentions a relation is not one
    assert not said("how i warm up before a run (coach at the running club drilled this):")
    # "idris and our" is no name: the cat after it is read too, with the breed in its aside
    assert said("with my boyfriend idris and our cat pistache (grey british shorthair, 9)") >= {
        (ME, "partner", "idris"),
        (ME, "cat", "pistache"),
        ("pistache", "breed", "british shorthair"),
    }


@pytest.mark.parametrize(
    ("message", "goal", "first_step"),
    [
        ("I want to write down how I sharpen my chisels so I stop reinventing it every time. "
         "First I flatten the back on the 1000-grit stone. Then I set the guide to 25 degrees. "
         "After that I move to the 6000 stone. Finally I strop on leather.",
         "sharpen your chisels", "flatten the back on the 1000-grit stone"),
        ("Here is my checklist for getting the Whaler ready in the spring, so I have it in one "
         "place:\n1. Charge the battery.\n2. Replace the fuel filter.\n3. Fill up with gas.",
         "getting the Whaler ready in the spring", "Charge the battery"),
        ("Dr. Kowalski showed me how to clean Bruno's ears, since Labs are prone to infections. "
         "Writing it down:\n- warm the bottle first\n- fill the ear canal\n- massage the base",
         "clean Bruno's ears", "warm the bottle first"),
        ("Sunday mornings I make masala chai for Meena, and I want the recipe saved. 1) Boil "
         "two cups of water. 2) Add two teaspoons of Assam. 3) Pour in the milk. 4) Strain.",
         "make masala chai for Meena", "Boil two cups of water"),
        ("Yesterday I smoked my first whole brisket for our party. For next time: I trimmed the "
         "fat cap, used a rub of salt and pepper, put it on at 225, and pulled it at 203.",
         "smoke your first whole brisket for our party", "trimmed the fat cap"),
        ("## Sourdough (my weekend routine)\n- Fri 22:00 feed the starter\n- Sat 9:00 mix the "
         "dough\n- shape, into banneton, fridge overnight", "Sourdough your weekend routine",
         "Fri 22:00 feed the starter"),
        ("Work permit expires 30 June!! Checklist from IRCC site:\n- [ ] passport scan\n- [ ] "
         "form IMM 5409\n- [ ] digital photo", "Checklist from IRCC site Work permit expires "
         "30 June!!", "passport scan"),
        ("chain I wax now instead of oil, steps: chain off with the quick link → shake in "
         "mineral spirits → melt the wax → pedal backwards",
         "chain I wax now instead of oil, steps", "chain off with the quick link"),
        ("note to self for when the heating plays up, bleeding the radiators: heating off "
         "first, start downstairs, key is in the drawer, then check the boiler pressure",
         "bleeding the radiators", "heating off first"),
        ("made mum's lentil soup, writing it down properly because nadia keeps asking, two "
         "onions fried in olive oil, then a mug of red lentils, simmer, then lemon at the end",
         "make mum's lentil soup", "two onions fried in olive oil"),
        ("she wants home readings for a week, putting the instructions here\n1 sit quietly "
         "for five minutes\n2 take two readings\n3 write both down", "she wants home "
         "readings for a week", "sit quietly for five minutes"),
    ],
)  # fmt: skip
def test_how_tos_told_in_other_shapes(message: str, goal: str, first_step: str) -> None:
    procedure = read_procedure(message)
    assert procedure is not None and procedure.goal == goal
    assert procedure.steps[0] == first_step


def test_someone_elses_new_job_and_move_and_a_house_closed_on() -> None:
    facts = {(f.subject, f.attribute, f.value) for f in read_facts(
        "Big news from Arjun: he accepted a job with the Ohio Department of Transportation "
        "and is moving to Cincinnati next month.")}  # fmt: skip
    assert facts == {
        ("Arjun", "employer", "Ohio Department of Transportation"),
        ("Arjun", "home city", "Cincinnati"),
    }
    closed = read_facts("We closed on the Westerville house yesterday afternoon.")
    assert [(f.attribute, f.value) for f in closed] == [("home city", "Westerville")]


def test_texting_style_facts() -> None:
    # shouted words are read like any others
    assert ("ella", "home city", "london") in said("ELLA IS MOVING TO LONDON 😭 she got a job")
    assert (ME, "partner", "kai") in said("kai and i are official 🥹 he asked me on the balcony")
    # someone else's new job is theirs, not the user's
    assert said("kai got a job at readings in carlton (the bookshop)", ("kai",)) == {
        ("kai", "employer", "readings")
    }
    assert ("bec", "job", "paramedic") in said("bec just got her paramedic registration!!!")
    assert (ME, "partner", "josh") in said("my bf josh is a plumbing apprentice")
    # his cat is not the user's
    assert not [f for f in read_facts("he's from footscray and has a cat named tofu")
                if f.subject == ME]  # fmt: skip


def test_titles_do_not_end_a_sentence_and_has_been_a_job() -> None:
    facts = {(f.subject, f.attribute, f.value) for f in read_facts(
        "Had lunch with Daniel today. He has been a software architect at Nationwide Insurance "
        "for nine years now.")}  # fmt: skip
    assert ("Daniel", "job", "software architect") in facts
    assert ("Daniel", "employer", "Nationwide Insurance") in facts


def test_a_pets_name_said_as_its_name() -> None:
    facts = read_facts("By the way, my cat's name is Luna, and she's been such a sweetie.")
    assert [(f.subject, f.attribute, f.value) for f in facts] == [(ME, "cat", "Luna")]


def test_a_go_to_an_unowned_manager_and_an_emoji_ends_a_value() -> None:
    assert said("new go-to coffee: iced long black, no sugar. cheaper") == {
        (ME, "coffee", "iced long black")
    }
    # after the user's own news, "manager is dev" is theirs; "done" is no employer's name
    assert said("first week at jb done. manager is dev, he's chill") == {
        (ME, "employer", "jb"),
        (ME, "manager", "dev"),
    }
    assert said("my hair is PINK now 💗 did it myself") == {(ME, "hair", "PINK")}
    assert not said("The manager is great though.")


def test_a_how_to_named_with_why_it_is_written_down() -> None:
    procedure = read_procedure(
        "jb returns process bc it's confusing af: you check the receipt in the pos first, then "
        "if it's change of mind it has to be unopened, and anything over $500 needs a manager"
    )
    assert procedure is not None and procedure.goal == "jb returns process"


def test_a_story_that_asks_for_tips_is_no_how_to() -> None:
    story = (
        "Speaking of which, I tried a lavender gin fizz recipe last weekend, but it didn't "
        "turn out as expected - I didn't have simple syrup, so I had to improvise with honey "
        "and water. Do you have any tips on making a good simple syrup, or a brand?"
    )
    assert read_procedure(story) is None


@pytest.mark.parametrize(
    "text",
    [
        "Please correct your grammar below:\n1. The fee is RM197\n2. Is it monthly\n3. Or yearly",
        "Can you summarise these steps:\n1. open the form\n2. sign it\n3. post it",
    ],
)
def test_a_list_handed_to_the_assistant_to_work_on_is_no_how_to(text: str) -> None:
    assert read_procedure(text) is None


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("team lead = Priya Raman. also: cat is Knödel, grey British Shorthair",
         {(ME, "manager", "Priya Raman"), (ME, "cat", "Knödel")}),
        ("note: new dentist = Dr. Okafor (Roncesvalles Ave).", {(ME, "dentist", "Dr. Okafor")}),
        ("Aylin = my best friend since uni.", {(ME, "friend", "Aylin")}),
        ("also: cat is Knödel, grey British Shorthair, 6 years",
         {(ME, "cat", "Knödel"), ("Knödel", "breed", "British Shorthair")}),
        # A month names no one, and a name after "in" is a place: "she" is Katrin.
        ("Sister Katrin called, she is pregnant!!! due in October. she lives in Freiburg with "
         "her husband Jan.", {(ME, "sister", "Katrin"), ("Katrin", "husband", "Jan"),
                              ("Katrin", "home city", "Freiburg")}),
        ("Katrin, Jan and Mila moved to Hamburg last weekend.",
         {(n, "home city", "Hamburg") for n in ("Katrin", "Jan", "Mila")}),
        ("Moving day. done. never again. we live now officially in Roncesvalles.",
         {(ME, "home city", "Roncesvalles")}),
        ("first day Ferncliff. laptop is a Mac.", {(ME, "employer", "Ferncliff")}),
        ("French course started at Alliance Française, level A2.", set()),  # not a job
    ],
)  # fmt: skip
def test_notes_titles_and_lists_name_people_and_places(
    message: str, expected: set[tuple[str, str, str]]
) -> None:
    assert said(message) >= expected
    if not expected:
        assert not {f for f in said(message) if f[1] == "employer"}


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("so we've gone with Airband for the broadband, and I moved my mobile from Vodafone "
         "to giffgaff", {(ME, "broadband", "Airband"), (ME, "mobile network", "giffgaff")}),
        ("Phone: we are with Freedom Mobile, 45$/month.",
         {(ME, "mobile network", "Freedom Mobile")}),
        ("registered at the new surgery and saw Dr Okonkwo, he's put me on losartan 50mg "
         "instead", {(ME, "gp", "Dr Okonkwo"), (ME, "medication", "losartan 50mg")}),
        ("first rehearsal with the Ludlow Community Choir last night",
         {(ME, "choir", "Ludlow Community Choir")}),
        ("Dr. Patel is taking me off the lisinopril and starting me on losartan, 50 mg once a day.",
         {(ME, "medication", "losartan")}),
    ],
)  # fmt: skip
def test_providers_medicine_and_clubs(message: str, expected: set[tuple[str, str, str]]) -> None:
    assert said(message) >= expected


def test_shifts_are_not_medicine() -> None:
    assert not {f for f in said("BEST NEWS: bram put me on early shifts") if f[1] == "medication"}


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Saw my GP, Dr. Amira Haddad, this morning. She's referred me to an allergist, "
         "Dr. Pauline Marsh.",
         {(ME, "gp", "Dr. Amira Haddad"), (ME, "allergist", "Dr. Pauline Marsh")}),
        ("Mango's registered there now and his vet is Dr. Anita Sharma.",
         {("Mango", "vet", "Dr. Anita Sharma")}),
        ("Actually, I got that wrong, Ruby's teacher is Ms. Kaur.",
         {("Ruby", "teacher", "Ms. Kaur")}),
        ("First day at Tideline done. My new manager is the CFO, Priya Raman.",
         {(ME, "employer", "Tideline"), (ME, "manager", "Priya Raman")}),
        ("Big news, I've been offered a job as finance manager at Tideline Energy!",
         {(ME, "job", "finance manager"), (ME, "employer", "Tideline Energy")}),
        ("Callum turned 7 today! It's Dev's 44th today.",
         {("Callum", "age", "7"), ("Dev", "age", "44")}),
        ("Now that we've moved my commute is so much better. I ride my bike along the Barwon "
         "River path to the Tideline office on Moorabool Street, it takes about 20 minutes.",
         {(ME, "commute", "ride my bike along the Barwon River path to the Tideline office")}),
        # a breed is no one's name: "His vet" is Bruno's
        ("We also have a dog, Bruno, a seven-year-old chocolate Labrador. His vet is Dr. Kowalski.",
         {(ME, "dog", "Bruno"), ("Bruno", "vet", "Dr. Kowalski")}),
    ],
)  # fmt: skip
def test_titles_care_roles_ages_and_appositions(
    message: str, expected: set[tuple[str, str, str]]
) -> None:
    assert said(message) >= expected


def test_a_day_after_a_role_is_no_ones_name() -> None:
    told = "Tuesday I have the dentist, Wednesday evening is choir practice."
    assert not {f for f in said(told) if f[1] == "dentist"}


def test_the_kids_school_is_not_the_users_employer() -> None:
    assert not {f for f in said("Kids started at Belmont Primary today.") if f[1] == "employer"}


@pytest.mark.parametrize(
    ("message", "goal", "last_step"),
    [
        ("Writing this down before I forget. Mum's Anzac biscuits: mix the oats and flour. Melt "
         "the butter with golden syrup. Dissolve the bicarb in boiling water. Bake at 160.",
         "Mum's Anzac biscuits", "Bake at 160"),
        ("The plumber showed me how to relight the pilot on our Rheem. Turn the gas knob to "
         "pilot and press the igniter. Keep holding the knob for 30 seconds. Then turn it to on.",
         "relight the pilot on our Rheem", "turn it to on"),
    ],
)  # fmt: skip
def test_a_how_to_told_as_a_run_of_orders(message: str, goal: str, last_step: str) -> None:
    procedure = read_procedure(message)
    assert procedure is not None and procedure.goal == goal
    assert procedure.steps[-1] == last_step


def test_a_story_with_one_order_in_it_is_no_how_to() -> None:
    assert (
        read_procedure("We went to the beach. Take a hat next time, Dev said. It was hot.") is None
    )


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("said goodbye to the old Volvo today, the clutch was on its way out, part exchanged it "
         "at the Kia place in Telford for a 2021 e-Niro, fully electric", {(ME, "car", "e-Niro")}),
        ("Tariq's gone to Toronto now, landed Saturday", {("Tariq", "home city", "Toronto")}),
    ],
)  # fmt: skip
def test_a_car_traded_and_someone_gone_to_live_elsewhere(
    message: str, expected: set[tuple[str, str, str]]
) -> None:
    assert said(message) >= expected


def test_where_the_children_go_to_school() -> None:
    assert ("kids", "school", "Belmont Primary") in said("Kids started at Belmont Primary today.")
    assert ("Ruby", "school", "St Mary's School") in said(
        "Ruby starts at St Mary's School on Monday."
    )
