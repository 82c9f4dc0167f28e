"""Turn a question into the words worth matching by keyword (an FTS5 query)."""

from __future__ import annotations

import re

# Function words that match nearly every message and only add noise to BM25.
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your
    yours yourself yourselves s t don didn doesn isn wasn weren ve ll re d m o y ever also
    much many""".split()  # noqa: SIM905
)

# Words that say *when*, not *what*: the time filter handles them, word overlap should not.
TIME_WORDS = frozenset(
    """today yesterday tomorrow tonight morning afternoon evening night week weeks weekend
    weekends weekday weekdays weeknight weeknights mornings afternoons evenings nights
    month months year years day days ago last next recently lately earlier later past previous
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december""".split()  # noqa: SIM905
)

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def keywords(text: str) -> list[str]:
    """Lower-cased content words of `text`, in order, without repeats."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if word not in STOPWORDS and word not in seen:
            seen[word] = None
    return list(seen)


def fts5_query(text: str, column: str | None = None) -> str | None:
    """An FTS5 MATCH expression that ORs the content words; None when there are none."""
    words = keywords(text)
    if not words:
        return None
    ored = " OR ".join(f'"{word}"' for word in words)
    return f"{column} : ({ored})" if column else ored
