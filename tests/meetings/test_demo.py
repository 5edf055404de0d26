import random
from datetime import date
from io import StringIO

import pytest

from apps.core.demo import DemoContext
from apps.meetings import demo
from apps.meetings.models import AgendaItem, Committee, CommitteeMember, GuideAnswer, Meeting
from apps.meetings.selectors import approval_problems, attendance_of, hu_chairs
from apps.organizations import demo as organizations_demo

pytestmark = pytest.mark.django_db


def context(employees):
    return DemoContext(
        rng=random.Random(1), today=date(2026, 11, 23), employees=employees, years=1, out=StringIO()
    )


def test_demo_seeds_norddjurs_committees():
    ctx = context(400)
    organizations_demo.seed(ctx)
    demo.seed(ctx)
    norddjurs = ctx.organizations["norddjurs"]
    chairs = hu_chairs(norddjurs)
    assert chairs["chair"].email == "formand.hu.norddjurs@demo.example"
    assert chairs["vice_chair"].email == "naestformand.hu.norddjurs@demo.example"
    hu = Committee.objects.get(organization=norddjurs, kind=Committee.Kind.HU)
    seats = {m.user.email.split("@")[0]: m for m in hu.members.select_related("user")}
    assert seats["formand.hu.norddjurs"].side == CommitteeMember.Side.MANAGEMENT
    assert seats["naestformand.hu.norddjurs"].side == CommitteeMember.Side.EMPLOYEE
    assert seats["amr.norddjurs"].is_amr and seats["tr.norddjurs"].is_tr
    assert Committee.objects.filter(organization=norddjurs, kind=Committee.Kind.LMU).count() == 4
    theme_day = Meeting.objects.get(kind=Meeting.Kind.THEME_DAY)
    assert theme_day.status == Meeting.Status.MINUTES_APPROVED
    assert GuideAnswer.objects.values("committee").distinct().count() >= 1
    assert Committee.objects.count() == 6  # HU, 4 LMUs, 1 TRIO below the scale threshold
    # Every approved set of minutes in the demo would pass the approval rules: quorate, approvers present.
    approved = Meeting.objects.filter(status=Meeting.Status.MINUTES_APPROVED).select_related("committee")
    assert approved.count() > 5
    for meeting in approved:
        attendance = attendance_of(meeting)
        for approval in meeting.approvals.all():
            seat = meeting.committee.members.get(user=approval.user)
            assert approval_problems(meeting.committee, attendance, seat) == [], meeting
    assert AgendaItem.objects.filter(title="Eventuelt", closing=True).exists()


def test_demo_scales_with_employees():
    ctx = context(2000)
    organizations_demo.seed(ctx)
    demo.seed(ctx)
    assert Committee.objects.count() == 6 + 20  # employees // 100 more
    scaled = Meeting.objects.exclude(committee__parent__isnull=True).exclude(
        committee__kind=Committee.Kind.LMU, committee__unit__depth=2
    )
    bulk = Meeting.objects.filter(committee__kind=Committee.Kind.STAFF_MEETING)
    assert bulk.count() == 4 * Committee.objects.filter(kind=Committee.Kind.STAFF_MEETING).count()
    assert AgendaItem.objects.filter(meeting__in=bulk).count() == 6 * bulk.count()
    assert scaled.count() > bulk.count()
