"""Check-in links, check-ins and their answers, stored scores, safety alerts,
each patient's monitoring plan, and the waiting-room tablets (kiosks).

A *link* is what a patient holds: a random token (stored only as its SHA-256)
bound to one patient and one session. Several links may lead to the same
check-in (the email, its reminder, a QR code shown in the room): a session has
at most one check-in per respondent, so answering through any of them resumes
the same answers and submitting twice records one check-in.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import ClassVar
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import Clinic, User
from alliance.care.models import Patient, Session, Task, both_or_neither
from alliance.checkins import durations
from alliance.checkins.durations import DEFAULT_LINK_VALIDITY_DAYS
from alliance.checkins.instrument_ids import PATIENT_INSTRUMENT

#: A kiosk link lives only as long as the patient sits in the waiting room.
KIOSK_LINK_VALIDITY = timedelta(hours=2)
#: The error code of an email that could not go out: the patient has no address.
NO_ADDRESS = "no_address"


def hash_token(token: str) -> str:
    """Tokens are stored hashed: a copy of the database opens no check-in."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def link_validity() -> timedelta:
    days = getattr(settings, "CHECKIN_LINK_VALIDITY_DAYS", DEFAULT_LINK_VALIDITY_DAYS)
    return timedelta(days=int(days))


def kiosk_idle_timeout() -> timedelta:
    """How long a check-in on the tablet stays open without an answer or a tap."""
    minutes = getattr(settings, "KIOSK_IDLE_MINUTES", durations.DEFAULT_KIOSK_IDLE_MINUTES)
    return timedelta(minutes=float(minutes))


def default_link_expiry() -> object:
    return timezone.now() + link_validity()


# --- Monitoring plan ------------------------------------------------------------


class MonitoringPlan(models.Model):
    """How often a patient is asked what, and when invitations and reminders go out."""

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, related_name="monitoring_plan"
    )
    checkin_instrument = models.CharField(
        _("check-in questionnaire"), max_length=80, default=PATIENT_INSTRUMENT
    )
    phq9_every_sessions = models.PositiveSmallIntegerField(
        _("PHQ-9 every how many sessions"),
        default=4,
        help_text=_("0 turns the PHQ-9 off for this patient."),
    )
    gad7_every_sessions = models.PositiveSmallIntegerField(
        _("GAD-7 every how many sessions"),
        default=0,
        help_text=_("0 turns the GAD-7 off for this patient."),
    )
    auto_invite_after_minutes = models.PositiveIntegerField(
        _("send the invitation automatically, minutes after the session ends"),
        null=True,
        blank=True,
        help_text=_("Leave empty to send invitations yourself."),
    )
    reminder_after_hours = models.PositiveIntegerField(
        _("send one reminder after how many hours without an answer"),
        default=48,
        help_text=_("0 sends no reminder."),
    )
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("monitoring plan")
        verbose_name_plural = _("monitoring plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(phq9_every_sessions__lte=52) & Q(gad7_every_sessions__lte=52),
                name="monitoring_plan_schedule_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"plan {self.patient_id}"

    def measure_every(self) -> dict[str, int]:
        """Outcome measures that are on, with their period in sessions."""
        periods = {"phq-9": self.phq9_every_sessions, "gad-7": self.gad7_every_sessions}
        return {instrument: every for instrument, every in periods.items() if every}


# --- Kiosks --------------------------------------------------------------------


class KioskDevice(models.Model):
    """A shared tablet in a waiting room, paired to a clinic by a therapist.

    The tablet holds a long random token in a cookie; only its hash is here.
    """

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="kiosks")
    name = models.CharField(_("name"), max_length=80)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    paired_at = models.DateTimeField(default=timezone.now, editable=False)
    paired_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    last_seen_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("waiting-room tablet")
        verbose_name_plural = _("waiting-room tablets")
        constraints = [both_or_neither("revoked", "kiosk_revoked_at_with_revoked_by")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


# --- Links ---------------------------------------------------------------------


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    QR = "qr", _("QR code")
    KIOSK = "kiosk", _("Waiting-room tablet")
    AUTOMATIC = "automatic", _("Email sent automatically")


class EmailStatus(models.TextChoices):
    NOT_SENT = "not_sent", _("Not sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Refused by the mail server")


class LinkState(models.TextChoices):
    USABLE = "usable", _("Usable")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Withdrawn")


class CheckinLinkQuerySet(models.QuerySet["CheckinLink"]):
    def usable(self) -> CheckinLinkQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def idle_on_tablet(self, now: datetime) -> CheckinLinkQuerySet:
        """Tablet check-ins, open on screen, with no answer or tap for ``KIOSK_IDLE_MINUTES``.

        ``last_active_at`` is set when the tablet claims the link, and at every
        answer or tap after that.
        """
        cutoff = now - kiosk_idle_timeout()
        return self.filter(
            Q(last_active_at__lte=cutoff) | Q(last_active_at__isnull=True, claimed_at__lte=cutoff),
            channel=Channel.KIOSK,
            claimed_at__isnull=False,
            revoked_at__isnull=True,
        )

    def for_token(self, token: str) -> CheckinLinkQuerySet:
        digest = hash_token(token)
        return self.filter(Q(token_hash=digest) | Q(reminder_token_hash=digest))


class CheckinLink(models.Model):
    """A patient's access to one session's check-in and to their own space."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="checkin_links")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="checkin_links")
    channel = models.CharField(_("sent by"), max_length=10, choices=Channel.choices)
    # Null only for a kiosk link not yet claimed by its tablet.
    token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001 - unique: NULLs must not collide
    # The reminder carries a second token: the first one was never stored in clear.
    reminder_token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Null when the link was created by the background worker (automatic invitation).
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(default=default_link_expiry)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    email_status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.NOT_SENT
    )
    # Codes only (e.g. "smtp_550"): the server's sentence may quote the address.
    email_error = models.CharField(max_length=80, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    device = models.ForeignKey(
        KioskDevice, on_delete=models.CASCADE, null=True, blank=True, related_name="links"
    )
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Tablet links only: the patient's last answer or tap. After KIOSK_IDLE_MINUTES
    # without one, the link closes (see alliance/checkins/durations.py).
    last_active_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects: ClassVar[CheckinLinkQuerySet] = CheckinLinkQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("check-in link")
        verbose_name_plural = _("check-in links")
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False),
                name="checkin_link_revoked_by_needs_revoked_at",
            ),
            models.CheckConstraint(
                condition=Q(channel="kiosk", device__isnull=False)
                | (~Q(channel="kiosk") & Q(device__isnull=True)),
                name="checkin_link_device_iff_kiosk",
            ),
            models.CheckConstraint(
                condition=Q(token_hash__isnull=False) | Q(channel="kiosk"),
                name="checkin_link_token_unless_unclaimed_kiosk",
            ),
            models.CheckConstraint(
                condition=Q(email_status="sent", emailed_at__isnull=False)
                | ~Q(email_status="sent"),
                name="checkin_link_sent_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"link {self.uuid}"

    @property
    def state(self) -> LinkState:
        if self.revoked_at is not None or self.is_idle():
            return LinkState.REVOKED  # an idle tablet link is closed as soon as it is seen
        if self.expires_at <= timezone.now():
            return LinkState.EXPIRED
        return LinkState.USABLE

    def idle_deadline(self) -> datetime | None:
        """When this check-in, open on a tablet, closes for lack of activity; else None."""
        if not self.is_kiosk or self.claimed_at is None or self.revoked_at is not None:
            return None
        last_activity = self.last_active_at or self.claimed_at  # set at the claim, then each tap
        return durations.idle_deadline(last_activity, kiosk_idle_timeout())

    def is_idle(self, now: datetime | None = None) -> bool:
        """Whether this tablet check-in went ``KIOSK_IDLE_MINUTES`` without an answer or a tap."""
        deadline = self.idle_deadline()
        return deadline is not None and (now or timezone.now()) >= deadline

    @property
    def is_kiosk(self) -> bool:
        return self.channel == Channel.KIOSK

    @property
    def email_outcome(self) -> str:
        """What the therapist's pages say of this link's email.

        ``"no_address"`` for an email link of a patient who has no address (none
        given, or removed since): the pages then say to give the link in person,
        and never that an email was sent. Otherwise the recorded ``email_status``.
        """
        by_email = self.channel in (Channel.EMAIL, Channel.AUTOMATIC)
        if by_email and (not self.patient.contact_email or self.email_error == NO_ADDRESS):
            return NO_ADDRESS
        return str(self.email_status)


# --- Check-ins and answers ----------------------------------------------------


class Respondent(models.TextChoices):
    PATIENT = "patient", _("Patient")
    THERAPIST = "therapist", _("Therapist")


class CheckinStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Sent")


class Checkin(models.Model):
    """One respondent's check-in of one session: the patient's, or the therapist's mirror."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="checkins")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="checkins")
    respondent = models.CharField(max_length=10, choices=Respondent.choices)
    # The therapist who rated (mirror rating); never set for a patient's check-in.
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    link = models.ForeignKey(
        CheckinLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=CheckinStatus.choices, default=CheckinStatus.IN_PROGRESS
    )
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="fr")
    started_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_step = models.CharField(max_length=80, blank=True)
    # The outcome measures this check-in asks, decided when it starts so
    # that the steps do not change under the patient's feet.
    measures = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(fields=["session", "respondent"], name="checkin_once"),
            models.CheckConstraint(
                condition=Q(respondent="therapist", by__isnull=False)
                | Q(respondent="patient", by__isnull=True),
                name="checkin_by_only_for_therapist",
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress", submitted_at__isnull=True)
                | Q(status="submitted", submitted_at__isnull=False),
                name="checkin_submitted_at_when_submitted",
            ),
        ]

    def __str__(self) -> str:
        return f"checkin {self.uuid}"

    @property
    def is_submitted(self) -> bool:
        return self.status == CheckinStatus.SUBMITTED


class Response(models.Model):
    """One answer to one item, saved as it is given (upserted on each autosave)."""

    checkin = models.ForeignKey(Checkin, on_delete=models.CASCADE, related_name="responses")
    instrument_id = models.CharField(max_length=80)
    instrument_version = models.CharField(max_length=20)
    # The goal or task the item is about (goal-rating, task-rating), else null.
    subject_uuid = models.UUIDField(null=True, blank=True)
    item_id = models.CharField(max_length=80)
    value = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=4000)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["checkin", "instrument_id", "item_id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            # Two constraints because NULLs are distinct in a unique index.
            models.UniqueConstraint(
                fields=["checkin", "instrument_id", "item_id"],
                condition=Q(subject_uuid__isnull=True),
                name="response_once_without_subject",
            ),
            models.UniqueConstraint(
                fields=["checkin", "instrument_id", "subject_uuid", "item_id"],
                condition=Q(subject_uuid__isnull=False),
                name="response_once_per_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id}/{self.item_id}"

    @property
    def answer(self) -> float | str | None:
        return self.text if self.text else self.value


class CheckinScore(models.Model):
    """The score of one instrument (for one goal or task) in a submitted check-in.

    The signals issue reads these: per-pillar values are columns of their own
    (on the instrument's scale, 0–10 for the project's check-in), the other
    subscales are in ``subscales``.
    """

    checkin = models.ForeignKey(Checkin, on_delete=models.CASCADE, related_name="scores")
    instrument_id = models.CharField(max_length=80)
    instrument_version = models.CharField(max_length=20)
    subject_uuid = models.UUIDField(null=True, blank=True)
    total = models.FloatField(null=True, blank=True)
    goal = models.FloatField(null=True, blank=True)
    task = models.FloatField(null=True, blank=True)
    bond = models.FloatField(null=True, blank=True)
    overall = models.FloatField(null=True, blank=True)
    # The rupture item ("a moment of tension?"), 1 yes / 0 no, and its intensity.
    tension = models.FloatField(null=True, blank=True)
    tension_intensity = models.FloatField(null=True, blank=True)
    subscales = models.JSONField(default=dict, blank=True)
    band = models.CharField(max_length=40, blank=True)
    problem = models.CharField(max_length=40, blank=True)
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["checkin", "instrument_id"]
        verbose_name = _("check-in score")
        verbose_name_plural = _("check-in scores")
        constraints = [
            models.UniqueConstraint(
                fields=["checkin", "instrument_id"],
                condition=Q(subject_uuid__isnull=True),
                name="checkin_score_once_without_subject",
            ),
            models.UniqueConstraint(
                fields=["checkin", "instrument_id", "subject_uuid"],
                condition=Q(subject_uuid__isnull=False),
                name="checkin_score_once_per_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.total}"


class SafetyAlert(models.Model):
    """A safety item answered above its threshold (PHQ-9 item 9 > 0), until acknowledged."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="safety_alerts")
    checkin = models.ForeignKey(Checkin, on_delete=models.CASCADE, related_name="safety_alerts")
    instrument_id = models.CharField(max_length=80)
    rule_id = models.CharField(max_length=80)
    value = models.FloatField()
    raised_at = models.DateTimeField(default=timezone.now, editable=False)
    email_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True, editable=False)
    acknowledged_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("safety alert")
        verbose_name_plural = _("safety alerts")
        constraints = [
            both_or_neither("acknowledged", "safety_alert_acknowledged_at_with_by"),
            models.UniqueConstraint(
                fields=["checkin", "instrument_id", "rule_id"], name="safety_alert_once"
            ),
        ]

    def __str__(self) -> str:
        return f"alert {self.uuid}"


class TaskObjection(models.Model):
    """The patient says, from their link, that a task does not fit them, and why."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="objections")
    link = models.ForeignKey(
        CheckinLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("why it does not fit you"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    seen_at = models.DateTimeField(null=True, blank=True, editable=False)
    seen_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("task objection")
        verbose_name_plural = _("task objections")
        constraints = [both_or_neither("seen", "task_objection_seen_at_with_by")]

    def __str__(self) -> str:
        return f"objection {self.uuid}"
