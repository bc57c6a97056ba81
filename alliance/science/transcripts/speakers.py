"""Who is the therapist: a suggestion for the therapist to confirm, and turns with roles."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from alliance.science.errors import InputError
from alliance.science.transcripts.features import Turn
from alliance.science.transcripts.parsing import Transcript

THERAPIST_WORDS = re.compile(
    r"\b(therapist|counsel+or|clinician|interviewer|psycholog\w*|psychiatr\w*|psy|th[ée]rapeute|"
    r"praticien\w*|dr|doctor|docteur|coach|intervenant\w*)\b",
    re.IGNORECASE,
)
CLIENT_WORDS = re.compile(r"\b(client|patient\w*|consultant|interviewee)\b", re.IGNORECASE)


#: Why a speaker was suggested, as stable codes that interfaces translate.
REASON_ROLE_WORD = "role_word"  # a role word in a name ("Dr", "Therapist", "Patient") decided
REASON_QUESTIONS = "questions"  # the speaker who asks the most questions
REASON_FIRST_SPEAKER = "first_speaker"  # nobody stands out by questions: who spoke first


@dataclass(frozen=True)
class Suggestion:
    """The suggested therapist and why (one of the ``REASON_…`` codes)."""

    speaker: str
    reason: str


def suggest_therapist(transcript: Transcript) -> str | None:
    """The speaker most likely to be the therapist, for the therapist to confirm.

    A role word in the name decides ("Therapist", "Dr", "Thérapeute",
    "Patient"); otherwise the therapist is taken to be who asks the most
    questions, with a small bonus for speaking first (therapists open sessions).
    """
    suggestion = suggest_therapist_with_reason(transcript)
    return suggestion.speaker if suggestion is not None else None


def suggest_therapist_with_reason(transcript: Transcript) -> Suggestion | None:
    """:func:`suggest_therapist`, with what decided, so that the person confirming knows."""
    speakers = transcript.speakers
    if not speakers:
        return None
    scores = {speaker: speaker_score(transcript, speaker) for speaker in speakers}
    chosen = max(speakers, key=lambda speaker: scores[speaker])
    plain = {speaker: question_rate(transcript, speaker) for speaker in speakers}
    by_questions_and_order = max(
        speakers, key=lambda speaker: plain[speaker] + first_bonus(transcript, speaker)
    )
    if role_term(chosen) > 0 or chosen != by_questions_and_order:
        return Suggestion(chosen, REASON_ROLE_WORD)
    if all(plain[chosen] > plain[other] for other in speakers if other != chosen):
        return Suggestion(chosen, REASON_QUESTIONS)
    return Suggestion(chosen, REASON_FIRST_SPEAKER)


def question_rate(transcript: Transcript, speaker: str) -> float:
    turns = [u for u in transcript.utterances if u.speaker == speaker]
    return sum(u.text.count("?") for u in turns) / max(1, len(turns))


def first_bonus(transcript: Transcript, speaker: str) -> float:
    return 0.2 if transcript.utterances[0].speaker == speaker else 0.0


def role_term(speaker: str) -> float:
    """+5 for a therapist word in the name, −5 for a patient word (unless both)."""
    if THERAPIST_WORDS.search(speaker):
        return 5.0
    return -5.0 if CLIENT_WORDS.search(speaker) else 0.0


def speaker_score(transcript: Transcript, speaker: str) -> float:
    return (
        question_rate(transcript, speaker) + first_bonus(transcript, speaker) + role_term(speaker)
    )


def turns_from_transcript(transcript: Transcript, therapist: str | Sequence[str]) -> list[Turn]:
    """The turns to code: ``therapist`` (one name or several) against everyone else."""
    therapists = {therapist} if isinstance(therapist, str) else set(therapist)
    unknown = therapists - set(transcript.speakers)
    if unknown:
        raise InputError(
            f"'{sorted(unknown)[0]}' is not a speaker of this transcript "
            f"(speakers: {', '.join(transcript.speakers)}).",
            code="transcript_unknown_speaker",
            params={"speaker": sorted(unknown)[0], "speakers": list(transcript.speakers)},
        )
    return [
        Turn("therapist" if u.speaker in therapists else "client", u.text, u.conversation)
        for u in transcript.utterances
    ]


ROLE_NAMES = {
    "therapist": "therapist",
    "client": "client",
    "counsellor": "therapist",
    "counselor": "therapist",
    "patient": "client",
    "thérapeute": "therapist",
}


def roles_if_labelled(transcript: Transcript) -> bool:
    """True when every speaker is already a role (``therapist``/``client``), as in a coding CSV."""
    return bool(transcript.speakers) and all(
        s.strip().lower() in ROLE_NAMES for s in transcript.speakers
    )


def turns_from_roles(transcript: Transcript) -> list[Turn]:
    return [
        Turn(ROLE_NAMES[u.speaker.strip().lower()], u.text, u.conversation)
        for u in transcript.utterances
    ]
