"""Whom a "she" or "his" stands for, and other people's jobs: the rules that read facts
about the people in the user's life (found by blind dev scenarios in other styles)."""

from __future__ import annotations

import pytest

from app.core.facts import read_facts


def told(text: str) -> set[tuple[str, str, str]]:
    """Every fact read from a message, as (subject, attribute, value)."""
    return {(f.subject, f.attribute, f.value) for f in read_facts(text)}


def jobs(text: str) -> set[tuple[str, str]]:
    return {(f.subject, f.value) for f in read_facts(text) if f.attribute == "job"}


@pytest.mark.parametrize(
    ("text", "subject", "job"),
    [
        # a greeting, a place and a quoted nickname are no one a later "he" stands for
        (
            "Good afternoon. I bumped into Gerard Moloney in Charlie Byrne's bookshop this "
            "morning. He told me he has been the organist at the Augustinian Church for years.",
            "Gerard Moloney",
            "organist",
        ),
        (
            "Jess came for tea, shattered, on nights all month on the labour ward at St "
            "James's. she's a midwife in Gledhow Wing.",
            "Jess",
            "midwife",
        ),
        (
            "Rang Immy last night for her 30th, she kept calling me 'little Kai'. She's doing "
            "really well though, still a vet nurse in York.",
            "Immy",
            "vet nurse",
        ),
        # an aside between commas, and "the" before the job
        ("Priya, I should explain, is a GP in a practice in Didsbury.", "Priya", "GP"),
        ("Tomás told us of his work; he is the harbour master.", "Tomás", "harbour master"),
    ],
)
def test_someone_elses_job(text: str, subject: str, job: str) -> None:
    assert jobs(text) == {(subject, job)}


def test_a_day_is_no_ones_husband_and_a_word_ending_like_a_job_is_no_job() -> None:
    said = read_facts("still recovering from Meera's 40th in Manchester last Sat lol. her "
                      "husband Callum organised a surprise karaoke night.")  # fmt: skip
    assert {(f.subject, f.attribute, f.value) for f in said} == {("Meera", "husband", "Callum")}
    assert jobs("Honestly the Halti is a game changer for walks.") == set()
    assert jobs("Tom is the winner of the raffle.") == set()


def test_a_supervisor_named_with_adverbs_and_a_date_that_is_no_one() -> None:
    def relations(text: str) -> set[tuple[str, str]]:
        return {(f.attribute, f.value) for f in read_facts(text)}

    said = "rafael is officially my primary supervisor now. weird but fine"
    assert relations(said) == {("supervisor", "rafael")}
    assert relations("first committee meeting with rafael as my supervisor is jan 22") == set()
    assert relations("My birthday is Jan 22.") == {("birthday", "Jan 22")}


def test_where_someone_is_joining_is_a_workplace_not_the_month() -> None:
    from app.core.answer_spans import short_span
    from app.core.questions import analyse

    said = "Declan is joining Transport Infrastructure Ireland in November, on the ring road."
    where = short_span(analyse("Where does Declan work now?"), said)
    assert where == "Transport Infrastructure Ireland"


def test_a_lower_case_surname_is_no_verb_and_a_best_mate_is_a_best_friend() -> None:
    said = "also my younger sister yvonne and her husband howard keep sending me shiba videos"
    assert ("yvonne", "husband", "howard") in told(said)
    assert told("Jess is my best mate from uni btw") == {("me", "best friend", "Jess")}


def test_where_relatives_come_over_from_and_what_a_relative_does() -> None:
    visit = "my sister Bia (Beatriz, 28) is coming down from Porto with her husband Duarte"
    assert told(visit) == {
        ("me", "sister", "Bia"), ("Bia", "husband", "Duarte"), ("Bia", "home city", "Porto")
    }  # fmt: skip
    assert ("Laura", "home city", "Boise") in told(
        "My sister Laura and her husband Pete drove over from Boise for the weekend."
    )
    assert told("Tom came back from Paris on Sunday.") == set()  # a trip, not a home
    assert told("my mum is a nurse at St James.") == {("mum", "job", "nurse")}
    assert ("Duarte", "job", "air traffic controller") in told(
        "Duarte got promoted!! he's been an air traffic controller at NAV in Porto for 6 years"
    )


def test_titles_and_whose_job_a_sentence_tells() -> None:
    # a ward sister and a church title are no sibling of the user's
    assert told("First week on Ward 45 done. Sister Joanne Whitaker runs the ward.") == set()
    assert ("me", "sister", "Katrin") in told("Sister Katrin called this morning.")
    # someone else's job, though the message also says "I'm"
    assert told("Dario is pastry chef at Luca in Clerkenwell. I'm going to be fat.") == {
        ("Dario", "job", "pastry chef"), ("Dario", "employer", "Luca")
    }  # fmt: skip
    assert told("The flatmate is Dario, Italian, a friend of a friend.") == {
        ("me", "flatmate", "Dario")
    }  # fmt: skip
    assert ("Kweku", "job", "Gas Safe registered engineer") in told(
        "Kweku fixed it. He is a Gas Safe registered engineer with British Gas."
    )


def test_a_first_day_somewhere_and_a_new_flat_named_plainly() -> None:
    assert told("Efua had her first day yesterday as a teaching assistant at Crowcroft Park.") == {
        ("Efua", "job", "teaching assistant"), ("Efua", "employer", "Crowcroft Park")
    }  # fmt: skip
    assert told("Ok so the move is done!! New piso in Peckham, 5 minutes from Rye Lane.") == {
        ("me", "home city", "Peckham")
    }  # fmt: skip


def test_a_first_night_shift_names_the_employer_and_a_bus_company_its_driver() -> None:
    shift = "I have just finished my first night shift at Manchester Royal Infirmary."
    assert told(shift) == {("me", "employer", "Manchester Royal Infirmary")}
    assert ("Nii", "employer", "Arriva") in told(
        "Nii had to leave early. He drives the number 38 bus for Arriva in London."
    )


def test_whose_first_day_and_a_new_job_said_as_a_start() -> None:
    assert told("Tom's first day at Roundhay School today, up at half 5 ironing") == {
        ("Tom", "employer", "Roundhay School")
    }  # fmt: skip
    assert told("GOT IT!!! start at St James's on Mon 1 Sept. notice in tmrw") == {
        ("me", "employer", "St James")
    }  # fmt: skip
    assert ("me", "supervisor", "Dr. Pieter Bakker") in told(
        "15/09 — first meeting with my supervisor here, Dr. Pieter Bakker."
    )


def test_the_boss_now_said_of_someone_named_before() -> None:
    said = ("Priya comes in at 4 to taste the menu — she's the boss now, no more Gary "
            "screaming, now she's the one I answer to.")  # fmt: skip
    assert ("me", "manager", "Priya") in told(said)
    assert ("me", "manager", "Tom") in told("Tom is great. He is the boss now.")
