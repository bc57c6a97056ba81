from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from alliance.accounts.models import User
from alliance.demo.registry import DEMO_EMAIL, DEMO_PASSWORD, DemoContext, registered_steps


class Command(BaseCommand):
    help = "Fill an empty database with a demo clinic; does nothing if it exists."

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(email=DEMO_EMAIL).exists():
            self.stdout.write("The demo clinic is already there.")
            return
        if User.objects.exists():
            self.stderr.write(
                "This database already holds a real clinic: no demo data was added to it."
            )
            return
        context = DemoContext()
        with transaction.atomic():
            for name, step in registered_steps():
                self.stdout.write(f"  {name}")
                step(context)
        self.stdout.write(self.style.SUCCESS(f"Demo clinic ready: {DEMO_EMAIL} / {DEMO_PASSWORD}"))
