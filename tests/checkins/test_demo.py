"""The check-ins demo step: months of history, ruptures, one safety alert."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from alliance.checkins.models import (
    Channel,
    Checkin,
    CheckinLink,
    CheckinScore,
    EmailStatus,
    SafetyAlert,
)


@pytest.mark.django_db
def test_demo_builds_checkin_history() -> None:
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    assert Checkin.objects.filter(respondent="patient").count() > 100
    assert Checkin.objects.filter(respondent="therapist").exists()
    assert SafetyAlert.objects.filter(acknowledged_at__isnull=True).count() == 1
    assert CheckinScore.objects.filter(tension=1.0).count() >= 2
    assert CheckinLink.objects.filter(email_status=EmailStatus.FAILED).count() == 1
    assert CheckinScore.objects.filter(instrument_id="phq-9", total__isnull=False).exists()


@pytest.mark.django_db
def test_demo_emails_only_patients_who_have_an_address() -> None:
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    without_address = CheckinLink.objects.filter(patient__contact_email="")
    assert not without_address.exclude(email_status=EmailStatus.NOT_SENT).exists()
    assert not without_address.filter(channel__in=[Channel.EMAIL, Channel.AUTOMATIC]).exists()
    assert not without_address.filter(emailed_at__isnull=False).exists()
    refused = CheckinLink.objects.get(email_status=EmailStatus.FAILED)
    assert refused.patient.contact_email
