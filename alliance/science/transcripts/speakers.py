"""Who is the therapist: a suggestion for the therapist to confirm, and turns with roles."""

from __future__ import annotations

import re
from collections.abc import Sequence

from alliance.science.errors import InputError
from alliance.science.transcripts.features import Turn
from alliance.science.transcripts.parsing import Transcript

THERAPIST_WORDS = re.compile(
    r"\b(therapist|counsel+or|clinician|interviewer|psycholog\w*|psychiatr\w*|psy|th[ée]rapeute|"
    r"praticien\w*|dr|doctor|docteur|coach|intervenant\w*)\b",
    re.IGNORECASE,
)
CLIENT_WORDS = re.compile(r"\b(client|patient\w*|consultant|interviewee)\b", re.IGNORECASE)


def suggest_therapist(transcript: Transcript) -> str | None:
    """The speaker most likely to be the therapist, for the therapist to confirm.

    A role word in the name decides ("Therapist", "Dr", "Thérapeute",
    "Patient"); otherwise the therapist is taken to be who asks the most
    questions, with a small bonus for speaking first (therapists open sessions).
    """
    speakers = transcript.speakers
    if not speakers:
        return None
    scores = {speaker: speaker_score(transcript, speaker) for speaker in speakers}
    return max(speakers, key=lambda speaker: scores[speaker])


def speaker_score(transcript: Transcript, speaker: str) -> float:
    turns = [u for u in transcript.utterances if u.speaker == speaker]
    questions = sum(u.text.count("?") for u in turns)
    question_rate = questions / max(1, len(turns))
    first_bonus = 0.2 if transcript.utterances[0].speaker == speaker else 0.0
    role_bonus = 5.0 if THERAPIST_WORDS.search(speaker) else 0.0
    role_malus = -5.0 if CLIENT_WORDS.search(speaker) and not role_bonus else 0.0
    return question_rate + first_bonus + role_bonus + role_malus


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
