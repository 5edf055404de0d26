from django.utils.translation import gettext_lazy as _

from apps.core.nav import NavEntry
from apps.organizations.models import Organization

ENTRIES = [
    NavEntry(
        label=_("Advisories"),
        url_name="absence:queue",
        action="absence.queue",
        description=_("Sickness absence follow-up: advisories due today and overdue (1-3-10)."),
        kinds=(Organization.Kind.EMPLOYER,),
    ),
    NavEntry(
        label=_("Absence statistics"),
        url_name="absence:statistics",
        action="absence.view_statistics",
        description=_("Sick days, absence percentage and Bradford bands per unit, rolling 12 months."),
        kinds=(Organization.Kind.EMPLOYER,),
    ),
]
