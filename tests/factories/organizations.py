import factory
from factory.django import DjangoModelFactory

from apps.organizations.models import Membership, Organization, OrgUnit, Role, User

__all__ = ["MembershipFactory", "OrgUnitFactory", "OrganizationFactory", "UserFactory", "Role", "add_unit"]


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = Organization.Kind.UNION
    country = Organization.Country.DK
    language = "da"


def add_unit(
    organization: Organization, code: str, name: str | None = None, parent: OrgUnit | None = None
) -> OrgUnit:
    fields = {"organization": organization, "code": code, "name": name or code}
    return OrgUnit.objects.add_root(fields) if parent is None else OrgUnit.objects.add_child(parent, fields)


class OrgUnitFactory(factory.Factory):
    """Builds a root unit through treebeard (which must compute the path)."""

    class Meta:
        model = OrgUnit

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"U{n}")
    name = factory.Sequence(lambda n: f"Unit {n}")

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        return (
            OrgUnit.objects.add_root(kwargs) if parent is None else OrgUnit.objects.add_child(parent, kwargs)
        )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Sequence(lambda n: f"Test{n}")
    last_name = "Person"
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.BOARD
    unit = None
