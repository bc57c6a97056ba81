"""The demo step and the refresh_signals command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from alliance.care.models import Patient
from alliance.monitoring.models import Repair, StoredSignal
from tests.monitoring.factories import add_checkin, steady_history


@pytest.mark.django_db
def test_the_demo_shows_a_living_repair_loop() -> None:
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    assert StoredSignal.objects.exists()
    assert Repair.objects.exists()
    assert Repair.objects.filter(planned_at__isnull=False, addressed_at__isnull=False).exists()
    assert Repair.objects.filter(resolved_at__isnull=False).exists()
    assert Repair.objects.filter(shared_at__isnull=False).exists()


def test_refresh_signals_command(patient: Patient) -> None:
    steady_history(patient)
    add_checkin(patient, days_ago=20, bond=2)
    out = StringIO()
    call_command("refresh_signals", stdout=out)
    assert "1 patients" in out.getvalue()
    assert Repair.objects.filter(patient=patient).count() == 1
    call_command("refresh_signals", stdout=StringIO())
    assert Repair.objects.filter(patient=patient).count() == 1
