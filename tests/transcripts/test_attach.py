"""Attaching a transcript to a session: parsing, speaker confirmation, coding."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.care.models import Session
from alliance.errors import ActionRefused
from alliance.transcripts.actions import attach_transcript
from alliance.transcripts.models import Role, Transcript, TranscriptStatus
from tests.transcripts.conftest import VTT

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
        ("notes.pdf", b"%PDF-1.4 binary", "This is a PDF file"),
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
    assert "Ceci est un fichier PDF" in response.text


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


def test_delete_asks_first_then_removes_the_transcript_and_audits_it(
    therapist_client: Client, session: Session, vtt_bytes: bytes
) -> None:
    _upload(therapist_client, session, vtt_bytes)
    transcript = Transcript.objects.get()
    url = reverse("transcripts:delete", args=[transcript.uuid])
    page = therapist_client.get(url)
    assert page.status_code == 200
    assert "cannot be undone" in page.text
    assert Transcript.objects.exists()  # asking deletes nothing
    response = therapist_client.post(url)
    assert response.status_code == 302
    assert not Transcript.objects.exists()
    assert AuditEvent.objects.filter(action="transcripts.deleted").exists()


def test_the_results_page_links_to_the_confirmation_not_a_one_click_delete(
    therapist_client: Client, coded: Transcript
) -> None:
    page = therapist_client.get(reverse("transcripts:detail", args=[coded.uuid])).text
    delete_url = reverse("transcripts:delete", args=[coded.uuid])
    assert f'href="{delete_url}"' in page
    assert f'action="{delete_url}"' not in page


# --- One transcript per session ------------------------------------------------------


def test_the_session_link_opens_its_existing_transcript(
    therapist_client: Client, session: Session, coded: Transcript
) -> None:
    response = therapist_client.get(reverse("transcripts:upload", args=[session.uuid]))
    assert response.status_code == 302
    assert response["Location"] == reverse("transcripts:detail", args=[coded.uuid])


def test_a_second_upload_to_the_same_session_is_refused(
    therapist_client: Client, session: Session, vtt_bytes: bytes
) -> None:
    _upload(therapist_client, session, vtt_bytes)
    first = Transcript.objects.get()
    response = _upload(therapist_client, session, vtt_bytes, name="again.vtt")
    assert response.status_code == 302
    assert response["Location"] == reverse("transcripts:detail", args=[first.uuid])
    assert Transcript.objects.count() == 1
    followed = therapist_client.get(response["Location"], follow=True)
    assert "already has a transcript" in followed.text


def test_the_action_refuses_a_second_transcript_too(
    therapist: User, session: Session, vtt_bytes: bytes
) -> None:
    attach_transcript(
        session=session, filename="a.vtt", content=vtt_bytes, keep_text=True, by=therapist
    )
    with pytest.raises(ActionRefused) as refusal:
        attach_transcript(
            session=session, filename="b.vtt", content=vtt_bytes, keep_text=True, by=therapist
        )
    assert refusal.value.code == "session_has_transcript"


# --- Files with one speaker ----------------------------------------------------------


def test_a_file_with_one_speaker_is_refused_in_both_languages(
    therapist_client: Client, session: Session
) -> None:
    content = b"Anna: Hello, how are you today?\nAnna: I am fine, thank you.\n"
    response = _upload(therapist_client, session, content, name="monologue.txt")
    assert response.status_code == 200
    assert "Only one speaker was found (Anna)" in response.text
    assert not Transcript.objects.exists()
    response = therapist_client.post(
        reverse("transcripts:upload", args=[session.uuid]),
        {"file": SimpleUploadedFile("monologue.txt", content)},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert "Un seul locuteur a été trouvé (Anna)" in response.text


# --- Why a speaker is suggested ------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (VTT.encode(), "a role word in the speakers"),  # "Dr Martin"
        (
            b"Anna: Hello. How are you? What brings you?\nBen: I am tired.\n"
            b"Anna: Tired how?\nBen: Of everything.\n",
            "Alliance suggests Anna, the speaker who asks the most questions.",
        ),
        (
            b"Anna: Hello.\nBen: Hello.\nAnna: Nice day.\nBen: Yes.\n",
            "Alliance suggests Anna, who speaks first",
        ),
    ],
)
def test_the_confirm_page_says_why_the_speaker_was_suggested(
    therapist_client: Client, session: Session, content: bytes, reason: str
) -> None:
    _upload(therapist_client, session, content, name="session.txt")
    transcript = Transcript.objects.get()
    page = therapist_client.get(reverse("transcripts:confirm", args=[transcript.uuid])).text
    assert reason in page
