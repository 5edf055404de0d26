"""The personal tokens in calendar-feed links: one per person and kind of feed, replaceable."""

import pytest
from django.urls import reverse

from apps.core.ical import calendar_token, calendar_token_renew, calendar_token_user
from apps.organizations.models import CalendarToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CLUBS, MED = CalendarToken.Kind.CLUBS, CalendarToken.Kind.MEETINGS


def test_a_token_is_made_once_per_person_and_kind():
    user, other = UserFactory(), UserFactory()
    token = calendar_token(user, CLUBS)
    assert len(token) >= 43  # 256 random bits
    assert calendar_token(user, CLUBS) == token
    assert calendar_token(user, MED) != token
    assert calendar_token(other, CLUBS) != token
    assert CalendarToken.objects.filter(user=user).count() == 2


def test_the_token_finds_its_active_person_for_its_kind_only():
    user = UserFactory()
    token = calendar_token(user, CLUBS)
    assert calendar_token_user(token, CLUBS) == user
    assert calendar_token_user(token, MED) is None
    assert calendar_token_user("nonsense", CLUBS) is None
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert calendar_token_user(token, CLUBS) is None


def test_renewing_replaces_the_token_of_that_kind_only():
    user = UserFactory()
    old, med = calendar_token(user, CLUBS), calendar_token(user, MED)
    new = calendar_token_renew(user=user, kind=CLUBS)
    assert new != old and calendar_token(user, CLUBS) == new
    assert calendar_token_user(old, CLUBS) is None and calendar_token_user(new, CLUBS) == user
    assert calendar_token(user, MED) == med
    assert calendar_token_renew(user=UserFactory(), kind=MED)  # also for someone who had none yet


def test_support_sees_and_deletes_tokens_in_the_admin_but_never_the_token(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    row = CalendarToken.objects.get(token=calendar_token(admin, CLUBS))
    client.force_login(admin)
    assert client.get(reverse("admin:organizations_calendartoken_changelist")).status_code == 200
    page = client.get(reverse("admin:organizations_calendartoken_change", args=[row.pk]))
    assert page.status_code == 200 and row.token not in page.content.decode()
    client.post(reverse("admin:organizations_calendartoken_delete", args=[row.pk]), {"post": "yes"})
    assert calendar_token_user(row.token, CLUBS) is None
