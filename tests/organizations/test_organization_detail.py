import pytest
from django.urls import reverse


def url(org):
    return reverse("organizations:detail", args=[org.slug])


def test_member_sees_units_but_not_people(login, org, shop_steward):
    response = login(shop_steward).get(url(org))
    assert response.status_code == 200
    assert "Department A1" in response.text
    assert shop_steward.email not in response.text


def test_admin_sees_people_and_roles(login, org, org_admin, shop_steward):
    response = login(org_admin).get(url(org))
    assert shop_steward.email in response.text


def test_anonymous_is_sent_to_login(client, org):
    response = client.get(url(org))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_other_organisation_is_404(login, org, board_member_other):
    assert login(board_member_other).get(url(org)).status_code == 404


def test_wrong_method(login, org, board_member):
    assert login(board_member).post(url(org)).status_code == 405


def test_query_count_does_not_grow_with_units(login, org, org_admin, django_assert_max_num_queries):
    from tests.factories import add_unit

    client = login(org_admin)
    with django_assert_max_num_queries(8):
        client.get(url(org))
    for i in range(30):
        add_unit(org, f"extra{i}")
    with django_assert_max_num_queries(8):
        response = client.get(url(org))
    assert "extra29" in response.text


@pytest.mark.parametrize("language,word", [("da", "Enheder"), ("nb", "Enheter"), ("en", "Units")])
def test_page_in_each_language(login, org, board_member, language, word):
    board_member.language = language
    board_member.save(update_fields=["language"])
    assert word in login(board_member).get(url(org)).text
