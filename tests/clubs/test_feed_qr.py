"""Calendar feed links come with a QR code of the exact address and a copy button."""

import pytest
from django.urls import reverse

from apps.core.ical import calendar_token
from apps.organizations.models import CalendarToken
from tests.qrcheck import modules_of, qr_codes

pytestmark = pytest.mark.django_db

CLUBS = CalendarToken.Kind.CLUBS


def test_each_feed_link_has_a_qr_code(club, login, shop_steward):
    page = (
        login(shop_steward)
        .get(reverse("clubs:calendar_links", args=[club.organization.slug]))
        .content.decode()
    )
    url = "http://testserver" + reverse(
        "clubs:club_calendar_token",
        args=[calendar_token(shop_steward, CLUBS), club.organization.slug, club.pk],
    )
    assert f">{url}</code>" in page
    assert (f"QR-kode med adressen på {club.name}", modules_of(url)) in qr_codes(page)
    assert 'data-copy="feed-1"' in page and "Kopiér link" in page
