"""Invitations by email, refused addresses, the one reminder, automatic invitations."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from alliance.accounts.models import User
from alliance.care.models import Attendance, Episode, Patient, Session
from alliance.checkins import actions, tasks
from alliance.checkins.models import (
    CheckinLink,
    EmailStatus,
    MonitoringPlan,
    hash_token,
)
from alliance.errors import ActionRefused
from tests.care.factories import make_session
from tests.checkins.helpers import answer_everything

pytestmark = pytest.mark.django_db


def _token_in(body: str) -> str:
    line = next(line for line in body.splitlines() if "/c/" in line)
    return line.strip().split("/c/")[1].strip("/")


def test_invitation_is_emailed_in_the_patient_language(
    session: Session, therapist: User, patient: Patient
) -> None:
    patient.preferred_language = "fr"
    patient.save()
    result = actions.invite_by_email(session=session, by=therapist)
    assert result.sent
    message = mail.outbox[0]
    assert message.to == ["al@example.org"]
    token = _token_in(message.body)
    assert len(token) >= 43  # 256 bits, URL-safe base64
    link = CheckinLink.objects.get()
    assert link.token_hash == hash_token(token)
    assert token not in str(link.__dict__)
    assert link.email_status == EmailStatus.SENT
    assert link.emailed_at is not None
    assert (
        "séance" in message.subject.lower() or "séance" in message.body.lower() or message.subject
    )


def test_refused_address_is_recorded(session: Session, therapist: User, monkeypatch: Any) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise smtplib.SMTPRecipientsRefused({"al@example.org": (550, b"No such user")})

    monkeypatch.setattr("alliance.checkins.mail.send_mail", refuse)
    result = actions.invite_by_email(session=session, by=therapist)
    assert not result.sent
    assert result.error == "smtp_550"
    link = CheckinLink.objects.get()
    assert link.email_status == EmailStatus.FAILED
    assert link.email_error == "smtp_550"
    assert "example.org" not in link.email_error


def test_no_address_is_refused_with_advice(
    session: Session, therapist: User, patient: Patient
) -> None:
    patient.contact_email = ""
    patient.save()
    with pytest.raises(ActionRefused, match="QR code"):
        actions.invite_by_email(session=session, by=therapist)
    assert not CheckinLink.objects.exists()


def test_future_or_missed_session_gets_no_link(episode: Episode, therapist: User) -> None:
    future = make_session(
        episode=episode, starts_at=timezone.now() + timedelta(days=1), attendance=Attendance.PLANNED
    )
    with pytest.raises(ActionRefused):
        actions.create_link(session=future, channel="email", by=therapist)
    missed = make_session(episode=episode, attendance=Attendance.MISSED)
    with pytest.raises(ActionRefused):
        actions.create_link(session=missed, channel="email", by=therapist)


def test_one_reminder_when_due_with_a_new_token_to_the_same_checkin(
    session: Session, therapist: User
) -> None:
    actions.invite_by_email(session=session, by=therapist)
    link = CheckinLink.objects.get()
    checkin = actions.start_checkin(link=link)
    assert not actions.send_reminder_if_due(link=link)  # not due yet
    later = timezone.now() + timedelta(hours=49)
    assert actions.send_reminder_if_due(link=link, now=later)
    assert not actions.send_reminder_if_due(link=link, now=later)  # only one
    reminder_token = _token_in(mail.outbox[-1].body)
    assert CheckinLink.objects.for_token(reminder_token).get() == link
    assert actions.start_checkin(link=link) == checkin
    assert len(mail.outbox) == 2


def test_no_reminder_once_answered(session: Session, therapist: User) -> None:
    actions.invite_by_email(session=session, by=therapist)
    link = CheckinLink.objects.get()
    checkin = actions.start_checkin(link=link)
    answer_everything(checkin, link)
    actions.submit_checkin(checkin=checkin, link=link)
    assert not actions.send_reminder_if_due(link=link, now=timezone.now() + timedelta(days=3))


def test_sweep_sends_due_reminders(session: Session, therapist: User) -> None:
    actions.invite_by_email(session=session, by=therapist)
    CheckinLink.objects.update(emailed_at=timezone.now() - timedelta(days=3))
    tasks.sweep.enqueue()
    assert CheckinLink.objects.get().reminder_sent_at is not None


def test_automatic_invitation_waits_for_the_delay(episode: Episode, patient: Patient) -> None:
    MonitoringPlan.objects.filter(patient=patient).update(auto_invite_after_minutes=30)
    starts_at = timezone.now() - timedelta(minutes=60)
    session = make_session(episode=episode, starts_at=starts_at, duration_minutes=45)
    # The receiver enqueued the task, which ran at once and found it not due.
    assert not CheckinLink.objects.exists()
    assert actions.auto_invite_if_due(session=session) is None
    later = starts_at + timedelta(minutes=76)
    result = actions.auto_invite_if_due(session=session, now=later)
    assert result is not None
    assert result.sent
    assert CheckinLink.objects.get().channel == "automatic"
    assert actions.auto_invite_if_due(session=session, now=later) is None  # once


def test_automatic_invitation_skips_cancelled_sessions(episode: Episode, patient: Patient) -> None:
    MonitoringPlan.objects.filter(patient=patient).update(auto_invite_after_minutes=0)
    session = make_session(episode=episode, attendance=Attendance.CANCELLED)
    assert actions.auto_invite_if_due(session=session) is None


def test_automatic_invitation_sent_by_the_task_when_already_due(
    episode: Episode, patient: Patient, django_capture_on_commit_callbacks: Any
) -> None:
    MonitoringPlan.objects.filter(patient=patient).update(auto_invite_after_minutes=10)
    with django_capture_on_commit_callbacks(execute=True):
        make_session(episode=episode, starts_at=timezone.now() - timedelta(hours=3))
    assert CheckinLink.objects.get().channel == "automatic"
    assert len(mail.outbox) == 1


def test_revoked_link_opens_nothing(link: CheckinLink, therapist: User) -> None:
    actions.revoke_link(link=link, by=therapist)
    with pytest.raises(ActionRefused) as refused:
        actions.start_checkin(link=link)
    assert refused.value.code == "revoked"


def test_no_new_link_once_the_patient_has_sent_the_checkin(
    link: CheckinLink, session: Session, therapist: User
) -> None:
    checkin = actions.start_checkin(link=link)
    answer_everything(checkin, link)
    actions.submit_checkin(checkin=checkin, link=link)
    for attempt in (
        lambda: actions.invite_by_email(session=session, by=therapist),
        lambda: actions.create_link(session=session, channel="qr", by=therapist),
    ):
        with pytest.raises(ActionRefused) as refused:
            attempt()
        assert refused.value.code == "already_answered"
    assert CheckinLink.objects.count() == 1
    assert len(mail.outbox) == 0
