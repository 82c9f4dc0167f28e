"""How-tos told in prose ("The way I take the readings ... is this.", "her way: ...") and
questions that ask for one without "how do I" (found by blind dev scenarios)."""

from __future__ import annotations

import pytest

from app.core.procedures import read_procedure
from app.core.questions import analyse


@pytest.mark.parametrize(
    ("message", "goal", "a_step"),
    [
        (
            "The way I take the readings, so that I do them the same each time, is this. I sit "
            "at the kitchen table and rest quietly for five minutes. Then I put the cuff on my "
            "left arm, and I take three readings a minute apart.",
            "take the readings",
            "put the cuff on my left arm",
        ),
        (
            "It was a fine dry day, so I pruned the roses. The way I prune the roses is to "
            "begin by taking out anything dead, diseased or crossing, then cut each stem down "
            "by about a third, to just above an outward-facing bud.",
            "prune the roses",
            "cut each stem down by about a third",
        ),
        (
            "made mum teach me her tarka dal. her way: wash 1 cup toor dal till the water runs "
            "clear, pressure cook w/ turmeric + salt, 3 whistles, then ghee in a small pan.",
            "tarka dal",
            "pressure cook w/ turmeric + salt",
        ),
    ],
)
def test_a_how_to_told_in_prose(message: str, goal: str, a_step: str) -> None:
    found = read_procedure(message)
    assert found is not None
    assert goal in found.goal
    assert any(a_step in step for step in found.steps), found.steps


def test_the_way_i_do_them_takes_what_them_is_from_the_sentence_before() -> None:
    found = read_procedure(
        "I sowed the sweet peas today. The way I sow them is to begin by soaking the seeds "
        "overnight, then two to each cell of the root trainers, an inch deep, in compost."
    )
    assert found is not None and "sweet peas" in found.goal


def test_how_a_thing_is_set_up_asks_for_a_how_to() -> None:
    assert analyse("How are my thesis backups set up?").procedure
    assert not analyse("How is my mum doing?").procedure


def test_steps_on_arrow_lines_and_a_dated_journal_entry_that_is_none() -> None:
    recipe = read_procedure(
        "avó's arroz doce, dictated over the phone (finally!!)\n• 200g rice, 1L milk, lemon peel\n"
        "• rice in water until it is gone\n→ add the hot milk little by little\n"
        "→ off the heat: sugar, then 4 egg yolks\n→ cinnamon on top"
    )
    assert recipe is not None and recipe.goal == "avó's arroz doce" and len(recipe.steps) == 5
    entry = "03/03 — grades out:\n• Econometrics: 17\n• Urban Policy: waiting\n• average 15.8"
    assert read_procedure(entry) is None
