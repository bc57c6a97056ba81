"""Audit records cannot be changed or deleted through the application."""

from __future__ import annotations

import pytest

from alliance.accounts.models import User
from alliance.audit.log import record
from alliance.audit.models import AppendOnlyError, AuditEvent


@pytest.fixture
def event(therapist: User) -> AuditEvent:
    return record("tests.something", by=therapist)


def test_a_record_cannot_be_saved_again(event: AuditEvent) -> None:
    event.action = "tests.something_else"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "tests.something"


def test_a_record_cannot_be_deleted(event: AuditEvent) -> None:
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_records_cannot_be_updated_in_bulk(event: AuditEvent) -> None:
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tests.forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "tests.something"
