"""Every transcript URL for every persona.

The patient's care team reads a transcript (Théo who attached it, Tom who shares the
patient); only Théo may confirm, change or delete it (403 for Tom); nobody else learns
that it exists (404); supervisors without the therapist role get 403; anonymous visitors
are sent to sign in. Listening figures (``my_trends``) are each therapist's own.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import User
from alliance.care.models import Patient, Session
from alliance.transcripts.models import Transcript, TranscriptStatus
from tests.care.factories import make_session, open_episode_of
from tests.transcripts.factories import make_transcript

pytestmark = pytest.mark.django_db

PERSONAS = ["therapist", "teammate", "colleague", "supervisor", "outsider", "anonymous"]
LOGIN = "login"  # a redirect to the sign-in page

# (url name, key, method) -> status per persona, in the order of PERSONAS.
# "detail" / "confirm" in a cell mean a redirect to that page of the transcript.
MATRIX: dict[tuple[str, str, str], tuple[object, ...]] = {
    ("my_trends", "", "GET"): (200, 200, 200, 403, 200, LOGIN),
    ("patient_trends", "patient", "GET"): (200, 200, 404, 403, 404, LOGIN),
    ("upload", "empty_session", "GET"): (200, 200, 404, 403, 404, LOGIN),
    ("upload", "session", "GET"): ("detail", "detail", 404, 403, 404, LOGIN),
    ("upload", "session", "POST"): ("detail", "detail", 404, 403, 404, LOGIN),
    ("detail", "transcript", "GET"): (200, 200, 404, 403, 404, LOGIN),
    ("detail", "waiting", "GET"): ("confirm", 200, 404, 403, 404, LOGIN),
    ("confirm", "transcript", "GET"): ("detail", 403, 404, 403, 404, LOGIN),
    ("confirm", "waiting", "GET"): (200, 403, 404, 403, 404, LOGIN),
    ("confirm", "waiting", "POST"): (200, 403, 404, 403, 404, LOGIN),
    ("delete", "transcript", "GET"): (200, 403, 404, 403, 404, LOGIN),
    ("delete", "transcript", "POST"): (302, 403, 404, 403, 404, LOGIN),
    ("delete_text", "transcript", "POST"): ("detail", 403, 404, 403, 404, LOGIN),
}
WRONG_METHODS = [
    ("my_trends", "", "POST"),
    ("patient_trends", "patient", "POST"),
    ("upload", "empty_session", "DELETE"),
    ("detail", "transcript", "POST"),
    ("confirm", "waiting", "DELETE"),
    ("delete", "transcript", "DELETE"),
    ("delete_text", "transcript", "GET"),
]


@pytest.fixture
def world(therapist: User, patient: Patient, session: Session) -> dict[str, object]:
    episode = open_episode_of(patient)
    transcript = make_transcript(session=session, by=therapist)
    waiting = make_transcript(
        session=make_session(episode=episode),
        by=therapist,
        status=TranscriptStatus.AWAITING_SPEAKER,
    )
    return {
        "patient": patient,
        "session": session,
        "empty_session": make_session(episode=episode),
        "transcript": transcript,
        "waiting": waiting,
    }


def _client(request: pytest.FixtureRequest, persona: str) -> Client:
    if persona == "anonymous":
        return Client()
    return request.getfixturevalue(f"{persona}_client")  # type: ignore[no-any-return]


def _url(name: str, key: str, world: dict[str, object]) -> str:
    if not key:
        return reverse(f"transcripts:{name}")
    target = world[key]
    parameter = {
        "patient": "patient_uuid",
        "session": "session_uuid",
        "empty_session": "session_uuid",
    }.get(key, "transcript_uuid")
    return reverse(f"transcripts:{name}", kwargs={parameter: target.uuid})  # type: ignore[attr-defined]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "key", "method"), list(MATRIX), ids=["-".join(filter(None, k)) for k in MATRIX]
)
def test_every_url_for_every_persona(
    request: pytest.FixtureRequest,
    world: dict[str, object],
    persona: str,
    name: str,
    key: str,
    method: str,
) -> None:
    expected = MATRIX[(name, key, method)][PERSONAS.index(persona)]
    response = _client(request, persona).generic(method, _url(name, key, world))
    if expected == LOGIN:
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
    elif expected in ("detail", "confirm"):
        assert response.status_code == 302
        transcript = world[key] if key in ("transcript", "waiting") else world["transcript"]
        assert response["Location"] == _url(str(expected), "transcript", {"transcript": transcript})
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(
    ("name", "key", "method"), WRONG_METHODS, ids=["-".join(filter(None, k)) for k in WRONG_METHODS]
)
def test_wrong_method_is_405(
    therapist_client: Client, world: dict[str, object], name: str, key: str, method: str
) -> None:
    assert therapist_client.generic(method, _url(name, key, world)).status_code == 405


def test_refused_changes_change_nothing(teammate_client: Client, world: dict[str, object]) -> None:
    transcript = world["transcript"]
    assert isinstance(transcript, Transcript)
    teammate_client.post(reverse("transcripts:delete", args=[transcript.uuid]))
    teammate_client.post(reverse("transcripts:delete_text", args=[transcript.uuid]))
    transcript.refresh_from_db()
    assert transcript.has_text
    assert Transcript.objects.filter(pk=transcript.pk).exists()


def test_listening_pages_show_only_ones_own_transcripts(
    therapist_client: Client,
    teammate_client: Client,
    teammate: User,
    world: dict[str, object],
) -> None:
    """The QA case: Tom shares the patient; Théo's transcript is not Tom's listening."""
    transcript = world["transcript"]
    assert isinstance(transcript, Transcript)
    link = reverse("transcripts:detail", args=[transcript.uuid])
    assert link in therapist_client.get(reverse("transcripts:my_trends")).text
    theirs = teammate_client.get(reverse("transcripts:my_trends")).text
    assert link not in theirs
    assert "waiting for your confirmation" not in theirs
    # Tom's own transcript of the same patient is his, and only his.
    own = make_transcript(session=make_session(episode=transcript.session.episode), by=teammate)
    theirs = teammate_client.get(reverse("transcripts:my_trends")).text
    assert reverse("transcripts:detail", args=[own.uuid]) in theirs
    assert link not in theirs
    assert (
        reverse("transcripts:detail", args=[own.uuid])
        not in therapist_client.get(reverse("transcripts:my_trends")).text
    )


def test_the_care_team_reads_the_transcript_and_is_told_who_may_change_it(
    teammate_client: Client, world: dict[str, object]
) -> None:
    transcript = world["transcript"]
    assert isinstance(transcript, Transcript)
    page = teammate_client.get(reverse("transcripts:detail", args=[transcript.uuid])).text
    assert "How have things been?" in page
    assert "attached by Théo Thérapeute" in page
    assert "only they can delete it" in page
    assert reverse("transcripts:delete", args=[transcript.uuid]) not in page
    assert reverse("transcripts:delete_text", args=[transcript.uuid]) not in page
    trends = teammate_client.get(
        reverse("transcripts:patient_trends", args=[transcript.session.episode.patient.uuid])
    ).text
    assert "Everyone on this patient" in trends
    assert "Théo Thérapeute" in trends  # the "Attached by" column


def test_a_teammate_sees_that_a_transcript_awaits_its_uploader(
    teammate_client: Client, world: dict[str, object]
) -> None:
    waiting = world["waiting"]
    assert isinstance(waiting, Transcript)
    page = teammate_client.get(reverse("transcripts:detail", args=[waiting.uuid])).text
    assert "waiting for Théo Thérapeute" in page


def test_the_listening_page_says_who_sees_what_in_french(
    therapist_client: Client, world: dict[str, object]
) -> None:
    page = therapist_client.get(reverse("transcripts:my_trends"), HTTP_ACCEPT_LANGUAGE="fr").text
    assert "ne voient pas vos transcriptions" in page
    assert "équipe de soin" in page
