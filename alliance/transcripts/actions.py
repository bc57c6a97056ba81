"""Attaching, coding and deleting transcripts; each step audited.

Coding runs in the background worker (``tasks.code_transcript``): a one-hour
session takes seconds, and the page shows its progress meanwhile.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import User
from alliance.audit.log import record
from alliance.care.models import Session
from alliance.errors import ActionRefused
from alliance.science.errors import InputError
from alliance.science.transcripts import Transcript as ParsedTranscript
from alliance.science.transcripts import parse_transcript
from alliance.science.transcripts.checks import require_two_speakers
from alliance.science.transcripts.language import detect_language
from alliance.science.transcripts.speakers import suggest_therapist_with_reason
from alliance.transcripts.errors import parsing_error_message
from alliance.transcripts.models import Role, Transcript, TranscriptStatus, Utterance

logger = logging.getLogger(__name__)

SESSION_HAS_TRANSCRIPT = _(
    "This session already has a transcript: here it is. To attach another file, delete this "
    "one first."
)

#: Uploads nobody confirmed are deleted after this long (``manage.py transcripts_sweep``).
UNCONFIRMED_KEPT_FOR = timedelta(days=7)


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
    """Parse an uploaded file and store its utterances, awaiting the therapist's confirmation.

    A session has at most one transcript: to attach another file, delete the first.
    """
    # The lock makes the check and the insert one step for two simultaneous uploads.
    Session.objects.select_for_update().only("pk").get(pk=session.pk)
    if Transcript.objects.filter(session=session).exists():
        raise ActionRefused(SESSION_HAS_TRANSCRIPT, code="session_has_transcript")
    try:
        parsed = parse_transcript(content, filename)
        require_two_speakers(parsed)
    except InputError as error:
        raise ActionRefused(parsing_error_message(error), code=error.code) from error
    suggestion = suggest_therapist_with_reason(parsed)
    transcript = Transcript.objects.create(
        session=session,
        original_filename=filename[:255],
        source_format=parsed.source_format,
        language=detect_language(u.text for u in parsed.utterances),
        therapist_speaker=suggestion.speaker if suggestion else "",
        suggestion_reason=suggestion.reason if suggestion else "",
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


def _refuse_unless_managed_by(transcript: Transcript, by: User) -> None:
    if not transcript.is_managed_by(by):
        raise ActionRefused(
            _("Only the therapist who attached this transcript may change or delete it."),
            code="not_uploader",
        )


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
    _refuse_unless_managed_by(transcript, by)
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
    _refuse_unless_managed_by(transcript, by)
    _audit("transcripts.deleted", transcript, by)
    _erase_for_good()
    transcript.delete()


@transaction.atomic
def delete_text(*, transcript: Transcript, by: User | None) -> None:
    """Keep the codes and indicators, erase the words and whatever could identify anyone.

    The text of every turn, the speakers' names (the role stays), the file name and the
    therapist's speaker name are blanked. ``by`` is ``None`` when coding does it, as chosen
    at upload.
    """
    if by is not None:
        _refuse_unless_managed_by(transcript, by)
    _erase_for_good()
    transcript.utterances.update(text="", speaker="")
    transcript.original_filename = ""
    transcript.therapist_speaker = ""
    transcript.text_deleted_at = timezone.now()
    transcript.save(update_fields=["original_filename", "therapist_speaker", "text_deleted_at"])
    record(
        "transcripts.text_deleted",
        by=by,
        target=transcript,
        clinic_id=transcript.session.episode.patient.clinic.uuid,
        data={"patient": str(transcript.session.episode.patient.uuid)},
    )


@transaction.atomic
def delete_unconfirmed(*, now: datetime | None = None) -> int:
    """Delete the uploads nobody confirmed within :data:`UNCONFIRMED_KEPT_FOR`; how many.

    Their text would otherwise stay in the database, shown nowhere but to their uploader.
    """
    cutoff = (now or timezone.now()) - UNCONFIRMED_KEPT_FOR
    stale = list(
        Transcript.objects.filter(
            status=TranscriptStatus.AWAITING_SPEAKER, uploaded_at__lt=cutoff
        ).select_related("session__episode__patient__clinic")
    )
    if stale:
        _erase_for_good()
    for transcript in stale:
        patient = transcript.session.episode.patient
        record(
            "transcripts.expired",
            by=None,
            target=transcript,
            clinic_id=patient.clinic.uuid,
            data={"patient": str(patient.uuid), "uploaded_at": transcript.uploaded_at.isoformat()},
        )
        transcript.delete()
    return len(stale)


def _erase_for_good() -> None:
    """Make the coming deletion stick on SQLite: no trace in free pages, nor in the WAL.

    Every SQLite connection has ``secure_delete`` on (settings), which overwrites the deleted
    content in the database file; once the transaction commits, a checkpoint copies the WAL
    into the database and truncates it, so that the old pages (which still hold the words) do
    not linger there. PostgreSQL needs neither: its storage is the administrator's to encrypt
    and vacuum.
    """
    if connection.vendor == "sqlite":
        transaction.on_commit(checkpoint_wal)


def checkpoint_wal() -> None:
    """Copy SQLite's WAL into the database and empty it; best effort, after a commit.

    Inside a transaction (only tests run on-commit callbacks there) SQLite cannot checkpoint;
    a reader holding old pages makes it partial: the next checkpoint finishes the job.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except OperationalError:
        logger.warning("The SQLite WAL could not be checkpointed after deleting transcript text")
