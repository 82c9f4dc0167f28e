"""Find the time a question names ("last week", "in March", "on 21 March") as a UTC range.

Ranges are half-open [start, end) and always resolved against an explicit `now`, so the same
question asked on another day means another range, and tests can pin the clock.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class TimeRange:
    start: datetime
    end: datetime
    phrase: str

    def contains(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end


_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9  # "Mon 1 Sept": the British short form, besides "Sep"
_MONTHS.pop("may", None)  # "may" only counts as a month with a day, year or preposition
_MONTH_RE = "|".join(sorted([*_MONTHS, "may"], key=len, reverse=True))
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
# "last Sat", "this past weds": the short forms people text
_WEEKDAYS.update(
    {"mon": 0, "tue": 1, "tues": 1, "wed": 2, "weds": 2, "thu": 3, "thur": 3, "thurs": 3,
     "fri": 4, "sat": 5}
)  # fmt: skip
_WEEKDAY_RE = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "couple of": 2,
    "few": 3,
    "a few": 3,
    "a couple of": 2,
}
_NUM_RE = (
    r"\d+|a couple of|couple of|a few|few|an?|one|two|three|four|five|six|seven|eight|nine"
    r"|ten|eleven|twelve"
)


def _month_number(name: str) -> int:
    return 5 if name.lower() == "may" else _MONTHS[name.lower()]


def _day_start(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _month_range(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def _shift_months(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _day(year: int, month: int, day: int) -> tuple[datetime, datetime] | None:
    try:
        start = datetime(year, month, day, tzinfo=UTC)
    except ValueError:
        return None
    return start, start + timedelta(days=1)


def _past_year_for(month: int, day: int, now: datetime) -> int:
    """The year in which month/day last happened at or before now (questions look back)."""
    return now.year if (month, day) <= (now.month, now.day) else now.year - 1


def _relative(text: str, now: datetime) -> tuple[datetime, datetime] | None:
    today = _day_start(now)
    if re.search(r"\bday before yesterday\b", text):
        return today - timedelta(days=2), today - timedelta(days=1)
    if re.search(r"\bday after tomorrow\b", text):
        return today + timedelta(days=2), today + timedelta(days=3)
    if re.search(r"\btomorrow\b", text):
        return today + timedelta(days=1), today + timedelta(days=2)
    if re.search(r"\b(yesterday|last night)\b", text):
        return today - timedelta(days=1), today
    if re.search(r"\b(today|this morning|this afternoon|this evening|tonight)\b", text):
        return today, today + timedelta(days=1)
    # "in the past two weeks", "over the last 3 months", "in the past few days": a rolling
    # window up to today (a lone "the past month" stays the calendar month before)
    rolling = re.search(
        rf"\b(?:in|over|during|for|within)\s+the\s+(?:past|last|previous)\s+({_NUM_RE})\s+"
        r"(day|week|month|year)s\b",
        text,
    )
    if rolling:
        amount = int(rolling[1]) if rolling[1].isdigit() else _NUMBER_WORDS[rolling[1]]
        if rolling[2] in {"day", "week"}:
            days = amount * (7 if rolling[2] == "week" else 1)
            return today - timedelta(days=days), today + timedelta(days=1)
        months = amount * (12 if rolling[2] == "year" else 1)
        return _shift_months(today, -months), today + timedelta(days=1)
    week_start = today - timedelta(days=today.weekday())
    if re.search(r"\blast weekend\b", text):
        saturday = week_start - timedelta(days=2)
        return saturday, saturday + timedelta(days=2)
    if re.search(r"\bnext weekend\b", text):
        saturday = week_start + timedelta(days=12)
        return saturday, saturday + timedelta(days=2)
    if re.search(r"\bnext week\b", text):
        return week_start + timedelta(days=7), week_start + timedelta(days=14)
    if re.search(r"\bthis weekend\b", text):
        saturday = week_start + timedelta(days=5)
        return saturday, saturday + timedelta(days=2)
    if re.search(r"\b(last|previous|past) week\b", text):
        return week_start - timedelta(days=7), week_start
    if re.search(r"\bthis week\b", text):
        return week_start, week_start + timedelta(days=7)
    month_start = today.replace(day=1)
    if re.search(r"\b(last|previous|past) month\b", text):
        return _shift_months(month_start, -1), month_start
    if re.search(r"\bnext month\b", text):
        return _shift_months(month_start, 1), _shift_months(month_start, 2)
    if re.search(r"\bthis month\b", text):
        return month_start, _shift_months(month_start, 1)
    year_start = month_start.replace(month=1)
    if re.search(r"\b(last|previous|past) year\b", text):
        return year_start.replace(year=now.year - 1), year_start
    if re.search(r"\bnext year\b", text):
        return year_start.replace(year=now.year + 1), year_start.replace(year=now.year + 2)
    if re.search(r"\bthis year\b", text):
        return year_start, year_start.replace(year=now.year + 1)
    match = re.search(rf"\b({_NUM_RE}) (day|week|month|year)s? ago\b", text)
    if match:
        amount = int(match[1]) if match[1].isdigit() else _NUMBER_WORDS[match[1]]
        unit = match[2]
        if unit == "day":
            start = today - timedelta(days=amount)
            return start, start + timedelta(days=1)
        if unit == "week":
            start = today - timedelta(days=7 * amount)
            # "two weeks ago" is fuzzy: allow the week around that day.
            return start - timedelta(days=3), start + timedelta(days=4)
        if unit == "month":
            start = _shift_months(month_start, -amount)
            return start, _shift_months(start, 1)
        return year_start.replace(year=now.year - amount), year_start.replace(
            year=now.year - amount + 1
        )
    match = re.search(r"\b(last|on|this past) (" + _WEEKDAY_RE + r")\b", text)
    if match:
        back = (today.weekday() - _WEEKDAYS[match[2]]) % 7 or 7
        start = today - timedelta(days=back)
        return start, start + timedelta(days=1)
    return None


# Days with a name, as the text reads with punctuation removed ("new year s day").
_HOLIDAYS = {
    r"new years? day|new year s day": (1, 1),
    r"new years? eve|new year s eve|nye": (12, 31),
    r"christmas eve": (12, 24),
    # not "the Christmas lights switch-on", "christmas party"
    r"(?:christmas|xmas) day"
    r"|(?:on|at|over) (?:christmas|xmas)(?! (?:lights?|tree|party|market|eve|day)\b)": (12, 25),
    r"boxing day": (12, 26),
    r"valentine s day|valentines day|valentines": (2, 14),
    r"halloween": (10, 31),
    r"fourth of july|independence day": (7, 4),
}


# "06/02", "7/1", "04/12/2025": a day and a month in figures, in either order.
_NUMERIC = re.compile(r"(?<![\d/.,:])(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\d/%])")
# Figures with a slash that are no date: "1/2 cup", "rated it 8/10", "24/7".
_NOT_A_DATE_AFTER = re.compile(
    r"\s*(?:cups?|tsp|tbsp|teaspoons?|tablespoons?|inch(?:es)?|lbs?|oz|of|a|an|stars?|mg|ml|g"
    r"|kg|miles?|km|hrs?|hours?|pts?|points?|marks?)\b",
    re.I,
)
_NOT_A_DATE_BEFORE = re.compile(
    r"\b(?:rat(?:e|ed|ing)|scor(?:e|ed)|gave|got|marks?|out\s+of)(?:\s+(?:it|her|him|them|me))?\s*$",
    re.I,
)


def numeric_date(text: str, said_at: datetime) -> tuple[datetime, datetime] | None:
    """The first day written in figures ("Econometrics → 06/02", "Starting 7/1"), read
    day-first or month-first, whichever is a real date nearest to when it was said: a
    British or Portuguese "06/02" said on 20 January is 6 February, an American "7/1" said
    in June is 1 July; "22/04" and "10/27" can only be read one way."""
    for m in _NUMERIC.finditer(text):
        first, second = int(m[1]), int(m[2])
        if m[0] == "24/7" or _NOT_A_DATE_AFTER.match(text, m.end()):
            continue
        if _NOT_A_DATE_BEFORE.search(text[max(0, m.start() - 20) : m.start()]):
            continue
        years = [int(m[3]) + (2000 if len(m[3]) == 2 else 0)] if m[3] else [
            said_at.year - 1, said_at.year, said_at.year + 1
        ]  # fmt: skip
        options = [
            found[0]
            for month, day in {(second, first), (first, second)}
            for year in years
            if 1 <= month <= 12 and (found := _day(year, month, day))
        ]
        if options:
            day = min(options, key=lambda d: abs((d - said_at).total_seconds()))
            return day, day + timedelta(days=1)
    return None


def _absolute(text: str, now: datetime) -> tuple[datetime, datetime] | None:
    day_month = re.search(
        rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?: of)? ({_MONTH_RE})\b,?(?: (\d{{4}}))?", text
    )
    month_day = re.search(rf"\b({_MONTH_RE}) (\d{{1,2}})(?:st|nd|rd|th)?\b,?(?: (\d{{4}}))?", text)
    for match, day_group, month_group in ((day_month, 1, 2), (month_day, 2, 1)):
        if match:
            month, day = _month_number(match[month_group]), int(match[day_group])
            year = int(match[3]) if match[3] else _past_year_for(month, day, now)
            found = _day(year, month, day)
            if found:
                return found
    for pattern, (month, day) in _HOLIDAYS.items():
        if holiday := re.search(rf"\b(?:{pattern})\b(?: (\d{{4}}))?", text):
            year = int(holiday[1]) if holiday[1] else _past_year_for(month, day, now)
            return _day(year, month, day)
    month_year = re.search(rf"\b({_MONTH_RE}),? (\d{{4}})\b", text)
    if month_year:
        return _month_range(int(month_year[2]), _month_number(month_year[1]))
    part = re.search(
        rf"\b(early|mid|middle of|late|end of|start of|beginning of) ({_MONTH_RE})\b", text
    )
    if part:
        month = _month_number(part[2])
        year = now.year if month <= now.month else now.year - 1
        start, end = _month_range(year, month)
        # Thirds of the month, overlapping a little: people's "mid" is loose.
        if part[1] in {"early", "start of", "beginning of"}:
            return start, start + timedelta(days=11)
        if part[1] in {"mid", "middle of"}:
            return start + timedelta(days=9), start + timedelta(days=22)
        return start + timedelta(days=19), end
    in_month = re.search(rf"\b(?:in|during|since|of|back in) ({_MONTH_RE})\b", text)
    if in_month:
        month = _month_number(in_month[1])
        year = now.year if month <= now.month else now.year - 1
        return _month_range(year, month)
    in_year = re.search(r"\b(?:in|during|of|since|back in) (19\d\d|20\d\d)\b", text)
    if in_year:
        year = int(in_year[1])
        return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    return None


def find_time_range(question: str, now: datetime) -> TimeRange | None:
    """The time span a question names, resolved against `now`; None when it names none."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)
    text = " ".join(re.sub(r"[^\w\s,]", " ", question.lower()).split())
    found = _absolute(text, now) or numeric_date(question, now) or _relative(text, now)
    if found is None:
        return None
    return TimeRange(found[0], found[1], question)


def resolve_relative_date(text: str, anchor: datetime) -> TimeRange | None:
    """The span a relative phrase in a *statement* means, said at `anchor` ("yesterday" in a
    message of 10 April is 9 April). Absolute dates are left alone (None)."""
    if anchor.tzinfo is None:
        raise ValueError("anchor must be timezone-aware")
    anchor = anchor.astimezone(UTC)
    lowered = " ".join(re.sub(r"[^\w\s,]", " ", text.lower()).split())
    found = _relative(lowered, anchor)
    return TimeRange(found[0], found[1], text) if found else None


def event_time(text: str, said_at: datetime | None) -> datetime | None:
    """When what a message tells happened: "last night" / "yesterday" in a message of 20
    April is 19 April (noon, a day's middle, since the hour is unknown); otherwise when it
    was said. Only day-sized phrases move it: "last week" is too vague to date an event."""
    if said_at is None:
        return None
    lowered = text.lower()
    said_at = said_at.astimezone(UTC)
    if re.search(r"\b(?:this|over the|on the) weekend\b", lowered[:120]) and said_at.weekday() <= 1:
        # "this weekend kai and i did the great ocean road", said on a Monday or Tuesday: the
        # weekend just gone (its Saturday, noon).
        noon = said_at.replace(hour=12, minute=0, second=0, microsecond=0)
        return noon - timedelta(days=said_at.weekday() + 2)
    named = " ".join(re.sub(r"[^\w\s]", " ", lowered).split())
    for pattern, (month, date) in _HOLIDAYS.items():
        # "We had the whole family at the house for the Fourth", said on 5 July: the 4th
        if re.search(rf"\b(?:{pattern})\b", named) or (
            (month, date) == (7, 4) and re.search(r"\bthe Fourth\b", text)
        ):
            holiday = said_at.replace(month=month, day=date, hour=12, minute=0, second=0)
            if timedelta(0) < said_at - holiday <= timedelta(days=3):
                return holiday.replace(microsecond=0)
    entry = re.match(r"\s*(\d{1,2}/\d{1,2})\s*(?:[—–:-]|$)", text)
    dated = numeric_date(entry[1], said_at) if entry else None
    if dated and timedelta(0) <= said_at - dated[0] <= timedelta(days=10):
        # A journal entry headed "13/06 —", written the day after: what it tells is of the 13th
        return dated[0] + timedelta(hours=12)
    past_day = re.search(
        r"\b(?:last|this past)\s+(" + _WEEKDAY_RE + r")\b",
        lowered[:120],
    )
    if past_day:
        # "still recovering from Meera's 40th last Sat", said on a Wednesday: that Saturday
        back = (said_at.weekday() - _WEEKDAYS[past_day[1]]) % 7 or 7
        return said_at.replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=back)
    if not re.search(r"\b(yesterday|last night|day before yesterday)\b", lowered):
        return said_at
    # Only the phrase near the start of the message dates it ("FIRST GIG last night");
    # a yesterday deep in a long message may be about something else.
    if re.search(r"\b(yesterday|last night)\b", lowered[:120]) is None:
        return said_at
    days = 2 if "day before yesterday" in lowered[:140] else 1
    day = said_at.astimezone(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    return day - timedelta(days=days)


def _day_name(moment: datetime) -> str:
    return f"{moment:%-d %B %Y}"


def when_it_happened(sentence: str, said_at: datetime) -> str | None:
    """The date a statement gives for what it tells, in words, resolved against when it was
    said: "Lost my job yesterday" said on 20 January 2023 is "19 January 2023", "hosting a
    competition next month" said in April is "May 2023", "last week" is "the week before 16
    March 2023". None when the sentence names no time."""
    if said_at.tzinfo is None:
        raise ValueError("said_at must be timezone-aware")
    said_at = said_at.astimezone(UTC)
    # "we plan 12-16 Feb": from the first day to the last, not the last alone
    ranged = re.search(r"\b(\d{1,2})\s*[-–]\s*(\d{1,2})\s+([a-z]+)\b", sentence, re.I)
    if ranged and ranged[3].lower() in _MONTHS:
        first = when_it_happened(sentence.replace(ranged[0], f"{ranged[1]} {ranged[3]}"), said_at)
        last = when_it_happened(sentence.replace(ranged[0], f"{ranged[2]} {ranged[3]}"), said_at)
        if first and last and first != last:
            return f"{first} to {last}"
    text = " ".join(re.sub(r"[^\w\s,]", " ", sentence.lower()).split())
    said = _day_name(said_at)
    for pattern, phrase in (
        (r"\b(last|previous|past) weekend\b", "the weekend before {}"),
        (r"\b(last|previous|past) week\b", "the week before {}"),
        (r"\bnext week\b", "the week after {}"),
        (r"\bthis week\b", "the week of {}"),
    ):
        if re.search(pattern, text):
            return phrase.format(said)
    absolute = _absolute(text, said_at) or numeric_date(sentence, said_at)
    # "on the 28th", "on saturday (the 22nd)"
    the_nth = re.search(
        r"\b(?:on|(?:mon|tues|wednes|thurs|fri|satur|sun)day) the (\d{1,2})(?:st|nd|rd|th)\b", text
    )
    if absolute is None and the_nth:
        # "we move in on the 28th": a day of the month it was said in.
        found_day = _day(said_at.year, said_at.month, int(the_nth[1]))
        if found_day:
            return _day_name(found_day[0])
    if absolute is not None and not re.search(r"\b(19|20)\d\d\b", text):
        # A date without its year is the nearest one to when it was said: "my interview is
        # on 21 May", said in April, is next month's.
        shifted = [
            (start.replace(year=start.year + k), end.replace(year=end.year + k))
            for start, end in [absolute]
            for k in (0, 1)
            if not (start.month == 2 and start.day == 29)
        ]
        absolute = min(shifted, key=lambda r: abs((r[0] - said_at).total_seconds()))
    found = absolute or _relative(text, said_at)
    if found is None:
        return None
    start, end = found
    days = (end - start).days
    if days <= 1:
        return _day_name(start)
    if start.day == 1 and 28 <= days <= 31:
        return f"{start:%B %Y}"
    if start.month == 1 and start.day == 1 and days >= 365:
        return f"{start:%Y}"
    if absolute is None:
        # "two weeks ago": a fuzzy span around a day.
        middle = start + (end - start) / 2
        return f"around {_day_name(middle)}"
    return f"{_day_name(start)} to {_day_name(end - timedelta(days=1))}"


def day_it_happened(sentence: str, said_at: datetime) -> datetime | None:
    """The day a statement names for what it tells, when it names one day ("yesterday",
    "last Sunday", "on 3 March"); None otherwise."""
    said_at = said_at.astimezone(UTC)
    text = " ".join(re.sub(r"[^\w\s,]", " ", sentence.lower()).split())
    found = _absolute(text, said_at) or _relative(text, said_at)
    if found is None or (found[1] - found[0]).days > 1:
        return None
    return found[0]
