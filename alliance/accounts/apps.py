from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "alliance.accounts"
    verbose_name = _("Clinics and people")

    def ready(self) -> None:
        from alliance.accounts import receivers  # noqa: F401  (connects the audit receivers)
