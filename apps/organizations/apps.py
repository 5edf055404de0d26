from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "apps.organizations"
    label = "organizations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import rules  # noqa: F401
        from .sessions import on_user_logged_in

        user_logged_in.connect(on_user_logged_in, dispatch_uid="portal-session-start")
