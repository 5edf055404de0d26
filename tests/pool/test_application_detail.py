from django.urls import reverse

from apps.pool.models import BudgetLine, Signature, Step, TargetGroup
from tests.factories import BudgetLineFactory, TargetGroupFactory, complete_application
from tests.helpers import organization_slug_of


def _url(application):
    return reverse("pool:application_detail", args=[organization_slug_of(application), application.pk])


def _post_data(application, **overrides):
    data = {
        "theme": application.call.themes.get(position=7).pk,
        "title": "Ledertrivsel i Norddjurs",
        "project_idea": "Et forløb for ledere.",
        "expected_effect": "Varig effekt.",
        "evaluation_plan": "Evaluering.",
        "anchoring_plan": "Forankring.",
        "groups-TOTAL_FORMS": "2",
        "groups-INITIAL_FORMS": "0",
        "groups-MIN_NUM_FORMS": "0",
        "groups-MAX_NUM_FORMS": "1000",
        "groups-0-name": "Ledere",
        "groups-0-employees_in_group": "220",
        "groups-0-benefitting": "200",
        "groups-0-participants": "80",
        "budget-TOTAL_FORMS": "3",
        "budget-INITIAL_FORMS": "0",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "1000",
        "budget-0-text": "Lederforløb",
        "budget-0-amount": "3500000",
        "budget-0-eligible": "on",
        "budget-1-text": "Evaluering",
        "budget-1-amount": "600000",
        "budget-1-eligible": "on",
        "budget-2-eligible": "on",
    }
    data.update(overrides)
    return data


def test_project_member_sees_the_editor_and_the_checklist(login, project_member, application):
    response = login(project_member).get(_url(application))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="project_idea"' in body
    assert 'id="checklist"' in body
    assert 'hx-trigger="poolChanged from:body"' in body


def test_hu_member_reads_without_an_editor(login, hu_member, application):
    complete_application(application)
    response = login(hu_member).get(_url(application))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Et forløb om ledertrivsel." in body
    assert 'name="project_idea"' not in body
    assert "90,9 %" in body  # share who benefit: 200 of 220


def test_anonymous_is_sent_to_login(client, application):
    assert client.get(_url(application)).status_code == 302


def test_other_organisation_is_404(login, hr_user_other, application):
    assert login(hr_user_other).get(_url(application)).status_code == 404


def test_a_member_outside_hu_and_project_group_is_403(login, leader, application):
    assert login(leader).get(_url(application)).status_code == 403


def test_hu_member_may_not_edit(login, hu_member, application):
    assert login(hu_member).post(_url(application), _post_data(application)).status_code == 403


def test_wrong_method_is_405(login, project_member, application):
    assert login(project_member).delete(_url(application)).status_code == 405


def test_saving_stores_texts_groups_and_budget(login, project_member, application):
    response = login(project_member).post(_url(application), _post_data(application))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.title == "Ledertrivsel i Norddjurs"
    assert application.theme.name == "Lederes psykiske arbejdsmiljø"
    assert list(TargetGroup.objects.values_list("name", "benefitting")) == [("Ledere", 200)]
    assert BudgetLine.objects.count() == 2  # the empty third row is ignored


def test_htmx_save_returns_the_editor_and_refreshes_the_checklist(login, project_member, application):
    response = login(project_member).post(_url(application), _post_data(application), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="pool-editor"')
    assert "<html" not in body
    assert "poolChanged" in response["HX-Trigger"]
    assert "4.100.000" in body  # eligible total computed


def test_share_above_100_percent_is_refused_at_the_field_and_nothing_is_lost(
    login, project_member, application
):
    data = _post_data(application, **{"groups-0-benefitting": "300", "project_idea": "Min lange tekst"})
    response = login(project_member).post(_url(application), data)
    body = response.content.decode()
    assert response.status_code == 422
    assert "300 af 220 medarbejdere ville være en andel over 100 %" in body
    assert "Min lange tekst" in body
    assert 'value="300"' in body and 'value="Lederforløb"' in body
    assert not TargetGroup.objects.exists()
    application.refresh_from_db()
    assert application.project_idea == ""


def test_more_participants_than_employees_is_refused(login, project_member, application):
    data = _post_data(application, **{"groups-0-participants": "221"})
    response = login(project_member).post(_url(application), data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "221" in body and 'aria-invalid="true"' in body
    assert "HX-Trigger" not in response
    assert not TargetGroup.objects.exists()


def test_a_budget_below_the_minimum_is_saved_but_flagged(login, project_member, application):
    data = _post_data(application, **{"budget-1-amount": "100000"})
    client = login(project_member)
    client.post(_url(application), data)
    body = client.get(_url(application)).content.decode()
    assert "De tilskudsberettigede udgifter (3.600.000 kr.) er under rundens minimum på 4.000.000 kr." in body
    assert "der mangler 400.000 kr." in body


def test_an_edit_after_signing_shows_the_voided_signature(login, project_member, application, chair):
    complete_application(application)
    application.status = Step.QUALIFICATION
    application.save(update_fields=["status"])
    login(chair).post(
        reverse("pool:application_sign", args=[organization_slug_of(application), application.pk])
    )
    assert Signature.objects.filter(voided_at__isnull=True).count() == 1
    client = login(project_member)
    data = _post_data(
        application,
        **{
            "groups-INITIAL_FORMS": "1",
            "budget-INITIAL_FORMS": "3",
            "budget-2-text": "Forplejning",
            "budget-2-amount": "100000",
        },
    )
    del data["budget-2-eligible"]
    assert client.post(_url(application), data).status_code == 302
    body = client.get(_url(application)).content.decode()
    assert Signature.objects.get().voided_at is not None
    assert "blev ugyldig ved ændring" in body
    assert "Ændringen har gjort HU&#x27;s underskrifter ugyldige. Ansøgningen skal underskrives igen." in body
    assert "Endnu ikke underskrevet af Carla Formand." in body


def test_checklist_partial_needs_htmx(login, hu_member, application):
    url = reverse("pool:application_checklist", args=[organization_slug_of(application), application.pk])
    client = login(hu_member)
    plain = client.get(url)
    assert plain.status_code == 302 and plain["Location"].endswith("#checklist")
    partial = client.get(url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert partial.content.decode().lstrip().startswith('<section id="pool-status"')


def test_checklist_partial_permissions(client, login, leader, hr_user_other, application):
    url = reverse("pool:application_checklist", args=[organization_slug_of(application), application.pk])
    assert client.get(url).status_code == 302
    assert login(hr_user_other).get(url, HTTP_HX_REQUEST="true").status_code == 404
    assert login(leader).get(url, HTTP_HX_REQUEST="true").status_code == 403
    assert login(leader).post(url).status_code == 405


def test_query_count_does_not_grow_with_rows(
    login, project_member, application, django_assert_max_num_queries
):
    client = login(project_member)
    with django_assert_max_num_queries(25):
        client.get(_url(application))
    for _ in range(20):
        TargetGroupFactory(application=application)
        BudgetLineFactory(application=application)
    with django_assert_max_num_queries(25):
        client.get(_url(application))


def test_project_group_members_are_added_by_email(login, project_member, application, hu_member):
    client = login(project_member)
    response = client.post(
        reverse("pool:project_group_add", args=[organization_slug_of(application), application.pk]),
        {"email": "HU-member@example.org"},
    )
    assert response.status_code == 302
    assert hu_member in application.project_group.all()
    response = client.post(
        reverse("pool:project_group_add", args=[organization_slug_of(application), application.pk]),
        {"email": "nobody@x.org"},
    )
    assert response.status_code == 422
    assert 'value="nobody@x.org"' in response.content.decode()
    client.post(
        reverse(
            "pool:project_group_remove",
            args=[organization_slug_of(application), application.pk, hu_member.pk],
        )
    )
    assert hu_member not in application.project_group.all()
