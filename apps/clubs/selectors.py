"""Reads used by several views, the CSV export, the calendar feeds and the annual report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.organizations.models import Organization, OrgUnit

from .models import Club, ClubFundApplication, ClubFundRules, ClubMeeting, TRNetwork

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class ClubFigures(TypedDict):
    """The figures ``clubs_with_figures`` puts on each club row."""

    last_meeting: datetime | None
    meetings_year: int
    board_meetings_year: int
    held_required: bool
    granted_year: Decimal
    has_pending: bool
    pending_year: Decimal
    budget_year: Decimal


ZERO = Decimal("0")
MONEY: DecimalField = DecimalField(max_digits=12, decimal_places=2)


def fund_rules_for(organization: Organization) -> ClubFundRules:
    """The organisation's rules; the documented defaults (DKK 400 / 450, 14 days) until someone saves them."""
    rules = ClubFundRules.objects.filter(organization=organization).first()
    return rules or ClubFundRules(organization=organization)


def required_kind(organization: Organization) -> ClubMeeting.Kind:
    """The meeting each club should hold every year: §14-1a in Norway, the OK26 demands meeting in Denmark."""
    if organization.country == Organization.Country.NO:
        return ClubMeeting.Kind.PART_TIME
    return ClubMeeting.Kind.DEMANDS


def year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(date(year, 1, 1), time.min, tzinfo=tz),
        datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=tz),
    )


def with_board_present(meetings: QuerySet[ClubMeeting]) -> QuerySet[ClubMeeting]:
    guests = ClubMeeting.board_guests.through.objects.filter(clubmeeting_id=OuterRef("pk"))
    return meetings.filter(Q(chair_present=True) | Q(Exists(guests)))


@dataclass(frozen=True)
class FundBalance:
    year: int
    budget: Decimal
    granted: Decimal
    pending: Decimal

    @property
    def remaining(self) -> Decimal:
        """What the club can still apply for: what awaits a decision is spoken for too."""
        return self.budget - self.granted - self.pending

    @property
    def available(self) -> Decimal:
        return max(self.remaining, ZERO)

    @property
    def used_share(self) -> float:
        return float(self.granted / self.budget) if self.budget else 0.0


def balance_from_row(club: WithAnnotations[Club, ClubFigures], year: int) -> FundBalance:
    """The balance of a club row annotated by ``clubs_with_figures`` (no further query)."""
    return FundBalance(
        year=year, budget=club.budget_year, granted=club.granted_year, pending=club.pending_year
    )


def _fund_sums() -> dict:
    return {
        "granted": Coalesce(
            Sum("amount", filter=Q(status__in=ClubFundApplication.GRANTED)), ZERO, output_field=MONEY
        ),
        "pending": Coalesce(
            Sum("amount", filter=Q(status=ClubFundApplication.Status.SUBMITTED)), ZERO, output_field=MONEY
        ),
    }


def fund_balance(
    club: Club, year: int, rules: ClubFundRules, *, exclude_pk: int | None = None
) -> FundBalance:
    """Budget (members × amount per member per year) against what was granted and what awaits a
    decision for events that year."""
    rows = ClubFundApplication.objects.filter(club=club, event_date__year=year)
    if exclude_pk:
        rows = rows.exclude(pk=exclude_pk)
    sums = rows.aggregate(**_fund_sums())
    return FundBalance(
        year=year,
        budget=club.member_count * rules.amount_per_member_year,
        granted=sums["granted"],
        pending=sums["pending"],
    )


def fund_balances_with_applications(
    clubs: Sequence[Club], year: int, rules: ClubFundRules
) -> dict[int, FundBalance]:
    """Club id → balance for ``year``, for those of the clubs with applications for events that year
    (one query for all of them)."""
    members = {club.pk: club.member_count for club in clubs}
    rows = (
        ClubFundApplication.objects.filter(club__in=list(members), event_date__year=year)
        .order_by()
        .values("club")
        .annotate(**_fund_sums())
    )
    return {
        row["club"]: FundBalance(
            year=year,
            budget=members[row["club"]] * rules.amount_per_member_year,
            granted=row["granted"],
            pending=row["pending"],
        )
        for row in rows
    }


def _count_subquery(meetings: QuerySet[ClubMeeting]) -> Subquery:
    return Subquery(
        meetings.order_by().values("club").annotate(n=Count("pk")).values("n")[:1],
        output_field=IntegerField(),
    )


def clubs_with_figures(
    organization: Organization, year: int, rules: ClubFundRules | None = None
) -> QuerySet[WithAnnotations[Club, ClubFigures]]:
    """Clubs with last meeting, meetings this year, board presence, required meeting and funds, per row.

    Subqueries rather than joins so that the counts do not multiply each other. ``rules``: the
    organisation's fund rules when the caller has read them already (one query fewer).
    """
    if rules is None:
        rules = fund_rules_for(organization)
    start, end = year_bounds(year)
    held = ClubMeeting.objects.filter(club=OuterRef("pk"), status=ClubMeeting.Status.HELD)
    in_year = held.filter(starts_at__gte=start, starts_at__lt=end)
    granted = (
        ClubFundApplication.objects.filter(
            club=OuterRef("pk"), event_date__year=year, status__in=ClubFundApplication.GRANTED
        )
        .order_by()
        .values("club")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    pending = ClubFundApplication.objects.filter(
        club=OuterRef("pk"), status=ClubFundApplication.Status.SUBMITTED
    )
    pending_sum = (
        pending.filter(event_date__year=year)
        .order_by()
        .values("club")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    return (
        Club.objects.filter(organization=organization)
        .select_related("unit")
        .annotate(
            last_meeting=Subquery(held.order_by("-starts_at").values("starts_at")[:1]),
            meetings_year=Coalesce(_count_subquery(in_year), 0),
            board_meetings_year=Coalesce(_count_subquery(with_board_present(in_year)), 0),
            held_required=Exists(in_year.filter(kind=required_kind(organization))),
            granted_year=Coalesce(Subquery(granted, output_field=MONEY), ZERO, output_field=MONEY),
            has_pending=Exists(pending),
            pending_year=Coalesce(Subquery(pending_sum, output_field=MONEY), ZERO, output_field=MONEY),
        )
        .annotate(budget_year=F("member_count") * Value(rules.amount_per_member_year, output_field=MONEY))
    )


def filter_clubs(
    clubs: QuerySet[WithAnnotations[Club, ClubFigures]],
    *,
    q: str = "",
    area: OrgUnit | None = None,
    missing: bool = False,
    pending: bool = False,
    units: list[OrgUnit] | None = None,
) -> QuerySet[WithAnnotations[Club, ClubFigures]]:
    if units is not None:
        scope = Q(pk__in=[])
        for unit in units:
            scope |= Q(unit__path__startswith=unit.path)
        clubs = clubs.filter(scope)
    if q:
        clubs = clubs.filter(Q(name__icontains=q) | Q(unit__name__icontains=q) | Q(unit__code__icontains=q))
    if area is not None:
        clubs = clubs.filter(unit__path__startswith=area.path)
    if missing:
        clubs = clubs.filter(held_required=False)
    if pending:
        clubs = clubs.filter(has_pending=True)
    return clubs


@dataclass(frozen=True)
class Totals:
    clubs: int
    meetings: int
    board_meetings: int
    missing_required: int
    budget: Decimal
    granted: Decimal

    @property
    def board_share(self) -> float | None:
        return self.board_meetings / self.meetings if self.meetings else None

    @property
    def used_share(self) -> float:
        return float(self.granted / self.budget) if self.budget else 0.0


def totals(clubs: QuerySet[Club]) -> Totals:
    """Sums over the (filtered) club rows, in one query."""
    sums = clubs.order_by().aggregate(
        clubs=Count("pk"),
        meetings=Coalesce(Sum("meetings_year"), 0),
        board_meetings=Coalesce(Sum("board_meetings_year"), 0),
        missing_required=Count("pk", filter=Q(held_required=False)),
        budget=Coalesce(Sum("budget_year"), ZERO, output_field=MONEY),
        granted=Coalesce(Sum("granted_year"), ZERO, output_field=MONEY),
    )
    return Totals(**sums)


def clubs_of_steward(user, organization: Organization) -> QuerySet[Club]:
    return Club.objects.filter(organization=organization, stewards=user).select_related("unit")


def networks_of(user, organization: Organization, *, all_networks: bool) -> QuerySet[TRNetwork]:
    networks = TRNetwork.objects.filter(organization=organization)
    if not all_networks:
        networks = networks.filter(stewards=user)
    # In name order: a grouped query does not take the model's ordering.
    return (
        networks.prefetch_related("stewards").annotate(meeting_count=Count("meetings")).order_by("name", "pk")
    )


FEED_DAYS_BACK = 90


def meetings_for_feed(*, organization: Organization, club: Club | None = None) -> QuerySet[ClubMeeting]:
    """A club's whole history; for the organisation the last three months and everything ahead.

    An organisation with thousands of clubs would otherwise send calendar apps every meeting ever held.
    """
    meetings = ClubMeeting.objects.select_related("club", "network")
    if club is not None:
        return meetings.filter(club=club)
    since = timezone.now() - timedelta(days=FEED_DAYS_BACK)
    return meetings.filter(
        Q(club__organization=organization) | Q(network__organization=organization), starts_at__gte=since
    )


def pending_applications(
    organization: Organization, units: list[OrgUnit] | None
) -> QuerySet[ClubFundApplication]:
    apps = ClubFundApplication.objects.filter(
        club__organization=organization, status=ClubFundApplication.Status.SUBMITTED
    ).select_related("club", "club__organization", "club__unit", "created_by")
    if units is not None:
        scope = Q(pk__in=[])
        for unit in units:
            scope |= Q(club__unit__path__startswith=unit.path)
        apps = apps.filter(scope)
    return apps.order_by("event_date", "pk")


def approved_unpaid(organization: Organization, units: list[OrgUnit] | None) -> QuerySet[ClubFundApplication]:
    apps = ClubFundApplication.objects.filter(
        club__organization=organization, status=ClubFundApplication.Status.APPROVED
    ).select_related("club", "decided_by")
    if units is not None:
        scope = Q(pk__in=[])
        for unit in units:
            scope |= Q(club__unit__path__startswith=unit.path)
        apps = apps.filter(scope)
    return apps.order_by("event_date", "pk")
