from typing import Any

from django.core.management.base import BaseCommand

from alliance.transcripts import actions


class Command(BaseCommand):
    help = (
        "Delete the transcripts that were uploaded but never confirmed, 7 days after upload. "
        "Safe to run often (e.g. daily from cron)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = actions.delete_unconfirmed()
        self.stdout.write(f"Unconfirmed transcripts deleted: {deleted}.")
