from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClubsConfig(AppConfig):
    name = "apps.clubs"
    label = "clubs"
    verbose_name = _("Clubs")

    def ready(self) -> None:
        from . import rules  # noqa: F401
