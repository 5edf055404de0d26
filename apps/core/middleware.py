import logging
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger("portal.request")


class RequestLogMiddleware:
    """Logs one structured line per request: method, path, status, duration, user id, request id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        response = self.get_response(request)
        user = getattr(request, "user", None)
        logger.info(
            "request",
            extra={
                "fields": {
                    "request_id": request_id,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                    "htmx": request.headers.get("HX-Request") == "true",
                }
            },
        )
        response["X-Request-ID"] = request_id
        return response


class UserLanguageMiddleware:
    """A logged-in user's chosen language wins over the browser's, so the choice follows them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


# URL namespaces and admin apps whose every response carries individual absence data (or may: an
# error page of such a URL says that the employee exists). Keyed on the namespace, not per view, so a
# view added to the absence URLconf cannot forget it.
PRIVATE_NAMESPACES = frozenset({"absence"})
PRIVATE_ADMIN_APPS = frozenset({"absence"})


def carries_private_data(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    if PRIVATE_NAMESPACES.intersection(match.namespaces):
        return True
    if match.namespace == "admin":
        if match.url_name == "autocomplete":  # answers with the names of the searched model's rows
            app_label = request.GET.get("app_label", "")
        else:
            app_label = match.kwargs.get("app_label") or (match.url_name or "").split("_", 1)[0]
        return app_label in PRIVATE_ADMIN_APPS
    return False


class PrivateDataMiddleware:
    """``Cache-Control: no-store, private`` on pages and files with individual absence data, so neither
    a shared proxy nor the browser's disk cache or back button keeps a copy (DOMAIN.md 1.9)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if carries_private_data(request):
            add_never_cache_headers(response)
        return response
