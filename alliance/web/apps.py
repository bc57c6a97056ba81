from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "alliance.web"
    verbose_name = _("Interface")

    def ready(self) -> None:
        from alliance.web import checks  # noqa: F401 - registers the deployment checks
