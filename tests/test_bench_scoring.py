"""The benchmark's answer scoring: what counts as containing the gold answer."""

from __future__ import annotations

from bench.scoring import contains_any


def test_a_gold_answer_is_contained_in_any_of_the_forms_it_accepts() -> None:
    assert contains_any("Five months [1]", "5 months")
    assert not contains_any("In 2023 [1]", "20")  # whole words only
    assert contains_any("31 days", "30 days. 31 days (including the last day) is also acceptable.")
    # the short name the gold gives in brackets is the same answer
    assert contains_any("UCLA [1]", "University of California, Los Angeles (UCLA)")
    assert not contains_any("Stanford [1]", "University of California, Los Angeles (UCLA)")
