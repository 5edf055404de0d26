import re

from django.urls import reverse
from django.utils import timezone

from apps.pool.models import RankingPlace, ThemeRanking
from apps.pool.services import ranking_session_create
from tests.factories import RankingSessionFactory
from tests.helpers import organization_slug_of


def _table_url(ranking):
    return reverse("pool:ranking_table", args=[ranking.session.organization.slug, ranking.token])


def _order(body):
    return [int(x) for x in re.findall(r'name="order" value="(\d+)"', body)]


def test_a_table_opens_its_link_without_logging_in(client, session):
    ranking = session.rankings.first()
    response = client.get(_table_url(ranking))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Lederes psykiske arbejdsmiljø" in body
    assert _order(body) == list(session.call.themes.values_list("pk", flat=True))


def test_an_unknown_token_is_404(client, session):
    assert (
        client.get(reverse("pool:ranking_table", args=[session.organization.slug, "x" * 43])).status_code
        == 404
    )


def test_moving_a_theme_up_works_without_javascript_and_saves_nothing(client, session):
    ranking = session.rankings.first()
    ids = list(session.call.themes.values_list("pk", flat=True))
    response = client.post(_table_url(ranking), {"order": ids, "move": f"{ids[6]}:up"})
    assert _order(response.content.decode()) == ids[:5] + [ids[6], ids[5]]
    response = client.post(_table_url(ranking), {"order": ids, "move": f"{ids[0]}:up"})  # already first
    assert _order(response.content.decode()) == ids
    assert not RankingPlace.objects.exists()


def test_with_htmx_only_the_form_is_returned(client, session):
    ranking = session.rankings.first()
    ids = list(session.call.themes.values_list("pk", flat=True))
    response = client.post(
        _table_url(ranking), {"order": ids, "move": f"{ids[1]}:up"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<form id="ranking-form"')
    assert _order(body)[:2] == [ids[1], ids[0]]


def test_sending_stores_the_order(client, session):
    ranking = session.rankings.first()
    ids = list(reversed(session.call.themes.values_list("pk", flat=True)))
    response = client.post(_table_url(ranking), {"order": ids, "send": "1"})
    assert response.status_code == 200
    ranking.refresh_from_db()
    assert ranking.submitted_at is not None
    assert list(ranking.places.order_by("place").values_list("theme_id", flat=True)) == ids
    # Reopening the link shows the table's own order.
    assert _order(client.get(_table_url(ranking)).content.decode()) == ids


def test_a_tampered_order_is_not_stored(client, session):
    ranking = session.rankings.first()
    ids = list(session.call.themes.values_list("pk", flat=True))
    client.post(_table_url(ranking), {"order": ids[:3] + ids[:4], "send": "1"})
    ranking.refresh_from_db()
    # An invalid order falls back to the call's order, which is a complete ranking.
    assert list(ranking.places.order_by("place").values_list("theme_id", flat=True)) == ids


def test_a_closed_session_refuses_rankings(client, login, hr_user, session):
    ranking = session.rankings.first()
    login(hr_user).post(
        reverse("pool:ranking_session_close", args=[organization_slug_of(session), session.pk])
    )
    client.logout()
    ids = list(session.call.themes.values_list("pk", flat=True))
    response = client.post(_table_url(ranking), {"order": ids, "send": "1"})
    assert response.status_code == 200
    ranking.refresh_from_db()
    assert ranking.submitted_at is None


def test_table_page_wrong_method(client, session):
    assert client.put(_table_url(session.rankings.first())).status_code == 405


def test_facilitator_sees_the_combined_ranking_and_polls(login, hr_user, session):
    themes = list(session.call.themes.all())
    first = session.rankings.first()
    RankingPlace.objects.bulk_create(
        RankingPlace(ranking=first, theme=t, place=8 - t.position) for t in themes
    )
    ThemeRanking.objects.filter(pk=first.pk).update(submitted_at=timezone.now())
    response = login(hr_user).get(
        reverse("pool:ranking_session", args=[organization_slug_of(session), session.pk])
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'hx-trigger="every 5s"' in body
    assert "<svg" in body and "Lederes psykiske arbejdsmiljø" in body
    assert body.index("Lederes psykiske arbejdsmiljø") < body.index("Introforløb for nyuddannede")
    assert _table_url(first) in body  # the facilitator hands out the links
    partial = login(hr_user).get(
        reverse("pool:ranking_session", args=[organization_slug_of(session), session.pk]),
        HTTP_HX_REQUEST="true",
    )
    assert partial.content.decode().lstrip().startswith('<div id="ranking-results"')


def test_hu_member_sees_results_but_not_the_links(login, hu_member, hu, session):
    body = (
        login(hu_member)
        .get(reverse("pool:ranking_session", args=[organization_slug_of(session), session.pk]))
        .content.decode()
    )
    assert _table_url(session.rankings.first()) not in body


def test_facilitator_page_permissions(client, login, leader, hr_user_other, session):
    url = reverse("pool:ranking_session", args=[organization_slug_of(session), session.pk])
    assert client.get(url).status_code == 302
    assert login(hr_user_other).get(url).status_code == 404
    assert login(leader).get(url).status_code == 403
    assert login(leader).post(url).status_code == 405


def test_close_permissions(client, login, leader, hr_user_other, hr_user, session):
    url = reverse("pool:ranking_session_close", args=[organization_slug_of(session), session.pk])
    assert client.post(url).status_code == 302
    assert login(hr_user_other).post(url).status_code == 404
    assert login(leader).post(url).status_code == 403
    assert login(hr_user).get(url).status_code == 405


def test_results_query_count_does_not_grow(login, hr_user, employer, call, django_assert_max_num_queries):
    from datetime import date

    small = ranking_session_create(
        organization=employer, call=call, title="Lille", meeting_date=date(2026, 11, 15), tables=2, by=hr_user
    )
    big = ranking_session_create(
        organization=employer, call=call, title="Stor", meeting_date=date(2026, 11, 15), tables=40, by=hr_user
    )
    for session in (small, big):
        for ranking in session.rankings.all():
            RankingPlace.objects.bulk_create(
                RankingPlace(ranking=ranking, theme=t, place=t.position) for t in call.themes.all()
            )
        session.rankings.update(submitted_at=timezone.now())
    client = login(hr_user)
    with django_assert_max_num_queries(10):
        client.get(reverse("pool:ranking_session", args=[organization_slug_of(small), small.pk]))
    with django_assert_max_num_queries(10):
        client.get(reverse("pool:ranking_session", args=[organization_slug_of(big), big.pk]))


def test_tokens_are_scoped_to_one_table(db):
    session = RankingSessionFactory(organization__slug="kommune")
    a = ThemeRanking.objects.create(session=session, label="Bord 1")
    b = ThemeRanking.objects.create(session=session, label="Bord 2")
    assert a.token != b.token and len(a.token) >= 43


def test_the_project_group_sees_the_theme_day_behind_its_application(
    login, project_member, application, session
):
    url = reverse("pool:ranking_session", args=[organization_slug_of(session), session.pk])
    assert login(project_member).get(url).status_code == 403
    application.ranking_session = session
    application.save(update_fields=["ranking_session"])
    assert login(project_member).get(url).status_code == 200


def test_the_application_shows_the_theme_days_top_three(login, project_member, application, session):
    themes = list(session.call.themes.all())
    first = session.rankings.first()
    RankingPlace.objects.bulk_create(
        RankingPlace(ranking=first, theme=t, place=8 - t.position) for t in themes
    )
    ThemeRanking.objects.filter(pk=first.pk).update(submitted_at=timezone.now())
    application.ranking_session = session
    application.save(update_fields=["ranking_session"])
    body = (
        login(project_member)
        .get(reverse("pool:application_detail", args=[organization_slug_of(application), application.pk]))
        .content.decode()
    )
    assert "Lederes psykiske arbejdsmiljø (6 point)" in body
    assert "Borgernære karriereveje (5 point)" in body
    assert "Forebyggelse af fysisk og psykisk nedslidning og arbejdsulykker (4 point)" in body
    assert "Seniorer (" not in body


def test_the_list_shows_the_theme_day_behind_the_project_groups_application(
    login, project_member, application, session
):
    """The project group may open the theme day their application draws on; the list said there was none."""
    list_url = reverse("pool:application_list", args=[organization_slug_of(session)])
    session_url = reverse("pool:ranking_session", args=[organization_slug_of(session), session.pk])
    client = login(project_member)
    assert session_url not in client.get(list_url).content.decode()  # not theirs yet
    application.ranking_session = session
    application.save(update_fields=["ranking_session"])
    body = client.get(list_url).content.decode()
    assert session_url in body
    assert client.get(session_url).status_code == 200
