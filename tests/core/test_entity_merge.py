"""Which names are one entity: automatic merging, and the user's choices replayed."""

from __future__ import annotations

from app.core.entities import Mention, relation_mentions, with_patterns
from app.core.entity_merge import Choice, Surface, find_group, normalise, resolve


def s(id_: int, name: str, kind: str = "person", mentions: int = 1, trusted: bool = False,
      sessions: tuple[str, ...] = ("a",)) -> Surface:  # fmt: skip
    return Surface(id_, name, kind, mentions, trusted, frozenset(sessions))


def labels(groups: list) -> list[set[str]]:  # type: ignore[type-arg]
    return sorted((g.names for g in groups), key=lambda n: sorted(n))


def test_normalised_names_merge_and_titles_and_possessives_do_not_matter() -> None:
    assert normalise("Dr Okafor.") == normalise("dr okafor") == "okafor"
    assert normalise("Ana’s") == "ana"
    groups = resolve([s(1, "Dr Okafor"), s(2, "Okafor"), s(3, "Ana")], [])
    assert len(groups) == 2
    assert find_group(groups, "okafor") is find_group(groups, "Dr Okafor")


def test_the_user_is_one_entity_with_the_names_they_sign_with() -> None:
    groups = resolve([s(1, "me", "user", trusted=True), s(2, "Sam"), s(3, "Ana")], [], ["Sam"])
    user = find_group(groups, "me")
    assert user is not None and user.kind == "user" and user.members == {1, 2}


def test_a_first_name_joins_the_one_full_name_said_in_the_same_conversation() -> None:
    together = resolve([s(1, "Jonas", sessions=("x",)), s(2, "Jonas Berg", sessions=("x",))], [])
    assert len(together) == 1 and together[0].label == "Jonas Berg"
    apart = resolve([s(1, "Jonas", sessions=("x",)), s(2, "Jonas Berg", sessions=("y",))], [])
    assert len(apart) == 2
    # Two Jonases: which one is meant is not known, so neither is merged.
    two = resolve([s(1, "Jonas"), s(2, "Jonas Berg"), s(3, "Jonas Meyer")], [])
    assert len(two) == 3


def test_fuzzy_matching_is_for_long_names_only() -> None:
    long_names = resolve([s(1, "Priya Ramanathan"), s(2, "Priya Ramanathann")], [])
    assert len(long_names) == 1
    assert len(resolve([s(1, "Ana"), s(2, "Ann")], [])) == 2
    assert len(resolve([s(1, "Priya Raman"), s(2, "Priya Ramanathan")], [])) == 2


def test_the_kind_the_fact_layer_read_wins_over_the_recognisers_guess() -> None:
    groups = resolve([s(1, "Pixel", "organisation", 3), s(2, "Pixel", "pet", 1, True)], [])
    assert len(groups) == 1 and groups[0].kind == "pet"


def test_choices_replay_in_order_and_survive_new_names() -> None:
    surfaces = [s(1, "Ana"), s(2, "Bristol", "place"), s(3, "Headingley", "place"),
                s(4, "Leeds", "place", 2)]  # fmt: skip
    choices = [Choice("rename", "Ana", "Ana Costa"), Choice("merge", "Headingley", "Leeds")]
    groups = resolve(surfaces, choices)
    ana = find_group(groups, "Ana Costa")
    assert ana is not None and ana.label == "Ana Costa" and ana.members == {1}
    leeds = find_group(groups, "Leeds")
    assert leeds is not None and leeds.members == {3, 4} and leeds.label == "Leeds"
    assert leeds.canonical == 4
    # A later "Ana" (a new message) is the same renamed entity.
    again = resolve([*surfaces, s(5, "ana")], choices)
    assert find_group(again, "Ana Costa").members == {1, 5}  # type: ignore[union-attr]


def test_a_split_name_stays_apart_after_every_rebuild() -> None:
    surfaces = [s(1, "me", "user", trusted=True), s(2, "Sam")]
    groups = resolve(surfaces, [Choice("split", "me", "Sam")], ["Sam"])
    assert len(groups) == 2
    sam = find_group(groups, "Sam")
    assert sam is not None and sam.members == {2}


def test_choices_about_names_that_are_gone_are_skipped() -> None:
    groups = resolve([s(1, "Ana")], [Choice("merge", "Ghost", "Ana"), Choice("rename", "X", "Y")])
    assert [g.label for g in groups] == ["Ana"]


def test_relation_patterns_name_people_and_pets_whatever_the_recogniser_says() -> None:
    text = "My brother Tom and my cat Pixel came. Our dog, Biscuit, too. My sister I think not."
    found = relation_mentions(text)
    assert [(m.name, m.kind) for m in found] == [
        ("Tom", "person"), ("Pixel", "pet"), ("Biscuit", "pet")]  # fmt: skip
    spacy_guess = [Mention("Pixel", "organisation", 26, 31), Mention("Tom", "person", 11, 14)]
    merged = with_patterns(text, spacy_guess)
    assert ("Pixel", "pet") in [(m.name, m.kind) for m in merged]
    assert ("Pixel", "organisation") not in [(m.name, m.kind) for m in merged]
