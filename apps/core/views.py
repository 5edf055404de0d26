from __future__ import annotations

import logging
import os

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from kombu import Connection

from apps.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from apps.organizations.models import Role
from apps.organizations.permissions import memberships_of, organizations_of

from .nav import entries_for

logger = logging.getLogger(__name__)

# The session key of a language chosen before logging in.
CHOSEN_LANGUAGE = "portal_chosen_language"


@require_safe
@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    memberships = memberships_of(request.user)
    role_labels = dict(Role.choices)
    organizations = []
    for organization in organizations_of(request.user):
        mine = [m for m in memberships if m.organization_id == organization.pk]
        organizations.append(
            {
                "organization": organization,
                "roles": [
                    {"label": role_labels[m.role], "scope": m.unit.name if m.unit is not None else None}
                    for m in mine
                ],
                "links": entries_for(request.user, organization),
            }
        )
    return render(request, "core/home.html", {"organizations": organizations})


@require_POST
def set_language(request: HtmxHttpRequest) -> HttpResponse:
    """Switch the interface language; remembered on the account and in a cookie. Chosen before
    logging in (the log-in page), it is kept in the session too and saved on the account at log-in
    (``adopt_chosen_language``)."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES) and check_for_language(language):
        if request.user.is_authenticated:
            request.user.language = language
            request.user.save(update_fields=["language"])
        else:
            request.session[CHOSEN_LANGUAGE] = language
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def adopt_chosen_language(sender, request, user, **kwargs) -> None:
    """At log-in: the language chosen in this session before it (on the log-in page) becomes the
    account's. Only a choice made in this browser session: a language cookie an earlier visitor of a
    shared computer left behind does not change the account."""
    session = getattr(request, "session", None)
    language = session.pop(CHOSEN_LANGUAGE, None) if session is not None else None
    if language in dict(settings.LANGUAGES) and language != user.language:
        user.language = language
        user.save(update_fields=["language"])


def _check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "unreachable"
        return False, exc.__class__.__name__
    return True, "ok"


def _check_broker() -> tuple[bool, str]:
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        return (True, "ok") if os.path.isdir(folder) else (False, "queue folder missing")
    try:
        with Connection(url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001
        return False, exc.__class__.__name__
    return True, "ok"


@never_cache
@require_safe
def healthz(request: HtmxHttpRequest) -> JsonResponse:
    db_ok, db_detail = _check_database()
    broker_ok, broker_detail = _check_broker()
    healthy = db_ok and broker_ok
    if not healthy:
        logger.warning(
            "health check failed", extra={"fields": {"database": db_detail, "broker": broker_detail}}
        )
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": db_detail,
            "broker": broker_detail,
        },
        status=200 if healthy else 503,
    )
