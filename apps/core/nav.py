"""What each user can act on, collected from every app's ``nav.py``.

An app's ``nav.py`` holds ``ENTRIES``: a list of NavEntry. The home page shows, per organisation,
the entries whose ``action`` the user may do in that organisation (see organizations.permissions).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse
from django.utils.functional import Promise

from apps.organizations.models import Organization
from apps.organizations.permissions import can

from .modules import optional_module


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    action: str
    description: str | Promise = ""
    icon: str = "arrow-forward"
    kinds: tuple[str, ...] = ()  # organisation kinds it applies to; empty = all


def all_entries() -> list[NavEntry]:
    entries: list[NavEntry] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("apps.") or config.name == __name__.rsplit(".", 1)[0]:
            continue
        module = optional_module(f"{config.name}.nav")
        if module is not None:
            entries.extend(module.ENTRIES)
    return entries


def entries_for(user, organization: Organization) -> list[dict]:
    return [
        {"entry": entry, "url": reverse(entry.url_name, args=[organization.slug])}
        for entry in all_entries()
        if (not entry.kinds or organization.kind in entry.kinds) and can(user, entry.action, organization)
    ]
