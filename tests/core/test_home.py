from django.urls import reverse


def test_home_shows_roles_and_organisations(login, org, shop_steward):
    response = login(shop_steward).get(reverse("core:home"))
    assert response.status_code == 200
    assert "Testforbundet" in response.text
    assert "Tillidsrepræsentant" in response.text
    assert "Department A1" in response.text


def test_home_without_roles_explains_what_to_do(login, user_without_roles):
    response = login(user_without_roles).get(reverse("core:home"))
    assert "ingen rolle" in response.text


def test_home_lists_only_own_organisations(login, org, other_org, board_member):
    response = login(board_member).get(reverse("core:home"))
    assert "Andet forbund" not in response.text


def test_anonymous_goes_to_login(client, db):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_wrong_method(login, board_member):
    assert login(board_member).post(reverse("core:home")).status_code == 405


def test_home_query_count_is_flat(login, org, other_org, board_member, django_assert_max_num_queries):
    from tests.factories import MembershipFactory, OrganizationFactory, Role

    client = login(board_member)
    with django_assert_max_num_queries(6):
        client.get(reverse("core:home"))
    for _ in range(5):
        MembershipFactory(user=board_member, organization=OrganizationFactory(), role=Role.BOARD)
    with django_assert_max_num_queries(6):
        client.get(reverse("core:home"))
