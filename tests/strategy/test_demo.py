import io
import random
from datetime import date

import pytest

from apps.core.demo import DemoContext
from apps.organizations import demo as organizations_demo
from apps.strategy import demo
from apps.strategy.models import Initiative, InitiativeUpdate, StrategyPlan

pytestmark = pytest.mark.django_db


def _ctx(employees):
    ctx = DemoContext(
        rng=random.Random(7), today=date(2026, 11, 23), employees=employees, years=2, out=io.StringIO()
    )
    organizations_demo.seed(ctx)
    return ctx


def test_default_demo_loads_the_two_real_plans_with_progress(django_assert_max_num_queries):
    ctx = _ctx(400)
    with django_assert_max_num_queries(60):
        demo.seed(ctx)
    assert sorted(StrategyPlan.objects.values_list("organization__slug", flat=True)) == [
        "djoef-offentlig",
        "fagforbundet",
    ]
    ff = Initiative.objects.filter(focus_area__plan__organization__slug="fagforbundet")
    assert ff.exclude(status="planned").exists() and ff.filter(status="done").exists()
    local = ff.filter(level="local_union")
    assert local.filter(implements__isnull=True).count() == 0  # missing links generated for the demo
    assert InitiativeUpdate.objects.filter(author=ctx.users["styre.fagforbundet"]).exists()
    # Every generated note fits the status it was written with ("paused until OK26" on a done one
    # read wrong in the annual report).
    for text, status, slug in InitiativeUpdate.objects.values_list(
        "text", "status_after", "initiative__focus_area__plan__organization__slug"
    ):
        assert text in demo.NOTES["nb" if slug == "fagforbundet" else "da"][status]


def test_at_scale_there_are_twenty_plans():
    ctx = _ctx(5000)
    demo.seed(ctx)
    assert StrategyPlan.objects.count() == demo.PLANS_AT_SCALE == 20
    assert StrategyPlan.objects.values("organization").distinct().count() == len(ctx.organizations)
    # 2 seed plans + 18 copies, alternating Djøf Offentlig (13 initiatives) and Fagforbundet (85).
    assert Initiative.objects.count() == 10 * 13 + 10 * 85
    # One current plan per organisation and period: copies sharing years with another are archived.
    current = list(StrategyPlan.objects.filter(archived_at__isnull=True))
    for plan in current:
        assert not any(
            o.pk != plan.pk and o.organization_id == plan.organization_id
            and o.start_year <= plan.end_year and o.end_year >= plan.start_year
            for o in current
        )  # fmt: skip


def test_demo_is_deterministic():
    ctx = _ctx(400)
    state = ctx.rng.getstate()
    demo.seed(ctx)
    first = list(Initiative.objects.order_by("pk").values_list("status", "progress", "due_date"))
    StrategyPlan.objects.all().delete()
    ctx.rng.setstate(state)
    demo.seed(ctx)
    assert list(Initiative.objects.order_by("pk").values_list("status", "progress", "due_date")) == first
