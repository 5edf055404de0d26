"""Writes to an organisation's own settings that its members make in the portal."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction

from .models import Organization


@transaction.atomic
def organization_appearance_update(
    *, organization: Organization, logo_png: bytes | None, remove_logo: bool, brand_color: str
) -> Organization:
    """Logo (PNG bytes already checked and re-encoded by the form) and colour of the annual report.

    The old logo file is deleted once the new one is committed, so a failed save keeps it.
    """
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    old_name = organization.logo.name
    organization.brand_color = brand_color
    organization.full_clean(exclude=["logo"])
    fields = ["brand_color"]
    if logo_png is not None:
        organization.logo.save("logo.png", ContentFile(logo_png), save=False)
        fields.append("logo")
    elif remove_logo and old_name:
        organization.logo = ""
        fields.append("logo")
    organization.save(update_fields=fields)
    if "logo" in fields and old_name:
        storage = organization.logo.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return organization
