"""The remaining endpoints: anonymous, other organisation, wrong role, wrong method."""

import pytest
from django.urls import reverse

from apps.pool.models import StepEvent
from tests.factories import UserFactory
from tests.helpers import organization_slug_of


@pytest.mark.parametrize("name", ["application_create", "ranking_session_create"])
def test_org_level_posts(client, login, name, employer, hr_user_other, project_member, hr_user):
    url = reverse(f"pool:{name}", args=[employer.slug])
    assert client.post(url).status_code == 302
    assert login(hr_user_other).post(url).status_code == 404
    assert login(project_member).post(url).status_code == 403
    assert login(hr_user).get(url).status_code == 405


@pytest.mark.parametrize("name", ["project_group_add", "project_group_remove"])
def test_project_group_endpoints(client, login, name, application, project_member, hr_user_other, hu_member):
    args = [application.organization.slug, application.pk] + (
        [project_member.pk] if name == "project_group_remove" else []
    )
    url = reverse(f"pool:{name}", args=args)
    assert client.post(url).status_code == 302
    assert login(hr_user_other).post(url).status_code == 404
    assert login(hu_member).post(url).status_code == 403
    assert login(project_member).get(url).status_code == 405


def test_the_last_project_group_member_cannot_be_removed(login, application, project_member):
    url = reverse(
        "pool:project_group_remove",
        args=[organization_slug_of(application), application.pk, project_member.pk],
    )
    response = login(project_member).post(url, follow=True)
    assert "Projektgruppen skal have mindst ét medlem." in response.content.decode()
    assert list(application.project_group.all()) == [project_member]


def test_someone_outside_the_organisation_cannot_join_the_project_group(login, application, project_member):
    UserFactory(email="outsider@example.org")
    url = reverse("pool:project_group_add", args=[organization_slug_of(application), application.pk])
    response = login(project_member).post(url, {"email": "outsider@example.org"})
    assert "Personen har ingen rolle i organisationen." in response.content.decode()
    assert application.project_group.count() == 1


def test_timeline_query_count_does_not_grow(
    login, hu_member, application, project_member, django_assert_max_num_queries
):
    from django.utils import timezone

    url = reverse("pool:application_timeline", args=[organization_slug_of(application), application.pk])
    client = login(hu_member)
    with django_assert_max_num_queries(15):
        client.get(url)
    StepEvent.objects.bulk_create(
        StepEvent(
            application=application,
            from_step="drafting",
            to_step="decision",
            by=project_member,
            at=timezone.now(),
        )
        for _ in range(30)
    )
    with django_assert_max_num_queries(15):
        client.get(url)
