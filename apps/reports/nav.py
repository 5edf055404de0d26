from django.utils.translation import gettext_lazy as _

from apps.core.nav import NavEntry

ENTRIES = [
    NavEntry(
        label=_("Annual report"),
        url_name="reports:report_list",
        action="reports.view",
        description=_("The year's report to the members as a PDF, built from the portal's data."),
    )
]
