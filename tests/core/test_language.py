import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from apps.meetings.models import CommitteeMember
from tests.conftest import PASSWORD


def test_switch_language_is_remembered_on_the_account(login, board_member):
    client = login(board_member)
    response = client.post(reverse("core:set_language"), {"language": "nb", "next": "/"})
    assert response.status_code == 302
    board_member.refresh_from_db()
    assert board_member.language == "nb"
    assert 'lang="nb"' in client.get(reverse("core:home")).text


def test_anonymous_switch_sets_cookie(client, db):
    response = client.post(reverse("core:set_language"), {"language": "en", "next": "/login/"})
    assert response.cookies["portal_language"].value == "en"
    assert "Log in" in client.get(reverse("login")).text


def test_unknown_language_and_foreign_next_are_ignored(client, db):
    response = client.post(reverse("core:set_language"), {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert "portal_language" not in response.cookies


def test_danish_is_the_default(client, db):
    response = client.get(reverse("login"))
    assert 'lang="da"' in response.text
    assert "Log ind" in response.text


def test_set_language_needs_post(client, db):
    assert client.get(reverse("core:set_language")).status_code == 405


def test_the_language_chosen_on_the_login_page_follows_the_user_in(client, board_member):
    """Choosing English on the log-in page and logging in keeps English, on the account too (the
    account's Danish does not take over after log-in)."""
    board_member.language = "da"
    board_member.save(update_fields=["language"])
    client.post(reverse("core:set_language"), {"language": "en", "next": "/login/"})
    response = client.post(reverse("login"), {"username": board_member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert 'lang="en"' in client.get(reverse("core:home")).text
    board_member.refresh_from_db()
    assert board_member.language == "en"


def test_a_language_cookie_left_by_an_earlier_visitor_does_not_change_the_account(client, board_member):
    """A shared computer: the cookie says English, but this visitor chose nothing before logging in,
    so their account's Danish stays."""
    board_member.language = "da"
    board_member.save(update_fields=["language"])
    client.cookies["portal_language"] = "en"
    client.post(reverse("login"), {"username": board_member.email, "password": PASSWORD})
    assert 'lang="da"' in client.get(reverse("core:home")).text
    board_member.refresh_from_db()
    assert board_member.language == "da"


@pytest.mark.parametrize(
    ("language", "employees", "side"),
    [("da", "Medarbejdere", "Medarbejderne"), ("nb", "Ansatte", "Arbeidstakerne")],
)
def test_the_absence_employee_list_and_the_med_side_are_named_apart(language, employees, side):
    """One msgid "Employees" was translated by the meetings app's catalogue (the MED side,
    "Medarbejderne") for the absence app's list of employees too."""
    with translation.override(language):
        assert gettext("Employees") == employees
        assert str(CommitteeMember.Side.EMPLOYEE.label) == side
        assert pgettext("MED side", "Employees") == side
