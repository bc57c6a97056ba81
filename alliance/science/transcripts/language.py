"""Telling French from English, for choosing the coding path when none is given.

Counting frequent function words is enough for a whole session (hundreds of
words) and needs no model; ties go to English, the language of the training data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

Language = Literal["en", "fr"]
LANGUAGES: tuple[Language, ...] = ("en", "fr")

FRENCH_WORDS = frozenset(
    [
        "je",
        "tu",
        "il",
        "elle",
        "nous",
        "vous",
        "ils",
        "elles",
        "le",
        "la",
        "les",
        "un",
        "une",
        "des",
        "du",
        "de",
        "et",
        "est",
        "que",
        "qui",
        "pas",
        "ne",
        "ce",
        "cette",
        "ça",
        "mais",
        "pour",
        "avec",
        "dans",
        "sur",
        "mon",
        "ma",
        "mes",
        "votre",
        "vos",
        "suis",
        "êtes",
        "avez",
        "ai",
        "c",
        "j",
        "oui",
        "non",
        "très",
        "bien",
        "alors",
        "donc",
        "parce",
        "quand",
        "comme",
        "aussi",
        "peut",
        "fait",
        "être",
        "avoir",
    ]
)
ENGLISH_WORDS = frozenset(
    [
        "i",
        "you",
        "he",
        "she",
        "we",
        "they",
        "the",
        "a",
        "an",
        "of",
        "and",
        "is",
        "are",
        "that",
        "which",
        "not",
        "it",
        "this",
        "but",
        "for",
        "with",
        "in",
        "on",
        "my",
        "your",
        "me",
        "am",
        "was",
        "were",
        "have",
        "has",
        "do",
        "did",
        "yes",
        "no",
        "very",
        "well",
        "so",
        "because",
        "when",
        "like",
        "also",
        "can",
        "what",
        "how",
        "about",
        "just",
        "really",
        "don't",
        "i'm",
        "it's",
    ]
)
WORD = re.compile(r"[a-zà-ÿ']+")


def detect_language(texts: Iterable[str]) -> Language:
    """``"fr"`` when French function words outnumber English ones, else ``"en"``."""
    french = english = 0
    for text in texts:
        for word in WORD.findall(text.lower().replace("’", "'")):
            french += word in FRENCH_WORDS
            english += word in ENGLISH_WORDS
            french += word.startswith(("j'", "c'", "l'", "d'", "qu'", "n'", "m'", "s'"))
    return "fr" if french > english else "en"
