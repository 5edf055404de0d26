from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.urls import include, path
from django.views.static import serve

from apps.organizations.forms import EmailAuthenticationForm

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("apps.core.urls")),
    path("organisations/", include("apps.organizations.urls")),
    path("strategy/", include("apps.strategy.urls")),
    path("clubs/", include("apps.clubs.urls")),
    path("med/", include("apps.meetings.urls")),
    path("absence/", include("apps.absence.urls")),
    path("pool/", include("apps.pool.urls")),
    path("reports/", include("apps.reports.urls")),
]


def _media(request, path: str):
    # Uploaded payroll files (MEDIA_ROOT/imports/) are never served, not even by the development server.
    if path.startswith("imports/"):
        raise Http404
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))


if settings.DEBUG:
    urlpatterns.append(path("media/<path:path>", _media))
