"""The emails of check-ins, in the recipient's language, from text templates."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from alliance.accounts.models import User
from alliance.care.models import CareTeamRole
from alliance.checkins.models import NO_ADDRESS, CheckinLink, SafetyAlert

logger = logging.getLogger(__name__)

#: The error code recorded when the mail backend took no message (and raised nothing).
NOT_DELIVERED = "not_delivered"


def link_url(token: str) -> str:
    return settings.SITE_URL + reverse("checkins:start", kwargs={"token": token})


def clinic_time_zone() -> ZoneInfo:
    """The clinic's time zone: every clinic of an installation shares ``TIME_ZONE``."""
    return ZoneInfo(settings.TIME_ZONE)


def asking_therapist(link: CheckinLink) -> User:
    """Who asks: the therapist who sent the link, else the patient's lead therapist.

    An automatic invitation has no sender: the lead therapist asks, or failing
    one, the therapist who recorded the session.
    """
    if link.created_by is not None:
        return link.created_by
    lead = link.patient.care_team.filter(role=CareTeamRole.LEAD).select_related("therapist").first()
    return lead.therapist if lead is not None else link.session.created_by


def _session_words(link: CheckinLink) -> dict[str, str]:
    """The therapist's name and the session's date and time, in the active language.

    Nothing else about the patient or their answers: an email may be read by others.
    """
    starts_at = timezone.localtime(link.session.starts_at, clinic_time_zone())
    therapist = asking_therapist(link)
    return {
        "therapist": therapist.full_name or str(therapist),
        "session_date": formats.date_format(starts_at, "DATE_FORMAT"),
        "session_time": formats.time_format(starts_at, "TIME_FORMAT"),
    }


def send_checkin_email(link: CheckinLink, token: str, *, reminder: bool) -> str | None:
    """Email the patient their link; return an error code when it could not go out.

    The email says who asks and about which session (the therapist's name, the
    session's date and time in the patient's language and the clinic's time
    zone), and nothing more: no score, no answer.
    """
    from alliance.checkins.actions import smtp_error_code

    patient = link.patient
    if not patient.contact_email:
        return NO_ADDRESS
    with translation.override(patient.preferred_language):
        words = _session_words(link)
        context = {"url": link_url(token), "expires_at": link.expires_at, "reminder": reminder}
        subject = (
            _("A reminder: how was your session of %(session_date)s?")
            if reminder
            else _("How was your session of %(session_date)s?")
        ) % words
        with timezone.override(clinic_time_zone()):
            body = render_to_string("checkins/emails/invitation.txt", {**context, **words})
    try:
        delivered = send_mail(subject, body, None, [patient.contact_email])
    except OSError as error:  # smtplib's errors are OSErrors
        logger.warning("Check-in email for link %s refused: %s", link.uuid, type(error).__name__)
        return smtp_error_code(error)
    return None if delivered else NOT_DELIVERED


def send_safety_alert_email(alert: SafetyAlert) -> bool:
    """Tell the patient's care team at once; the email names no one (it may be read elsewhere)."""
    therapists = list(alert.patient.therapists.filter(is_active=True))
    url = settings.SITE_URL + reverse(
        "checkins:session", kwargs={"session_uuid": alert.checkin.session.uuid}
    )
    sent = False
    for therapist in therapists:
        with translation.override(therapist.language or settings.LANGUAGE_CODE):
            subject = _("Safety alert: a patient needs your attention")
            body = render_to_string("checkins/emails/safety_alert.txt", {"url": url})
        try:
            send_mail(subject, body, None, [therapist.email])
            sent = True
        except OSError:
            logger.exception("Could not email safety alert %s", alert.uuid)
    return sent
