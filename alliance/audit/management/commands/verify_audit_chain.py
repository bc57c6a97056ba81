from typing import Any

from django.core.management.base import BaseCommand, CommandError

from alliance.audit.log import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit trail's hash chain and report any tampering."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        for problem in report.problems:
            self.stderr.write(f"record #{problem.sequence}: {problem.reason}")
        if not report.intact:
            raise CommandError(
                f"The audit trail has been tampered with: {len(report.problems)} problem(s) "
                f"in {report.checked} records."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {report.checked} records."))
