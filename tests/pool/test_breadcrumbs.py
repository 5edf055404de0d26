"""Every full page of the pool carries the shared trail: Overview › the pool › the application › the page."""

from django.urls import reverse
from django.utils.html import escape

from apps.pool.models import Step
from tests.factories import RankingSessionFactory, complete_application

OVERVIEW = "Overblik"
POOL = "Arbejdsmiljøpuljen"


def _trail(response) -> str:
    body = response.content.decode()
    start = body.index('<nav class="breadcrumbs"')
    return body[start : body.index("</nav>", start) + len("</nav>")]


def assert_trail(response, *links: tuple[str, str], current: str) -> None:
    """The trail holds the overview, then ``links`` as (url, label) links, then ``current``, in order
    and nothing more."""
    trail = _trail(response)
    expected = [(reverse("core:home"), OVERVIEW), *links]
    pieces = [f'<a class="breadcrumbs__link" href="{url}">{escape(label)}</a>' for url, label in expected]
    pieces.append(f"{escape(current)}</li>")
    position = 0
    for piece in pieces:
        assert piece in trail[position:], f"{piece!r} missing or out of order in {trail}"
        position = trail.index(piece, position) + len(piece)
    assert trail.count('class="breadcrumbs__link"') == len(expected)
    assert trail.count('aria-current="page"') == 1


def _list(application_or_org) -> tuple[str, str]:
    slug = getattr(application_or_org, "organization", application_or_org).slug
    return reverse("pool:application_list", args=[slug]), POOL


def _detail(application) -> tuple[str, str]:
    return reverse("pool:application_detail", args=[application.organization.slug, application.pk]), str(
        application
    )


def test_the_list_is_the_pools_first_level(login, hr_user, employer):
    response = login(hr_user).get(reverse("pool:application_list", args=[employer.slug]))
    assert response.status_code == 200
    assert_trail(response, current=POOL)


def test_a_refused_new_application_leads_back_to_the_list(login, hr_user, employer):
    response = login(hr_user).post(reverse("pool:application_create", args=[employer.slug]), {})
    assert response.status_code == 422
    assert_trail(response, _list(employer), current="Start en ansøgning")


def test_a_refused_theme_day_leads_back_to_the_list(login, hr_user, employer):
    response = login(hr_user).post(reverse("pool:ranking_session_create", args=[employer.slug]), {})
    assert response.status_code == 200
    assert_trail(response, _list(employer), current="Forbered temadagens prioritering")


def test_the_application_sits_under_the_list(login, project_member, application):
    response = login(project_member).get(_detail(application)[0])
    assert response.status_code == 200
    assert_trail(response, _list(application), current="Ledertrivsel")


def test_a_long_title_is_shortened_in_the_trail_only(login, project_member, application):
    application.title = "Trivsel for ledere " + "og medarbejdere " * 10
    application.save(update_fields=["title"])
    response = login(project_member).get(_detail(application)[0])
    trail = _trail(response)
    assert application.title[:59] + "…</li>" in trail and application.title not in trail
    assert f"<h1>{application.title}</h1>" in response.content.decode()


def test_the_timeline_sits_under_its_application(login, hu_member, application):
    response = login(hu_member).get(
        reverse("pool:application_timeline", args=[application.organization.slug, application.pk])
    )
    assert response.status_code == 200
    assert_trail(response, _list(application), _detail(application), current="Tidslinje")


def test_a_refused_move_leads_back_to_its_application(login, project_member, application):
    complete_application(application)
    application.status = Step.DECISION
    application.save(update_fields=["status"])
    response = login(project_member).post(
        reverse("pool:application_advance", args=[application.organization.slug, application.pk]),
        {"to_step": Step.QUALIFICATION},
    )
    assert response.status_code == 403
    assert_trail(
        response, _list(application), _detail(application), current="Du kan ikke flytte denne ansøgning"
    )


def test_a_refused_signature_leads_back_to_its_application(login, hu_member, application):
    response = login(hu_member).post(
        reverse("pool:application_sign", args=[application.organization.slug, application.pk])
    )
    assert response.status_code == 403
    assert_trail(
        response, _list(application), _detail(application), current="Du kan ikke underskrive denne ansøgning"
    )


def test_the_theme_day_sits_under_the_list(login, hr_user, session):
    url = reverse("pool:ranking_session", args=[session.organization.slug, session.pk])
    response = login(hr_user).get(url)
    assert response.status_code == 200
    assert_trail(response, _list(session), current="HU-temadag")
    assert 'class="breadcrumbs"' not in login(hr_user).get(url, HTTP_HX_REQUEST="true").content.decode()


def test_a_facilitator_outside_the_pool_gets_no_link_to_the_list(login, leader, employer, call):
    # The facilitator may watch the theme day (rules.py) but not open the pool's list.
    session = RankingSessionFactory(
        organization=employer, call=call, facilitator=leader, title="Ledertemadag"
    )
    assert login(leader).get(reverse("pool:application_list", args=[employer.slug])).status_code == 403
    response = login(leader).get(reverse("pool:ranking_session", args=[employer.slug, session.pk]))
    assert response.status_code == 200
    assert_trail(response, current="Ledertemadag")
    assert f'href="{reverse("pool:application_list", args=[employer.slug])}"' not in response.content.decode()
