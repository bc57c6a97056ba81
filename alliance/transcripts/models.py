"""Session transcripts and the code of each utterance.

Transcripts are the most sensitive data in Alliance: what was said in therapy.
They are reached only through the session's care team (``access.py``), every
read and write is audited, and the therapist may keep only the indicators: the
text, the speakers' names and the file name are then blanked as soon as coding
ends.

Whose listening: ``uploaded_by`` is the therapist whose listening a transcript
measures. They attached it, they confirm which speaker they are, and only they
may change its options or delete it; their "Listening" page aggregates only
their own transcripts. The rest of the patient's care team may read it, as any
other record of the patient.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import User
from alliance.care.models import Session


class TranscriptStatus(models.TextChoices):
    AWAITING_SPEAKER = "awaiting_speaker", _("Waiting for you to confirm the therapist")
    QUEUED = "queued", _("Waiting to be coded")
    CODING = "coding", _("Being coded")
    DONE = "done", _("Coded")
    FAILED = "failed", _("Could not be coded")


class TranscriptLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")


class Transcript(models.Model):
    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="transcripts")
    # Blanked with the words when only the indicators are kept (it often names the patient).
    original_filename = models.CharField(_("file"), max_length=255, blank=True)
    source_format = models.CharField(_("format"), max_length=10)
    language = models.CharField(
        _("language of the session"), max_length=2, choices=TranscriptLanguage.choices
    )
    therapist_speaker = models.CharField(_("therapist"), max_length=120, blank=True)
    # Why the therapist speaker was suggested (alliance.science.transcripts.speakers.REASON_*).
    suggestion_reason = models.CharField(max_length=20, blank=True)
    keep_text = models.BooleanField(
        _("keep the text after coding"),
        default=True,
        help_text=_(
            "Untick to keep only the indicators: the words of the session are deleted "
            "as soon as coding ends."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TranscriptStatus.choices,
        default=TranscriptStatus.AWAITING_SPEAKER,
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    failure = models.CharField(max_length=300, blank=True)
    # Set at coding time, so that the warning survives the deletion of the words.
    lacks_punctuation = models.BooleanField(default=False)
    # The session indicators (alliance.science.transcripts.indicators), as JSON.
    indicators = models.JSONField(default=dict, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    coded_at = models.DateTimeField(null=True, blank=True, editable=False)
    text_deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("transcript")
        verbose_name_plural = _("transcripts")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", coded_at__isnull=False)
                | (~Q(status="done") & Q(coded_at__isnull=True)),
                name="transcript_coded_at_when_done",
            ),
            models.CheckConstraint(
                condition=Q(progress_done__lte=models.F("progress_total")),
                name="transcript_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return self.original_filename or str(self.uuid)

    @property
    def is_working(self) -> bool:
        return self.status in (TranscriptStatus.QUEUED, TranscriptStatus.CODING)

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return round(100 * self.progress_done / self.progress_total)

    @property
    def has_text(self) -> bool:
        return self.text_deleted_at is None

    def is_managed_by(self, user: User) -> bool:
        """Whether ``user`` may confirm, change or delete it: the therapist who attached it."""
        return self.uploaded_by_id == user.pk


class Role(models.TextChoices):
    THERAPIST = "therapist", _("Therapist")
    CLIENT = "client", _("Patient")


class Utterance(models.Model):
    """One turn of speech and, once coded, its codes and their probabilities."""

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="utterances")
    position = models.PositiveIntegerField()
    # Blanked (the role stays) when only the indicators are kept.
    speaker = models.CharField(max_length=120, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices, blank=True)
    text = models.TextField(blank=True)
    word_count = models.PositiveIntegerField(default=0)
    start_seconds = models.FloatField(null=True, blank=True)
    end_seconds = models.FloatField(null=True, blank=True)
    behaviour = models.CharField(max_length=20, blank=True)
    miti = models.CharField(max_length=20, blank=True)
    client_talk = models.CharField(max_length=10, blank=True)
    probabilities = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["transcript", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["transcript", "position"], name="utterance_position_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.transcript_id}#{self.position}"

    @property
    def code(self) -> str:
        """The most specific code: MITI code (therapist) or talk type (patient)."""
        return self.miti or self.client_talk

    def probability(self, family: str, label: str) -> float:
        value: Any = self.probabilities.get(family, {}).get(label, 0.0)
        return float(value)
