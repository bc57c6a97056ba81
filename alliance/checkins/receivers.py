"""Schedule the automatic invitation whenever a session is saved.

The care app owns sessions; listening to their saves keeps it unaware of
check-ins. The task re-checks everything when it runs, so a session moved or
cancelled in the meantime gets no stray invitation.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from alliance.care.models import Session
from alliance.checkins.models import MonitoringPlan


@receiver(post_save, sender=Session, dispatch_uid="checkins_schedule_auto_invite")
def schedule_auto_invite(sender: type[Session], instance: Session, **kwargs: Any) -> None:
    plan = MonitoringPlan.objects.filter(patient__episodes__sessions=instance).first()
    if plan is None or plan.auto_invite_after_minutes is None:
        return
    from alliance.checkins.tasks import auto_invite, enqueue_at

    ends_at = instance.starts_at + timedelta(minutes=instance.duration_minutes)
    run_after = ends_at + timedelta(minutes=plan.auto_invite_after_minutes)
    session_uuid = str(instance.uuid)
    transaction.on_commit(lambda: enqueue_at(auto_invite, run_after, session_uuid))
