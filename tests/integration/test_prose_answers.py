"""Answers from things told in prose, on the real store and index: how-tos told as a
paragraph, facts said in passing (found by blind dev scenarios written in other styles)."""

from __future__ import annotations

from pathlib import Path

from app.runtime import Reverie
from tests.integration.test_fact_layer import ask, load_lines, load_turns


def test_a_how_to_told_in_prose_is_answered_with_the_steps_not_its_first_sentence(
    reverie: Reverie, tmp_path: Path
) -> None:
    chat = tmp_path / "garden.jsonl"
    lines = [
        ("1", "2025-10-19T16:00:00Z", "I laid up the Morris for the winter today. For my own "
         "record, the way I do it is to begin by filling the tank to the brim and adding a "
         "capful of fuel stabiliser. I change the oil while the engine is still warm. Then I "
         "disconnect the battery and put it on the trickle charger, and finally I stuff a rag "
         "into the exhaust pipe against the mice."),
        ("2", "2025-11-02T10:00:00Z", "The Morris has a new set of tyres since the spring."),
    ]  # fmt: skip
    load_lines(reverie, chat, lines)
    answer = ask(reverie, "How do I lay up the Morris for the winter?")
    for step in ("stabiliser", "oil", "trickle charger", "exhaust"):
        assert step in answer.text, answer.text
    assert answer.citations[0].hit.sources[0].original_id == "1"


def test_a_car_gone_for_scrap_is_replaced_but_what_happened_to_it_still_answers(
    reverie: Reverie, tmp_path: Path
) -> None:
    chat = tmp_path / "cars.jsonl"
    lines = [
        ("1", "2025-04-02T18:00:00Z", "car's failed its MOT, Octavia estate, 2013. rear springs "
         "+ a brake pipe, £480. Kirkstall Motors did it, they're v good"),
        ("2", "2025-11-16T18:00:00Z", "picked up the Niro yesterday!!! white, 2022. the Octavia "
         "went for scrap, got £250 for it"),
    ]  # fmt: skip
    load_lines(reverie, chat, lines)
    car = ask(reverie, "What car do I drive?")
    assert "Niro" in car.text and "Octavia" not in car.text, car.text
    garage = ask(reverie, "Which garage did the MOT on my car?")
    assert "Kirkstall Motors" in garage.text, garage.text


def test_what_the_assistant_recommended_answers_a_question_asked_at_the_end_of_a_long_message(
    reverie: Reverie, tmp_path: Path
) -> None:
    chat = tmp_path / "eli.jsonl"
    turns = [
        ("1", "2025-03-28T18:00:00Z", "user", "eli is visiting!!! she lands thursday night"),
        ("2", "2025-03-28T18:00:30Z", "assistant", "Lovely, enjoy having Eli around."),
        ("3", "2025-03-28T18:02:00Z", "user", "she's here easter weekend, apr 17 to 21, and I "
         "want one really nice evening out that isn't stuffy or expensive-expensive, she loves "
         "japanese food and small cosy places where you can actually hear each other talk, "
         "and we'd go on the saturday after her conference talk is done and dusted. any "
         "restaurant recs for a nice dinner?"),
        ("4", "2025-03-28T18:02:30Z", "assistant", "Try Kissa Tanto in Chinatown: "
         "Japanese-Italian, dim and cosy. Book ahead for the Saturday."),
    ]  # fmt: skip
    load_turns(reverie, chat, turns)
    answer = ask(reverie, "What restaurant did you recommend for when Eli visited?")
    assert "Kissa Tanto" in answer.text, answer.text


def test_when_something_happened_once_is_not_moved_by_a_later_mention(
    reverie: Reverie, tmp_path: Path
) -> None:
    chat = tmp_path / "flat.jsonl"
    lines = [
        ("1", "2025-09-02T09:00:00Z", "sung-min moved in yesterday. he's doing his M.Arch at "
         "ubc so there are foam core models on every surface"),
        ("2", "2026-01-25T09:00:00Z", "eli's coming up for lunar new year, gonna attempt beef "
         "noodle soup for the roommates. sung-min wants to build a foam core dragon"),
    ]  # fmt: skip
    load_lines(reverie, chat, lines)
    answer = ask(reverie, "When did Sung-min move in?")
    assert "1 September 2025" in answer.text, answer.text


def test_moving_to_another_supplier_in_a_long_message_answers_where_from(
    reverie: Reverie, tmp_path: Path
) -> None:
    chat = tmp_path / "flour.jsonl"
    lines = [
        ("1", "2025-04-03T18:00:00Z", "Supplier notes: flour comes from Willamette Valley Grain "
         "Co., 50 lb bags at $38, delivered Tuesdays and Fridays."),
        ("2", "2025-06-25T18:00:00Z", "Flour drama. Willamette Valley shorted us twice this "
         "month and the 6/17 delivery was a full day late, which nearly killed a Saturday and "
         "had me on the phone for an hour begging for bags from anyone who had them. I'm moving "
         "us to Cascade Stone Mill starting July 1st. It's $44 a bag instead of $38 but they "
         "deliver Mondays and Thursdays and they've never once been late to anyone I know."),
    ]  # fmt: skip
    load_lines(reverie, chat, lines)
    answer = ask(reverie, "Where do we get our flour from?")
    assert "Cascade Stone Mill" in answer.text and "Willamette" not in answer.text, answer.text
