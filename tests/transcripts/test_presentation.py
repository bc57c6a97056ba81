"""What the results and trend pages show: punctuation warning, wording, tables, colours."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import User
from alliance.care.models import Patient, Session
from alliance.transcripts import actions
from alliance.transcripts.models import Transcript, TranscriptStatus, Utterance
from tests.care.factories import make_patient, make_session, open_episode_of
from tests.transcripts.factories import make_transcript

pytestmark = pytest.mark.django_db

PUNCTUATION_WARNING = "This transcript has almost no punctuation"
UNPUNCTUATED = "".join(
    f"Anna: so how was your week number {n} and what did you do\n"
    f"Ben: it was fine i guess i went to work and saw my sister {n}\n"
    for n in range(12)
).encode()


def test_an_unpunctuated_transcript_is_flagged_at_coding_and_the_flag_outlives_the_words(
    therapist_client: Client, session: Session, django_capture_on_commit_callbacks: Any
) -> None:
    therapist_client.post(
        reverse("transcripts:upload", args=[session.uuid]),
        {"file": SimpleUploadedFile("asr.txt", UNPUNCTUATED)},  # keep only the indicators
    )
    transcript = Transcript.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        therapist_client.post(
            reverse("transcripts:confirm", args=[transcript.uuid]),
            {"therapist_speaker": "Anna", "language": "en"},
        )
    transcript.refresh_from_db()
    assert transcript.lacks_punctuation
    assert not transcript.has_text
    url = reverse("transcripts:detail", args=[transcript.uuid])
    assert PUNCTUATION_WARNING in therapist_client.get(url).text
    french = therapist_client.get(url, HTTP_ACCEPT_LANGUAGE="fr").text
    assert "presque pas de ponctuation" in french


def test_with_the_text_kept_the_warning_is_read_from_the_words(
    therapist_client: Client, therapist: User, session: Session
) -> None:
    transcript = make_transcript(session=session, by=therapist)  # flag not set
    url = reverse("transcripts:detail", args=[transcript.uuid])
    assert PUNCTUATION_WARNING not in therapist_client.get(url).text
    Utterance.objects.filter(transcript=transcript).delete()
    Utterance.objects.bulk_create(
        Utterance(
            transcript=transcript,
            position=n,
            speaker="Anna" if n % 2 == 0 else "Ben",
            role="therapist" if n % 2 == 0 else "client",
            text="so how was your week and what did you do",
            word_count=10,
        )
        for n in range(24)
    )
    assert PUNCTUATION_WARNING in therapist_client.get(url).text


def test_a_punctuated_transcript_has_no_warning(
    therapist_client: Client, coded: Transcript
) -> None:
    assert not coded.lacks_punctuation
    page = therapist_client.get(reverse("transcripts:detail", args=[coded.uuid])).text
    assert PUNCTUATION_WARNING not in page


def test_the_back_link_reads_well_in_french_before_a_vowel(
    therapist_client: Client, therapist: User
) -> None:
    patient = make_patient(therapist=therapist, display_name="Élodie F.")
    session = make_session(episode=open_episode_of(patient))
    transcript = make_transcript(session=session, by=therapist)
    page = therapist_client.get(
        reverse("transcripts:detail", args=[transcript.uuid]), HTTP_ACCEPT_LANGUAGE="fr"
    ).text
    assert "de Élodie" not in page
    assert "Transcriptions — Élodie F." in page


def test_trend_rows_of_the_same_day_show_their_time_and_experimental_columns_are_marked(
    therapist_client: Client, therapist: User, patient: Patient
) -> None:
    episode = open_episode_of(patient)
    day = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=3)
    for hours in (0, 5):
        make_transcript(
            session=make_session(episode=episode, starts_at=day + timedelta(hours=hours)),
            by=therapist,
        )
    for url in (
        reverse("transcripts:my_trends"),
        reverse("transcripts:patient_trends", args=[patient.uuid]),
    ):
        page = therapist_client.get(url).text
        links = re.findall(r'<a href="/transcripts/[0-9a-f-]+/">([^<]+)</a>', page)
        assert len(links) == 2
        assert links[0] != links[1]  # the time tells them apart
        header = page[page.index("<thead>") : page.index("</thead>")]
        assert header.count("experimental") == 2  # complex reflections, change talk


def test_listing_trends_takes_as_many_queries_for_six_sessions_as_for_one(
    therapist_client: Client, therapist: User, patient: Patient
) -> None:
    episode = open_episode_of(patient)
    therapist_client.get(reverse("transcripts:my_trends"))  # the sign-in session settles
    counts = []
    for added in (1, 5):
        for _ in range(added):
            make_transcript(session=make_session(episode=episode), by=therapist)
        make_transcript(
            session=make_session(episode=episode),
            by=therapist,
            status=TranscriptStatus.AWAITING_SPEAKER,
        )
        for url in (
            reverse("transcripts:my_trends"),
            reverse("transcripts:patient_trends", args=[patient.uuid]),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert therapist_client.get(url).status_code == 200
            counts.append(len(queries.captured_queries))
    assert counts[:2] == counts[2:]


def test_the_results_page_explains_the_colours_and_keeps_the_delete_confirmation(
    therapist_client: Client, coded: Transcript
) -> None:
    page = therapist_client.get(reverse("transcripts:detail", args=[coded.uuid])).text
    assert "a double border marks complex reflections" in page
    assert 'class="indicators"' in page


CSS = Path(__file__).parents[2] / "alliance/transcripts/static/transcripts/transcripts.css"


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_code_colours_are_readable_and_reflections_distinct() -> None:
    css = CSS.read_text()
    colour = r"\{ background: (#[0-9a-f]{6}); color: (#[0-9a-f]{6}); \}"
    tints = {code: (bg, fg) for code, bg, fg in re.findall(rf"^\.code--(\w+) {colour}", css, re.M)}
    badges = {
        **tints,
        **{code: (bg, fg) for code, bg, fg in re.findall(rf"\.code\.code--(\w+) {colour}", css)},
    }
    assert {"reflection_simple", "reflection_complex"} <= tints.keys()
    for code, (background, text) in [*tints.items(), *badges.items()]:
        lighter, darker = sorted((_luminance(background), _luminance(text)), reverse=True)
        assert (lighter + 0.05) / (darker + 0.05) >= 4.5, code
    simple, complex_ = badges["reflection_simple"], badges["reflection_complex"]
    # One light, one dark: told apart by lightness, not only by hue.
    assert abs(_luminance(simple[0]) - _luminance(complex_[0])) > 0.4


def test_deleting_a_transcript_is_refused_to_a_teammate_in_the_action_too(
    teammate: User, therapist: User, session: Session, teammate_client: Client
) -> None:
    transcript = make_transcript(session=session, by=therapist)
    with pytest.raises(actions.ActionRefused):
        actions.delete_transcript(transcript=transcript, by=teammate)
    with pytest.raises(actions.ActionRefused):
        actions.delete_text(transcript=transcript, by=teammate)
    with pytest.raises(actions.ActionRefused):
        actions.confirm_and_queue(
            transcript=make_transcript(
                session=make_session(episode=session.episode),
                by=therapist,
                status=TranscriptStatus.AWAITING_SPEAKER,
            ),
            therapist_speaker="Dr Martin",
            language="en",
            by=teammate,
        )
