from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.core.time_expressions import event_time, find_time_range, when_it_happened

NOW = datetime(2024, 3, 27, 15, 30, tzinfo=UTC)  # a Wednesday


def day(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, tzinfo=UTC)


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("What did I do yesterday?", day(2024, 3, 26), day(2024, 3, 27)),
        ("What did I do last week?", day(2024, 3, 18), day(2024, 3, 25)),
        ("who did I meet last weekend", day(2024, 3, 23), day(2024, 3, 25)),
        ("Where was I in March?", day(2024, 3, 1), day(2024, 4, 1)),
        ("What happened in November?", day(2023, 11, 1), day(2023, 12, 1)),
        ("what happened on 21 March", day(2024, 3, 21), day(2024, 3, 22)),
        ("dinner on the 3rd of May 2023?", day(2023, 5, 3), day(2023, 5, 4)),
        ("plans for April 2nd", day(2023, 4, 2), day(2023, 4, 3)),
        ("what did I buy last month", day(2024, 2, 1), day(2024, 3, 1)),
        ("trips in 2022", day(2022, 1, 1), day(2023, 1, 1)),
        ("3 days ago", day(2024, 3, 24), day(2024, 3, 25)),
        ("what did I cook last friday", day(2024, 3, 22), day(2024, 3, 23)),
        ("what's on tomorrow", day(2024, 3, 28), day(2024, 3, 29)),
        ("plans for next weekend", day(2024, 4, 6), day(2024, 4, 8)),
    ],
)
def test_named_times_become_ranges(question: str, start: datetime, end: datetime) -> None:
    found = find_time_range(question, NOW)
    assert found is not None
    assert (found.start, found.end) == (start, end)


@pytest.mark.parametrize(
    "question", ["Where do I live?", "May I ask what my sister's name is?", "What is 2 + 2?"]
)
def test_questions_without_a_time_have_no_range(question: str) -> None:
    assert find_time_range(question, NOW) is None


def test_ranges_follow_the_clock() -> None:
    later = datetime(2025, 1, 10, tzinfo=UTC)
    found = find_time_range("what did I do last month", later)
    assert found is not None and found.start == day(2024, 12, 1)


def test_naive_now_is_rejected() -> None:
    with pytest.raises(ValueError):
        find_time_range("last week", datetime(2024, 1, 1))


def test_relative_dates_in_statements_resolve_against_the_message_time() -> None:
    from app.core.time_expressions import resolve_relative_date

    said = datetime(2025, 4, 10, 9, 0, tzinfo=UTC)
    found = resolve_relative_date("Went to the dentist yesterday, all fine.", said)
    assert found is not None and found.start == day(2025, 4, 9)
    assert resolve_relative_date("Meeting on 3 May", said) is None


def test_a_statement_is_dated_by_the_time_it_names_resolved_against_when_it_was_said() -> None:
    said = datetime(2023, 4, 3, 15, tzinfo=UTC)
    assert when_it_happened("Lost my job as a banker yesterday", said) == "2 April 2023"
    assert when_it_happened("hosting a competition next month", said) == "May 2023"
    assert when_it_happened("Started the gym last week", said) == "the week before 3 April 2023"
    assert when_it_happened("Last Friday at dance class", said) == "31 March 2023"
    # A date without a year is the nearest one: an interview "on 21 May" said in April.
    assert when_it_happened("my interview is on 21 May", said) == "21 May 2023"
    assert when_it_happened("we move in on the 28th", said) == "28 April 2023"
    assert when_it_happened("I just launched an ad campaign", said) is None


@pytest.mark.parametrize(
    ("question", "day"),
    [
        ("What did I do on New Year's Day?", datetime(2024, 1, 1, tzinfo=UTC)),
        ("what did we do on new years eve", datetime(2023, 12, 31, tzinfo=UTC)),
        ("What did I get at Christmas?", datetime(2023, 12, 25, tzinfo=UTC)),
        ("Where was I on Christmas Day 2022?", datetime(2022, 12, 25, tzinfo=UTC)),
        ("What did we do on Valentine's Day?", datetime(2024, 2, 14, tzinfo=UTC)),
    ],
)
def test_days_with_a_name_are_the_last_such_day(question: str, day: datetime) -> None:
    found = find_time_range(question, NOW)
    assert found is not None and found.start == day


def test_christmas_as_a_word_of_something_else_is_no_date() -> None:
    assert find_time_range("Rang a peal for the Christmas lights switch-on", NOW) is None


def test_a_weekday_with_its_date_is_that_date() -> None:
    said = datetime(2025, 3, 20, 12, tzinfo=UTC)  # a Thursday
    assert when_it_happened("idris turns 35 on saturday (the 22nd)", said) == "22 March 2025"


def test_this_weekend_said_on_a_monday_is_the_weekend_gone() -> None:
    from app.core.time_expressions import event_time

    monday = datetime(2025, 12, 15, 9, tzinfo=UTC)
    assert event_time("this weekend kai and i did the great ocean road!!", monday) == datetime(
        2025, 12, 13, 12, tzinfo=UTC
    )
    friday = datetime(2025, 12, 12, 9, tzinfo=UTC)
    assert event_time("this weekend we're off to lorne", friday) == friday


def test_a_holiday_told_the_day_after_happened_on_it() -> None:
    from app.core.time_expressions import event_time

    said = datetime(2025, 7, 5, 15, tzinfo=UTC)
    told = "We had the whole family at the house for the Fourth. Anil brought the fireworks."
    assert event_time(told, said) == datetime(2025, 7, 4, 12, tzinfo=UTC)
    assert event_time("Merry Christmas everyone", datetime(2025, 12, 25, 9, tzinfo=UTC)) == (
        datetime(2025, 12, 25, 9, tzinfo=UTC)
    )


@pytest.mark.parametrize(
    ("question", "start"),
    [
        ("What did I do in the past two weeks?", datetime(2024, 3, 13, tzinfo=UTC)),
        ("Which books did I read over the last 3 months?", datetime(2023, 12, 27, tzinfo=UTC)),
        ("anything new in the past few days?", datetime(2024, 3, 24, tzinfo=UTC)),
    ],
)
def test_the_past_n_units_is_a_window_up_to_today(question: str, start: datetime) -> None:
    found = find_time_range(question, NOW)
    assert found is not None and found.start == start
    assert found.end == datetime(2024, 3, 28, tzinfo=UTC)
    # a lone "the past month" is still the calendar month before
    past_month = find_time_range("What did I do in the past month?", NOW)
    assert past_month is not None and past_month.start == datetime(2024, 2, 1, tzinfo=UTC)


def test_a_range_of_days_is_told_from_its_first_day() -> None:
    said = datetime(2025, 12, 6, tzinfo=UTC)
    told = when_it_happened("he invites us in February, we plan 12-16 Feb, skiing + Banff.", said)
    assert told == "12 February 2026 to 16 February 2026"


def test_a_past_weekday_said_short_dates_the_message() -> None:
    said_at = datetime(2025, 5, 21, 18, 0, tzinfo=UTC)  # a Wednesday
    told = "still recovering from Meera's 40th in Manchester last Sat lol"
    assert event_time(told, said_at) == datetime(2025, 5, 17, 12, 0, tzinfo=UTC)
    assert when_it_happened(told, said_at) == "17 May 2025"
    # a Saturday ahead is no past event
    assert event_time("party on Sat, can't wait", said_at) == said_at


@pytest.mark.parametrize(
    ("sentence", "said_at", "day"),
    [
        # day-first or month-first, whichever real date is nearest to when it was said
        ("• Econometrics → 06/02, 9h", datetime(2025, 1, 20, tzinfo=UTC), "6 February 2025"),
        ("Starting 7/1 the loaf is $10.50.", datetime(2025, 6, 10, tzinfo=UTC), "1 July 2025"),
        ("back in Rotterdam since 04/01", datetime(2026, 1, 8, tzinfo=UTC), "4 January 2026"),
        # only one reading is a date
        ("Bia's bday is 22/04, running belt?", datetime(2025, 4, 20, tzinfo=UTC), "22 April 2025"),
        ("Moving day is Monday 10/27.", datetime(2025, 10, 20, tzinfo=UTC), "27 October 2025"),
    ],
)
def test_a_date_in_figures(sentence: str, said_at: datetime, day: str) -> None:
    assert when_it_happened(sentence, said_at) == day


@pytest.mark.parametrize("sentence", ["add 1/2 cup of sugar", "I rated it 8/10", "open 24/7"])
def test_figures_with_a_slash_that_are_no_date(sentence: str) -> None:
    assert when_it_happened(sentence, datetime(2025, 6, 10, tzinfo=UTC)) is None


def test_a_journal_entry_headed_with_its_day_is_of_that_day() -> None:
    written = datetime(2025, 6, 14, 9, 0, tzinfo=UTC)
    told = "13/06 — santo antónio 🎉 sardinhas + caldo verde in Alfama"
    assert event_time(told, written) == datetime(2025, 6, 13, 12, 0, tzinfo=UTC)
