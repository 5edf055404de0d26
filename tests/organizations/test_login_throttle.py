"""Log-in throttling per address: one password sprayed over many accounts from one address is stopped."""

from django.urls import reverse

from tests.conftest import PASSWORD
from tests.factories import UserFactory

SPRAYED = "Sommer2026!"


def _try(client, email, password, address="203.0.113.7"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address)


def test_one_password_against_twenty_accounts_locks_the_address(client, db, settings):
    assert settings.AXES_IP_FAILURE_LIMIT == 20  # the default this test is about
    victims = [UserFactory(email=f"person{i}@example.org") for i in range(21)]
    answers = [_try(client, user.email, SPRAYED).status_code for user in victims[:20]]
    assert answers[:19] == [200] * 19  # each account saw one failure: no account lock would ever trigger
    assert answers[19] == 429

    # Now even a correct password from that address is refused, for any account ...
    refused = _try(client, victims[20].email, PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    # ... while the same account from another address logs in.
    assert _try(client, victims[20].email, PASSWORD, address="198.51.100.9").status_code == 302


def test_a_few_typos_behind_one_address_lock_nobody_else(client, db):
    """A municipality behind one NAT address: the staff's ordinary typos stay below the address limit."""
    staff = [UserFactory(email=f"staff{i}@example.org") for i in range(11)]
    for user in staff[:10]:
        assert _try(client, user.email, "typo").status_code == 200
        assert _try(client, user.email, PASSWORD).status_code == 302
        client.post(reverse("logout"))
    assert _try(client, staff[10].email, PASSWORD).status_code == 302


def test_a_successful_log_in_does_not_clear_the_address_count(client, db, settings):
    settings.AXES_IP_FAILURE_LIMIT = 6
    own = UserFactory(email="attacker@example.org")
    for i in range(5):
        _try(client, f"target{i}@example.org", SPRAYED)
    assert _try(client, own.email, PASSWORD).status_code == 302  # the attacker's own account
    client.post(reverse("logout"))
    assert _try(client, "target9@example.org", SPRAYED).status_code == 429


def test_the_account_limit_still_applies(client, db):
    user = UserFactory(email="one@example.org")
    answers = [_try(client, user.email, "wrong").status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]
