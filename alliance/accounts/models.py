"""Clinics, the people who work in them, and invitations to join."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any, ClassVar
from uuid import uuid4

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Clinic(models.Model):
    """A practice: a solo therapist is a clinic of one."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(
        _("country"),
        max_length=2,
        default="FR",
        help_text=_("Used to show patients the crisis resources of their country by default."),
    )
    require_two_factor = models.BooleanField(
        _("require two-factor authentication"),
        default=False,
        help_text=_("Everyone in the clinic must set up an authenticator app to sign in."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("clinic")
        verbose_name_plural = _("clinics")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Clinic administrator")
    SUPERVISOR = "supervisor", _("Supervisor")
    THERAPIST = "therapist", _("Therapist")


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """A person who works in a clinic. Patients never have an account."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    language = models.CharField(
        _("interface language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Leave empty to follow your browser's language."),
    )
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="members", verbose_name=_("clinic")
    )
    is_clinic_administrator = models.BooleanField(_("clinic administrator"), default=False)
    is_supervisor = models.BooleanField(_("supervisor"), default=False)
    is_therapist = models.BooleanField(_("therapist"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Changing this value invalidates every session of the user: see
    # get_session_auth_hash and "sign out of all sessions".
    session_epoch = models.UUIDField(default=uuid4, editable=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_session_auth_hash(self) -> str:
        # Django signs sessions with the password hash, so changing the
        # password signs out everywhere; mixing in the epoch lets a person
        # do the same without changing their password.
        return salted_hmac(
            "alliance.accounts.User.get_session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            algorithm="sha256",
        ).hexdigest()

    @property
    def roles(self) -> list[Role]:
        flags = [
            (self.is_clinic_administrator, Role.ADMINISTRATOR),
            (self.is_supervisor, Role.SUPERVISOR),
            (self.is_therapist, Role.THERAPIST),
        ]
        return [role for granted, role in flags if granted]

    def has_role(self, role: Role) -> bool:
        return role in self.roles


def hash_token(token: str) -> str:
    """Tokens are stored hashed: a copy of the database cannot be used to sign in."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def default_invitation_expiry() -> Any:
    return timezone.now() + timedelta(days=settings.INVITATION_VALIDITY_DAYS)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An emailed, single-use link with which a new colleague joins a clinic."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.THERAPIST)
    language = models.CharField(
        _("language of the invitation"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    expires_at = models.DateTimeField(default=default_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitation"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects: ClassVar[InvitationQuerySet] = InvitationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True, accepted_by__isnull=True)
                | models.Q(accepted_at__isnull=False),
                name="invitation_accepted_by_needs_accepted_at",
            ),
            models.CheckConstraint(
                condition=~models.Q(accepted_at__isnull=False, revoked_at__isnull=False),
                name="invitation_not_both_accepted_and_revoked",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("invitation", "Pending")
        ACCEPTED = "accepted", pgettext_lazy("invitation", "Accepted")
        REVOKED = "revoked", pgettext_lazy("invitation", "Revoked")
        EXPIRED = "expired", pgettext_lazy("invitation", "Expired")

    @property
    def state(self) -> Invitation.State:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING


class Installation(models.Model):
    """A single row that exists once the first administrator was created.

    Its fixed primary key makes first-run setup race-free on every database:
    a second, concurrent setup fails on the insert.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    set_up_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("installation")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="single_installation")]

    def __str__(self) -> str:
        return f"set up at {self.set_up_at:%Y-%m-%d}"

    @classmethod
    def is_set_up(cls) -> bool:
        return cls.objects.exists()
