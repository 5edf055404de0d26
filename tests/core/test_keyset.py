"""Keyset pages: walking forward and back gives every row once, in order, whatever the cursor says."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.keyset import keyset_page
from apps.organizations.models import Organization, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisations():
    # Names repeat, so only the primary key at the end keeps the order total.
    names = ["Beta", "Alfa", "Beta", "Gamma", "Alfa", "Delta", "Beta", "Alfa"]
    for index, name in enumerate(names):
        Organization.objects.create(slug=f"org-{index}", name=name, kind=Organization.Kind.UNION)
    return list(Organization.objects.order_by("name", "pk"))


def _walk_forward(queryset, ordering, per_page):
    pages, cursor = [], None
    while True:
        page = keyset_page(queryset, ordering, per_page=per_page, after=cursor)
        pages.append(page)
        if not page.has_next:
            return pages
        cursor = page.next_cursor


def test_forward_pages_hold_every_row_once_in_order(organisations):
    pages = _walk_forward(Organization.objects.all(), ["name", "pk"], 3)
    assert [len(p.object_list) for p in pages] == [3, 3, 2]
    assert [o for p in pages for o in p.object_list] == organisations
    assert not pages[0].has_previous and pages[1].has_previous and pages[2].has_previous
    assert pages[0].has_other_pages


def test_previous_goes_back_to_exactly_the_page_before(organisations):
    pages = _walk_forward(Organization.objects.all(), ["name", "pk"], 3)
    back = keyset_page(
        Organization.objects.all(), ["name", "pk"], per_page=3, before=pages[2].previous_cursor
    )
    assert back.object_list == pages[1].object_list
    assert back.has_previous and back.has_next
    first = keyset_page(Organization.objects.all(), ["name", "pk"], per_page=3, before=back.previous_cursor)
    assert first.object_list == pages[0].object_list
    assert not first.has_previous


def test_datetimes_survive_the_cursor():
    now = timezone.now()
    for index in range(5):
        User.objects.create_user(
            email=f"u{index}@example.org", password=None, date_joined=now - timedelta(hours=index % 2)
        )
    ordered = list(User.objects.order_by("date_joined", "pk"))
    pages = _walk_forward(User.objects.all(), ["date_joined", "pk"], 2)
    assert [u for p in pages for u in p.object_list] == ordered


@pytest.mark.parametrize("cursor", ["", "not-a-number", "-1", "1e3", "99999999", "9" * 40, "١٢"])
def test_a_cursor_that_cannot_be_read_gives_the_first_page(organisations, cursor):
    page = keyset_page(Organization.objects.all(), ["name", "pk"], per_page=3, after=cursor)
    assert page.object_list == organisations[:3]
    page = keyset_page(Organization.objects.all(), ["name", "pk"], per_page=3, before=cursor)
    assert page.object_list == organisations[:3]


def test_the_ordering_must_end_with_the_primary_key():
    with pytest.raises(ValueError, match="primary key"):
        keyset_page(Organization.objects.all(), ["name"], per_page=3)


def test_a_page_costs_two_queries_however_far_in(organisations, django_assert_num_queries):
    """The cursor's row by its primary key, then the page from there."""
    pages = _walk_forward(Organization.objects.all(), ["name", "pk"], 2)
    with django_assert_num_queries(2):
        keyset_page(Organization.objects.all(), ["name", "pk"], per_page=2, after=pages[-2].next_cursor)


def test_a_cursor_is_a_row_number_and_carries_no_data(organisations):
    page = keyset_page(Organization.objects.all(), ["name", "pk"], per_page=3)
    assert page.next_cursor == str(organisations[2].pk)


def test_a_cursor_naming_a_row_outside_the_list_gives_the_first_page(organisations):
    """A user cannot seek by another organisation's rows: only rows of the queryset count."""
    outside = Organization.objects.create(slug="elsewhere", name="Beta", kind=Organization.Kind.UNION)
    mine = Organization.objects.exclude(pk=outside.pk)
    page = keyset_page(mine, ["name", "pk"], per_page=3, after=str(outside.pk))
    assert page.object_list == organisations[:3] and not page.has_previous
