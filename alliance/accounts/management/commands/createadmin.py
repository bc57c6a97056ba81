"""Create the clinic and its first administrator from the command line."""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliance.accounts import actions
from alliance.accounts.models import User
from alliance.errors import ActionRefused


class Command(BaseCommand):
    help = "Create the clinic and its first administrator (once per installation)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clinic", required=True, help="Name of the clinic or practice.")
        parser.add_argument("--name", required=True, help="Full name of the administrator.")
        parser.add_argument("--email", required=True)
        parser.add_argument("--language", choices=["", "en", "fr"], default="")
        parser.add_argument(
            "--password-from-env",
            metavar="VARIABLE",
            help="Read the password from this environment variable instead of asking.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = self._password(options["password_from_env"])
        try:
            password_validation.validate_password(
                password, User(email=options["email"], full_name=options["name"])
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        try:
            user = actions.set_up_first_administrator(
                clinic_name=options["clinic"],
                full_name=options["name"],
                email=options["email"],
                password=password,
                language=options["language"],
            )
        except ActionRefused as refusal:
            raise CommandError(str(refusal.message)) from refusal
        self.stdout.write(
            self.style.SUCCESS(f"Created {user.email}, administrator of {user.clinic}.")
        )

    def _password(self, variable: str | None) -> str:
        import os

        if variable:
            value = os.environ.get(variable)
            if not value:
                raise CommandError(f"The environment variable {variable} is empty or not set.")
            return value
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
