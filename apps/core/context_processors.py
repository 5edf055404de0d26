from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def _url_organization(request: HttpRequest):
    """The organisation the URL's ``slug`` names: from the user's memberships (no query), else looked
    up (pages opened by a link token, without logging in). None outside an organisation's pages."""
    from apps.organizations.models import Organization
    from apps.organizations.permissions import memberships_of

    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("slug") if match is not None else None
    if not slug:
        return None
    for membership in memberships_of(getattr(request, "user", None) or AnonymousUser()):
        if membership.organization.slug == slug:
            return membership.organization
    return Organization.objects.filter(slug=slug).first()


def portal(request: HttpRequest) -> dict:
    # Every route of an app starts with the organisation's slug, so templates link with
    # {% url 'app:name' organization.slug pk %}; views that pass ``organization`` themselves win.
    return {
        "PORTAL_LANGUAGES": settings.LANGUAGES,
        "organization": SimpleLazyObject(lambda: _url_organization(request)),
    }
