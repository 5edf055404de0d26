from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def _url_slug(request: HttpRequest) -> str | None:
    match = getattr(request, "resolver_match", None)
    return match.kwargs.get("slug") if match is not None else None


def _member_organization(request: HttpRequest, slug: str | None):
    """The organisation ``slug`` names if the user is a member of it (from the memberships, no query)."""
    from apps.organizations.permissions import memberships_of

    user = getattr(request, "user", None) or AnonymousUser()
    return next((m.organization for m in memberships_of(user) if slug and m.organization.slug == slug), None)


def _url_organization(request: HttpRequest):
    """The organisation the URL's ``slug`` names: from the user's memberships (no query), else looked
    up (pages opened by a link token, without logging in). None outside an organisation's pages."""
    from apps.organizations.models import Organization

    slug = _url_slug(request)
    if not slug:
        return None
    return _member_organization(request, slug) or Organization.objects.filter(slug=slug).first()


def _nav_entries(request: HttpRequest) -> list[dict]:
    """The main menu's links after "Overview": what the user can do in the organisation whose page this
    is, or in their only organisation. A user of several organisations outside their pages has the
    overview, which lists each one's."""
    from apps.organizations.permissions import organizations_of

    from .nav import entries_for

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    current = _member_organization(request, _url_slug(request))
    if current is None:
        organizations = organizations_of(user)
        if len(organizations) != 1:
            return []
        current = organizations[0]
    links = entries_for(user, current)
    for link in links:
        link["current"] = (
            "page" if request.path == link["url"] else "true" if request.path.startswith(link["url"]) else ""
        )
    return links


def portal(request: HttpRequest) -> dict:
    # Every route of an app starts with the organisation's slug, so templates link with
    # {% url 'app:name' organization.slug pk %}; views that pass ``organization`` themselves win.
    return {
        "PORTAL_LANGUAGES": settings.LANGUAGES,
        "organization": SimpleLazyObject(lambda: _url_organization(request)),
        "nav_entries": SimpleLazyObject(lambda: _nav_entries(request)),
    }
