"""The transcript pages for every persona: progress, results, trends."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.care.models import Patient, Session
from alliance.transcripts.models import Transcript

pytestmark = pytest.mark.django_db


def test_the_results_show_indicators_with_references_and_experimental_labels(
    therapist_client: Client, coded: Transcript
) -> None:
    page = therapist_client.get(reverse("transcripts:detail", args=[coded.uuid])).text
    assert "Reflections per question" in page
    assert "MITI 4.2.1" in page
    assert "experimental" in page
    assert "Your share of the speaking time" in page  # the VTT has time stamps


def test_a_question_after_a_long_patient_turn_is_offered_as_an_example(
    therapist_client: Client, coded: Transcript
) -> None:
    page = therapist_client.get(reverse("transcripts:detail", args=[coded.uuid])).text
    assert "Questions that could have been reflections" in page
    assert "Did you call her?" in page


def test_the_progress_fragment_asks_htmx_to_reload_when_done(
    therapist_client: Client, coded: Transcript
) -> None:
    response = therapist_client.get(
        reverse("transcripts:detail", args=[coded.uuid]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"
    assert "<html" not in response.text


def test_while_queued_the_page_polls_for_progress(
    therapist_client: Client, session: Session, vtt_bytes: bytes
) -> None:
    therapist_client.post(
        reverse("transcripts:upload", args=[session.uuid]),
        {"file": SimpleUploadedFile("session.vtt", vtt_bytes)},
    )
    transcript = Transcript.objects.get()
    # Confirmed, but the worker has not run (no on-commit callbacks here).
    therapist_client.post(
        reverse("transcripts:confirm", args=[transcript.uuid]),
        {"therapist_speaker": "Dr Martin", "language": "en"},
    )
    page = therapist_client.get(reverse("transcripts:detail", args=[transcript.uuid])).text
    assert 'hx-trigger="every 2s"' in page
    assert "0 of 8 turns" in page


def test_confirming_twice_is_refused_without_change(
    therapist_client: Client, coded: Transcript
) -> None:
    response = therapist_client.post(
        reverse("transcripts:confirm", args=[coded.uuid]),
        {"therapist_speaker": "Sam", "language": "fr"},
    )
    assert response.status_code == 302
    coded.refresh_from_db()
    assert coded.therapist_speaker == "Dr Martin"


def test_trends_list_the_coded_sessions(
    therapist_client: Client, coded: Transcript, patient: Patient
) -> None:
    mine = therapist_client.get(reverse("transcripts:my_trends"))
    theirs = therapist_client.get(reverse("transcripts:patient_trends", args=[patient.uuid]))
    for response in (mine, theirs):
        assert response.status_code == 200
        assert reverse("transcripts:detail", args=[coded.uuid]) in response.text
    assert AuditEvent.objects.filter(action="transcripts.listed").exists()


def test_trends_of_another_therapists_patient_are_not_found(
    colleague_client: Client, outsider_client: Client, coded: Transcript, patient: Patient
) -> None:
    for client in (colleague_client, outsider_client):
        url = reverse("transcripts:patient_trends", args=[patient.uuid])
        assert client.get(url).status_code == 404
        assert (
            reverse("transcripts:detail", args=[coded.uuid])
            not in client.get(reverse("transcripts:my_trends")).text
        )


def test_deleting_the_words_keeps_the_indicators(
    therapist_client: Client, coded: Transcript
) -> None:
    response = therapist_client.post(reverse("transcripts:delete_text", args=[coded.uuid]))
    assert response.status_code == 302
    coded.refresh_from_db()
    assert coded.text_deleted_at is not None
    assert coded.indicators
    assert not coded.utterances.exclude(text="").exists()


def test_unknown_transcript_is_not_found(therapist_client: Client) -> None:
    url = reverse("transcripts:detail", args=["00000000-0000-0000-0000-000000000000"])
    assert therapist_client.get(url).status_code == 404
