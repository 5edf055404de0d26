"""HR, leaders and administrators are logged out after their organisation's idle time and at browser
close; other users keep the ordinary session. The clock is moved, never waited for."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD


@pytest.fixture
def clock(monkeypatch):
    """``clock.advance(minutes=...)`` moves django.utils.timezone.now forward."""

    class Clock:
        now = timezone.now()

        def advance(self, **delta):
            self.now += timedelta(**delta)

    moved = Clock()
    monkeypatch.setattr(timezone, "now", lambda: moved.now)
    return moved


def _log_in(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


HOME = "core:home"


@pytest.mark.parametrize("role_user", ["hr_user", "leader", "org_admin"])
def test_idle_session_ends_after_the_default_30_minutes(request, db, client, clock, role_user):
    # ``db`` up front: set up from inside the body (by the user fixture) it left a connection open to
    # the end of the run, which kept the test database from being dropped.
    user = request.getfixturevalue(role_user)
    _log_in(client, user)
    clock.advance(minutes=29)
    assert client.get(reverse(HOME)).status_code == 200  # activity restarts the clock
    clock.advance(minutes=29)
    assert client.get(reverse(HOME)).status_code == 200
    clock.advance(minutes=31)
    response = client.get(reverse(HOME))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse(HOME)}"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "Du blev logget ud efter 30 minutter uden aktivitet" in page.text


def test_the_idle_time_is_the_organisations_setting(client, clock, hr_user, org):
    org.session_idle_minutes = 10
    org.save(update_fields=["session_idle_minutes"])
    _log_in(client, hr_user)
    clock.advance(minutes=11)
    assert client.get(reverse(HOME)).status_code == 302


def test_the_message_follows_the_users_language(client, clock, hr_user):
    hr_user.language = "en"
    hr_user.save(update_fields=["language"])
    _log_in(client, hr_user)
    clock.advance(minutes=31)
    response = client.get(reverse(HOME))
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["You were logged out after 30 minutes without activity. Log in again."]


def test_htmx_request_of_an_idle_session_sends_the_browser_to_the_log_in_page(client, clock, hr_user, org):
    _log_in(client, hr_user)
    clock.advance(minutes=31)
    url = reverse("absence:queue", args=[org.slug])
    response = client.get(url, headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{url}"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('login')}?next={url}"


def test_hr_session_ends_at_browser_close(client, hr_user):
    _log_in(client, hr_user)
    assert client.session.get_expire_at_browser_close()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"]


def test_a_role_given_after_log_in_gets_the_short_session_from_the_next_request(
    client, clock, board_member, org
):
    from tests.factories import MembershipFactory

    _log_in(client, board_member)
    MembershipFactory(user=board_member, organization=org, role="leader", unit=org.units.get(code="A"))
    client.get(reverse(HOME))
    assert client.session.get_expire_at_browser_close()
    clock.advance(minutes=31)
    assert client.get(reverse(HOME)).status_code == 302


def test_other_users_keep_todays_session(client, clock, board_member, shop_steward):
    for user in (board_member, shop_steward):
        _log_in(client, user)
        assert not client.session.get_expire_at_browser_close()
        assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"]
        clock.advance(hours=8)
        assert client.get(reverse(HOME)).status_code == 200
        client.post(reverse("logout"))


def test_an_active_user_costs_no_session_write_per_request(client, clock, hr_user):
    _log_in(client, hr_user)
    client.get(reverse(HOME))
    clock.advance(seconds=10)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse(HOME))
    assert not any(q["sql"].lstrip().upper().startswith("UPDATE") for q in queries.captured_queries)
