from django.urls import reverse

from apps.pool.models import Signature, Step
from tests.factories import complete_application
from tests.helpers import organization_slug_of


def _qualifying(application):
    complete_application(application)
    application.status = Step.QUALIFICATION
    application.save(update_fields=["status"])
    return application


def test_the_chair_signs(login, chair, application):
    _qualifying(application)
    response = login(chair).post(
        reverse("pool:application_sign", args=[organization_slug_of(application), application.pk])
    )
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.user == chair and signature.role == "chair" and signature.version_hash
    body = (
        login(chair)
        .get(reverse("pool:application_detail", args=[organization_slug_of(application), application.pk]))
        .content.decode()
    )
    assert signature.version_hash[:10] in body
    # The page names what is signed in words, not as an internal code (a new user's finding: "version
    # aeb26e5f2d"); the code is the content's checksum, named as such beside the signature.
    assert "version " + signature.version_hash[:10] not in body
    assert "Kontrolsum for det underskrevne indhold" in body


def test_anyone_else_gets_403_with_the_reason(login, hu_member, application, chair):
    _qualifying(application)
    response = login(hu_member).post(
        reverse("pool:application_sign", args=[organization_slug_of(application), application.pk])
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "Kun HU&#x27;s nuværende formand og næstformand kan underskrive ansøgningen." in body
    assert "Carla Formand" in body
    assert not Signature.objects.exists()


def test_an_administrator_cannot_sign_either(login, org_admin, application):
    _qualifying(application)
    assert (
        login(org_admin)
        .post(reverse("pool:application_sign", args=[organization_slug_of(application), application.pk]))
        .status_code
        == 403
    )


def test_signing_permissions(client, login, chair, hr_user_other, leader, application):
    url = reverse("pool:application_sign", args=[organization_slug_of(application), application.pk])
    assert client.post(url).status_code == 302
    assert login(hr_user_other).post(url).status_code == 404
    assert login(leader).post(url).status_code == 403
    assert login(chair).get(url).status_code == 405


def test_the_sign_button_shows_only_for_the_chair_and_vice_chair(login, chair, hu_member, application):
    _qualifying(application)
    url = reverse("pool:application_detail", args=[organization_slug_of(application), application.pk])
    sign_url = reverse("pool:application_sign", args=[organization_slug_of(application), application.pk])
    assert sign_url in login(chair).get(url).content.decode()
    assert sign_url not in login(hu_member).get(url).content.decode()


def test_submitting_an_incomplete_application_shows_what_is_missing(login, hr_user, application):
    client = login(hr_user)
    response = client.post(
        reverse("pool:application_submit", args=[organization_slug_of(application), application.pk]),
        follow=True,
    )
    body = response.content.decode()
    assert "Projektidé: Teksten er tom." in body
    assert "Der er ikke beskrevet nogen målgruppe." in body
    application.refresh_from_db()
    assert application.status == Step.DRAFTING


def test_a_signed_complete_application_is_submitted(
    login, project_member, hr_user, chair, vice_chair, application
):
    _qualifying(application)
    login(chair).post(
        reverse("pool:application_sign", args=[organization_slug_of(application), application.pk])
    )
    login(vice_chair).post(
        reverse("pool:application_sign", args=[organization_slug_of(application), application.pk])
    )
    application.refresh_from_db()
    assert application.status == Step.SIGNED
    submit_url = reverse("pool:application_submit", args=[organization_slug_of(application), application.pk])
    detail_url = reverse("pool:application_detail", args=[organization_slug_of(application), application.pk])
    assert submit_url not in login(project_member).get(detail_url).content.decode()
    client = login(hr_user)
    assert submit_url in client.get(detail_url).content.decode()
    client.post(submit_url)
    application.refresh_from_db()
    assert application.status == Step.SUBMITTED
    detail = login(project_member).get(detail_url).content.decode()
    assert 'name="project_idea"' not in detail  # locked after submission


def test_submit_permissions(client, login, hu_member, hr_user_other, application):
    url = reverse("pool:application_submit", args=[organization_slug_of(application), application.pk])
    assert client.post(url).status_code == 302
    assert login(hr_user_other).post(url).status_code == 404
    assert login(hu_member).post(url).status_code == 403
    assert login(hu_member).get(url).status_code == 405


def test_advance_records_the_step(login, project_member, application):
    response = login(project_member).post(
        reverse("pool:application_advance", args=[organization_slug_of(application), application.pk]),
        {"to_step": "decision", "note": "Klar"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Step.DECISION
    event = application.events.get()
    assert event.by == project_member and event.note == "Klar"


def test_advance_refuses_a_skip_with_the_reason(login, project_member, application):
    response = login(project_member).post(
        reverse("pool:application_advance", args=[organization_slug_of(application), application.pk]),
        {"to_step": "submitted"},
        follow=True,
    )
    application.refresh_from_db()
    assert application.status == Step.DRAFTING
    assert "submitted" not in [e.to_step for e in application.events.all()]
    assert response.status_code == 200


def test_advance_permissions(client, login, hu_member, hr_user_other, application):
    url = reverse("pool:application_advance", args=[organization_slug_of(application), application.pk])
    assert client.post(url).status_code == 302
    assert login(hr_user_other).post(url).status_code == 404
    assert login(hu_member).post(url, {"to_step": "decision"}).status_code == 403
    assert login(hu_member).get(url).status_code == 405


def test_a_call_whose_deadline_has_passed_takes_no_application(
    login, hr_user, chair, vice_chair, application
):
    """A new user's finding: an application was started in the 2025 call (deadline 30.10.2025) and taken
    all the way to submitted without a word."""
    import datetime

    from apps.pool.models import PoolApplication
    from tests.factories import PoolCallFactory

    slug = organization_slug_of(application)
    closed = PoolCallFactory(year=2025)  # deadline 30.10.2025
    create_url = reverse("pool:application_create", args=[slug])
    page = login(hr_user).get(reverse("pool:application_list", args=[slug])).content.decode()
    start = page.index(f'action="{create_url}"')
    create_form = page[start : page.index("</form>", start)]
    assert closed.name not in create_form and application.call.name in create_form  # only open calls
    response = login(hr_user).post(create_url, {"call": closed.pk, "title": "For sent"})
    assert not PoolApplication.objects.filter(title="For sent").exists()
    assert response.status_code in (400, 422)
    _qualifying(application)
    for signer in (chair, vice_chair):
        login(signer).post(reverse("pool:application_sign", args=[slug, application.pk]))
    application.call.application_deadline = datetime.date(2025, 10, 30)
    application.call.save(update_fields=["application_deadline"])
    page = login(hr_user).post(reverse("pool:application_submit", args=[slug, application.pk]), follow=True)
    application.refresh_from_db()
    assert application.status == Step.SIGNED
    assert "30.10.2025" in page.content.decode()
