import io
import random
from datetime import date

from apps.core.demo import DemoContext
from apps.meetings import demo as meetings_demo
from apps.organizations import demo as organizations_demo
from apps.pool import demo as pool_demo
from apps.pool.models import PoolApplication, PoolCall, Step
from apps.pool.selectors import application_checklist, application_queryset, borda_scores, eligible_total


def test_demo_has_both_rounds_and_norddjurs_drafting_after_its_theme_day(db):
    ctx = DemoContext(
        rng=random.Random(2026), today=date(2026, 11, 23), employees=40, years=1, out=io.StringIO()
    )
    organizations_demo.seed(ctx)
    meetings_demo.seed(ctx)
    pool_demo.seed(ctx)

    closed = PoolCall.objects.get(year=2025)
    assert closed.application_deadline == date(2025, 10, 30)
    assert closed.minimum_eligible_expenses == 4_000_000
    assert closed.themes.count() == 7
    assert closed.planned_steps.get(step="drafting").starts_on == date(2024, 12, 1)
    assert closed.planned_steps.get(step="qualification").ends_on == date(2025, 4, 30)
    current = PoolCall.objects.get(year=2027)
    assert current.application_deadline == date(2027, 10, 30)

    application = application_queryset().get(organization__slug="norddjurs")
    assert application.status == Step.DRAFTING
    assert application.call == current
    session = application.ranking_session
    assert session.rankings.filter(submitted_at__isnull=False).count() == 8
    assert application.theme == borda_scores(session)[0].theme
    assert eligible_total(application) >= 4_000_000
    assert application.target_groups.count() >= 2
    emails = {u.email for u in application.project_group.all()}
    assert "hr.norddjurs@demo.example" in emails and len(emails) >= 3
    assert all(email in {e for e, _ in ctx.logins} for email in emails)
    # Drafting is not done: the checklist says what is still missing, and the HU's officers are known.
    missing = {i.key for i in application_checklist(application).missing}
    assert {"evaluation_plan", "anchoring_plan", "signature_chair", "signature_vice_chair"} <= missing
    assert PoolApplication.objects.count() == 1


def test_demo_project_group_logs_in_with_the_demo_password(db):
    from apps.core.demo import DEMO_PASSWORD
    from apps.organizations.models import User

    ctx = DemoContext(rng=random.Random(1), today=date(2026, 11, 3), employees=40, years=1, out=io.StringIO())
    organizations_demo.seed(ctx)
    meetings_demo.seed(ctx)
    pool_demo.seed(ctx)
    assert User.objects.get(email="projekt.amr.norddjurs@demo.example").check_password(DEMO_PASSWORD)
