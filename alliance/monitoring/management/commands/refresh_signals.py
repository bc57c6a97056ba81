"""Recompute every patient's signals and repairs (after changing thresholds, or nightly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from alliance.accounts.models import Clinic
from alliance.care.models import Patient
from alliance.monitoring.actions import calibrate_clinic, refresh_patient_signals


class Command(BaseCommand):
    help = "Estimate each clinic's scales again, then recompute every patient's signals."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clinic", help="Only this clinic (its UUID).")

    def handle(self, *args: Any, **options: Any) -> None:
        clinics = Clinic.objects.all()
        if options["clinic"]:
            clinics = clinics.filter(uuid=options["clinic"])
        totals = {"patients": 0, "created": 0, "removed": 0, "opened": 0, "resolved": 0}
        for clinic in clinics:
            calibrate_clinic(clinic=clinic)
            for patient in Patient.objects.filter(clinic=clinic).select_related("clinic"):
                result = refresh_patient_signals(patient=patient)
                totals["patients"] += 1
                totals["created"] += result.created
                totals["removed"] += result.removed
                totals["opened"] += result.repairs_opened
                totals["resolved"] += result.repairs_resolved
        self.stdout.write(
            "{patients} patients: {created} new signals, {removed} removed, "
            "{opened} repairs opened, {resolved} resolved.".format(**totals)
        )
