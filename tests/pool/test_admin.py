"""The call's amounts, themes, dates and required fields are data, edited in the admin."""

from django.urls import reverse

from apps.pool.models import PoolCall
from tests.factories import UserFactory


def test_required_fields_and_minimum_are_edited_in_the_admin(client, call):
    admin = UserFactory(email="super@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:pool_poolcall_change", args=[call.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="anchoring_plan"' in page.content.decode()
    themes = list(call.themes.all())
    steps = list(call.planned_steps.all())
    data = {
        "name": call.name,
        "funder": call.funder,
        "year": 2027,
        "minimum_eligible_expenses": 5_000_000,
        "application_deadline": "2027-09-30",
        "required_fields": ["title", "project_idea"],
        "requirements_text": "",
        "themes-TOTAL_FORMS": len(themes),
        "themes-INITIAL_FORMS": len(themes),
        "themes-MIN_NUM_FORMS": 0,
        "themes-MAX_NUM_FORMS": 1000,
        "planned_steps-TOTAL_FORMS": len(steps),
        "planned_steps-INITIAL_FORMS": len(steps),
        "planned_steps-MIN_NUM_FORMS": 0,
        "planned_steps-MAX_NUM_FORMS": 1000,
    }
    for i, theme in enumerate(themes):
        data.update(
            {
                f"themes-{i}-id": theme.pk,
                f"themes-{i}-call": call.pk,
                f"themes-{i}-position": theme.position,
                f"themes-{i}-name": theme.name,
            }
        )
    for i, step in enumerate(steps):
        data.update(
            {
                f"planned_steps-{i}-id": step.pk,
                f"planned_steps-{i}-call": call.pk,
                f"planned_steps-{i}-step": step.step,
                f"planned_steps-{i}-starts_on": step.starts_on.isoformat(),
                f"planned_steps-{i}-ends_on": step.ends_on.isoformat(),
                f"planned_steps-{i}-note": step.note,
            }
        )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    call = PoolCall.objects.get(pk=call.pk)
    assert call.required_fields == ["title", "project_idea"]
    assert call.minimum_eligible_expenses == 5_000_000
