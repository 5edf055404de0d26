from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import (
            choices,
            sql,  # noqa: F401 - registers the SQLite functions before the first connection
        )
        from .views import adopt_chosen_language

        choices.install()
        user_logged_in.connect(adopt_chosen_language, dispatch_uid="portal-chosen-language")
