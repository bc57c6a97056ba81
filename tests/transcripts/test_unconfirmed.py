"""Uploads waiting for their therapist: listed for them, deleted after a week."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.care.models import Patient, Session
from alliance.transcripts.models import Transcript, TranscriptStatus
from tests.care.factories import make_session, open_episode_of
from tests.transcripts.factories import make_transcript

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(therapist: User, session: Session) -> Transcript:
    return make_transcript(session=session, by=therapist, status=TranscriptStatus.AWAITING_SPEAKER)


def test_the_listening_page_lists_uploads_waiting_for_their_therapist(
    therapist_client: Client, waiting: Transcript
) -> None:
    page = therapist_client.get(reverse("transcripts:my_trends")).text
    assert "waiting for your confirmation" in page
    assert reverse("transcripts:confirm", args=[waiting.uuid]) in page
    assert reverse("transcripts:delete", args=[waiting.uuid]) + "?back=listening" in page


def test_the_patient_page_lists_them_for_their_uploader_only(
    therapist_client: Client, teammate_client: Client, waiting: Transcript, patient: Patient
) -> None:
    url = reverse("transcripts:patient_trends", args=[patient.uuid])
    confirm = reverse("transcripts:confirm", args=[waiting.uuid])
    assert confirm in therapist_client.get(url).text
    assert confirm not in teammate_client.get(url).text


def test_deleting_from_the_listening_page_returns_there(
    therapist_client: Client, waiting: Transcript
) -> None:
    url = reverse("transcripts:delete", args=[waiting.uuid])
    page = therapist_client.get(url + "?back=listening").text
    assert 'name="back" value="listening"' in page
    response = therapist_client.post(url, {"back": "listening"})
    assert response["Location"] == reverse("transcripts:my_trends")
    assert not Transcript.objects.filter(pk=waiting.pk).exists()


def test_a_failed_coding_is_listed_and_can_be_deleted(
    therapist_client: Client, therapist: User, session: Session
) -> None:
    failed = make_transcript(session=session, by=therapist, status=TranscriptStatus.FAILED)
    page = therapist_client.get(reverse("transcripts:my_trends")).text
    assert "Could not be coded" in page
    detail = therapist_client.get(reverse("transcripts:detail", args=[failed.uuid])).text
    assert reverse("transcripts:delete", args=[failed.uuid]) in detail


def test_the_sweep_deletes_week_old_unconfirmed_uploads_only(
    therapist: User, patient: Patient, waiting: Transcript
) -> None:
    episode = open_episode_of(patient)
    Transcript.objects.filter(pk=waiting.pk).update(uploaded_at=timezone.now() - timedelta(days=8))
    recent = make_transcript(
        session=make_session(episode=episode), by=therapist, status="awaiting_speaker"
    )
    old_but_coded = make_transcript(session=make_session(episode=episode), by=therapist)
    Transcript.objects.filter(pk=old_but_coded.pk).update(
        uploaded_at=timezone.now() - timedelta(days=30)
    )

    call_command("transcripts_sweep")
    call_command("transcripts_sweep")  # safe to run again

    remaining = set(Transcript.objects.values_list("pk", flat=True))
    assert remaining == {recent.pk, old_but_coded.pk}
    expired = AuditEvent.objects.filter(action="transcripts.expired")
    assert expired.count() == 1
    assert expired.get().target_id == str(waiting.uuid)
