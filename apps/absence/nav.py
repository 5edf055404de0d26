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
    NavEntry(
        label=_("Employees"),
        url_name="absence:employees",
        action="absence.queue",
        description=_("Find an employee and see their absence timeline, spells and advisories."),
        kinds=(Organization.Kind.EMPLOYER,),
    ),
    NavEntry(
        label=_("Import payroll files"),
        url_name="absence:import",
        action="absence.import",
        description=_("Units, employees and absence registrations from CSV or Excel."),
        kinds=(Organization.Kind.EMPLOYER,),
    ),
    NavEntry(
        label=_("Advisory settings"),
        url_name="absence:policy",
        action="absence.policy",
        description=_("Contact days, day counting, absence types and frequent-absence rules."),
        kinds=(Organization.Kind.EMPLOYER,),
    ),
    NavEntry(
        label=_("Notes to review"),
        url_name="absence:note_review_list",
        action="absence.review_notes",
        description=_("Free-text notes from before the health-text check: keep, rewrite or clear them."),
        kinds=(Organization.Kind.EMPLOYER,),
    ),
]
