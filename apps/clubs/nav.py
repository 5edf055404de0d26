from django.utils.translation import gettext_lazy as _

from apps.core.nav import NavEntry

ENTRIES = [
    NavEntry(
        label=_("My clubs"),
        url_name="clubs:my_clubs",
        action="clubs.my_clubs",
        description=_("Log club meetings, apply for club funds and follow your applications."),
    ),
    NavEntry(
        label=_("Clubs"),
        url_name="clubs:club_list",
        action="clubs.overview",
        description=_("All clubs: meetings, board presence, club funds and applications to decide."),
    ),
]
