from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from . import sql  # noqa: F401 - registers the SQLite functions before the first connection
