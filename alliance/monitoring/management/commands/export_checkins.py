"""Write a clinic's alliance check-ins, de-identified, to a CSV for research."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliance.accounts.models import Role, User
from alliance.monitoring.research import COLUMNS, export_checkins
from alliance.science.instruments.tables import write_csv_atomically


class Command(BaseCommand):
    help = (
        "Write the clinic's submitted check-ins, de-identified (pseudonyms, numbered sessions, "
        "no dates or free text), in the long format that `alliance ruptures` reads."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--by",
            required=True,
            metavar="EMAIL",
            help="the clinic administrator who makes the export (written to the audit trail)",
        )
        parser.add_argument("-o", "--output", required=True, metavar="FILE.csv")

    def handle(self, *args: Any, **options: Any) -> None:
        administrator = (
            User.objects.filter(email__iexact=options["by"].strip(), is_active=True)
            .select_related("clinic")
            .first()
        )
        if administrator is None or not administrator.has_role(Role.ADMINISTRATOR):
            raise CommandError(
                f"{options['by']} is not an active clinic administrator: only an administrator "
                "may export the clinic's data."
            )
        rows = export_checkins(clinic=administrator.clinic, by=administrator)
        write_csv_atomically(options["output"], COLUMNS, rows)
        patients = len({row[0] for row in rows})
        self.stdout.write(
            f"{len(rows)} check-ins of {patients} patients written to {options['output']}."
        )
