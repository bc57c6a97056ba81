"""The emails of check-ins, in the recipient's language, from text templates."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from alliance.checkins.models import CheckinLink, SafetyAlert

logger = logging.getLogger(__name__)


def link_url(token: str) -> str:
    return settings.SITE_URL + reverse("checkins:start", kwargs={"token": token})


def send_checkin_email(link: CheckinLink, token: str, *, reminder: bool) -> str | None:
    """Email the patient their link; return an error code when the server refuses it."""
    from alliance.checkins.actions import smtp_error_code

    patient = link.patient
    context = {"url": link_url(token), "expires_at": link.expires_at, "reminder": reminder}
    with translation.override(patient.preferred_language):
        subject = _("A reminder: how was your session?") if reminder else _("How was your session?")
        body = render_to_string("checkins/emails/invitation.txt", context)
    try:
        send_mail(subject, body, None, [patient.contact_email])
    except OSError as error:  # smtplib's errors are OSErrors
        logger.warning("Check-in email for link %s refused: %s", link.uuid, type(error).__name__)
        return smtp_error_code(error)
    return None


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
