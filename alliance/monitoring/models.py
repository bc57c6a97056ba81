"""Signals stored from the engine, the repair loop, and each clinic's thresholds.

A :class:`StoredSignal` is one event the pure engine
(:mod:`alliance.science.signals`) raised about one session of one patient;
recomputing a patient's signals upserts them on their natural key, so it can
run as often as needed. Rupture signals about the same session open one
:class:`Repair`: a therapist repairs *a moment* in the relationship, which may
show on several pillars and rules at once.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import Clinic, User
from alliance.care.models import Patient, Session, both_or_neither
from alliance.checkins.models import Checkin


class Severity(models.TextChoices):
    INFO = "info", _("For information")
    WARNING = "warning", _("Before the next session")
    URGENT = "urgent", _("Now")


class SignalRespondent(models.TextChoices):
    PATIENT = "patient", _("Patient")
    THERAPIST = "therapist", _("Therapist")
    BOTH = "both", _("Patient and therapist")


#: How urgent a severity is, for sorting (higher first).
SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.URGENT: 2}


class StoredSignal(models.Model):
    """One signal raised by the engine, with the numbers that justify it."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="signals")
    # The session the event is about, and the check-in that made it detectable.
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="signals")
    checkin = models.ForeignKey(
        Checkin, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rule = models.CharField(max_length=40)
    dimension = models.CharField(max_length=20)
    respondent = models.CharField(max_length=10, choices=SignalRespondent.choices)
    # The goal or task a goal/task signal is about ("" otherwise): part of the key.
    subject = models.CharField(max_length=36, blank=True, default="")
    severity = models.CharField(max_length=10, choices=Severity.choices)
    magnitude = models.FloatField()
    evidence = models.JSONField(default=dict)
    source = models.CharField(max_length=300)
    heuristic = models.BooleanField()
    is_rupture = models.BooleanField()
    detected_at = models.DateTimeField()
    computed_at = models.DateTimeField(default=timezone.now)
    repair = models.ForeignKey(
        "Repair", on_delete=models.SET_NULL, null=True, blank=True, related_name="signals"
    )

    class Meta:
        ordering = ["-detected_at", "rule"]
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "rule", "dimension", "respondent", "session", "subject"],
                name="stored_signal_once",
            ),
        ]
        indexes = [models.Index(fields=["patient", "detected_at"])]

    def __str__(self) -> str:
        return f"{self.rule} {self.dimension} {self.session_id}"

    @property
    def opens_repair(self) -> bool:
        """Ruptures worth a therapist's attention open a repair; information does not."""
        return self.is_rupture and self.severity != Severity.INFO


class Strategy(models.TextChoices):
    """Repair strategies named in the literature (clinical reference, section 5)."""

    METACOMMUNICATION = "metacommunication", _("Talk about what happened between us")
    REVISIT_GOALS = "revisit_goals", _("Revisit the goals together")
    RETHINK_TASK = "rethink_task", _("Rethink a task")
    CLARIFY_RATIONALE = "clarify_rationale", _("Explain why we do a task")
    VALIDATE = "validate", _("Validate the patient's experience")
    OTHER = "other", _("Other")


class Resolution(models.TextChoices):
    RATINGS_BACK = "ratings_back", _("The patient's ratings came back to their level")
    TALKED_THROUGH = "talked_through", _("The patient said it was talked through")
    CLOSED = "closed", _("Closed by the therapist")


class RepairStatus(models.TextChoices):
    DETECTED = "detected", _("To plan")
    PLANNED = "planned", _("Planned")
    ADDRESSED = "addressed", _("Addressed in session")
    RESOLVED = "resolved", _("Repaired")


class Repair(models.Model):
    """The repair of a rupture: detected → planned → addressed → resolved."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="repairs")
    # The session in which the rupture happened.
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="repairs")
    opened_at = models.DateTimeField(default=timezone.now)
    strategy = models.CharField(
        _("what you plan to do"), max_length=20, choices=Strategy.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True, max_length=4000)
    planned_at = models.DateTimeField(null=True, blank=True, editable=False)
    planned_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    addressed_session = models.ForeignKey(
        Session,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("session in which it was addressed"),
    )
    addressed_at = models.DateTimeField(null=True, blank=True, editable=False)
    addressed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Only set when the therapist closed it; the engine resolves the other kinds.
    resolved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_checkin = models.ForeignKey(
        Checkin, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    close_reason = models.TextField(_("reason"), blank=True, max_length=2000)
    # "You said / we changed", shown to the patient in their next check-in.
    you_said = models.TextField(_("what the patient said"), blank=True, max_length=1000)
    we_changed = models.TextField(_("what we changed"), blank=True, max_length=1000)
    shared_at = models.DateTimeField(null=True, blank=True, editable=False)
    shared_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("repair")
        verbose_name_plural = _("repairs")
        constraints = [
            models.UniqueConstraint(fields=["patient", "session"], name="repair_once_per_session"),
            both_or_neither("planned", "repair_planned_at_with_by"),
            both_or_neither("addressed", "repair_addressed_at_with_by"),
            both_or_neither("shared", "repair_shared_at_with_by"),
            models.CheckConstraint(
                condition=Q(planned_at__isnull=True) | ~Q(strategy=""),
                name="repair_planned_has_strategy",
            ),
            models.CheckConstraint(
                condition=Q(resolution="", resolved_at__isnull=True)
                | (~Q(resolution="") & Q(resolved_at__isnull=False)),
                name="repair_resolved_at_with_resolution",
            ),
            models.CheckConstraint(
                condition=~Q(resolution="closed")
                | (Q(resolved_by__isnull=False) & ~Q(close_reason="")),
                name="repair_closed_by_someone_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(shared_at__isnull=True) | ~Q(we_changed=""),
                name="repair_shared_says_what_changed",
            ),
        ]

    def __str__(self) -> str:
        return f"repair {self.uuid}"

    @property
    def status(self) -> RepairStatus:
        if self.resolved_at is not None:
            return RepairStatus.RESOLVED
        if self.addressed_at is not None:
            return RepairStatus.ADDRESSED
        if self.planned_at is not None:
            return RepairStatus.PLANNED
        return RepairStatus.DETECTED

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class ClinicSignalSettings(models.Model):
    """A clinic's changes to the engine's defaults, and the scales calibrated on its data.

    ``overrides`` holds only the values the clinic changed (``SignalConfig``
    field names); ``calibration`` is recomputed from the clinic's data (see
    :func:`alliance.monitoring.trajectories.calibrate_clinic`).
    """

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="signal_settings")
    overrides = models.JSONField(default=dict, blank=True)
    calibration = models.JSONField(default=dict, blank=True)
    calibrated_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("signal settings")
        verbose_name_plural = _("signal settings")
        constraints = [both_or_neither("updated", "signal_settings_updated_at_with_by")]

    def __str__(self) -> str:
        return f"signal settings {self.clinic_id}"

    def override(self, name: str) -> Any:
        return self.overrides.get(name)
