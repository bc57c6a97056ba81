"""Coding a transcript in the background worker, with progress the page can show."""

from __future__ import annotations

import logging

from django.tasks import task

from alliance.transcripts import coding
from alliance.transcripts.models import Transcript, TranscriptStatus

logger = logging.getLogger(__name__)


@task()
def code_transcript(transcript_id: int) -> None:
    """Code every utterance, store the codes and the indicators.

    Safe to run twice: a transcript that is not queued (already coded, or
    deleted meanwhile) is left alone.
    """
    claimed = Transcript.objects.filter(pk=transcript_id, status=TranscriptStatus.QUEUED).update(
        status=TranscriptStatus.CODING, progress_done=0
    )
    if not claimed:
        return
    transcript = Transcript.objects.select_related("session__episode__patient__clinic").get(
        pk=transcript_id
    )
    try:
        coding.code_and_store(transcript)
    except Exception:
        logger.exception("Coding transcript %s failed", transcript.uuid)
        coding.mark_failed(transcript)
        raise
