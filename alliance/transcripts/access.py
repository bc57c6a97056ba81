"""Transcripts are reached only through their session's care team, and every read is audited."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from alliance.accounts.models import User
from alliance.audit.log import record
from alliance.care.access import within_care_team
from alliance.transcripts.models import Transcript


def transcripts_for(user: User) -> QuerySet[Transcript]:
    return within_care_team(Transcript.objects.all(), user, patient="session__episode__patient")


@transaction.atomic
def transcript_for(user: User, transcript_uuid: uuid.UUID, *, purpose: str = "view") -> Transcript:
    transcript = (
        transcripts_for(user)
        .select_related("session__episode__patient__clinic")
        .filter(uuid=transcript_uuid)
        .first()
    )
    if transcript is None:
        raise Http404
    record(
        "transcripts.read",
        by=user,
        target=transcript,
        clinic_id=user.clinic.uuid,
        data={"purpose": purpose, "patient": str(transcript.session.episode.patient.uuid)},
    )
    return transcript
