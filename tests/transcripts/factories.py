"""Transcripts written directly (no parsing, no model, no audit), in any state."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from alliance.accounts.models import User
from alliance.care.models import Session
from alliance.science.transcripts.indicators import session_indicators
from alliance.science.transcripts.model import CLIENT_TALK, MITI_CODES, CodedUtterance
from alliance.transcripts.models import Role, Transcript, TranscriptStatus, Utterance

TURNS = [
    ("Dr Martin", Role.THERAPIST, "How have things been?", "question_open"),
    ("Sam", Role.CLIENT, "Honestly not great, I keep putting off calling my sister.", "neutral"),
    ("Dr Martin", Role.THERAPIST, "Did you call her?", "question_closed"),
    ("Sam", Role.CLIENT, "No. Every time I pick up the phone I imagine her angry.", "sustain"),
    ("Dr Martin", Role.THERAPIST, "You feel stuck with her.", "reflection_simple"),
    ("Sam", Role.CLIENT, "Yes. I do want to fix things with her.", "change"),
    (
        "Dr Martin",
        Role.THERAPIST,
        "She matters to you, and that is why it hurts.",
        "reflection_complex",
    ),
    ("Sam", Role.CLIENT, "She does.", "neutral"),
]


def _spread(code: str, labels: tuple[str, ...] | list[str]) -> dict[str, float]:
    """Fairly sure of ``code`` (0.8), as the model usually is: the indicators get ranges."""
    rest = 0.2 / (len(labels) - 1)
    return {label: 0.8 if label == code else rest for label in labels}


def coded_indicators() -> dict[str, Any]:
    coded = [
        CodedUtterance(
            role,
            text,
            miti=code,
            miti_probabilities=_spread(code, MITI_CODES),
        )
        if role == Role.THERAPIST
        else CodedUtterance(
            role,
            text,
            client_talk=code,
            client_talk_probabilities=_spread(code, CLIENT_TALK),
        )
        for _speaker, role, text, code in TURNS
    ]
    return session_indicators(coded).as_dict()


def make_transcript(
    *, session: Session, by: User, status: str = TranscriptStatus.DONE, **fields: Any
) -> Transcript:
    done = status == TranscriptStatus.DONE
    fields.setdefault("original_filename", "sam-session.vtt")
    fields.setdefault("source_format", "vtt")
    fields.setdefault("language", "en")
    fields.setdefault("therapist_speaker", "Dr Martin")
    fields.setdefault("indicators", coded_indicators() if done else {})
    transcript = Transcript.objects.create(
        session=session,
        status=status,
        uploaded_by=by,
        coded_at=timezone.now() if done else None,
        progress_total=len(TURNS),
        progress_done=len(TURNS) if done else 0,
        **fields,
    )
    Utterance.objects.bulk_create(
        Utterance(
            transcript=transcript,
            position=position,
            speaker=speaker,
            role=role if status != TranscriptStatus.AWAITING_SPEAKER else "",
            text=text,
            word_count=len(text.split()),
            behaviour=("question" if code.startswith("question") else "reflection")
            if done and role == Role.THERAPIST
            else "",
            miti=code if done and role == Role.THERAPIST else "",
            client_talk=code if done and role == Role.CLIENT else "",
        )
        for position, (speaker, role, text, code) in enumerate(TURNS)
    )
    return transcript
