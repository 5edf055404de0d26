from django.utils.translation import gettext_lazy as _

from apps.core.nav import NavEntry
from apps.organizations.models import Organization

ENTRIES = [
    NavEntry(
        label=_("Work-environment pool"),
        url_name="pool:application_list",
        action="pool.view",
        description=_("Theme day ranking, the application, its checklist and the HU's signatures."),
        kinds=(Organization.Kind.EMPLOYER,),
    )
]
