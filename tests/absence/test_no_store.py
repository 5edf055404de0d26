"""Every response of the absence app and of its Django admin pages says ``Cache-Control: no-store`` and
``private``: individual absence data must not stay in a shared proxy, the disk cache or the back button.

The URLs are read from the absence URLconf and the admin's registry, so a view added later is checked
without anyone remembering to list it here.
"""

from datetime import date

import pytest
from django.contrib import admin
from django.urls import URLPattern, reverse

from apps.absence import urls as absence_urls
from apps.absence.models import Advisory
from apps.absence.sweep import advisory_sweep
from tests.factories import UserFactory, register_absence

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


@pytest.fixture
def data(employer, employee):
    registration = register_absence(employee, date(2026, 3, 2), date(2026, 3, 4))
    advisory_sweep(as_of=date(2026, 3, 4), organization=employer, notify=False)
    return {"employee": employee, "registration": registration, "advisory": Advisory.objects.first()}


ROUTE_OBJECTS = {"registrations/<int:pk>": "registration", "advisories/<int:pk>": "advisory"}


def _kwargs(pattern: URLPattern, employer, data) -> dict:
    """Arguments for one route: the real objects, by the path segment before the pk (an employee's
    unless the path names another kind)."""
    route = str(pattern.pattern)
    kwargs = {}
    for key in pattern.pattern.converters:
        if key == "slug":
            kwargs[key] = employer.slug
        elif key == "pk":
            kind = next((k for segment, k in ROUTE_OBJECTS.items() if segment in route), "employee")
            kwargs[key] = data[kind].pk
        else:
            kwargs[key] = "x"
    return kwargs


def test_every_absence_url_answers_no_store(login, hr_user, employer, data):
    client = login(hr_user)
    patterns = [p for p in absence_urls.urlpatterns if isinstance(p, URLPattern)]
    assert len(patterns) >= 10
    answered = {}
    for pattern in patterns:
        url = reverse(f"absence:{pattern.name}", kwargs=_kwargs(pattern, employer, data))
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            answered[(pattern.name, method)] = response.status_code
            assert _no_store(response), f"{method.upper()} {url}: {response.status_code} without no-store"
    # The pages themselves were reached, not only their errors.
    for name in ("queue", "employees", "employee", "employee_export", "registration_create", "statistics"):
        assert answered[(name, "get")] == 200, name
    assert answered[("statistics_csv", "get")] == 200


def test_refused_and_anonymous_answers_are_no_store_too(client, login, board_member, employer, data):
    url = reverse("absence:employee", args=[employer.slug, data["employee"].pk])
    assert _no_store(client.get(url))  # the redirect to log-in
    response = login(board_member).get(url)
    assert response.status_code == 403 and _no_store(response)


def test_every_absence_admin_page_answers_no_store(client, employer, data):
    client.force_login(UserFactory(email="super@example.org", is_staff=True, is_superuser=True))
    models = [m for m in admin.site._registry if m._meta.app_label == "absence"]
    assert models
    objects = {type(o): o for o in data.values()}
    urls = [reverse("admin:app_list", args=["absence"])]
    for model in models:
        name = f"admin:absence_{model._meta.model_name}"
        urls += [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
        obj = objects.get(model) or model.objects.first()
        if obj is not None:
            urls += [reverse(f"{name}_change", args=[obj.pk]), reverse(f"{name}_history", args=[obj.pk])]
    for url in urls:
        response = client.get(url)
        assert _no_store(response), f"{url} answered {response.status_code} without no-store"
    autocomplete = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "absence", "model_name": "advisory", "field_name": "employee", "term": "a"},
    )
    assert _no_store(autocomplete)


def test_other_pages_keep_their_caching(login, board_member, org):
    response = login(board_member).get(reverse("core:home"))
    assert "no-store" not in response.get("Cache-Control", "")
