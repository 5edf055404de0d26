"""Issue 16, point 7: every move of an application belongs to one set of roles, tested for every role.

The rows of the matrix: administrator, HR, HU chair, HU vice-chair, a plain HU member, a project group
member, a leader, a shop steward (TR), HR of another organisation and an anonymous visitor.
"""

import pytest
from django.urls import reverse

from apps.pool import services
from apps.pool.models import PoolApplication, RankingSession, Signature, Step, StepEvent
from tests.factories import StepEventFactory, complete_application
from tests.helpers import organization_slug_of

USERS = [
    "org_admin",
    "hr_user",
    "chair",
    "vice_chair",
    "hu_member",
    "project_member",
    "leader",
    "shop_steward",
    "hr_user_other",
    "anonymous",
]

# move -> (step it starts from, step it reaches, the users who own it)
MOVES = {
    "start_drafting": (Step.IDEA, Step.DRAFTING, {"org_admin", "hr_user", "project_member"}),
    "to_decision": (Step.DRAFTING, Step.DECISION, {"org_admin", "hr_user", "project_member"}),
    "board_approves": (Step.DECISION, Step.QUALIFICATION, {"org_admin", "hr_user"}),
    "board_returns": (Step.DECISION, Step.DRAFTING, {"org_admin", "hr_user"}),
    "qualification_returns": (
        Step.QUALIFICATION,
        Step.DRAFTING,
        {"org_admin", "hr_user", "chair", "vice_chair"},
    ),
}


def _in_step(application, step):
    complete_application(application)
    application.status = step
    application.save(update_fields=["status"])


def _user(request, name):
    return None if name == "anonymous" else request.getfixturevalue(name)


def _post(client, login, user, url, data=None):
    return (client if user is None else login(user)).post(url, data or {})


def _expect_refusal(response, name, application, step):
    if name == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
    elif name == "hr_user_other":
        assert response.status_code == 404
    else:
        assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == step


@pytest.mark.parametrize("name", USERS)
@pytest.mark.parametrize("move", list(MOVES))
def test_each_manual_move_belongs_to_its_roles(request, client, login, application, shop_steward, move, name):
    source, target, owners = MOVES[move]
    _in_step(application, source)
    user = _user(request, name)
    url = reverse("pool:application_advance", args=[organization_slug_of(application), application.pk])
    response = _post(client, login, user, url, {"to_step": target, "note": "Referat fra mødet"})
    if name in owners:
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "pool:application_detail", args=[organization_slug_of(application), application.pk]
        )
        application.refresh_from_db()
        assert application.status == target
        event = StepEvent.objects.filter(application=application).latest("pk")
        assert (event.from_step, event.to_step, event.by, event.note) == (
            source,
            target,
            user,
            "Referat fra mødet",
        )
    else:
        _expect_refusal(response, name, application, source)
        assert not StepEvent.objects.filter(application=application, to_step=target).exists()


@pytest.mark.parametrize("name", USERS)
def test_signing_belongs_to_the_hu_chair_and_vice_chair(
    request, client, login, application, shop_steward, name
):
    _in_step(application, Step.QUALIFICATION)
    user = _user(request, name)
    response = _post(
        client,
        login,
        user,
        reverse("pool:application_sign", args=[organization_slug_of(application), application.pk]),
    )
    if name in {"chair", "vice_chair"}:
        assert response.status_code == 302
        signature = Signature.objects.get()
        assert signature.user == user and signature.role == name
    else:
        _expect_refusal(response, name, application, Step.QUALIFICATION)
        assert not Signature.objects.exists()


@pytest.mark.parametrize("name", USERS)
def test_submitting_belongs_to_hr_and_the_administration(
    request, client, login, application, chair, vice_chair, shop_steward, name
):
    _in_step(application, Step.QUALIFICATION)
    services.signature_add(application=application, by=chair)
    services.signature_add(application=application, by=vice_chair)
    user = _user(request, name)
    response = _post(
        client,
        login,
        user,
        reverse("pool:application_submit", args=[organization_slug_of(application), application.pk]),
    )
    if name in {"org_admin", "hr_user"}:
        assert response.status_code == 302
        application.refresh_from_db()
        assert application.status == Step.SUBMITTED
        assert StepEvent.objects.filter(application=application, to_step=Step.SUBMITTED, by=user).exists()
    else:
        _expect_refusal(response, name, application, Step.SIGNED)


def test_a_refused_move_says_who_owns_it(login, application, project_member):
    _in_step(application, Step.DECISION)
    response = login(project_member).post(
        reverse("pool:application_advance", args=[organization_slug_of(application), application.pk]),
        {"to_step": Step.QUALIFICATION},
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "Du kan ikke flytte denne ansøgning" in body
    assert "Kun disse roller kan" in body and "Administrator, HR." in body


def test_signing_with_missing_items_shows_them_all(login, application, chair):
    application.status = Step.QUALIFICATION
    application.save(update_fields=["status"])
    url = reverse("pool:application_sign", args=[organization_slug_of(application), application.pk])
    detail = (
        login(chair)
        .get(reverse("pool:application_detail", args=[organization_slug_of(application), application.pk]))
        .content.decode()
    )
    assert url not in detail  # no sign button while something is missing
    assert "Du kan underskrive, når tjeklisten over opslagets krav ikke mangler noget:" in detail
    body = login(chair).post(url, follow=True).content.decode()
    assert "Ansøgningen kan ikke underskrives, mens tjeklisten over opslagets krav mangler punkter:" in body
    assert "Projektidé: Teksten er tom." in body
    assert "Der er ikke beskrevet nogen målgruppe." in body
    assert not Signature.objects.exists()


def test_the_page_offers_only_the_moves_the_user_owns(login, application, project_member, hr_user, chair):
    _in_step(application, Step.DECISION)
    url = reverse("pool:application_detail", args=[organization_slug_of(application), application.pk])
    approve = "Registrér direktionens godkendelse af tema og idé"
    assert approve in login(hr_user).get(url).content.decode()
    assert approve not in login(project_member).get(url).content.decode()
    _in_step(application, Step.QUALIFICATION)
    send_back = "Send forslaget tilbage til projektgruppen"
    assert send_back in login(chair).get(url).content.decode()
    assert send_back not in login(project_member).get(url).content.decode()


def test_every_move_is_in_the_applications_history(login, application, hr_user, project_member):
    application.status = Step.IDEA
    application.save(update_fields=["status"])
    services.application_advance(application=application, to_step=Step.DRAFTING, by=project_member)
    services.application_advance(
        application=application, to_step=Step.DECISION, by=hr_user, note="Klar til direktionen"
    )
    url = reverse("pool:application_detail", args=[organization_slug_of(application), application.pk])
    body = login(project_member).get(url).content.decode()
    history = body[body.index('id="history"') :]
    drafting = "“Projektgruppen skriver ansøgningen”"
    assert f"{project_member} flyttede ansøgningen fra “Idé” til {drafting}." in history
    assert f"{hr_user} flyttede ansøgningen fra {drafting} til “Direktionens beslutning”." in history
    assert "Klar til direktionen" in history


def test_the_history_does_not_cost_a_query_per_move(
    login, application, project_member, django_assert_max_num_queries
):
    client = login(project_member)
    url = reverse("pool:application_detail", args=[organization_slug_of(application), application.pk])
    StepEventFactory(application=application, by=project_member)
    with django_assert_max_num_queries(26) as small:
        client.get(url)
    for _ in range(30):
        StepEventFactory(application=application, by=project_member)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


@pytest.mark.parametrize("name", USERS)
def test_hr_and_the_hu_chair_start_applications_and_rankings(
    request, client, login, employer, call, hu, shop_steward, project_member, name
):
    user = _user(request, name)
    create = _post(
        client,
        login,
        user,
        reverse("pool:application_create", args=[employer.slug]),
        {"new-call": call.pk, "new-title": "Nyt projekt"},
    )
    rank = _post(
        client,
        login,
        user,
        reverse("pool:ranking_session_create", args=[employer.slug]),
        {"rank-call": call.pk, "rank-title": "Temadag", "rank-meeting_date": "2027-01-10", "rank-tables": 3},
    )
    if name in {"org_admin", "hr_user", "chair"}:
        assert create.status_code == 302 and rank.status_code == 302
        application = PoolApplication.objects.get(title="Nyt projekt")
        assert user in application.project_group.all()
        assert RankingSession.objects.get(title="Temadag").facilitator == user
    else:
        for response in (create, rank):
            if name == "anonymous":
                assert response.status_code == 302 and "/login/" in response["Location"]
            else:
                assert response.status_code == (404 if name == "hr_user_other" else 403)
        assert not PoolApplication.objects.filter(title="Nyt projekt").exists()
        assert not RankingSession.objects.exists()


def test_the_hu_chair_sees_the_forms_to_start(login, employer, hu, chair, vice_chair):
    url = reverse("pool:application_list", args=[employer.slug])
    create = reverse("pool:application_create", args=[employer.slug])
    assert create in login(chair).get(url).content.decode()
    assert create not in login(vice_chair).get(url).content.decode()
