import io
import random

import pytest
from django.utils import timezone

from apps.clubs import demo as clubs_demo
from apps.clubs.models import Club, ClubFundApplication, ClubMeeting, TRNetwork
from apps.core.demo import DemoContext
from apps.organizations import demo as organizations_demo
from apps.organizations.models import Organization, OrgUnit, User

pytestmark = pytest.mark.django_db


def _seed(employees: int) -> DemoContext:
    ctx = DemoContext(
        rng=random.Random(2026), today=timezone.localdate(), employees=employees, years=2, out=io.StringIO()
    )
    organizations_demo.seed(ctx)
    clubs_demo.seed(ctx)
    return ctx


def test_default_demo():
    ctx = _seed(400)
    assert Club.objects.count() == 11
    aak = Club.objects.get(unit__code="DO-AAK")
    assert list(aak.stewards.all()) == [ctx.users["tr.djoef"]]
    assert list(Club.objects.get(unit__code="FF-BRG-HJ").stewards.all()) == [
        ctx.users["tillitsvalgt.fagforbundet"]
    ]
    assert set(ClubFundApplication.objects.values_list("status", flat=True)) == set(
        ClubFundApplication.Status.values
    )
    assert ClubMeeting.objects.filter(kind="demands", club__organization__slug="djoef-offentlig").exists()
    assert ClubMeeting.objects.filter(kind="part_time", club__organization__slug="fagforbundet").exists()
    assert not ClubMeeting.objects.filter(status="held", starts_at__gt=timezone.now()).exists()
    assert ClubMeeting.objects.filter(board_guests__isnull=False).exists()
    network = TRNetwork.objects.get()
    assert network.stewards.count() == 3 and network.meetings.count() >= 4
    assert any(email == "tr.dsr@demo.example" for email, _ in ctx.logins)


def test_demo_is_deterministic():
    def snapshot():
        return list(
            ClubMeeting.objects.order_by("starts_at", "kind", "attendance").values_list(
                "club__name", "kind", "attendance", "starts_at"
            )
        )

    _seed(400)
    first = snapshot()
    Club.objects.all().delete()
    Organization.objects.filter(parent__isnull=False).delete()
    Organization.objects.all().delete()
    User.objects.all().delete()
    _seed(400)
    assert snapshot() == first


def test_scaled_demo_creates_clubs_on_a_valid_tree():
    _seed(2000)
    generated = Club.objects.filter(unit__code__contains="-GEN-")
    assert generated.count() == 80
    assert ClubMeeting.objects.filter(club__in=generated, status="held").count() == 80 * 4 * 2
    parent = OrgUnit.objects.get(code="DO-GEN")
    assert OrgUnit.objects.get_children_count(parent) == 40
    assert parent.subtree().count() == 41
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])
