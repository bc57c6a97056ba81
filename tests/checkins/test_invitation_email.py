"""The check-in email says who asks and about which session, and nothing clinical."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.test import override_settings

from alliance.accounts.models import User
from alliance.care.models import Episode, Patient
from alliance.checkins import actions
from alliance.checkins.models import Channel, CheckinLink, MonitoringPlan
from tests.care.factories import make_session
from tests.checkins.helpers import answer_everything

pytestmark = pytest.mark.django_db

# 13:00 UTC is 14:00 in Paris (winter time), the test settings' time zone.
STARTS_AT = datetime(2025, 3, 4, 13, 0, tzinfo=UTC)


def _invite(episode: Episode, therapist: User, patient: Patient, language: str) -> None:
    patient.preferred_language = language
    patient.save()
    session = make_session(episode=episode, starts_at=STARTS_AT)
    actions.invite_by_email(session=session, by=therapist)


def test_english_email_names_the_therapist_and_the_session(
    episode: Episode, therapist: User, patient: Patient
) -> None:
    _invite(episode, therapist, patient, "en")
    message = mail.outbox[0]
    assert message.subject == "How was your session of March 4, 2025?"
    body = " ".join(message.body.split())
    assert "Théo Thérapeute would like to know how your session of March 4, 2025 at 2 p.m." in body


def test_french_email_names_the_therapist_and_the_session(
    episode: Episode, therapist: User, patient: Patient
) -> None:
    _invite(episode, therapist, patient, "fr")
    message = mail.outbox[0]
    assert message.subject == "Comment s’est passée votre séance du 4 mars 2025 ?"
    body = " ".join(message.body.split())
    assert "Théo Thérapeute aimerait savoir comment s’est passée votre séance" in body
    assert "du 4 mars 2025 à 14:00." in body


@override_settings(TIME_ZONE="America/Montreal")
def test_session_time_is_in_the_clinic_time_zone(
    episode: Episode, therapist: User, patient: Patient
) -> None:
    _invite(episode, therapist, patient, "fr")
    assert "4 mars 2025 à 08:00" in " ".join(mail.outbox[0].body.split())


def test_automatic_invitation_names_the_lead_therapist(
    episode: Episode, therapist: User, patient: Patient
) -> None:
    MonitoringPlan.objects.filter(patient=patient).update(auto_invite_after_minutes=10)
    session = make_session(episode=episode, starts_at=STARTS_AT)
    assert actions.auto_invite_if_due(session=session) is not None
    assert CheckinLink.objects.get().created_by is None
    assert "Théo Thérapeute would like to know" in " ".join(mail.outbox[0].body.split())


def test_reminder_names_the_therapist_and_the_session(
    episode: Episode, therapist: User, patient: Patient
) -> None:
    _invite(episode, therapist, patient, "en")
    link = CheckinLink.objects.get()
    assert link.emailed_at is not None
    assert actions.send_reminder_if_due(link=link, now=link.emailed_at + timedelta(hours=49))
    reminder = mail.outbox[-1]
    assert reminder.subject == "A reminder: how was your session of March 4, 2025?"
    assert "Théo Thérapeute invited you to say how your session of March 4, 2025 at 2 p.m." in (
        " ".join(reminder.body.split())
    )


def test_email_carries_no_clinical_content(
    episode: Episode, therapist: User, patient: Patient
) -> None:
    # A previous check-in with answers and free text: none of it may reach an inbox.
    earlier = make_session(episode=episode, starts_at=STARTS_AT - timedelta(days=7))
    link, _token = actions.create_link(session=earlier, channel=Channel.QR, by=therapist)
    checkin = actions.start_checkin(link=link)
    answer_everything(checkin, link, voice={"change_request": "I felt judged."})
    actions.submit_checkin(checkin=checkin, link=link)
    _invite(episode, therapist, patient, "en")
    message = mail.outbox[0]
    text = f"{message.subject}\n{message.body}"
    assert "I felt judged" not in text
    assert patient.display_name not in text
    assert "/10" not in text
    assert not getattr(message, "alternatives", None)  # text only: no HTML part to keep in step
