"""The suggested therapist, and what decided it (shown to the person who confirms)."""

from __future__ import annotations

import pytest

from alliance.science.transcripts.parsing import parse_transcript
from alliance.science.transcripts.speakers import (
    REASON_FIRST_SPEAKER,
    REASON_QUESTIONS,
    REASON_ROLE_WORD,
    suggest_therapist,
    suggest_therapist_with_reason,
)


@pytest.mark.parametrize(
    ("text", "speaker", "reason"),
    [
        # A title decides, even against the questions.
        ("Dr. Roy: I see.\nAnna: Why? How? What?\nDr. Roy: Go on.\n", "Dr. Roy", REASON_ROLE_WORD),
        # A patient word in the other name decides too.
        ("Patient: Why? How?\nAnna: Hmm.\nPatient: What?\n", "Anna", REASON_ROLE_WORD),
        ("Anna: Hello. How are you?\nBen: Fine.\nAnna: Why?\n", "Anna", REASON_QUESTIONS),
        # Ben asks more, though Anna speaks first.
        ("Anna: Hello.\nBen: How? Why?\nAnna: Well.\n", "Ben", REASON_QUESTIONS),
        # Nobody asks more: who spoke first.
        ("Anna: Hello.\nBen: Hello.\nAnna: Nice.\n", "Anna", REASON_FIRST_SPEAKER),
        ("Anna: Why?\nBen: Why?\n", "Anna", REASON_FIRST_SPEAKER),
    ],
)
def test_the_suggestion_says_what_decided(text: str, speaker: str, reason: str) -> None:
    transcript = parse_transcript(text.encode(), "x.txt")
    suggestion = suggest_therapist_with_reason(transcript)
    assert suggestion is not None
    assert (suggestion.speaker, suggestion.reason) == (speaker, reason)
    assert suggest_therapist(transcript) == speaker  # the same choice as before
