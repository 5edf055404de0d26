from django.utils.translation import gettext_lazy as _

from apps.core.nav import NavEntry
from apps.organizations.models import Organization

ENTRIES = [
    NavEntry(
        label=_("MED committees"),
        url_name="meetings:committee_list",
        action="meetings.view",
        description=_("Agendas with clock times, minutes, decisions, discussion guides and working groups."),
        icon="groups",
        kinds=(Organization.Kind.EMPLOYER,),
    )
]
