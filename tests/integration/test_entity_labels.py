"""Field labels on captured screens and in notes are not people: spaCy's small pipeline reads
"Password:" and "Agenda:" as names; the recogniser drops one-word labels."""

from __future__ import annotations

from app.nlp.spacy_entities import SpacyEntities


def test_field_labels_are_not_entities_but_the_names_after_them_are() -> None:
    found = SpacyEntities().find([
        "Username: sam.k Password: ******** Sign in",
        "Agenda: budget review with Priya Raman in Leeds",
    ])  # fmt: skip
    names = [{m.name for m in mentions} for mentions in found]
    assert "Password" not in names[0]
    assert "Agenda" not in names[1] and "Leeds" in names[1]
