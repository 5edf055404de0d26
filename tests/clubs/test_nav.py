import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _links(client):
    return client.get(reverse("core:home")).content.decode()


def test_steward_sees_my_clubs_and_board_sees_clubs(org, login, shop_steward, board_member, med_member):
    my_clubs = f'href="{reverse("clubs:my_clubs", args=[org.slug])}"'
    club_list = f'href="{reverse("clubs:club_list", args=[org.slug])}"'
    steward_home = _links(login(shop_steward))
    assert my_clubs in steward_home and club_list not in steward_home
    board_home = _links(login(board_member))
    assert club_list in board_home and my_clubs not in board_home
    med_home = _links(login(med_member))
    assert my_clubs not in med_home and club_list not in med_home
