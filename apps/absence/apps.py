from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AbsenceConfig(AppConfig):
    name = "apps.absence"
    label = "absence"
    verbose_name = _("Sickness absence")

    def ready(self) -> None:
        from . import rules, signals  # noqa: F401
