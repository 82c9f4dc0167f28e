"""Whom a "she" or "his" stands for, and other people's jobs: the rules that read facts
about the people in the user's life (found by blind dev scenarios in other styles)."""

from __future__ import annotations

import pytest

from app.core.facts import read_facts


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
