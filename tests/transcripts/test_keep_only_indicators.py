"""“Keep only the indicators” keeps nothing identifying, and leaves no trace in SQLite."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.accounts.models import User
from alliance.care.models import Session
from alliance.transcripts import actions
from alliance.transcripts.models import Role, Transcript, TranscriptStatus
from tests.transcripts.factories import make_transcript


def _assert_nothing_identifying(transcript: Transcript) -> None:
    transcript.refresh_from_db()
    assert transcript.text_deleted_at is not None
    assert transcript.original_filename == ""
    assert transcript.therapist_speaker == ""
    assert not transcript.utterances.exclude(text="").exists()
    assert not transcript.utterances.exclude(speaker="").exists()
    # The roles stay: the indicators and the coloured codes need them.
    assert transcript.utterances.filter(role=Role.THERAPIST).exists()
    assert transcript.utterances.filter(role=Role.CLIENT).exists()
    assert transcript.indicators


@pytest.mark.django_db
def test_coding_with_only_indicators_blanks_names_and_file_name(
    therapist_client: Client,
    session: Session,
    vtt_bytes: bytes,
    django_capture_on_commit_callbacks: Any,
) -> None:
    therapist_client.post(
        reverse("transcripts:upload", args=[session.uuid]),
        {"file": SimpleUploadedFile("Sam Kowalski 12 March.vtt", vtt_bytes)},  # keep_text off
    )
    transcript = Transcript.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        therapist_client.post(
            reverse("transcripts:confirm", args=[transcript.uuid]),
            {"therapist_speaker": "Dr Martin", "language": "en"},
        )
    _assert_nothing_identifying(transcript)
    assert transcript.status == TranscriptStatus.DONE
    page = therapist_client.get(reverse("transcripts:detail", args=[transcript.uuid])).text
    for identifying in ("Sam", "Kowalski", "Dr Martin", "Did you call her?"):
        assert identifying not in page
    assert "names and the file name were deleted" in page


@pytest.mark.django_db
def test_deleting_the_words_later_blanks_them_too(
    therapist_client: Client, coded: Transcript
) -> None:
    response = therapist_client.post(reverse("transcripts:delete_text", args=[coded.uuid]))
    assert response.status_code == 302
    _assert_nothing_identifying(coded)


@pytest.mark.django_db(transaction=True)
def test_on_sqlite_the_deleted_words_are_checkpointed_out_of_the_wal(
    therapist: User, session: Session
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the write-ahead log is SQLite's")
    transcript = make_transcript(session=session, by=therapist)
    with CaptureQueriesContext(connection) as queries:
        actions.delete_text(transcript=transcript, by=therapist)
    executed = [query["sql"] for query in queries.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == 1  # set for every connection in settings
    checkpoint = [i for i, sql in enumerate(executed) if "wal_checkpoint(TRUNCATE)" in sql]
    blanking = [i for i, sql in enumerate(executed) if 'UPDATE "transcripts_utterance"' in sql]
    assert checkpoint
    assert blanking
    assert checkpoint[0] > blanking[-1]  # after the deletion, once it is committed


@pytest.mark.django_db(transaction=True)
def test_deleting_a_whole_transcript_is_checkpointed_too(therapist: User, session: Session) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the write-ahead log is SQLite's")
    transcript = make_transcript(session=session, by=therapist)
    with CaptureQueriesContext(connection) as queries:
        actions.delete_transcript(transcript=transcript, by=therapist)
    assert any("wal_checkpoint(TRUNCATE)" in q["sql"] for q in queries.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_other_databases_get_no_sqlite_pragma(
    therapist: User, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    transcript = make_transcript(session=session, by=therapist)
    monkeypatch.setattr(connection, "vendor", "postgresql")
    with CaptureQueriesContext(connection) as queries:
        actions.delete_text(transcript=transcript, by=therapist)
    assert not any("PRAGMA" in q["sql"] for q in queries.captured_queries)
