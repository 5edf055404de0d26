"""Workflow, signing, voiding and the submit gate at the service level."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from apps.pool import services
from apps.pool.models import Signature, Step, StepEvent
from apps.pool.selectors import application_checklist, application_queryset
from tests.factories import complete_application


@pytest.fixture(autouse=True)
def english():
    """The services' messages are checked in English (msgids); the views' tests check the Danish UI."""
    with translation.override("en"):
        yield


def _fresh(application):
    return application_queryset().get(pk=application.pk)


def _in_qualification(application):
    application.status = Step.QUALIFICATION
    application.save(update_fields=["status"])
    return application


def _update(application, by, **fields):
    app = _fresh(application)
    groups = [
        {
            "name": g.name,
            "employees_in_group": g.employees_in_group,
            "benefitting": g.benefitting,
            "participants": g.participants,
        }
        for g in app.target_groups.all()
    ]
    lines = [{"text": b.text, "amount": b.amount, "eligible": b.eligible} for b in app.budget_lines.all()]
    return services.application_update(
        application=app,
        by=by,
        fields=fields,
        target_groups=groups,
        budget_lines=lines,
    )


def test_each_manual_move_is_recorded_with_who_and_when(application, project_member, hr_user):
    application.status = Step.IDEA
    application.save(update_fields=["status"])
    services.application_advance(application=application, to_step=Step.DRAFTING, by=project_member)
    services.application_advance(application=application, to_step=Step.DECISION, by=project_member)
    with pytest.raises(ValidationError, match="needs a chosen theme"):
        services.application_advance(application=application, to_step=Step.QUALIFICATION, by=hr_user)
    application.theme = application.call.themes.first()
    application.save(update_fields=["theme"])
    services.application_advance(
        application=application, to_step=Step.QUALIFICATION, by=hr_user, note="Direktionen: ja"
    )
    events = list(StepEvent.objects.filter(application=application).order_by("pk"))
    assert [(e.from_step, e.to_step, e.by) for e in events] == [
        ("idea", "drafting", project_member),
        ("drafting", "decision", project_member),
        ("decision", "qualification", hr_user),
    ]
    assert all(e.at is not None for e in events)
    assert events[-1].note == "Direktionen: ja"


def test_the_project_group_cannot_record_the_executive_boards_decision(application, project_member):
    application.theme = application.call.themes.first()
    application.status = Step.DECISION
    application.save(update_fields=["theme", "status"])
    with pytest.raises(PermissionDenied, match="Only these roles can do .*: Administrator, HR."):
        services.application_advance(application=application, to_step=Step.QUALIFICATION, by=project_member)
    application.refresh_from_db()
    assert application.status == Step.DECISION
    assert not StepEvent.objects.filter(application=application, to_step=Step.QUALIFICATION).exists()


def test_skipping_a_step_is_refused(application, project_member):
    with pytest.raises(ValidationError, match="cannot move"):
        services.application_advance(application=application, to_step=Step.SUBMITTED, by=project_member)
    with pytest.raises(ValidationError, match="cannot move"):
        services.application_advance(application=application, to_step=Step.SIGNED, by=project_member)


def test_only_the_chair_and_vice_chair_can_sign(
    application, chair, vice_chair, hu_member, hr_user, org_admin
):
    complete_application(application)
    _in_qualification(application)
    for outsider in (hu_member, hr_user, org_admin):
        with pytest.raises(PermissionDenied, match="Only the HU's current chair and vice-chair"):
            services.signature_add(application=application, by=outsider)
    first = services.signature_add(application=application, by=chair)
    assert first.role == Signature.Role.CHAIR
    application.refresh_from_db()
    assert application.status == Step.QUALIFICATION
    second = services.signature_add(application=application, by=vice_chair)
    assert second.role == Signature.Role.VICE_CHAIR
    application.refresh_from_db()
    assert application.status == Step.SIGNED
    assert StepEvent.objects.filter(application=application, to_step=Step.SIGNED, by=vice_chair).exists()


def test_a_former_chair_can_no_longer_sign(application, chair, vice_chair):
    _in_qualification(application)
    chair.committee_memberships.update(active=False)
    with pytest.raises(PermissionDenied):
        services.signature_add(application=application, by=chair)


def test_signing_twice_is_refused(application, chair):
    complete_application(application)
    _in_qualification(application)
    services.signature_add(application=application, by=chair)
    with pytest.raises(ValidationError, match="already signed"):
        services.signature_add(application=application, by=chair)


def test_an_edit_after_signing_voids_the_signatures_and_asks_for_new_ones(
    application, chair, vice_chair, project_member
):
    complete_application(application)
    _in_qualification(application)
    services.signature_add(application=application, by=chair)
    services.signature_add(application=application, by=vice_chair)
    voided = _update(application, project_member, project_idea="En ny idé")
    assert voided == 2
    application.refresh_from_db()
    assert application.status == Step.QUALIFICATION
    rows = list(Signature.objects.filter(application=application))
    assert len(rows) == 2 and all(s.voided_at is not None for s in rows)
    checklist = application_checklist(_fresh(application))
    assert {i.key for i in checklist.missing} == {"signature_chair", "signature_vice_chair"}
    # New signatures on the new version are accepted.
    services.signature_add(application=application, by=chair)
    assert Signature.objects.filter(application=application, voided_at__isnull=True).count() == 1


def test_saving_without_changes_keeps_the_signatures(application, chair, project_member):
    complete_application(application)
    _in_qualification(application)
    services.signature_add(application=application, by=chair)
    assert _update(application, project_member) == 0
    assert Signature.objects.get(application=application).voided_at is None


def test_submitting_an_incomplete_application_is_refused_with_every_reason(application, hr_user):
    with pytest.raises(ValidationError) as excinfo:
        services.application_submit(application=application, by=hr_user)
    text = " ".join(excinfo.value.messages)
    assert "not complete" in text
    assert "Project idea: The text is empty." in text
    assert "No target group is described." in text
    assert "Eligible expenses are DKK 0; DKK 4.000.000 are missing." in text
    assert "Not signed by Carla Formand yet." in text
    application.refresh_from_db()
    assert application.status == Step.DRAFTING


def test_a_budget_below_the_minimum_blocks_signing(application, chair):
    complete_application(application)
    application.budget_lines.filter(text="Evaluering").update(amount=400_000)  # eligible 3.9 million
    _in_qualification(application)
    with pytest.raises(ValidationError) as excinfo:
        services.signature_add(application=application, by=chair)
    assert excinfo.value.messages == [
        "The application cannot be signed while the checklist against the call has missing items:",
        "Eligible expenses of at least DKK 4.000.000: "
        "Eligible expenses are DKK 3.900.000; DKK 100.000 are missing.",
    ]
    assert not Signature.objects.exists()


def test_signing_is_refused_with_every_missing_item_of_the_checklist(application, chair, vice_chair):
    _in_qualification(application)
    for officer in (chair, vice_chair):
        with pytest.raises(ValidationError) as excinfo:
            services.signature_add(application=application, by=officer)
        text = " ".join(excinfo.value.messages)
        assert "cannot be signed while the checklist against the call has missing items" in text
        assert "Project idea: The text is empty." in text
        assert "No theme is chosen." in text
        assert "No target group is described." in text
        assert "Eligible expenses are DKK 0; DKK 4.000.000 are missing." in text
        assert "Not signed by" not in text  # the signatures themselves are what is being given
    assert not Signature.objects.exists()
    application.refresh_from_db()
    assert application.status == Step.QUALIFICATION


def test_a_complete_signed_application_is_submitted_by_hr_and_then_locked(
    application, chair, vice_chair, project_member, hr_user
):
    complete_application(application)
    _in_qualification(application)
    services.signature_add(application=application, by=chair)
    services.signature_add(application=application, by=vice_chair)
    with pytest.raises(PermissionDenied, match="Only these roles can do “Submit the application”"):
        services.application_submit(application=application, by=project_member)
    services.application_submit(application=application, by=hr_user)
    application.refresh_from_db()
    assert application.status == Step.SUBMITTED
    with pytest.raises(ValidationError, match="submitted"):
        _update(application, project_member, title="Ændret")


def test_the_service_refuses_shares_above_100_percent(application, project_member):
    with pytest.raises(ValidationError, match="More employees benefit"):
        services.application_update(
            application=application,
            by=project_member,
            fields={},
            target_groups=[
                {"name": "Ledere", "employees_in_group": 10, "benefitting": 11, "participants": 1}
            ],
            budget_lines=[],
        )
    with pytest.raises(ValidationError, match="More employees take part"):
        services.application_update(
            application=application,
            by=project_member,
            fields={},
            target_groups=[
                {"name": "Ledere", "employees_in_group": 10, "benefitting": 1, "participants": 11}
            ],
            budget_lines=[],
        )
    assert not application.target_groups.exists()


def test_checklist_lists_every_requirement(application):
    checklist = application_checklist(_fresh(application))
    assert [i.key for i in checklist.items] == [
        "title",
        "project_idea",
        "expected_effect",
        "evaluation_plan",
        "anchoring_plan",
        "theme",
        "target_groups",
        "budget",
        "signature_chair",
        "signature_vice_chair",
    ]
    assert checklist.items[0].ok  # the title is there
    complete_application(application)
    checklist = application_checklist(_fresh(application))
    assert {i.key for i in checklist.missing} == {"signature_chair", "signature_vice_chair"}


def test_required_fields_are_data_of_the_call(application):
    application.call.required_fields = ["title", "project_idea"]
    application.call.save(update_fields=["required_fields"])
    keys = [i.key for i in application_checklist(_fresh(application)).items]
    assert "expected_effect" not in keys and "project_idea" in keys
