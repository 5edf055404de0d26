"""The home page offers the annual report to every member of the organisation."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_links_members_to_the_annual_reports(login, shop_steward, org):
    response = login(shop_steward).get(reverse("core:home"))
    assert reverse("reports:report_list", args=[org.slug]) in response.text
    assert "Beretning" in response.text


def test_home_shows_no_link_to_a_user_without_roles(login, user_without_roles, org):
    response = login(user_without_roles).get(reverse("core:home"))
    assert reverse("reports:report_list", args=[org.slug]) not in response.text
