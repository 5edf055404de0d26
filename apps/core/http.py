"""Request types for views' annotations (django-htmx's middleware adds ``htmx`` to every request)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.urls import ResolverMatch
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from apps.organizations.models import User


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A request in a ``@login_required`` view: the user has signed in, and the URL is resolved."""

    user: User
    resolver_match: ResolverMatch
