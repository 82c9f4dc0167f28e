"""Facts and how-tos said back to the user: the sentence a user reads as the answer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.core.fact_phrasing import describe_fact, procedure_text
from app.core.facts import read_facts
from app.core.records import Memory, MemoryKind

T = datetime(2026, 3, 1, tzinfo=UTC)


def _how_to(text: str) -> Memory:
    return Memory(1, MemoryKind.PROCEDURAL, text, T, T, 0.5, 30.0, attribute="procedure")


@pytest.mark.parametrize(
    ("stored", "heading"),
    [
        # something to do reads after "To"
        ("How to relight the pilot: 1. turn the knob 2. press the button", "To relight the pilot:"),
        # a dish or an activity is a title of its own, not "To Mum's Anzac biscuits"
        ("How to Mum's Anzac biscuits: 1. mix the oats 2. bake", "Mum's Anzac biscuits:"),
        ("How to chitting seed potatoes: 1. egg boxes 2. eyes up", "Chitting seed potatoes:"),
        # the words before the steps were a clause or sentences, shown as said
        (
            "How to she wants home readings for a week: 1. sit quietly 2. take two readings",
            "She wants home readings for a week:",
        ),
        (
            "How to sow the broad beans – Aquadulce, the hardy ones. What works for me is: "
            "1. soaking them 2. fleece",
            "Sow the broad beans – Aquadulce, the hardy ones. What works for me is:",
        ),
    ],
)
def test_how_to_heading_reads_as_english(stored: str, heading: str) -> None:
    text = procedure_text(_how_to(stored))
    first, *steps = text.split("\n")
    assert first == heading
    assert steps[0].startswith("1. ") and steps[1].startswith("2. ")


def test_a_previous_job_is_kept_apart_from_the_current_one() -> None:
    facts = read_facts(
        "I've used Trello in my previous role as a marketing specialist at a small startup "
        "and I'm familiar with its features."
    )
    assert [(f.attribute, f.value) for f in facts] == [
        ("past job", "marketing specialist at a small startup")
    ]
    said = describe_fact(None, "past job", "marketing specialist at a small startup")
    assert said == "You used to work as a marketing specialist at a small startup."
    # "was awful" is what the user thought of it, not part of the job
    assert [f.value for f in read_facts("My last job as a barista was awful.")] == ["barista"]


def test_a_dish_named_after_its_cook_heads_its_steps_as_a_title() -> None:
    steps = procedure_text(_how_to("How to avó's arroz doce: 1. rice in water 2. add the milk"))
    assert steps.startswith("Avó's arroz doce:\n1. rice in water")
