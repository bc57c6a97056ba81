"""Runs the transcript model over a stored transcript and saves what it found."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from alliance.audit.log import record
from alliance.science.transcripts.checks import lacks_punctuation
from alliance.science.transcripts.features import Turn
from alliance.science.transcripts.indicators import session_indicators
from alliance.science.transcripts.language import Language
from alliance.science.transcripts.model import CodedUtterance, code_utterances
from alliance.transcripts import actions
from alliance.transcripts.models import Transcript, TranscriptStatus, Utterance

# Saving progress on every batch would be a write per 128 turns: cheap, and
# what lets the page show a moving bar.
CODE_FIELDS = ["behaviour", "miti", "client_talk", "probabilities"]


def code_and_store(transcript: Transcript) -> None:
    utterances = list(transcript.utterances.order_by("position"))
    turns = [Turn(role=utterance.role, text=utterance.text) for utterance in utterances]
    language: Language = "fr" if transcript.language == "fr" else "en"
    coded = code_utterances(turns, language=language, progress=_progress_saver(transcript))
    _store(transcript, utterances, coded)


def _progress_saver(transcript: Transcript) -> Any:
    def save(done: int, total: int) -> None:
        Transcript.objects.filter(pk=transcript.pk).update(
            progress_done=min(done, transcript.progress_total)
        )

    return save


@transaction.atomic
def _store(
    transcript: Transcript, utterances: list[Utterance], coded: list[CodedUtterance]
) -> None:
    for utterance, result in zip(utterances, coded, strict=True):
        utterance.behaviour = result.behaviour or ""
        utterance.miti = result.miti or ""
        utterance.client_talk = result.client_talk or ""
        utterance.probabilities = _probabilities(result)
    Utterance.objects.bulk_update(utterances, CODE_FIELDS, batch_size=500)
    transcript.indicators = indicators_of(utterances, coded)
    # Kept as a flag: the warning must outlive the words when only the indicators are kept.
    transcript.lacks_punctuation = lacks_punctuation([utterance.text for utterance in utterances])
    transcript.status = TranscriptStatus.DONE
    transcript.coded_at = timezone.now()
    transcript.progress_done = transcript.progress_total
    transcript.save(
        update_fields=["indicators", "lacks_punctuation", "status", "coded_at", "progress_done"]
    )
    record(
        "transcripts.coded",
        by=None,
        target=transcript,
        clinic_id=transcript.session.episode.patient.clinic.uuid,
        data={"patient": str(transcript.session.episode.patient.uuid), "utterances": len(coded)},
    )
    if not transcript.keep_text:
        actions.delete_text(transcript=transcript, by=None)


def _probabilities(result: CodedUtterance) -> dict[str, dict[str, float]]:
    families = {
        "behaviour": result.behaviour_probabilities,
        "miti": result.miti_probabilities,
        "client_talk": result.client_talk_probabilities,
    }
    return {
        family: {label: round(value, 4) for label, value in values.items()}
        for family, values in families.items()
        if values
    }


def indicators_of(utterances: list[Utterance], coded: list[CodedUtterance]) -> dict[str, Any]:
    indicators = session_indicators(
        coded,
        starts=[utterance.start_seconds for utterance in utterances],
        ends=[utterance.end_seconds for utterance in utterances],
    )
    return indicators.as_dict()


def mark_failed(transcript: Transcript) -> None:
    Transcript.objects.filter(pk=transcript.pk).update(
        status=TranscriptStatus.FAILED,
        failure="the coding model raised an error (see the worker's log)",
    )
