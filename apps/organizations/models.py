from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in with an email address and a password."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["first_name", "last_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Organization(models.Model):
    class Kind(models.TextChoices):
        UNION = "union", _("Union")
        UNION_SECTION = "union_section", _("Union section")
        EMPLOYER = "employer", _("Employer")

    class Country(models.TextChoices):
        DK = "DK", _("Denmark")
        NO = "NO", _("Norway")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default=Country.DK)
    language = models.CharField(_("default language"), max_length=8, choices=settings.LANGUAGES, default="da")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sections",
        help_text=_("For a union section: the union it belongs to."),
    )
    date_window_years_back = models.PositiveSmallIntegerField(
        _("dates asked about: years back"),
        default=5,
        help_text=_(
            "Meeting, fund event and plan dates further back than this many years must be confirmed."
        ),
    )
    date_window_years_ahead = models.PositiveSmallIntegerField(
        _("dates asked about: years ahead"),
        default=5,
        help_text=_(
            "Meeting, fund event and plan dates further ahead than this many years must be confirmed."
        ),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_permission_scope(self) -> tuple[int, None]:
        return self.pk, None


class OrgUnit(MP_Node):
    """A unit in an organisation's tree: a county, a local union, a department, a workplace.

    The tree is a materialised path (django-treebeard), so a whole subtree is one indexed
    `path LIKE 'prefix%'` query.
    """

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="units"
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind of unit"),
        max_length=60,
        blank=True,
        help_text=_("For example county, local union, area, department or workplace."),
    )

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("organisational unit")
        verbose_name_plural = _("organisational units")
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="orgunit_code_unique_per_org")
        ]

    def __str__(self) -> str:
        return self.name

    def get_permission_scope(self) -> tuple[int, OrgUnit]:
        return self.organization_id, self

    def subtree(self) -> models.QuerySet[OrgUnit]:
        """This unit and every unit below it, in one query."""
        return OrgUnit.objects.filter(path__startswith=self.path, organization_id=self.organization_id)

    def contains(self, other: OrgUnit) -> bool:
        return other.path.startswith(self.path)


class Role(models.TextChoices):
    BOARD = "board", _("Board member")
    STAFF = "staff", _("Union staff")
    STEWARD = "steward", _("Shop steward")
    SAFETY_REP = "safety_rep", _("Safety representative")
    MED = "med", _("MED member")
    HR = "hr", _("HR")
    LEADER = "leader", _("Leader")
    ADMIN = "admin", _("Administrator")


class Membership(models.Model):
    """A role a user holds in an organisation, for the whole organisation or one unit and below."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        help_text=_("Empty: the role covers the whole organisation."),
    )
    title = models.CharField(_("title"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role", "unit"], name="membership_unique_scoped_role"
            ),
            models.UniqueConstraint(
                fields=["user", "organization", "role"],
                condition=models.Q(unit__isnull=True),
                name="membership_unique_org_role",
            ),
        ]

    def __str__(self) -> str:
        scope = self.unit.name if self.unit_id else self.organization.name
        return f"{self.user} · {self.get_role_display()} · {scope}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.unit_id and self.unit.organization_id != self.organization_id:
            raise ValidationError({"unit": _("The unit must belong to the same organisation.")})
