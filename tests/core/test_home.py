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


def _main_menu(html: str) -> str:
    start = html.index('aria-label="Hovedmenu"')
    return html[start : html.index("</nav>", start)]


def test_main_menu_offers_what_the_user_can_do_in_their_organisation(login, org, hr_user):
    """A new user's finding: the main menu held only "Overview" on every page; HR had to go back to the
    overview for every task. With one organisation, its entries are in the menu on every page."""
    org.kind = "employer"
    org.save(update_fields=["kind"])
    menu = _main_menu(login(hr_user).get(reverse("core:home")).text)
    assert f'href="{reverse("absence:queue", args=[org.slug])}"' in menu
    assert f'href="{reverse("absence:import", args=[org.slug])}"' in menu
    page = login(hr_user).get(reverse("absence:import", args=[org.slug])).text
    assert f'href="{reverse("absence:import", args=[org.slug])}" class="nav-link" aria-current="page"' in page


def test_main_menu_of_a_user_of_several_organisations_follows_the_page(login, org, other_org, board_member):
    from tests.factories import MembershipFactory, Role

    MembershipFactory(user=board_member, organization=other_org, role=Role.BOARD)
    client = login(board_member)
    plans_here = reverse("strategy:plan_list", args=[org.slug])
    plans_there = reverse("strategy:plan_list", args=[other_org.slug])
    menu = _main_menu(client.get(reverse("core:home")).text)
    assert plans_here not in menu and plans_there not in menu  # the overview lists both
    menu = _main_menu(client.get(plans_there).text)
    assert plans_there in menu and plans_here not in menu
