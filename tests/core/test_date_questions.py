from __future__ import annotations

from datetime import UTC, datetime

from app.core.date_questions import Elapsed, WhichFirst, elapsed_in, parse_date_question


def test_questions_about_time_between_events_name_both_events_in_order() -> None:
    assert parse_date_question(
        "How many days had passed between the Sunday mass at St. Mary's Church and the"
        " Ash Wednesday service at the cathedral?"
    ) == Elapsed(
        "days", "the Sunday mass at St. Mary's Church", "the Ash Wednesday service at the cathedral"
    )
    before = parse_date_question("How many days before my friend's party did I order her gift?")
    assert before == Elapsed("days", "I order her gift", "my friend's party")
    assert parse_date_question("How many months ago did I book the Airbnb?") == Elapsed(
        "months", "I book the Airbnb", None
    )
    assert parse_date_question(
        "Which gift did I buy first, the necklace for my sister or the photo album for my mom?"
    ) == WhichFirst(("the necklace for my sister", "the photo album for my mom"))
    assert parse_date_question("What did I buy last week?") is None


def test_elapsed_time_counts_calendar_days_and_whole_months() -> None:
    a = datetime(2023, 3, 2, 23, tzinfo=UTC)
    b = datetime(2023, 4, 1, 1, tzinfo=UTC)
    assert elapsed_in("days", a, b) == (30, "days")
    assert elapsed_in("weeks", a, b) == (4, "weeks")
    assert elapsed_in("months", a, datetime(2023, 8, 1, tzinfo=UTC)) == (4, "months")
    assert elapsed_in("", a, datetime(2023, 3, 9, tzinfo=UTC)) == (7, "days")
    assert elapsed_in("", a, datetime(2023, 3, 30, tzinfo=UTC)) == (4, "weeks")


def test_it_in_the_second_clause_is_the_thing_of_the_first() -> None:
    assert parse_date_question(
        "How many days did it take for my laptop backpack to arrive after I bought it?"
    ) == Elapsed("days", "I bought my laptop backpack", "my laptop backpack arrive")
