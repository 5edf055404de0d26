from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoolConfig(AppConfig):
    name = "apps.pool"
    label = "pool"
    verbose_name = _("Work-environment pool")

    def ready(self) -> None:
        from . import rules  # noqa: F401
