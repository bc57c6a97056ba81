"""Attaching a transcript to a session: parsing, speaker confirmation, coding."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.care.models import Session
from alliance.transcripts.models import Role, Transcript, TranscriptStatus

pytestmark = pytest.mark.django_db


def _upload(
    client: Client, session: Session, content: bytes, name: str = "session.vtt", **extra: object
):
    return client.post(
        reverse("transcripts:upload", args=[session.uuid]),
        {"file": SimpleUploadedFile(name, content), **extra},
    )


def test_upload_parses_and_suggests_the_therapist(
    therapist_client: Client, session: Session, vtt_bytes: bytes
) -> None:
    response = _upload(therapist_client, session, vtt_bytes, keep_text="on")
    transcript = Transcript.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("transcripts:confirm", args=[transcript.uuid])
    assert transcript.status == TranscriptStatus.AWAITING_SPEAKER
    assert transcript.therapist_speaker == "Dr Martin"
    assert transcript.language == "en"
    assert transcript.utterances.count() == 8
    assert AuditEvent.objects.filter(action="transcripts.attached").exists()


def test_the_confirm_page_shows_each_speakers_first_lines(
    therapist_client: Client, session: Session, vtt_bytes: bytes
) -> None:
    _upload(therapist_client, session, vtt_bytes)
    transcript = Transcript.objects.get()
    response = therapist_client.get(reverse("transcripts:confirm", args=[transcript.uuid]))
    assert response.status_code == 200
    assert "Honestly not great" in response.text
    # The suggested therapist is pre-selected.
    assert re.search(r'value="Dr Martin"[^>]*checked', response.text)


def test_confirming_codes_every_turn_and_stores_indicators(
    therapist_client: Client, session: Session, vtt_bytes: bytes, django_capture_on_commit_callbacks
) -> None:
    _upload(therapist_client, session, vtt_bytes, keep_text="on")
    transcript = Transcript.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = therapist_client.post(
            reverse("transcripts:confirm", args=[transcript.uuid]),
            {"therapist_speaker": "Dr Martin", "language": "en"},
        )
    assert response.status_code == 302
    transcript.refresh_from_db()
    assert transcript.status == TranscriptStatus.DONE
    therapist_turns = transcript.utterances.filter(role=Role.THERAPIST)
    assert therapist_turns.count() == 4
    assert all(turn.miti and turn.behaviour for turn in therapist_turns)
    assert all(turn.client_talk for turn in transcript.utterances.filter(role=Role.CLIENT))
    assert transcript.indicators
    page = therapist_client.get(reverse("transcripts:detail", args=[transcript.uuid]))
    assert page.status_code == 200
    assert "Did you call her?" in page.text


def test_keeping_only_the_indicators_deletes_the_words(
    therapist_client: Client, session: Session, vtt_bytes: bytes, django_capture_on_commit_callbacks
) -> None:
    _upload(therapist_client, session, vtt_bytes)  # keep_text unticked
    transcript = Transcript.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        therapist_client.post(
            reverse("transcripts:confirm", args=[transcript.uuid]),
            {"therapist_speaker": "Dr Martin", "language": "en"},
        )
    transcript.refresh_from_db()
    assert transcript.status == TranscriptStatus.DONE
    assert transcript.text_deleted_at is not None
    assert not transcript.utterances.exclude(text="").exists()
    assert transcript.indicators
    page = therapist_client.get(reverse("transcripts:detail", args=[transcript.uuid]))
    assert "Did you call her?" not in page.text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.pdf", b"%PDF-1.4 binary", "cannot be read"),
        ("empty.txt", b"   \n\n", "No speech was found"),
        ("broken.docx", b"not a zip file", "Word file cannot be opened"),
    ],
)
def test_unreadable_files_get_a_clear_message_and_nothing_is_stored(
    therapist_client: Client, session: Session, name: str, content: bytes, message: str
) -> None:
    response = _upload(therapist_client, session, content, name=name)
    assert response.status_code == 200
    assert message in response.text
    assert not Transcript.objects.exists()


def test_a_file_over_the_limit_is_refused(therapist_client: Client, session: Session) -> None:
    big = b"A: " + b"word " * (11 * 1024 * 1024 // 5)
    response = _upload(therapist_client, session, big, name="big.txt")
    assert response.status_code == 200
    assert "larger than 10 MB" in response.text
    assert not Transcript.objects.exists()


def test_the_error_is_translated(therapist_client: Client, session: Session) -> None:
    response = therapist_client.post(
        reverse("transcripts:upload", args=[session.uuid]),
        {"file": SimpleUploadedFile("notes.pdf", b"%PDF")},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert "Ce type de fichier ne peut pas être lu" in response.text


def test_another_therapist_cannot_attach_or_read(
    colleague_client: Client,
    outsider_client: Client,
    therapist_client: Client,
    session: Session,
    vtt_bytes: bytes,
) -> None:
    for client in (colleague_client, outsider_client):
        assert _upload(client, session, vtt_bytes).status_code == 404
    _upload(therapist_client, session, vtt_bytes)
    transcript = Transcript.objects.get()
    for client in (colleague_client, outsider_client):
        for name in ("detail", "confirm"):
            assert (
                client.get(reverse(f"transcripts:{name}", args=[transcript.uuid])).status_code
                == 404
            )
        assert client.post(reverse("transcripts:delete", args=[transcript.uuid])).status_code == 404
    assert Transcript.objects.exists()


def test_a_supervisor_without_the_therapist_role_is_refused(
    supervisor_client: Client, session: Session
) -> None:
    response = supervisor_client.get(reverse("transcripts:upload", args=[session.uuid]))
    assert response.status_code == 403


def test_delete_removes_the_transcript_and_audits_it(
    therapist_client: Client, session: Session, vtt_bytes: bytes
) -> None:
    _upload(therapist_client, session, vtt_bytes)
    transcript = Transcript.objects.get()
    assert (
        therapist_client.get(reverse("transcripts:delete", args=[transcript.uuid])).status_code
        == 405
    )
    response = therapist_client.post(reverse("transcripts:delete", args=[transcript.uuid]))
    assert response.status_code == 302
    assert not Transcript.objects.exists()
    assert AuditEvent.objects.filter(action="transcripts.deleted").exists()
