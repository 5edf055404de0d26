from django.utils.translation import gettext_lazy as _

from apps.core.nav import NavEntry

ENTRIES = [
    NavEntry(
        label=_("Strategy"),
        url_name="strategy:plan_list",
        action="strategy.view",
        description=_("Focus areas, goals and initiatives, and how far they have come."),
    )
]
