"""Who may see a transcript, and who may change it.

- **Reading**: a transcript is patient data, reached only through its session's
  care team (404 for anyone else), and every read is audited.
- **Changing** (confirming the therapist, deleting the words or the whole
  transcript): only the therapist who attached it, whose listening it measures
  (403 for the rest of the care team, who can see that it exists).
- **Listening figures**: a therapist's own trends aggregate only the
  transcripts they attached (:func:`listening_of`); colleagues never see them
  there.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from alliance.accounts.models import User
from alliance.audit.log import record
from alliance.care.access import within_care_team
from alliance.care.models import Session
from alliance.transcripts.models import Transcript, TranscriptStatus


def transcripts_for(user: User) -> QuerySet[Transcript]:
    return within_care_team(Transcript.objects.all(), user, patient="session__episode__patient")


def listening_of(user: User) -> QuerySet[Transcript]:
    """The transcripts whose listening is ``user``'s: the ones they attached, still in reach."""
    return transcripts_for(user).filter(uploaded_by=user)


def unfinished_of(user: User) -> QuerySet[Transcript]:
    """``user``'s uploads that are not coded yet (waiting for them, queued, or failed)."""
    return (
        listening_of(user)
        .exclude(status=TranscriptStatus.DONE)
        .select_related("session__episode__patient")
        .order_by("uploaded_at")
    )


def transcript_of_session(session: Session) -> Transcript | None:
    """The transcript attached to ``session`` (already scoped by the caller), if any."""
    return Transcript.objects.filter(session=session).order_by("uploaded_at").first()


@transaction.atomic
def transcript_for(user: User, transcript_uuid: uuid.UUID, *, purpose: str = "view") -> Transcript:
    """A transcript of the care team (404 otherwise); the read is audited."""
    transcript = _find(user, transcript_uuid)
    _audit_read(user, transcript, purpose)
    return transcript


@transaction.atomic
def own_transcript_for(user: User, transcript_uuid: uuid.UUID, *, purpose: str) -> Transcript:
    """A transcript that ``user`` attached: 404 outside the care team, 403 for the rest of it."""
    transcript = _find(user, transcript_uuid)
    if not transcript.is_managed_by(user):
        raise PermissionDenied
    _audit_read(user, transcript, purpose)
    return transcript


def _find(user: User, transcript_uuid: uuid.UUID) -> Transcript:
    transcript = (
        transcripts_for(user)
        .select_related("session__episode__patient__clinic", "uploaded_by")
        .filter(uuid=transcript_uuid)
        .first()
    )
    if transcript is None:
        raise Http404
    return transcript


def _audit_read(user: User, transcript: Transcript, purpose: str) -> None:
    record(
        "transcripts.read",
        by=user,
        target=transcript,
        clinic_id=user.clinic.uuid,
        data={"purpose": purpose, "patient": str(transcript.session.episode.patient.uuid)},
    )
