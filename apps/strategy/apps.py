from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "apps.strategy"
    label = "strategy"
    verbose_name = _("Strategy")

    def ready(self) -> None:
        from . import rules, signals  # noqa: F401

        signals.connect()
