"""Reads for the pool: Borda count, the completeness checklist, the signed version, HU officers."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.meetings.models import Committee
from apps.meetings.selectors import committees_for, hu_chairs
from apps.organizations.models import Organization

from .models import (
    PoolApplication,
    PoolTheme,
    RankingPlace,
    RankingSession,
    Signature,
    StepEvent,
    TextRequirement,
)


# ---------------------------------------------------------------------------------------------- HU
def hu_officers(organization: Organization) -> dict:
    """The organisation's current HU chair and vice-chair, as the MED committee membership says."""
    return hu_chairs(organization)


def is_hu_member(user, organization: Organization) -> bool:
    """Is ``user`` an active member of the organisation's main MED committee (HU)? Cached per request."""
    cache = user.__dict__.setdefault("_pool_hu_member", {})
    if organization.pk not in cache:
        cache[organization.pk] = committees_for(user, organization).filter(kind=Committee.Kind.HU).exists()
    return cache[organization.pk]


# ------------------------------------------------------------------------------------------ Borda
@dataclass
class ThemeScore:
    theme: PoolTheme
    points: int
    first_places: int
    percent_of_max: float = 0.0


def borda_scores(session: RankingSession) -> list[ThemeScore]:
    """Borda count over the submitted rankings: with n themes, place p earns n - p points.

    Ties are broken by more first places, then by the call's order of themes.
    """
    themes = list(PoolTheme.objects.filter(call_id=session.call_id).order_by("position"))
    n = len(themes)
    rows = (
        RankingPlace.objects.filter(ranking__session=session, ranking__submitted_at__isnull=False)
        .values("theme_id")
        .annotate(points=Sum(n - F("place")), firsts=Count("pk", filter=Q(place=1)))
    )
    by_theme = {row["theme_id"]: row for row in rows}
    scores = [
        ThemeScore(
            theme=t,
            points=by_theme.get(t.pk, {}).get("points") or 0,
            first_places=by_theme.get(t.pk, {}).get("firsts") or 0,
        )
        for t in themes
    ]
    scores.sort(key=lambda s: (-s.points, -s.first_places, s.theme.position))
    top = max((s.points for s in scores), default=0)
    for s in scores:
        s.percent_of_max = 100 * s.points / top if top else 0.0
    return scores


# ------------------------------------------------------------------------------------ applications
def application_queryset() -> QuerySet[PoolApplication]:
    """An application with everything its page, checklist, PDF and CSV need, in a fixed number of queries."""
    return PoolApplication.objects.select_related(
        "organization", "call", "theme", "ranking_session"
    ).prefetch_related(
        "target_groups",
        "budget_lines",
        "project_group",
        Prefetch("signatures", queryset=Signature.objects.select_related("user").order_by("signed_at", "pk")),
        Prefetch("events", queryset=StepEvent.objects.select_related("by").order_by("at", "pk")),
    )


def content_hash(application: PoolApplication) -> str:
    """A fingerprint of everything a signature vouches for; any change to the content changes it."""
    content = {
        "call": application.call_id,
        "theme": application.theme_id,
        "texts": {key: getattr(application, key) for key in TextRequirement.values},
        "target_groups": sorted(
            [g.name, g.employees_in_group, g.benefitting, g.participants]
            for g in application.target_groups.all()
        ),
        "budget": sorted([b.text, b.amount, b.eligible] for b in application.budget_lines.all()),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def eligible_total(application: PoolApplication) -> int:
    return sum(line.amount for line in application.budget_lines.all() if line.eligible)


def budget_total(application: PoolApplication) -> int:
    return sum(line.amount for line in application.budget_lines.all())


def valid_signatures(application: PoolApplication) -> dict[str, Signature]:
    return {s.role: s for s in application.signatures.all() if s.voided_at is None}


def voided_signatures(application: PoolApplication) -> list[Signature]:
    return [s for s in application.signatures.all() if s.voided_at is not None]


@dataclass
class ChecklistItem:
    key: str
    label: str | Promise
    ok: bool
    missing: str | Promise = ""


@dataclass
class Checklist:
    items: list[ChecklistItem] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(item.ok for item in self.items)

    @property
    def missing(self) -> list[ChecklistItem]:
        return [item for item in self.items if not item.ok]


def _kroner(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def application_checklist(application: PoolApplication, officers: dict | None = None) -> Checklist:
    """Every requirement of the call and whether the application meets it (the submit gate)."""
    call = application.call
    checklist = Checklist()
    labels = dict(TextRequirement.choices)
    for key in call.required_fields or []:
        if key not in labels:
            continue
        present = bool(str(getattr(application, key, "")).strip())
        checklist.items.append(
            ChecklistItem(key=key, label=labels[key], ok=present, missing=_("The text is empty."))
        )
    checklist.items.append(
        ChecklistItem(
            key="theme",
            label=_("One of the call's themes is chosen"),
            ok=application.theme_id is not None,
            missing=_("No theme is chosen."),
        )
    )
    groups = list(application.target_groups.all())
    incomplete = [g.name for g in groups if not g.employees_in_group or not g.participants]
    groups_missing: str | Promise
    if not groups:
        groups_missing = _("No target group is described.")
    elif incomplete:
        groups_missing = _("Employees and participants are missing for: %(groups)s") % {
            "groups": ", ".join(incomplete)
        }
    else:
        groups_missing = ""
    checklist.items.append(
        ChecklistItem(
            key="target_groups",
            label=_("Target groups with the number of employees, who benefit and who take part"),
            ok=bool(groups) and not incomplete,
            missing=groups_missing,
        )
    )
    eligible = eligible_total(application)
    minimum = call.minimum_eligible_expenses
    checklist.items.append(
        ChecklistItem(
            key="budget",
            label=_("Eligible expenses of at least DKK %(minimum)s") % {"minimum": _kroner(minimum)},
            ok=eligible >= minimum,
            missing=_("Eligible expenses are DKK %(total)s; DKK %(short)s are missing.")
            % {"total": _kroner(eligible), "short": _kroner(max(minimum - eligible, 0))},
        )
    )
    officers = officers if officers is not None else hu_officers(application.organization)
    signed = valid_signatures(application)
    for role, label in Signature.Role.choices:
        person = officers.get(role)
        if role in signed:
            missing = ""
        elif person is None:
            missing = _("The HU has no %(role)s registered.") % {"role": label}
        else:
            missing = _("Not signed by %(name)s yet.") % {"name": person}
        checklist.items.append(
            ChecklistItem(
                key=f"signature_{role}",
                label=_("Signed by the %(role)s") % {"role": label},
                ok=role in signed,
                missing=missing,
            )
        )
    return checklist


def applications_for_year(organization: Organization, year: int) -> list[PoolApplication]:
    return list(
        PoolApplication.objects.filter(organization=organization, call__year=year)
        .select_related("call", "theme")
        .prefetch_related("budget_lines")
        .order_by("call__application_deadline", "title")
    )
