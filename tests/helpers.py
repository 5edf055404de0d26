"""Small helpers several test modules share."""

from apps.organizations.models import Organization


def organization_slug_of(obj) -> str:
    """The slug of the organisation ``obj`` belongs to (every route begins with it)."""
    if isinstance(obj, Organization):
        return obj.slug
    org_id, _unit = obj.get_permission_scope()
    return Organization.objects.values_list("slug", flat=True).get(pk=org_id)
