from __future__ import annotations

import re
import secrets
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
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
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # AbstractUser's stub expects its username-based UserManager; this one logs in by email.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["first_name", "last_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


DEFAULT_BRAND_COLOR = "#0b3a53"
BRAND_COLOR_RE = re.compile(r"#[0-9a-fA-F]{6}")
BRAND_COLOR_VALIDATOR = RegexValidator(
    r"^#[0-9a-fA-F]{6}\Z", _("Give the colour as # and six hexadecimal digits, for example #0b3a53.")
)


def logo_upload_to(instance: Organization, filename: str) -> str:
    # A fresh name per upload: a replaced logo is never served from a stale cache.
    return f"logos/{instance.slug}-{secrets.token_hex(6)}.png"


def _relative_luminance(color: str) -> float:
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((_relative_luminance(first), _relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_text_color(background: str) -> str:
    white, black = "#ffffff", "#1a1a1a"
    return white if contrast_ratio(background, white) >= contrast_ratio(background, black) else black


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
    session_idle_minutes = models.PositiveSmallIntegerField(
        _("log-out after inactivity (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(480)],
        help_text=_(
            "Users with an HR, leader or administrator role are logged out after this many minutes "
            "without activity, and when they close the browser."
        ),
    )

    logo = models.FileField(
        _("logo"),
        upload_to=logo_upload_to,
        blank=True,
        help_text=_("Printed on the cover of the annual report. Stored as PNG; served only to members."),
    )
    brand_color = models.CharField(
        _("colour"),
        max_length=7,
        blank=True,
        validators=[BRAND_COLOR_VALIDATOR],
        help_text=_(
            "The cover's colour in the annual report; the text on it is black or white, whichever reads."
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

    @property
    def cover_color(self) -> str:
        """The brand colour, checked again here because it goes into the PDF's style sheet."""
        return self.brand_color if BRAND_COLOR_RE.fullmatch(self.brand_color) else DEFAULT_BRAND_COLOR

    @property
    def cover_text_color(self) -> str:
        """Black or white on the cover colour, whichever has the higher contrast (WCAG 2.1)."""
        return readable_text_color(self.cover_color)


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
        scope = self.unit.name if self.unit is not None else self.organization.name
        return f"{self.user} · {self.get_role_display()} · {scope}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.unit is not None and self.unit.organization_id != self.organization_id:
            raise ValidationError({"unit": _("The unit must belong to the same organisation.")})


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """A person's secret in the links of their calendar feeds of one kind (calendar apps cannot log in).

    The token is the credential (256 random bits); each feed checks, on every fetch, that its person may
    still read what it holds. A new token replaces the old one, and every link with the old one is a 404.
    """

    class Kind(models.TextChoices):
        CLUBS = "clubs", _("club meetings")
        MEETINGS = "meetings", _("MED meetings")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_tokens",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_calendar_token, editable=False
    )
    created_at = models.DateTimeField(_("made"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar link")
        verbose_name_plural = _("calendar links")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="calendartoken_one_per_user_and_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}"
