"""Background work of check-ins, run by ``manage.py db_worker``.

Each task looks the situation up again when it runs and does nothing unless
its conditions still hold (not yet answered, link still usable, due time
passed): a task may run early (the test suite's immediate backend), late, or
twice, and stays correct.
"""

from __future__ import annotations

from datetime import datetime

from django.tasks import Task, task
from django.utils import timezone

from alliance.care.models import Session
from alliance.checkins import actions, mail
from alliance.checkins.models import CheckinLink, SafetyAlert


def enqueue_at(job: Task[[str], None], run_after: datetime, *args: str) -> None:
    """Enqueue ``job`` for ``run_after``, or at once on a backend that cannot defer."""
    if job.get_backend().supports_defer:
        job.using(run_after=run_after).enqueue(*args)
    else:
        job.enqueue(*args)


@task()
def email_safety_alert(alert_uuid: str) -> None:
    alert = (
        SafetyAlert.objects.select_related("patient__clinic", "checkin__session")
        .filter(uuid=alert_uuid)
        .first()
    )
    if alert is None or alert.email_sent_at is not None:
        return
    if mail.send_safety_alert_email(alert):
        actions.mark_alert_emailed(alert=alert)


@task()
def send_reminder(link_uuid: str) -> None:
    link = (
        CheckinLink.objects.select_related("patient__clinic", "session__episode")
        .filter(uuid=link_uuid)
        .first()
    )
    if link is not None:
        actions.send_reminder_if_due(link=link)


@task()
def auto_invite(session_uuid: str) -> None:
    session = (
        Session.objects.select_related("episode__patient__clinic").filter(uuid=session_uuid).first()
    )
    if session is not None:
        actions.auto_invite_if_due(session=session)


@task()
def sweep() -> None:
    """Catch up on whatever a stopped worker missed: due reminders and invitations.

    Also closes the check-ins left idle on a tablet that went off before its
    welcome screen could close them.
    """
    now = timezone.now()
    actions.close_idle_kiosk_links(now=now)
    for link in (
        CheckinLink.objects.usable()
        .filter(reminder_sent_at__isnull=True, emailed_at__isnull=False)
        .select_related("patient__clinic", "session__episode")
    ):
        actions.send_reminder_if_due(link=link, now=now)


def schedule_reminder(link: CheckinLink) -> None:
    due_at = actions._reminder_due_at(link)
    if due_at is not None:
        enqueue_at(send_reminder, due_at, str(link.uuid))
