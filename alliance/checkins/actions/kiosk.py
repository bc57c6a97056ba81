"""Kiosks: pairing a waiting-room tablet, sending it a check-in, the tablet claiming it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import Clinic, User
from alliance.audit.log import record
from alliance.care.models import Session
from alliance.checkins.actions._common import _audit
from alliance.checkins.actions.links import create_link
from alliance.checkins.models import (
    Channel,
    CheckinLink,
    KioskDevice,
    hash_token,
    kiosk_idle_timeout,
    new_token,
)
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
    """The tablet takes the check-in waiting for it, if any: its token exists only now.

    From the welcome screen, a check-in left idle on the tablet is closed first.
    """
    now = timezone.now()
    KioskDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
    close_idle_kiosk_links(device=device, now=now)
    link = (
        device.links.select_for_update()
        .filter(claimed_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if link is None:
        return None
    token = new_token()
    link.token_hash, link.claimed_at, link.last_active_at = hash_token(token), now, now
    link.save(update_fields=["token_hash", "claimed_at", "last_active_at"])
    _audit("kiosk_link_claimed", by=None, target=link, patient=link.patient, data={"via": "kiosk"})
    return token


# --- A check-in left unfinished on the tablet --------------------------------------


def note_kiosk_activity(*, link: CheckinLink, now: datetime | None = None) -> None:
    """The patient answered or tapped on the tablet: the check-in stays open a while longer.

    A timestamp, not audited: the answers and page views it comes with are.
    """
    if link.is_kiosk and link.revoked_at is None:
        link.last_active_at = now or timezone.now()
        CheckinLink.objects.filter(pk=link.pk).update(last_active_at=link.last_active_at)


@transaction.atomic
def close_idle_kiosk_link(*, link: CheckinLink, now: datetime | None = None) -> bool:
    """Close a check-in left on the tablet without an answer or a tap for ``KIOSK_IDLE_MINUTES``.

    Like a check-in replaced on the tablet, it no longer opens there, so the
    next person in the waiting room sees nothing of it; its answers stay saved,
    and the therapist can send it again. True when it was closed now.
    """
    now = now or timezone.now()
    locked = CheckinLink.objects.select_for_update().filter(pk=link.pk).first()
    if locked is None or not locked.is_idle(now):
        return False
    locked.revoked_at = link.revoked_at = now
    locked.save(update_fields=["revoked_at"])
    minutes = kiosk_idle_timeout().total_seconds() / 60
    _audit(
        "kiosk_link_timed_out",
        by=None,
        target=locked,
        patient=locked.patient,
        data={"via": "kiosk", "idle_minutes": round(minutes, 2)},
    )
    return True


def close_idle_kiosk_links(
    *, device: KioskDevice | None = None, now: datetime | None = None
) -> int:
    """Close every idle check-in on ``device`` (on every tablet when None); how many were closed."""
    now = now or timezone.now()
    idle = CheckinLink.objects.idle_on_tablet(now).select_related("patient__clinic")
    if device is not None:
        idle = idle.filter(device=device)
    return sum(close_idle_kiosk_link(link=link, now=now) for link in idle)
