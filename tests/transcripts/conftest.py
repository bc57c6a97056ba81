"""A small real session transcript, and Théo's patient with a session to attach it to.

Personas for transcripts: Théo (``therapist``) attaches; Tom (``teammate``) shares the
patient's care; Colette (``colleague``) is in the clinic but not on the care team.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import User
from alliance.care.models import Patient, Session
from alliance.transcripts.models import Transcript, TranscriptStatus
from tests.care.factories import (
    make_care_team_member,
    make_patient,
    make_session,
    open_episode_of,
)
from tests.factories import make_user

VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Dr Martin>Hello, how have things been since last week?

00:00:05.000 --> 00:00:15.000
<v Sam>Honestly not great. I keep putting off calling my sister and I feel awful about it.

00:00:16.000 --> 00:00:19.000
<v Dr Martin>Did you call her?

00:00:20.000 --> 00:00:30.000
<v Sam>No. Every time I pick up the phone I imagine her being angry with me, so I put it down.

00:00:31.000 --> 00:00:36.000
<v Dr Martin>You're afraid that reaching out will bring back the conflict.

00:00:37.000 --> 00:00:45.000
<v Sam>Yes, exactly. But I do want to fix things with her, she matters a lot to me.

00:00:46.000 --> 00:00:50.000
<v Dr Martin>What would make that first call a little easier?

00:00:51.000 --> 00:00:58.000
<v Sam>Maybe writing down what I want to say first.
"""


@pytest.fixture
def vtt_bytes() -> bytes:
    return VTT.encode()


@pytest.fixture
def patient(therapist: User) -> Patient:
    return make_patient(therapist=therapist, display_name="S. K.")


@pytest.fixture
def session(patient: Patient) -> Session:
    return make_session(episode=open_episode_of(patient))


@pytest.fixture
def teammate(therapist: User) -> User:
    """Tom, a therapist of the same clinic who shares the care of Théo's patient."""
    return make_user(clinic=therapist.clinic, email="tom@riviere.example", full_name="Tom Teammate")


@pytest.fixture
def teammate_client(teammate: User, patient: Patient) -> Client:
    make_care_team_member(patient=patient, therapist=teammate)
    client = Client()
    client.force_login(teammate)
    return client


@pytest.fixture
def coded(
    therapist_client: Client,
    session: Session,
    vtt_bytes: bytes,
    django_capture_on_commit_callbacks: Any,
) -> Transcript:
    therapist_client.post(
        reverse("transcripts:upload", args=[session.uuid]),
        {"file": SimpleUploadedFile("session.vtt", vtt_bytes), "keep_text": "on"},
    )
    transcript = Transcript.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        therapist_client.post(
            reverse("transcripts:confirm", args=[transcript.uuid]),
            {"therapist_speaker": "Dr Martin", "language": "en"},
        )
    transcript.refresh_from_db()
    assert transcript.status == TranscriptStatus.DONE
    return transcript
