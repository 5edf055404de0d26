"""Writes for the pool. Each function is one transaction; bad input raises ValidationError."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.organizations.models import Organization, User

from . import workflow
from .models import (
    STEP_ORDER,
    BudgetLine,
    PoolApplication,
    PoolCall,
    RankingPlace,
    RankingSession,
    Signature,
    Step,
    StepEvent,
    TargetGroup,
    TextRequirement,
    ThemeRanking,
)
from .selectors import application_checklist, content_hash, hu_officers, valid_signatures

SIGN_REFUSED = gettext_lazy("Only the HU's current chair and vice-chair can sign the application.")


def move_refused(transition: workflow.Transition) -> str:
    """Why a move was refused: who owns it."""
    owners = ", ".join(str(workflow.Owner(o).label) for o in workflow.Owner if o in transition.owners)
    return _("Only these roles can do “%(move)s”: %(owners)s.") % {"move": transition.label, "owners": owners}


# -------------------------------------------------------------------------------------- theme day
@transaction.atomic
def ranking_session_create(
    *, organization: Organization, call: PoolCall, title: str, meeting_date: date, tables: int, by: User
) -> RankingSession:
    if organization.kind != Organization.Kind.EMPLOYER:
        raise ValidationError(_("Only employers apply to the work-environment pool."))
    if not 1 <= tables <= 60:
        raise ValidationError({"tables": _("Between 1 and 60 tables.")})
    session = RankingSession.objects.create(
        organization=organization, call=call, title=title, meeting_date=meeting_date, facilitator=by
    )
    ThemeRanking.objects.bulk_create(
        ThemeRanking(session=session, label=_("Table %(number)d") % {"number": n})
        for n in range(1, tables + 1)
    )
    return session


@transaction.atomic
def ranking_submit(*, ranking: ThemeRanking, theme_ids: list[int]) -> ThemeRanking:
    """Store one table's order of the themes (first = most important); a table may resubmit while open."""
    ranking = ThemeRanking.objects.select_for_update().select_related("session").get(pk=ranking.pk)
    if ranking.session.closed_at is not None:
        raise ValidationError(_("The ranking is closed; the facilitator has ended it."))
    expected = set(ranking.session.call.themes.values_list("pk", flat=True))
    if len(theme_ids) != len(expected) or set(theme_ids) != expected:
        raise ValidationError(_("Every theme must have exactly one place."))
    RankingPlace.objects.filter(ranking=ranking).delete()
    RankingPlace.objects.bulk_create(
        RankingPlace(ranking=ranking, theme_id=theme_id, place=place)
        for place, theme_id in enumerate(theme_ids, start=1)
    )
    ranking.submitted_at = timezone.now()
    ranking.save(update_fields=["submitted_at"])
    return ranking


@transaction.atomic
def ranking_session_close(*, session: RankingSession, by: User) -> RankingSession:
    if session.closed_at is None:
        session.closed_at = timezone.now()
        session.save(update_fields=["closed_at"])
    return session


# ------------------------------------------------------------------------------------ applications
def _record(application: PoolApplication, *, to_step: str, by: User, note: str = "") -> None:
    StepEvent.objects.create(
        application=application,
        from_step=application.status,
        to_step=to_step,
        by=by,
        at=timezone.now(),
        note=note,
    )
    application.status = to_step
    application.save(update_fields=["status", "updated_at"])


@transaction.atomic
def closed_call_message(call: PoolCall) -> str:
    return _("The call's application deadline, %(deadline)s, has passed: it takes no more applications.") % {
        "deadline": formats.date_format(call.application_deadline, "SHORT_DATE_FORMAT")
    }


def application_create(
    *,
    organization: Organization,
    call: PoolCall,
    title: str,
    by: User,
    ranking_session: RankingSession | None = None,
) -> PoolApplication:
    if organization.kind != Organization.Kind.EMPLOYER:
        raise ValidationError(_("Only employers apply to the work-environment pool."))
    if ranking_session is not None and ranking_session.organization_id != organization.pk:
        raise ValidationError({"ranking_session": _("The theme day belongs to another organisation.")})
    if call.is_closed:
        raise ValidationError({"call": closed_call_message(call)})
    application = PoolApplication.objects.create(
        organization=organization, call=call, title=title, ranking_session=ranking_session
    )
    application.project_group.add(by)
    StepEvent.objects.create(
        application=application, from_step="", to_step=Step.IDEA, by=by, at=timezone.now()
    )
    return application


def _void_changed_signatures(application: PoolApplication, *, by: User) -> int:
    """Void every valid signature of another version; a signed application goes back to qualification."""
    application = PoolApplication.objects.prefetch_related("target_groups", "budget_lines").get(
        pk=application.pk
    )
    current = content_hash(application)
    voided = (
        Signature.objects.filter(application=application, voided_at__isnull=True)
        .exclude(version_hash=current)
        .update(voided_at=timezone.now())
    )
    if voided and application.status == Step.SIGNED:
        _record(
            application,
            to_step=Step.QUALIFICATION,
            by=by,
            note=_("The application changed after it was signed; it must be signed again."),
        )
    return voided


def _ensure_editable(application: PoolApplication) -> None:
    if application.status == Step.SUBMITTED:
        raise ValidationError(_("The application has been submitted and can no longer be changed."))


@transaction.atomic
def application_update(
    *,
    application: PoolApplication,
    by: User,
    fields: dict,
    target_groups: list[dict],
    budget_lines: list[dict],
) -> int:
    """Save the texts, theme, target groups and budget; returns how many signatures the change voided."""
    application = PoolApplication.objects.select_for_update().get(pk=application.pk)
    _ensure_editable(application)
    allowed = set(TextRequirement.values) | {"theme"}
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(name)
        setattr(application, name, value)
    if application.theme is not None and application.theme.call_id != application.call_id:
        raise ValidationError({"theme": _("The theme must belong to the application's call.")})
    for group in target_groups:
        if group["benefitting"] > group["employees_in_group"]:
            raise ValidationError(_("More employees benefit than there are in the group."))
        if group["participants"] > group["employees_in_group"]:
            raise ValidationError(_("More employees take part than there are in the group."))
    application.save(update_fields=[*fields, "updated_at"])
    TargetGroup.objects.filter(application=application).delete()
    TargetGroup.objects.bulk_create(TargetGroup(application=application, **group) for group in target_groups)
    BudgetLine.objects.filter(application=application).delete()
    BudgetLine.objects.bulk_create(BudgetLine(application=application, **line) for line in budget_lines)
    return _void_changed_signatures(application, by=by)


@transaction.atomic
def project_group_add(*, application: PoolApplication, user: User, by: User) -> None:
    _ensure_editable(application)
    if not user.memberships.filter(organization_id=application.organization_id).exists():
        raise ValidationError({"email": _("This person has no role in the organisation.")})
    application.project_group.add(user)


@transaction.atomic
def project_group_remove(*, application: PoolApplication, user: User, by: User) -> None:
    _ensure_editable(application)
    if application.project_group.count() <= 1:
        raise ValidationError(_("The project group needs at least one member."))
    application.project_group.remove(user)


@transaction.atomic
def application_advance(
    *, application: PoolApplication, to_step: str, by: User, note: str = ""
) -> PoolApplication:
    application = PoolApplication.objects.select_for_update().get(pk=application.pk)
    transition = workflow.manual_transition(application.status, to_step)
    if transition is None:
        raise ValidationError(
            _("The application cannot move from “%(from)s” to “%(to)s”.")
            % {
                "from": Step(application.status).label,
                "to": Step(to_step).label if to_step in STEP_ORDER else to_step,
            }
        )
    if not workflow.may(by, application, transition, hu_officers(application.organization)):
        raise PermissionDenied(move_refused(transition))
    if application.status == Step.DECISION and to_step == Step.QUALIFICATION and application.theme_id is None:
        raise ValidationError(_("The executive board's decision needs a chosen theme."))
    _record(application, to_step=to_step, by=by, note=note)
    return application


def signer_role(application: PoolApplication, user: User, officers: dict | None = None) -> str | None:
    officers = officers if officers is not None else hu_officers(application.organization)
    if officers.get("chair") is not None and officers["chair"].pk == user.pk:
        return Signature.Role.CHAIR
    if officers.get("vice_chair") is not None and officers["vice_chair"].pk == user.pk:
        return Signature.Role.VICE_CHAIR
    return None


@transaction.atomic
def signature_add(*, application: PoolApplication, by: User) -> Signature:
    """The current HU chair or vice-chair signs the present version of the application."""
    application = PoolApplication.objects.select_for_update().get(pk=application.pk)
    role = signer_role(application, by)
    if role is None:
        raise PermissionDenied(SIGN_REFUSED)
    if application.status != Step.QUALIFICATION:
        raise ValidationError(
            _("The application can be signed while the management group and HU qualify it.")
        )
    application = (
        PoolApplication.objects.select_related("organization", "call")
        .prefetch_related("target_groups", "budget_lines", "signatures")
        .get(pk=application.pk)
    )
    if role in valid_signatures(application):
        raise ValidationError(
            _("The %(role)s has already signed this version.") % {"role": Signature.Role(role).label}
        )
    unsigned = [
        item for item in application_checklist(application).missing if not item.key.startswith("signature_")
    ]
    if unsigned:
        raise ValidationError(
            [_("The application cannot be signed while the checklist against the call has missing items:")]
            + [f"{item.label}: {item.missing}" for item in unsigned]
        )
    signature = Signature.objects.create(
        application=application,
        user=by,
        role=role,
        signed_at=timezone.now(),
        version_hash=content_hash(application),
    )
    if len(
        valid_signatures(PoolApplication.objects.prefetch_related("signatures").get(pk=application.pk))
    ) == len(Signature.Role.values):
        _record(application, to_step=Step.SIGNED, by=by)
    return signature


@transaction.atomic
def application_submit(*, application: PoolApplication, by: User) -> PoolApplication:
    """Submit, but only when every requirement of the call is met (the server-side gate)."""
    from .selectors import application_queryset

    application = application_queryset().select_for_update(of=("self",)).get(pk=application.pk)
    transition = workflow.BY_NAME["submit"]
    if not workflow.may(by, application, transition, hu_officers(application.organization)):
        raise PermissionDenied(move_refused(transition))
    if application.status == Step.SUBMITTED:
        raise ValidationError(_("The application has already been submitted."))
    checklist = application_checklist(application)
    if not checklist.complete:
        reasons = [f"{item.label}: {item.missing}" for item in checklist.missing]
        raise ValidationError([_("The application is not complete.")] + reasons)
    if application.status != Step.SIGNED:
        raise ValidationError(_("The application must be signed before it is submitted."))
    if application.call.is_closed:
        raise ValidationError(closed_call_message(application.call))
    _record(application, to_step=Step.SUBMITTED, by=by)
    return application
