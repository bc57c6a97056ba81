"""Attaching, coding and deleting transcripts; each step audited.

Coding runs in the background worker (``tasks.code_transcript``): a one-hour
session takes seconds, and the page shows its progress meanwhile.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import User
from alliance.audit.log import record
from alliance.care.models import Session
from alliance.errors import ActionRefused
from alliance.science.errors import InputError
from alliance.science.transcripts import Transcript as ParsedTranscript
from alliance.science.transcripts import parse_transcript, suggest_therapist
from alliance.science.transcripts.language import detect_language
from alliance.transcripts.errors import parsing_error_message
from alliance.transcripts.models import Role, Transcript, TranscriptStatus, Utterance


def _audit(action: str, transcript: Transcript, by: User, **data: object) -> None:
    record(
        action,
        by=by,
        target=transcript,
        clinic_id=by.clinic.uuid,
        data={"patient": str(transcript.session.episode.patient.uuid), **data},
    )


@transaction.atomic
def attach_transcript(
    *, session: Session, filename: str, content: bytes, keep_text: bool, by: User
) -> Transcript:
    """Parse an uploaded file and store its utterances, awaiting the therapist's confirmation."""
    try:
        parsed = parse_transcript(content, filename)
    except InputError as error:
        raise ActionRefused(parsing_error_message(error), code=error.code) from error
    transcript = Transcript.objects.create(
        session=session,
        original_filename=filename[:255],
        source_format=parsed.source_format,
        language=detect_language(u.text for u in parsed.utterances),
        therapist_speaker=suggest_therapist(parsed) or "",
        keep_text=keep_text,
        progress_total=len(parsed.utterances),
        uploaded_by=by,
    )
    Utterance.objects.bulk_create(_utterances_of(transcript, parsed))
    _audit(
        "transcripts.attached",
        transcript,
        by,
        format=parsed.source_format,
        utterances=len(parsed.utterances),
    )
    return transcript


def _utterances_of(transcript: Transcript, parsed: ParsedTranscript) -> list[Utterance]:
    return [
        Utterance(
            transcript=transcript,
            position=position,
            speaker=utterance.speaker[:120],
            text=utterance.text,
            word_count=len(utterance.text.split()),
            start_seconds=utterance.start,
            end_seconds=utterance.end,
        )
        for position, utterance in enumerate(parsed.utterances)
    ]


def speakers_of(transcript: Transcript) -> list[str]:
    return list(
        dict.fromkeys(transcript.utterances.order_by("position").values_list("speaker", flat=True))
    )


@transaction.atomic
def confirm_and_queue(
    *, transcript: Transcript, therapist_speaker: str, language: str, by: User
) -> None:
    """Record who the therapist is, then queue the coding."""
    transcript = Transcript.objects.select_for_update().get(pk=transcript.pk)
    if transcript.status != TranscriptStatus.AWAITING_SPEAKER:
        raise ActionRefused(
            _("This transcript is already being coded or was coded."), code="not_awaiting"
        )
    if therapist_speaker not in speakers_of(transcript):
        raise ActionRefused(_("Choose one of the speakers of the transcript."), code="speaker")
    transcript.utterances.update(role=Role.CLIENT)
    transcript.utterances.filter(speaker=therapist_speaker).update(role=Role.THERAPIST)
    transcript.therapist_speaker = therapist_speaker
    transcript.language = language
    transcript.status = TranscriptStatus.QUEUED
    transcript.save(update_fields=["therapist_speaker", "language", "status"])
    _audit("transcripts.queued", transcript, by, language=language)
    from alliance.transcripts.tasks import code_transcript

    transaction.on_commit(lambda: code_transcript.enqueue(transcript.pk))


@transaction.atomic
def delete_transcript(*, transcript: Transcript, by: User) -> None:
    _audit("transcripts.deleted", transcript, by)
    transcript.delete()


@transaction.atomic
def delete_text(*, transcript: Transcript, by: User | None) -> None:
    """Keep the codes and indicators, erase the words."""
    transcript.utterances.update(text="")
    transcript.text_deleted_at = timezone.now()
    transcript.save(update_fields=["text_deleted_at"])
    record(
        "transcripts.text_deleted",
        by=by,
        target=transcript,
        clinic_id=transcript.session.episode.patient.clinic.uuid,
        data={"patient": str(transcript.session.episode.patient.uuid)},
    )
