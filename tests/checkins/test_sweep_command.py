"""``manage.py checkins_sweep`` sends the reminders a stopped worker missed, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from alliance.accounts.models import User
from tests.care.factories import make_patient, make_session, open_episode_of
from tests.checkins.factories import make_link, make_plan

pytestmark = pytest.mark.django_db


def test_a_missed_reminder_goes_out_once(therapist: User) -> None:
    patient = make_patient(therapist=therapist, contact_email="patient@example.org")
    make_plan(patient=patient, reminder_after_hours=24)
    session = make_session(
        episode=open_episode_of(patient), starts_at=timezone.now() - timedelta(days=3)
    )
    link, _ = make_link(session=session, emailed_at=timezone.now() - timedelta(days=2))

    call_command("checkins_sweep")
    call_command("checkins_sweep")

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["patient@example.org"]
    link.refresh_from_db()
    assert link.reminder_sent_at is not None


def test_a_reminder_not_yet_due_waits(therapist: User) -> None:
    patient = make_patient(therapist=therapist, contact_email="patient@example.org")
    make_plan(patient=patient, reminder_after_hours=24)
    session = make_session(episode=open_episode_of(patient), starts_at=timezone.now())
    make_link(session=session, emailed_at=timezone.now() - timedelta(hours=2))
    call_command("checkins_sweep")
    assert mail.outbox == []
