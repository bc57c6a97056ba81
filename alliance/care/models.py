"""Patients, their care team, episodes of care, sessions, the therapy frame,
goals (with their history) and tasks.

Patients are pseudonymous: a display name or initials is all Alliance needs.
Authorship (``*_by``) points at clinic members with ``PROTECT``: people are
deactivated, never deleted, and a clinical record must keep who wrote it.
Erasing a patient cascades through everything that belongs to them.
"""

from __future__ import annotations

from typing import ClassVar
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from alliance.accounts.models import Clinic, User

WORDING_MAX_LENGTH = 500


def both_or_neither(prefix: str, name: str) -> models.CheckConstraint:
    """``<prefix>_at`` and ``<prefix>_by`` are set together or not at all."""
    at, by = f"{prefix}_at", f"{prefix}_by"
    return models.CheckConstraint(
        condition=Q(**{f"{at}__isnull": True, f"{by}__isnull": True})
        | Q(**{f"{at}__isnull": False, f"{by}__isnull": False}),
        name=name,
    )


class Author(models.TextChoices):
    """Who wrote or changed something: the therapist, or the patient from their link."""

    THERAPIST = "therapist", _("Therapist")
    PATIENT = "patient", _("Patient")


# --- Patients and their care team ---------------------------------------------


class PatientQuerySet(models.QuerySet["Patient"]):
    def search(self, text: str) -> PatientQuerySet:
        text = text.strip()
        return self.filter(display_name__icontains=text) if text else self


class Patient(models.Model):
    """A person in therapy, known by a pseudonym or initials (never needs an account)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="patients", verbose_name=_("clinic")
    )
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        help_text=_("A pseudonym or initials is enough; the full name is never needed."),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )
    contact_email = models.EmailField(
        _("contact email address"),
        blank=True,
        help_text=_("Optional: only used to send the patient their check-in links."),
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        help_text=_("Two letters (FR, BE, CH, CA, GB…): used to show the right crisis resources."),
    )
    therapists = models.ManyToManyField(
        User, through="CareTeamMember", through_fields=("patient", "therapist"), related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    objects: ClassVar[PatientQuerySet] = PatientQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("patient")
        verbose_name_plural = _("patients")

    def __str__(self) -> str:
        return self.display_name


class CareTeamRole(models.TextChoices):
    LEAD = "lead", _("Lead therapist")
    SHARED = "shared", _("Shared with")


class CareTeamMember(models.Model):
    """A therapist who may see and work with a patient's record."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="care_team")
    therapist = models.ForeignKey(User, on_delete=models.PROTECT, related_name="care_teams")
    role = models.CharField(_("role"), max_length=10, choices=CareTeamRole.choices)
    added_at = models.DateTimeField(default=timezone.now, editable=False)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["role", "added_at"]
        verbose_name = _("care team member")
        verbose_name_plural = _("care team members")
        constraints = [
            models.UniqueConstraint(fields=["patient", "therapist"], name="care_team_member_once"),
            models.UniqueConstraint(
                fields=["patient"], condition=Q(role="lead"), name="care_team_one_lead"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.therapist} ({self.role})"


# --- Episodes of care ---------------------------------------------------------


class Approach(models.TextChoices):
    CBT = "cbt", _("Cognitive and behavioural")
    PSYCHODYNAMIC = "psychodynamic", _("Psychodynamic or psychoanalytic")
    SYSTEMIC = "systemic", _("Systemic or family")
    HUMANISTIC = "humanistic", _("Humanistic or person-centred")
    INTEGRATIVE = "integrative", _("Integrative")
    OTHER = "other", _("Other")


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video")
    PHONE = "phone", _("Telephone")
    MIXED = "mixed", _("Mixed")


class Episode(models.Model):
    """An episode of care (« suivi »): from a first session to its close."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="episodes")
    started_on = models.DateField(_("start date"))
    approach = models.CharField(_("approach"), max_length=20, choices=Approach.choices)
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices)
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-started_on", "-created_at"]
        verbose_name = _("episode of care")
        verbose_name_plural = _("episodes of care")
        constraints = [
            both_or_neither("closed", "episode_closed_at_with_closed_by"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, closed_at__isnull=True)
                | Q(ended_on__isnull=False, closed_at__isnull=False),
                name="episode_end_date_when_closed",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="episode_ends_after_it_starts",
            ),
            # Two open episodes would make "the current frame" ambiguous.
            models.UniqueConstraint(
                fields=["patient"], condition=Q(closed_at__isnull=True), name="episode_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} {self.started_on:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


# --- Sessions -----------------------------------------------------------------


class Attendance(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ATTENDED = "attended", _("Attended")
    CANCELLED = "cancelled", _("Cancelled")
    MISSED = "missed", _("Missed")


class Session(models.Model):
    """A therapy session (« séance ») and whether it took place."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration in minutes"), default=50)
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, default=Attendance.PLANNED
    )
    attendance_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    attendance_recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["episode", "starts_at"])]
        constraints = [
            both_or_neither("attendance_recorded", "session_attendance_recorded_with_by"),
            models.CheckConstraint(
                condition=Q(attendance="planned", attendance_recorded_at__isnull=True)
                | (~Q(attendance="planned") & Q(attendance_recorded_at__isnull=False)),
                name="session_attendance_recorded_unless_planned",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=480),
                name="session_duration_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.episode.patient} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_in_the_future(self) -> bool:
        return self.starts_at > timezone.now()


# --- The therapy frame --------------------------------------------------------


class FrameVersion(models.Model):
    """One version of the therapy frame (« cadre thérapeutique ») of an episode.

    Versions are never edited: a change is a new version, which the patient is
    asked to acknowledge again.
    """

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="frame_versions")
    number = models.PositiveSmallIntegerField(_("version"), editable=False)
    goals = models.TextField(_("what we work on"))
    methods = models.TextField(_("how we work"))
    rhythm = models.TextField(_("rhythm and duration"))
    fees = models.TextField(_("fees and cancellations"))
    confidentiality = models.TextField(_("confidentiality and its limits"))
    data_use = models.TextField(_("how your data is used"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    SECTIONS: ClassVar[tuple[str, ...]] = (
        "goals",
        "methods",
        "rhythm",
        "fees",
        "confidentiality",
        "data_use",
    )

    class Meta:
        ordering = ["episode", "-number"]
        verbose_name = _("therapy frame version")
        verbose_name_plural = _("therapy frame versions")
        constraints = [
            models.UniqueConstraint(fields=["episode", "number"], name="frame_version_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.episode} v{self.number}"

    def sections(self) -> list[tuple[str, str]]:
        """(heading, text) pairs in reading order, for templates."""
        return [
            (str(field.verbose_name), getattr(self, field.name))
            for field in self._meta.concrete_fields
            if field.name in self.SECTIONS
        ]


class FrameAcknowledgement(models.Model):
    """The patient read a frame version and said so, from their link (or in session)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    frame_version = models.OneToOneField(
        FrameVersion, on_delete=models.CASCADE, related_name="acknowledgement"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now, editable=False)
    # The patient's access link it came through; the check-ins app owns links,
    # so this is a plain reference it can turn into a foreign key.
    access_link_uuid = models.UUIDField(null=True, blank=True, editable=False)
    # Set when the therapist records an acknowledgement given in session (on paper).
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("therapy frame acknowledgement")
        verbose_name_plural = _("therapy frame acknowledgements")

    def __str__(self) -> str:
        return f"{self.frame_version} acknowledged {self.acknowledged_at:%Y-%m-%d}"


# --- Goals and their history --------------------------------------------------


class GoalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


GAS_LEVELS = (-2, -1, 0, 1, 2)


class Goal(models.Model):
    """A goal co-constructed by patient and therapist, in both their words."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="goals")
    patient_wording = models.TextField(
        _("in the patient's words"), max_length=WORDING_MAX_LENGTH, blank=True
    )
    therapist_wording = models.TextField(
        _("in the therapist's words"), max_length=WORDING_MAX_LENGTH, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.PROPOSED
    )
    proposed_by = models.CharField(_("proposed by"), max_length=10, choices=Author.choices)
    proposed_at = models.DateTimeField(default=timezone.now, editable=False)
    agreed_at = models.DateTimeField(null=True, blank=True, editable=False)
    agreed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True, editable=False)
    ended_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Goal Attainment Scaling (Kiresuk & Sherman 1968), optional: what each
    # level would look like, the goal's weight and the level reached so far.
    gas_weight = models.PositiveSmallIntegerField(_("weight"), null=True, blank=True)
    gas_much_less = models.CharField(_("much less than expected (−2)"), max_length=300, blank=True)
    gas_less = models.CharField(_("less than expected (−1)"), max_length=300, blank=True)
    gas_expected = models.CharField(_("expected level (0)"), max_length=300, blank=True)
    gas_more = models.CharField(_("more than expected (+1)"), max_length=300, blank=True)
    gas_much_more = models.CharField(_("much more than expected (+2)"), max_length=300, blank=True)
    gas_attained = models.SmallIntegerField(_("level reached"), null=True, blank=True)

    class Meta:
        ordering = ["proposed_at"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            both_or_neither("agreed", "goal_agreed_at_with_agreed_by"),
            both_or_neither("ended", "goal_ended_at_with_ended_by"),
            models.CheckConstraint(
                condition=~Q(patient_wording="", therapist_wording=""),
                name="goal_has_a_wording",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["agreed", "achieved"]) | Q(agreed_at__isnull=False),
                name="goal_agreed_before_achieved",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "agreed"], ended_at__isnull=True)
                | Q(status__in=["achieved", "dropped"], ended_at__isnull=False),
                name="goal_ended_when_achieved_or_dropped",
            ),
            models.CheckConstraint(
                condition=Q(gas_attained__isnull=True)
                | Q(gas_attained__gte=-2, gas_attained__lte=2),
                name="goal_gas_level_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.therapist_wording or self.patient_wording

    @property
    def is_active(self) -> bool:
        """Proposed or agreed: still being worked on or discussed."""
        return self.status in (GoalStatus.PROPOSED, GoalStatus.AGREED)

    def gas_descriptions(self) -> list[tuple[int, str]]:
        return list(
            zip(
                GAS_LEVELS,
                (
                    self.gas_much_less,
                    self.gas_less,
                    self.gas_expected,
                    self.gas_more,
                    self.gas_much_more,
                ),
                strict=True,
            )
        )

    @property
    def has_attainment_scale(self) -> bool:
        return self.gas_weight is not None and all(text for _, text in self.gas_descriptions())


class GoalEventKind(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    REVISED = "revised", _("Revised")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")
    SCALE_CHANGED = "scale_changed", _("Attainment scale changed")


class GoalEvent(models.Model):
    """One step in a goal's history: who, when, the wordings after it, and why.

    Rows are only ever added; "what changed" is this row against the previous one.
    """

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="history")
    kind = models.CharField(_("change"), max_length=20, choices=GoalEventKind.choices)
    author = models.CharField(_("by"), max_length=10, choices=Author.choices)
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    access_link_uuid = models.UUIDField(null=True, blank=True, editable=False)
    at = models.DateTimeField(default=timezone.now, editable=False)
    patient_wording = models.TextField(blank=True)
    therapist_wording = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=GoalStatus.choices)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["goal", "at", "pk"]
        verbose_name = _("goal history entry")
        verbose_name_plural = _("goal history entries")
        constraints = [
            # A therapist's change names them; a patient's change never names a member.
            models.CheckConstraint(
                condition=Q(author="therapist", by__isnull=False)
                | Q(author="patient", by__isnull=True),
                name="goal_event_author_matches_by",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal_id} {self.kind} {self.at:%Y-%m-%d}"


# --- Tasks --------------------------------------------------------------------


class TaskKind(models.TextChoices):
    EXERCISE = "exercise", _("In-session exercise")
    DISCUSSION = "discussion", _("Discussion")
    HOMEWORK = "homework", _("Homework")


class TaskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("task", "To do")
    DONE = "done", pgettext_lazy("task", "Done")
    DROPPED = "dropped", pgettext_lazy("task", "Dropped")


class Task(models.Model):
    """Something done in or between sessions, in the service of one goal.

    The patient's ratings of a task (relevance, helpfulness, done, "does not
    fit me") live in the check-ins app and point here.
    """

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("kind"), max_length=12, choices=TaskKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The session in which it was set or done, when known: check-ins ask about
    # the tasks of the session they follow.
    session = models.ForeignKey(
        Session,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("session"),
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    ended_at = models.DateTimeField(null=True, blank=True, editable=False)
    ended_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            both_or_neither("ended", "task_ended_at_with_ended_by"),
            models.CheckConstraint(
                condition=Q(status="open", ended_at__isnull=True)
                | (~Q(status="open") & Q(ended_at__isnull=False)),
                name="task_ended_unless_open",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == TaskStatus.OPEN
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )
