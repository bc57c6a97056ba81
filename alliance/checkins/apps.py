from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckinsConfig(AppConfig):
    name = "alliance.checkins"
    verbose_name = _("Check-ins")

    def ready(self) -> None:
        from alliance.checkins import receivers  # noqa: F401
