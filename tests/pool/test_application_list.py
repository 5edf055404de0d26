from django.urls import reverse

from apps.pool.models import PoolApplication, RankingSession, Step
from tests.conftest import _user_with
from tests.factories import BudgetLineFactory, PoolApplicationFactory, Role
from tests.helpers import organization_slug_of


def _url(org):
    return reverse("pool:application_list", args=[org.slug])


def test_hr_sees_every_application_with_its_eligible_total(login, hr_user, application):
    BudgetLineFactory(application=application, amount=2_500_000)
    BudgetLineFactory(application=application, amount=100_000, eligible=False)
    response = login(hr_user).get(_url(application.organization))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ledertrivsel" in body
    assert "2.500.000" in body
    assert "Start en ansøgning" in body


def test_hu_member_reads_the_list_but_cannot_start_applications(login, hu_member, application):
    response = login(hu_member).get(_url(application.organization))
    assert response.status_code == 200
    assert "Ledertrivsel" in response.content.decode()
    assert (
        reverse("pool:application_create", args=[application.organization.slug])
        not in response.content.decode()
    )


def test_a_project_group_member_sees_only_their_own_applications(login, project_member, application, call):
    PoolApplicationFactory(organization=application.organization, call=call, title="Seniorprojekt")
    body = login(project_member).get(_url(application.organization)).content.decode()
    assert "Ledertrivsel" in body
    assert "Seniorprojekt" not in body


def test_anonymous_is_sent_to_login(client, employer):
    response = client.get(_url(employer))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_other_organisation_is_404(login, hr_user_other, employer):
    assert login(hr_user_other).get(_url(employer)).status_code == 404


def test_a_role_without_access_is_403(login, leader, employer, hu):
    assert login(leader).get(_url(employer)).status_code == 403


def test_a_union_has_no_pool(login, hr_user, org):
    assert login(hr_user).get(_url(org)).status_code in (403, 404)


def test_wrong_method_is_405(login, hr_user, employer):
    assert login(hr_user).post(_url(employer)).status_code == 405


def test_query_count_does_not_grow_with_applications(
    login, hr_user, application, call, django_assert_max_num_queries
):
    client = login(hr_user)
    with django_assert_max_num_queries(12):
        client.get(_url(application.organization))
    for i in range(15):
        app = PoolApplicationFactory(organization=application.organization, call=call, title=f"App {i}")
        BudgetLineFactory(application=app)
    with django_assert_max_num_queries(12):
        response = client.get(_url(application.organization))
    assert "App 14" in response.content.decode()


def test_hr_starts_an_application_and_joins_its_project_group(login, hr_user, employer, call, hu):
    response = login(hr_user).post(
        reverse("pool:application_create", args=[employer.slug]),
        {"new-call": call.pk, "new-title": "Seniorer i fokus"},
    )
    application = PoolApplication.objects.get(title="Seniorer i fokus")
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "pool:application_detail", args=[organization_slug_of(application), application.pk]
    )
    assert application.status == Step.IDEA
    assert list(application.project_group.all()) == [hr_user]
    assert application.events.get().by == hr_user


def test_starting_without_a_title_keeps_the_typed_values(login, hr_user, employer, call, hu):
    response = login(hr_user).post(
        reverse("pool:application_create", args=[employer.slug]), {"new-call": call.pk, "new-title": ""}
    )
    assert response.status_code == 422
    assert f'value="{call.pk}" selected' in response.content.decode()
    assert not PoolApplication.objects.exists()


def test_only_hr_starts_applications(login, project_member, employer, call):
    url = reverse("pool:application_create", args=[employer.slug])
    assert login(project_member).post(url, {"new-call": call.pk, "new-title": "X"}).status_code == 403


def test_hr_prepares_a_theme_day_with_a_link_per_table(login, hr_user, employer, call):
    response = login(hr_user).post(
        reverse("pool:ranking_session_create", args=[employer.slug]),
        {
            "rank-call": call.pk,
            "rank-title": "HU-temadag",
            "rank-meeting_date": "2026-11-15",
            "rank-tables": 8,
        },
    )
    session = RankingSession.objects.get()
    assert response["Location"] == reverse(
        "pool:ranking_session", args=[organization_slug_of(session), session.pk]
    )
    tokens = list(session.rankings.values_list("token", flat=True))
    assert len(tokens) == 8 and len(set(tokens)) == 8
    assert all(len(t) >= 40 for t in tokens)


def test_too_many_tables_is_refused_at_the_field(login, hr_user, employer, call):
    response = login(hr_user).post(
        reverse("pool:ranking_session_create", args=[employer.slug]),
        {
            "rank-call": call.pk,
            "rank-title": "HU-temadag",
            "rank-meeting_date": "2026-11-15",
            "rank-tables": 99,
        },
    )
    assert response.status_code == 200
    assert 'value="HU-temadag"' in response.content.decode()
    assert not RankingSession.objects.exists()


def test_member_of_another_role_cannot_prepare_a_theme_day(login, employer, call):
    user = _user_with(employer, Role.LEADER, email="l2@example.org")
    url = reverse("pool:ranking_session_create", args=[employer.slug])
    assert login(user).post(url, {}).status_code == 403


def test_a_theme_day_far_from_its_calls_year_is_refused_at_the_field(login, hr_user, employer, call):
    """A new user's finding: a theme day dated 1999 was accepted for the 2027 call."""
    response = login(hr_user).post(
        reverse("pool:ranking_session_create", args=[employer.slug]),
        {
            "rank-call": call.pk,
            "rank-title": "HU-temadag",
            "rank-meeting_date": "1999-11-15",
            "rank-tables": 8,
        },
    )
    assert f"holdes i {call.year - 2} til {call.year}" in response.content.decode()
    assert not RankingSession.objects.exists()
