"""Every change to clinics and people, each audited in its own transaction."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.accounts.models import (
    Clinic,
    Installation,
    Invitation,
    Role,
    User,
    hash_token,
    new_token,
)
from alliance.audit.log import record
from alliance.errors import ActionRefused

logger = logging.getLogger(__name__)

ROLE_FLAGS = {
    Role.ADMINISTRATOR: "is_clinic_administrator",
    Role.SUPERVISOR: "is_supervisor",
    Role.THERAPIST: "is_therapist",
}


@transaction.atomic
def set_up_first_administrator(
    *, clinic_name: str, full_name: str, email: str, password: str, language: str
) -> User:
    """Create the clinic and its first administrator, once per installation."""
    try:
        with transaction.atomic():
            Installation.objects.create()
    except IntegrityError:
        raise ActionRefused(
            _("Alliance is already set up. Ask your clinic administrator to invite you."),
            code="already_set_up",
        ) from None
    clinic = Clinic.objects.create(name=clinic_name)
    user = User.objects.create_user(
        email,
        password,
        full_name=full_name,
        language=language,
        clinic=clinic,
        is_clinic_administrator=True,
        is_therapist=True,
    )
    record("accounts.installation_set_up", by=user, target=clinic, clinic_id=clinic.uuid)
    return user


@transaction.atomic
def invite(
    *, clinic: Clinic, email: str, role: Role, language: str, by: User
) -> tuple[Invitation, str]:
    """Create an invitation and return it with its secret token.

    Inviting an address again replaces the pending invitation, so only the
    newest link works.
    """
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ActionRefused(
            _("This person already has an Alliance account."), code="already_member"
        )
    now = timezone.now()
    for previous in clinic.invitations.pending().filter(email__iexact=email):
        previous.revoked_at, previous.revoked_by = now, by
        previous.save(update_fields=["revoked_at", "revoked_by"])
        record(
            "accounts.invitation_revoked",
            by=by,
            target=previous,
            clinic_id=clinic.uuid,
            data={"replaced": True},
        )
    token = new_token()
    invitation = Invitation.objects.create(
        clinic=clinic,
        email=email,
        role=role,
        language=language,
        token_hash=hash_token(token),
        created_by=by,
    )
    record(
        "accounts.invitation_created",
        by=by,
        target=invitation,
        clinic_id=clinic.uuid,
        data={"role": role},
    )
    return invitation, token


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("accounts:accept_invitation", args=[token])


def send_invitation_email(invitation: Invitation, token: str) -> bool:
    """Email the link; return whether the mail server accepted it."""
    context = {"invitation": invitation, "url": invitation_url(token)}
    with translation.override(invitation.language):
        subject = str(_("You are invited to join %(clinic)s on Alliance")) % {
            "clinic": invitation.clinic.name
        }
        body = render_to_string("accounts/emails/invitation.txt", context)
    try:
        send_mail(subject, body, None, [invitation.email])
    except OSError:
        logger.exception("Could not send the invitation email %s", invitation.uuid)
        return False
    return True


def _usable_invitation(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("clinic")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        raise ActionRefused(
            _("This invitation link is not valid. Check that you copied it whole."),
            code="unknown",
        )
    messages = {
        Invitation.State.ACCEPTED: _(
            "This invitation has already been used. Sign in, or reset your password."
        ),
        Invitation.State.REVOKED: _(
            "This invitation was withdrawn. Ask your clinic administrator for a new one."
        ),
        Invitation.State.EXPIRED: _(
            "This invitation has expired. Ask your clinic administrator for a new one."
        ),
    }
    if invitation.state in messages:
        raise ActionRefused(messages[invitation.state], code=invitation.state)
    return invitation


def check_invitation(token: str) -> Invitation:
    """The pending invitation behind ``token``, or ActionRefused saying why not."""
    with transaction.atomic():
        return _usable_invitation(token)


@transaction.atomic
def accept_invitation(*, token: str, full_name: str, password: str, language: str) -> User:
    invitation = _usable_invitation(token)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ActionRefused(
            _("This invitation has already been used. Sign in, or reset your password."),
            code="accepted",
        )
    flags = dict.fromkeys(ROLE_FLAGS.values(), False)
    flags[ROLE_FLAGS[Role(invitation.role)]] = True
    user = User.objects.create_user(
        invitation.email,
        password,
        full_name=full_name,
        language=language,
        clinic=invitation.clinic,
        **flags,
    )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record(
        "accounts.invitation_accepted",
        by=user,
        target=invitation,
        clinic_id=invitation.clinic.uuid,
    )
    return user


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, by: User) -> None:
    if invitation.state != Invitation.State.PENDING:
        raise ActionRefused(_("Only a pending invitation can be withdrawn."), code="not_pending")
    invitation.revoked_at, invitation.revoked_by = timezone.now(), by
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    record(
        "accounts.invitation_revoked", by=by, target=invitation, clinic_id=invitation.clinic.uuid
    )


@transaction.atomic
def update_member(*, member: User, roles: set[Role], is_active: bool, by: User) -> None:
    """Change a colleague's roles or deactivate them; never lock the clinic out."""
    if member == by and (not is_active or Role.ADMINISTRATOR not in roles):
        raise ActionRefused(
            _("You cannot remove your own administrator role or deactivate yourself."),
            code="self",
        )
    if not roles:
        raise ActionRefused(_("Choose at least one role."), code="no_role")
    before = {"roles": sorted(member.roles), "is_active": member.is_active}
    for role, flag in ROLE_FLAGS.items():
        setattr(member, flag, role in roles)
    member.is_active = is_active
    if not is_active:
        member.session_epoch = uuid.uuid4()  # sign them out at once
    member.save()
    record(
        "accounts.member_updated",
        by=by,
        target=member,
        clinic_id=member.clinic.uuid,
        data={"before": before, "after": {"roles": sorted(member.roles), "is_active": is_active}},
    )


@transaction.atomic
def update_clinic(
    *, clinic: Clinic, name: str, country: str, require_two_factor: bool, by: User
) -> None:
    # Compare with the stored row: a ModelForm bound to ``clinic`` has already
    # copied the new values onto it, which would hide every change.
    stored = Clinic.objects.select_for_update().get(pk=clinic.pk)
    changed = {
        field: value
        for field, value in {
            "name": name,
            "country": country,
            "require_two_factor": require_two_factor,
        }.items()
        if getattr(stored, field) != value
    }
    for field, value in changed.items():
        setattr(clinic, field, value)
    clinic.save()
    record("accounts.clinic_updated", by=by, target=clinic, clinic_id=clinic.uuid, data=changed)


@transaction.atomic
def update_profile(*, user: User, full_name: str, language: str) -> None:
    user.full_name, user.language = full_name, language
    user.save(update_fields=["full_name", "language"])
    record("accounts.profile_updated", by=user, target=user, clinic_id=user.clinic.uuid)


@transaction.atomic
def set_language(*, user: User, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])
    record(
        "accounts.language_changed",
        by=user,
        target=user,
        clinic_id=user.clinic.uuid,
        data={"language": language},
    )


@transaction.atomic
def sign_out_everywhere(*, user: User) -> None:
    user.session_epoch = uuid.uuid4()
    user.save(update_fields=["session_epoch"])
    record("accounts.signed_out_everywhere", by=user, target=user, clinic_id=user.clinic.uuid)


def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """An unconfirmed device whose secret the person scans; reused until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def confirm_totp_device(*, user: User, device: TOTPDevice) -> None:
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record("accounts.two_factor_enabled", by=user, target=user, clinic_id=user.clinic.uuid)


@transaction.atomic
def remove_two_factor(*, user: User) -> None:
    if user.clinic.require_two_factor:
        raise ActionRefused(
            _("Your clinic requires two-factor authentication: it cannot be turned off."),
            code="required",
        )
    TOTPDevice.objects.filter(user=user).delete()
    user.session_epoch = uuid.uuid4()
    user.save(update_fields=["session_epoch"])
    record("accounts.two_factor_disabled", by=user, target=user, clinic_id=user.clinic.uuid)
