"""The clubs section of the annual report: meetings held, members reached, board presence, club funds."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Avg, Count, F, FloatField, Sum
from django.db.models.functions import Cast, Least
from django.utils.translation import gettext_lazy as _

from apps.core.reporting import ReportSection
from apps.organizations.models import Organization

from .models import Club, ClubFundApplication, ClubMeeting
from .selectors import with_board_present, year_bounds

BAR_WIDTH = 300  # px in the SVG for the largest count
LABEL_WIDTH = 230
ROW_HEIGHT = 30


def _chart(rows: list[dict]) -> dict:
    largest = max((row["held"] for row in rows), default=0) or 1
    bars = []
    for n, row in enumerate(rows):
        top = n * ROW_HEIGHT + 4
        bars.append(
            {
                "label": row["label"],
                "y": top,
                "text_y": top + 15,
                "width": round(BAR_WIDTH * row["held"] / largest),
                "board_width": round(BAR_WIDTH * row["board"] / largest),
                "value": row["held"],
                "board": row["board"],
                "value_x": LABEL_WIDTH + round(BAR_WIDTH * row["held"] / largest) + 6,
            }
        )
    return {
        "bars": bars,
        "bar_x": LABEL_WIDTH,
        "height": len(bars) * ROW_HEIGHT + 8,
        "width": LABEL_WIDTH + BAR_WIDTH + 60,
    }


def applies(organization: Organization) -> bool:
    """Whether this section can have anything for the organisation.
    Clubs and club funds are a union's: an employer has none."""
    return organization.kind != Organization.Kind.EMPLOYER


def build_section(organization: Organization, year: int) -> ReportSection | None:
    if not applies(organization):
        return None
    start, end = year_bounds(year)
    held = ClubMeeting.objects.filter(
        club__organization=organization,
        status=ClubMeeting.Status.HELD,
        starts_at__gte=start,
        starts_at__lt=end,
    )
    per_kind = {
        row["kind"]: row
        for row in held.values("kind").annotate(held=Count("pk"), attendance=Sum("attendance")).order_by()
    }
    board_per_kind = dict(
        with_board_present(held).values("kind").annotate(n=Count("pk")).order_by().values_list("kind", "n")
    )
    funds = ClubFundApplication.objects.filter(
        club__organization=organization, event_date__year=year, status__in=ClubFundApplication.GRANTED
    ).aggregate(count=Count("pk"), amount=Sum("amount"))
    network_meetings = ClubMeeting.objects.filter(
        network__organization=organization,
        status=ClubMeeting.Status.HELD,
        starts_at__gte=start,
        starts_at__lt=end,
    ).count()
    clubs = Club.objects.filter(organization=organization).aggregate(
        clubs=Count("pk"), members=Sum("member_count")
    )
    clubs["active"] = held.values("club").distinct().count()
    # Each meeting's turnout as a share of its club's members (at most all of them), averaged: a sum of
    # attendances over a sum of members passes 100 % as soon as clubs meet more than once.
    turnout = held.filter(club__member_count__gt=0).aggregate(
        share=Avg(Least(Cast(F("attendance"), FloatField()) / F("club__member_count"), 1.0))
    )["share"]
    rows = [
        {
            "label": label,
            "held": per_kind.get(kind, {}).get("held", 0),
            "attendance": per_kind.get(kind, {}).get("attendance") or 0,
            "board": board_per_kind.get(kind, 0),
        }
        for kind, label in ClubMeeting.Kind.choices
    ]
    meetings = sum(row["held"] for row in rows)
    board = sum(row["board"] for row in rows)
    attendance = sum(row["attendance"] for row in rows)
    members = clubs["members"] or 0
    has_data = bool(meetings or funds["count"] or network_meetings)
    return ReportSection(
        key="clubs",
        title=_("Clubs"),
        template="clubs/report_section.html",
        has_data=has_data,
        empty_message=_("No club meetings or club funds were recorded in %(year)s.") % {"year": year},
        data={
            "clubs": clubs["clubs"],
            "active_clubs": clubs["active"],
            "members": members,
            "meetings": meetings,
            "network_meetings": network_meetings,
            "attendance": attendance,
            "reach": round(100 * turnout) if turnout is not None else None,
            "board_meetings": board,
            "board_share": round(100 * board / meetings) if meetings else None,
            "funds_count": funds["count"],
            "funds_amount": funds["amount"] or Decimal("0"),
            "per_kind": rows,
            "chart": _chart(rows),
        },
    )
