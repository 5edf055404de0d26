from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD


def test_login_with_email_and_password(client, board_member):
    response = client.post(reverse("login"), {"username": "BOARD@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_wrong_password_gives_a_clear_message_in_danish(client, board_member):
    response = client.post(reverse("login"), {"username": board_member.email, "password": "wrong"})
    assert response.status_code == 200
    assert "E-mailadressen eller adgangskoden er forkert" in response.text


def test_unknown_email_gives_the_same_message_in_english(client, db):
    client.cookies["portal_language"] = "en"
    response = client.post(reverse("login"), {"username": "nobody@example.org", "password": "x"})
    assert "The email address or the password is wrong" in response.text


def test_lockout_after_repeated_failures(client, board_member):
    for _ in range(5):
        client.post(reverse("login"), {"username": board_member.email, "password": "wrong"})
    response = client.post(reverse("login"), {"username": board_member.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "låst" in response.text
    assert "_auth_user_id" not in client.session


def test_logout_needs_post(login, board_member):
    client = login(board_member)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout"))["Location"] == reverse("login")
    assert client.get(reverse("core:home")).status_code == 302


def test_password_reset_by_email(client, board_member):
    response = client.post(reverse("password_reset"), {"email": board_member.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/reset/" in mail.outbox[0].body
    # An unknown address gets the same answer and no mail.
    client.post(reverse("password_reset"), {"email": "unknown@example.org"})
    assert len(mail.outbox) == 1
