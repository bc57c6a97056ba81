"""Kiosks: pairing a waiting-room tablet, sending it a check-in, the tablet claiming it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import Clinic, User
from alliance.audit.log import record
from alliance.care.models import Session
from alliance.checkins.actions._common import _audit
from alliance.checkins.actions.links import create_link
from alliance.checkins.models import Channel, CheckinLink, KioskDevice, hash_token, new_token
from alliance.errors import ActionRefused

# --- Kiosks -----------------------------------------------------------------------


@transaction.atomic
def pair_kiosk(*, clinic: Clinic, name: str, by: User) -> tuple[KioskDevice, str]:
    name = name.strip()
    if not name:
        raise ActionRefused(_("Give the tablet a name, such as “Waiting room”."), code="no_name")
    token = new_token()
    device = KioskDevice.objects.create(
        clinic=clinic, name=name[:80], token_hash=hash_token(token), paired_by=by
    )
    record("checkins.kiosk_paired", by=by, target=device, clinic_id=clinic.uuid)
    return device, token


@transaction.atomic
def unpair_kiosk(*, device: KioskDevice, by: User) -> None:
    if device.revoked_at is None:
        device.revoked_at, device.revoked_by = timezone.now(), by
        device.save(update_fields=["revoked_at", "revoked_by"])
        device.links.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        record("checkins.kiosk_unpaired", by=by, target=device, clinic_id=device.clinic.uuid)


@transaction.atomic
def send_to_kiosk(*, session: Session, device: KioskDevice, by: User) -> CheckinLink:
    """Queue this session's check-in for the tablet; it opens at the tablet's next poll."""
    if not device.is_active or device.clinic_id != session.episode.patient.clinic_id:
        raise ActionRefused(
            _("This tablet is no longer paired. Pair it again from the tablet."),
            code="kiosk_unpaired",
        )
    link, _token = create_link(session=session, channel=Channel.KIOSK, by=by, device=device)
    _replace_open_links(device, by=by, keep=link)
    return link


def _replace_open_links(device: KioskDevice, *, by: User, keep: CheckinLink) -> None:
    """The tablet holds one patient at a time: the check-in just sent replaces any other.

    A check-in left unfinished on the tablet no longer opens there, so the next
    patient cannot see it; its answers stay saved, for another link to resume.
    """
    now = timezone.now()
    replaced = device.links.select_for_update().filter(revoked_at__isnull=True).exclude(pk=keep.pk)
    for old in replaced:
        old.revoked_at, old.revoked_by = now, by
        old.save(update_fields=["revoked_at", "revoked_by"])
        _audit("kiosk_link_replaced", by=by, target=old, patient=old.patient)


@transaction.atomic
def claim_kiosk_link(*, device: KioskDevice) -> str | None:
    """The tablet takes the check-in waiting for it, if any: its token exists only now."""
    now = timezone.now()
    KioskDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
    link = (
        device.links.select_for_update()
        .filter(claimed_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if link is None:
        return None
    token = new_token()
    link.token_hash, link.claimed_at = hash_token(token), now
    link.save(update_fields=["token_hash", "claimed_at"])
    _audit("kiosk_link_claimed", by=None, target=link, patient=link.patient, data={"via": "kiosk"})
    return token
