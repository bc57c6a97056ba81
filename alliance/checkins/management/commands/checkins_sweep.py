from typing import Any

from django.core.management.base import BaseCommand

from alliance.checkins.tasks import sweep


class Command(BaseCommand):
    help = (
        "Send the reminders a stopped worker missed, and close check-ins left idle on a "
        "waiting-room tablet. Safe to run often (e.g. hourly from cron): each reminder goes "
        "out once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sweep.call()
        self.stdout.write("Due reminders sent.")
