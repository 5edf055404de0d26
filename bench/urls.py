"""The portal's URLs plus the floor of the page measurements."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

from strategy_portal.urls import urlpatterns as portal_patterns


@require_safe
@login_required
def floor(request: HttpRequest) -> HttpResponse:
    """A logged-in request through the same middleware that does no work of its own."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *portal_patterns]
