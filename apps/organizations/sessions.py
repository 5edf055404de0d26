"""Shorter sessions for the people who see individual absence data.

Users holding an HR, leader or administrator role in any organisation are logged out after that
organisation's ``session_idle_minutes`` without a request (the shortest, when they hold such roles in
several), and their session cookie has no expiry, so it ends when the browser closes. Everyone else
keeps Django's ordinary two-week session.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from apps.core.http import HtmxHttpRequest

from .models import Role
from .permissions import memberships_of

SENSITIVE_ROLES = frozenset({Role.HR, Role.LEADER, Role.ADMIN})
LAST_SEEN = "portal_last_seen"
# The time of the last request is written at most this often, so an active user does not cost a
# session write on every click; the idle limit is then kept to within this many seconds.
WRITE_EVERY_SECONDS = 60


def idle_minutes(user) -> int | None:
    """The idle limit for this user, or None when they hold no role that sees individual data."""
    limits = [m.organization.session_idle_minutes for m in memberships_of(user) if m.role in SENSITIVE_ROLES]
    return min(limits) if limits else None


def _now() -> float:
    return timezone.now().timestamp()


def start(request: HttpRequest, user) -> None:
    """At log-in: a browser-session cookie and the idle clock started, for the users it applies to."""
    if idle_minutes(user) is None:
        return
    request.session.set_expiry(0)
    request.session[LAST_SEEN] = _now()


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        start(request, user)


class IdleLogoutMiddleware:
    """Ends an idle HR, leader or administrator session and sends the user to the log-in page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HtmxHttpRequest) -> HttpResponse:
        user = request.user
        limit = idle_minutes(user) if user.is_authenticated else None
        if limit is None:
            return self.get_response(request)
        session = request.session
        now = _now()
        last_seen = session.get(LAST_SEEN)
        if last_seen is not None and now - last_seen > limit * 60:
            logout(request)
            messages.info(
                request,
                _("You were logged out after %(minutes)d minutes without activity. Log in again.")
                % {"minutes": limit},
            )
            if request.htmx:
                next_url = request.htmx.current_url_abs_path or "/"
                return HttpResponseClientRedirect(redirect_to_login(next_url).url)
            return redirect_to_login(request.get_full_path())
        if last_seen is None or now - last_seen >= WRITE_EVERY_SECONDS:
            session[LAST_SEEN] = now
        if not session.get_expire_at_browser_close():
            session.set_expiry(0)
        return self.get_response(request)
