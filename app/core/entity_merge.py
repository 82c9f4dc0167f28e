"""Which written names are one entity: deterministic alias merging, then the user's choices.

Names are merged without a model, in the order Graphiti's dedup uses: the exact normalised
name first ("Dr Okafor" and "dr okafor."), then careful fuzzy matching of long names only
(character 3-gram Jaccard >= 0.8 for names of 6+ characters and 2+ words, so "Ana" and "Ann"
never merge). A first name alone joins a full name only when that full name is the one
person of that first name and both were written in the same conversation ("Jonas" and
"Jonas Berg"). The user's renames, merges and splits are replayed afterwards, in the order
they were made, so they survive every rebuild. Pure functions: no I/O.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

USER = "user"  # the kind of the one entity that is the user
ME_NAME = "me"
# When the recogniser and the fact layer disagree, the kind read from the user's own
# relation words wins ("my cat Pixel" is a pet, whatever spaCy guessed).
KIND_ORDER = ("user", "pet", "person", "place", "organisation", "app", "product", "project",
              "event", "work", "group")  # fmt: skip
_TITLES = re.compile(r"^(?:dr|mr|mrs|ms|miss|prof|professor|the|uncle|aunt|auntie)\.?\s+")
FUZZY = 0.8  # 3-gram Jaccard; one changed letter costs three grams, so 0.9 needs 57+ letters


def normalise(name: str) -> str:
    """The form names are compared in: case, titles, possessives and punctuation removed."""
    text = " ".join(name.casefold().replace("’", "'").split())
    text = re.sub(r"'s$", "", text)
    text = _TITLES.sub("", text)
    text = re.sub(r"[^\w\s-]", "", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Surface:
    """A name as it was written somewhere (one row of the entity table)."""

    id: int
    name: str
    kind: str
    mentions: int = 0
    trusted: bool = False  # from the fact layer or the user, not the recogniser's guess
    sessions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Choice:
    """A user's decision about entities, by the names they saw."""

    action: str  # rename, merge, split
    name: str  # the entity chosen about (any of its names, or its label)
    target: str | None  # rename: the new name; merge: the entity it joins; split: the name


@dataclass
class Group:
    """One entity: the names it was written as, the canonical row, the label shown."""

    canonical: int
    members: set[int]
    kind: str
    label: str
    renamed: bool = False
    names: set[str] = field(default_factory=set)  # normalised


def _entropy(text: str) -> float:
    counts = Counter(text.replace(" ", ""))
    total = sum(counts.values())
    return -sum(c / total * math.log2(c / total) for c in counts.values()) if total else 0.0


def _shingles(text: str) -> set[str]:
    padded = f" {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _long_enough(norm: str) -> bool:
    return len(norm) >= 6 and len(norm.split()) >= 2 and _entropy(norm) >= 1.5


class _Union:
    def __init__(self, ids: Iterable[int]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _best(surfaces: Sequence[Surface]) -> Surface:
    return min(surfaces, key=lambda s: (s.kind != USER, not s.trusted, -s.mentions,
                                        -len(s.name), s.id))  # fmt: skip


def group_kind(surfaces: Sequence[Surface]) -> str:
    if any(s.kind == USER for s in surfaces):
        return USER
    counts = Counter([s.kind for s in surfaces if s.trusted] or [s.kind for s in surfaces])
    rank = {k: i for i, k in enumerate(KIND_ORDER)}
    return min(counts, key=lambda k: (-counts[k], rank.get(k, len(rank)), k))


def automatic_groups(surfaces: Sequence[Surface], user_names: Iterable[str] = ()) -> _Union:
    union = _Union(s.id for s in surfaces)
    norms = {s.id: normalise(s.name) for s in surfaces}
    mine = {normalise(n) for n in user_names} | {ME_NAME}
    by_norm: dict[str, list[Surface]] = {}
    for surface in surfaces:
        if norms[surface.id]:
            by_norm.setdefault(norms[surface.id], []).append(surface)
    # 1. the same name, however written; the user's own names are the user
    users = [s for s in surfaces if s.kind == USER or norms[s.id] in mine]
    for same in [*by_norm.values(), users]:
        for other in same[1:]:
            union.join(same[0].id, other.id)
    # 2. long names nearly the same ("Priya Raman" / "Priya Ramanathan" do not; typos do)
    long_names = sorted(n for n in by_norm if _long_enough(n))
    blocks: dict[str, list[str]] = {}
    for norm in long_names:
        blocks.setdefault(norm[:3], []).append(norm)
    for block in blocks.values():
        grams = {n: _shingles(n) for n in block}
        for i, a in enumerate(block):
            for b in block[i + 1 :]:
                if len(grams[a] & grams[b]) / len(grams[a] | grams[b]) >= FUZZY:
                    union.join(by_norm[a][0].id, by_norm[b][0].id)
    # 3. a first name alone, and the one full name it starts, said in the same conversation
    people = [s for s in surfaces if s.kind == "person"]
    full: dict[str, list[Surface]] = {}
    for surface in people:
        words = norms[surface.id].split()
        if len(words) >= 2:
            full.setdefault(words[0], []).append(surface)
    for surface in people:
        norm = norms[surface.id]
        candidates = {normalise(c.name) for c in full.get(norm, [])}
        if " " in norm or len(norm) < 3 or len(candidates) != 1:
            continue  # none, or two different people share the first name
        for candidate in full[norm]:
            if surface.sessions & candidate.sessions:
                union.join(surface.id, candidate.id)
    return union


def resolve(
    surfaces: Sequence[Surface], choices: Sequence[Choice], user_names: Iterable[str] = ()
) -> list[Group]:
    """The entities: automatic merging, then each user choice replayed in order. A choice
    whose names no longer exist is skipped (the data it was about was deleted)."""
    if not surfaces:
        return []
    by_id = {s.id: s for s in surfaces}
    union = automatic_groups(surfaces, user_names)
    members: dict[int, set[int]] = {}
    for surface in surfaces:
        members.setdefault(union.find(surface.id), set()).add(surface.id)
    groups = [_group(by_id, ids) for ids in members.values()]
    for choice in choices:
        groups = _apply(groups, choice, by_id)
    return sorted(groups, key=lambda g: g.canonical)


def _group(by_id: dict[int, Surface], ids: set[int], label: str | None = None) -> Group:
    surfaces = [by_id[i] for i in ids]
    best = _best(surfaces)
    return Group(
        canonical=best.id,
        members=set(ids),
        kind=group_kind(surfaces),
        label=label or best.name,
        renamed=label is not None,
        names={normalise(s.name) for s in surfaces},
    )


def find_group(groups: Sequence[Group], name: str) -> Group | None:
    """The entity a user means by a name: its label first, then any name it was written as,
    then its id ("#12" or "12")."""
    norm = normalise(name)
    for group in groups:
        if normalise(group.label) == norm:
            return group
    for group in groups:
        if norm in group.names:
            return group
    digits = name.strip().lstrip("#")
    if digits.isdigit():
        for group in groups:
            if int(digits) in group.members:
                return group
    return None


def _apply(groups: list[Group], choice: Choice, by_id: dict[int, Surface]) -> list[Group]:
    group = find_group(groups, choice.name)
    if group is None or choice.target is None:
        return groups
    if choice.action == "rename":
        group.label, group.renamed = choice.target, True
        return groups
    if choice.action == "merge":
        into = find_group(groups, choice.target)
        if into is None or into is group:
            return groups
        rest = [g for g in groups if g is not group and g is not into]
        merged = _group(by_id, into.members | group.members, into.label)
        # The entity merged into keeps its identity and name.
        merged.canonical, merged.renamed = into.canonical, into.renamed
        return [*rest, merged]
    if choice.action == "split":
        norm = normalise(choice.target)
        leaving = {i for i in group.members if normalise(by_id[i].name) == norm}
        if not leaving or leaving == group.members:
            return groups
        rest = [g for g in groups if g is not group]
        label = group.label if group.renamed else None
        return [*rest, _group(by_id, group.members - leaving, label), _group(by_id, leaving)]
    return groups
