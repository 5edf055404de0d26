"""The MED pages' trail is the portal's one breadcrumb trail (``{% breadcrumbs %}``)."""

import pytest
from django.urls import reverse

from tests.helpers import breadcrumb_trail as trail
from tests.helpers import organization_slug_of

pytestmark = pytest.mark.django_db


def test_a_meeting_page_leads_back_through_its_committee(login, lmu_member, meeting):
    slug = organization_slug_of(meeting)
    page = login(lmu_member).get(reverse("meetings:med_meeting_detail", args=[slug, meeting.pk]))
    assert trail(page.text) == [
        ("/", "Overblik"),
        (reverse("meetings:committee_list", args=[slug]), "MED-udvalg"),
        (reverse("meetings:committee_detail", args=[slug, meeting.committee.pk]), "LMU Område A"),
        (reverse("meetings:med_meeting_detail", args=[slug, meeting.pk]), "10.12.2026"),
    ]


def test_the_committee_list_has_no_committee_in_its_trail(login, lmu_member, lmu):
    slug = organization_slug_of(lmu)
    page = login(lmu_member).get(reverse("meetings:committee_list", args=[slug]))
    assert [text for _href, text in trail(page.text)] == ["Overblik", "MED-udvalg"]
