"""Committees, the agenda builder, minutes and their approval, discussion guides, PDFs and calendars."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from apps.core.forms import add_errors, error_text, form_error_text
from apps.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from apps.core.ical import calendar_token, calendar_token_renew, calendar_token_user
from apps.core.pdf import render_pdf
from apps.core.rows import reverse_each
from apps.organizations.models import CalendarToken, Organization
from apps.organizations.permissions import authorize, can, get_for_user

from . import selectors, services
from .calendar import committee_calendar
from .forms import (
    AgendaItemForm,
    AttachmentForm,
    CommitteeSettingsForm,
    CorrectionForm,
    DeclineForm,
    DialogueStepForm,
    DurationForm,
    MedMeetingForm,
    MinutesForm,
    ProposalForm,
    QuestionForm,
    VoteCountForm,
    VoteOpenForm,
)
from .models import (
    AgendaAttachment,
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMember,
    DiscussionGuide,
    DiscussionQuestion,
    GuideAnswer,
    ItemProposal,
    Meeting,
    MinutesRevision,
    ScreenLink,
    Speaker,
    Vote,
    WorkingGroup,
    WorkingGroupTask,
)
from .rules import CHAIR_ROLES, seat_roles

MEETINGS = Meeting.objects.select_related("committee__organization")
ITEMS = AgendaItem.objects.select_related("meeting__committee__organization")
VOTES = Vote.objects.select_related("item__meeting__committee__organization")


def _item_context(meeting: Meeting, form, item: AgendaItem | None = None) -> dict:
    """A form page of one agenda item (or a new one): the item, its meeting and committee (for the
    breadcrumbs)."""
    committee = meeting.committee
    return {
        "organization": committee.organization,
        "committee": committee,
        "meeting": meeting,
        "item": item,
        "form": form,
    }


# ---------------------------------------------------------------- committees


@require_safe
@login_required
def committee_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = get_for_user(request.user, "meetings.view", Organization, slug=slug)
    committees = (
        Committee.objects.filter(organization=organization, active=True)
        .annotate(member_count=Count("members", filter=Q(members__active=True)))
        .order_by("kind", "name")
        .values_list("pk", "name", "kind", "unit__name", "member_count")
    )
    mine = {c.pk for c in selectors.committees_for(request.user, organization)}
    guides = list(DiscussionGuide.objects.filter(organization=organization))
    return render(
        request,
        "meetings/committee_list.html",
        {
            "organization": organization,
            "committee_rows": _committee_rows(organization, committees, mine),
            "guides": guides,
            "can_overview": can(request.user, "meetings.guide.overview", organization),
        },
    )


def _committee_rows(organization: Organization, committees, mine: set[int]) -> SafeString:
    """The committee table's rows (pk, name, kind, unit name, active members), written in one pass:
    a municipality may have hundreds of committees, which a template loop takes tens of milliseconds
    to write on every view of the list. Each kind and label is translated once, not per row."""
    kinds = {value: escape(str(label)) for value, label in Committee.Kind.choices}
    yours = format_html(' <span class="badge">{}</span>', _("Your committee"))
    whole = escape(_("Whole organisation"))
    url = reverse_each("meetings:committee_detail", organization.slug)
    parts = []
    for pk, name, kind, unit_name, member_count in committees:
        parts.append(
            f'<tr><td><a href="{escape(url(pk))}">{escape(name)}</a>{yours if pk in mine else ""}</td>'
            f"<td>{kinds.get(kind) or escape(kind)}</td>"
            f"<td>{whole if unit_name is None else escape(unit_name)}</td>"
            f'<td class="meetings-num">{int(member_count)}</td></tr>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every name, label and address in it is escaped


def _seated(user, committee: Committee) -> bool:
    """Whether ``user`` takes part in the committee's work: a seat, or the right to edit its meetings."""
    return bool(seat_roles(user, committee)) or can(user, "meetings.meeting.edit", committee)


@require_safe
@login_required
def committee_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    committee = get_for_user(
        request.user,
        "meetings.view",
        Committee.objects.select_related("organization", "unit", "parent"),
        pk=pk,
        org_slug=slug,
    )
    seated = _seated(request.user, committee)
    meetings = committee.meetings.order_by("-date", "-start_time")
    if not seated:
        meetings = meetings.filter(status=Meeting.Status.MINUTES_APPROVED)
    members = (
        committee.members.filter(active=True)
        .select_related("user")
        .order_by(CommitteeMember.role_order(), "user__first_name", "user__last_name", "pk")
    )
    groups = committee.working_groups.filter(parent__isnull=True).prefetch_related("subgroups")
    ics_url = None
    if seated:
        token = calendar_token(request.user, CalendarToken.Kind.MEETINGS)
        ics_url = request.build_absolute_uri(
            reverse("meetings:committee_ics", args=[slug, committee.pk, token])
        )
    return render(
        request,
        "meetings/committee_detail.html",
        {
            "committee": committee,
            "organization": committee.organization,
            "meetings": list(meetings),
            "members": list(members),
            "groups": list(groups),
            "seated": seated,
            "ics_url": ics_url,
            "form": MedMeetingForm(initial={"location": committee.location})
            if can(request.user, "meetings.agenda.edit", committee)
            else None,
            "may_change_settings": can(request.user, "meetings.committee.settings", committee),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def med_meeting_create(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    committee = get_for_user(
        request.user,
        "meetings.agenda.edit",
        Committee.objects.select_related("organization"),
        pk=pk,
        org_slug=slug,
    )
    form = MedMeetingForm(
        request.POST or None, initial={"location": committee.location}, organization=committee.organization
    )
    if request.method == "POST" and form.is_valid():
        meeting = services.med_meeting_create(committee=committee, **form.cleaned_data)
        messages.success(request, _("The meeting is planned. Build its agenda below."))
        return redirect("meetings:med_meeting_detail", slug, meeting.pk)
    return render(
        request,
        "meetings/med_meeting_form.html",
        {"committee": committee, "organization": committee.organization, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def med_meeting_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = get_for_user(request.user, "meetings.agenda.edit", MEETINGS, pk=pk, org_slug=slug)
    if meeting.minutes_locked:
        messages.error(
            request, _("The minutes of this meeting are approved and locked. Record a correction instead.")
        )
        return redirect("meetings:med_meeting_detail", slug, pk)
    form = MedMeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.med_meeting_update(meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            if saved.members_told:
                messages.success(
                    request,
                    _(
                        "The meeting is saved. The agenda was sent already, so every member is told of the "
                        "new date, time or place by email."
                    ),
                )
            else:
                messages.success(request, _("The meeting is saved."))
        return redirect("meetings:med_meeting_detail", slug, pk)
    return render(
        request,
        "meetings/med_meeting_form.html",
        {
            "committee": meeting.committee,
            "organization": meeting.committee.organization,
            "form": form,
            "meeting": meeting,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_safe
@login_required
def committee_decisions(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    committee = get_for_user(
        request.user,
        "meetings.view",
        Committee.objects.select_related("organization"),
        pk=pk,
        org_slug=slug,
    )
    decisions = selectors.committee_decisions(committee)
    if not _seated(request.user, committee):
        decisions = decisions.filter(meeting__status=Meeting.Status.MINUTES_APPROVED)
    return render(
        request,
        "meetings/committee_decisions.html",
        {"committee": committee, "organization": committee.organization, "decisions": list(decisions)},
    )


@require_safe
def committee_ics(request: HtmxHttpRequest, slug: str, pk: int, token: str) -> HttpResponse:
    """The committee's meetings as iCalendar; calendar apps cannot log in, so the URL carries a token."""
    user = calendar_token_user(token, CalendarToken.Kind.MEETINGS)
    if user is None:
        raise Http404
    # Only the committee's members subscribe; a seat that ended closes the feed.
    committee = get_object_or_404(
        Committee.objects.select_related("organization"),
        pk=pk,
        organization__slug=slug,
        members__user=user,
        members__active=True,
    )
    response = HttpResponse(committee_calendar(committee), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="committee-{committee.pk}.ics"'
    return response


@require_POST
@login_required
def committee_calendar_renew(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """A new personal link to the committees' calendars: the one shown before (and so every earlier link
    to any committee's calendar) stops working."""
    committee = get_for_user(
        request.user,
        "meetings.view",
        Committee.objects.select_related("organization"),
        pk=pk,
        org_slug=slug,
    )
    if not _seated(request.user, committee):
        raise PermissionDenied
    calendar_token_renew(user=request.user, kind=CalendarToken.Kind.MEETINGS)
    messages.success(request, _("New calendar links have been made. The old links no longer work."))
    return redirect(reverse("meetings:committee_detail", args=[slug, committee.pk]) + "#calendar")


# ---------------------------------------------------------------- meeting page and agenda builder


def _attendance_form(members: list, statuses: dict[int, str]) -> list[tuple]:
    """Each member with the status chosen for them (empty when none), for the attendance form."""
    return [(member, statuses.get(member.pk, "")) for member in members]


def _meeting_context(request: HtmxHttpRequest, meeting_pk: int) -> dict:
    meeting, items = selectors.meeting_with_items(meeting_pk)
    committee = meeting.committee
    user = request.user
    may_edit = can(user, "meetings.agenda.edit", meeting)
    seated = can(user, "meetings.meeting.edit", meeting)
    editable = may_edit and not meeting.minutes_locked
    approvals = list(meeting.approvals.select_related("user"))
    attendance = selectors.attendance_of(meeting)
    members = selectors.agenda_recipients(meeting)
    can_approve = can(user, "meetings.minutes.approve", meeting) and meeting.status == Meeting.Status.HELD
    my_seat = next((m for m in members if m.user_id == user.pk and m.role in CHAIR_ROLES), None)
    proposals = []
    if seated:
        proposals = [
            p
            for p in meeting.proposals.select_related("proposed_by", "decided_by")
            if may_edit or p.proposed_by_id == user.pk
        ]
    return {
        "meeting": meeting,
        "committee": committee,
        "organization": committee.organization,
        "items": items,
        "timeline": selectors.agenda_timeline(meeting, items),
        "decisions": selectors.decisions_of(meeting, items),
        "approvals": approvals,
        "approved_roles": {a.role for a in approvals},
        "my_approval": next((a for a in approvals if my_seat is not None and a.role == my_seat.role), None),
        "attendance": attendance,
        "attendance_form": _attendance_form(members, {a.member_id: a.status for a in attendance}),
        "attendance_choices": Attendance.Status.choices,
        "quorum": selectors.quorum(committee, attendance) if attendance else [],
        "approval_problems": selectors.approval_problems(
            committee, attendance, my_seat if can_approve else None
        )
        if meeting.status == Meeting.Status.HELD
        else [],
        "members": members,
        "may_edit": may_edit,
        "seated": seated,
        "editable": editable,
        "can_approve": can_approve,
        "standard_items": [(key, str(spec[0])) for key, spec in services.STANDARD_ITEMS.items()],
        "item_form": AgendaItemForm(prefix="new") if editable else None,
        "guides": list(DiscussionGuide.objects.filter(organization_id=committee.organization_id))
        if editable
        else [],
        "has_guide_questions": any(q.source_id for item in items for q in item.questions.all()),
        **_corrections(items, user, my_seat, seated),
        "proposals": proposals,
        "may_propose": seated and meeting.status in (Meeting.Status.DRAFT, Meeting.Status.AGENDA_SENT),
    }


def _corrections(items: list[AgendaItem], user, my_seat, seated: bool) -> dict:
    """The corrections of approved minutes, each marked with what this user may do with it, and the
    items with one awaiting approval. A proposal not in force (awaiting approval or rejected) is text
    nobody approved: only the committee's members see it; everyone else sees the corrections in force."""
    revisions = [r for item in items for r in item.revisions.all() if seated or r.applied_at is not None]
    for revision in revisions:
        approved_as = {a.role for a in revision.approvals.all()}
        revision.may_approve = revision.pending and my_seat is not None and my_seat.role not in approved_as
        revision.may_reject = revision.pending and (my_seat is not None or revision.author_id == user.pk)
        revision.withdraw = my_seat is None  # whoever proposed it, without the chair's or vice-chair's seat
    return {
        "revisions": revisions,
        "corrections_in_force": [r for r in revisions if r.applied_at is not None],
        "corrections_pending": [r for r in revisions if r.pending],
        "items_with_pending_correction": {r.item_id for r in revisions if r.pending},
    }


def _agenda_response(request: HtmxHttpRequest, slug: str, meeting_pk: int, error: str = "") -> HttpResponse:
    """After an agenda change: the agenda fragment for htmx, otherwise back to the meeting page."""
    status = 422 if error else 200  # refused input is no success; htmx swaps 422 (base.html)
    if request.htmx:
        context = _meeting_context(request, meeting_pk)
        context["agenda_error"] = error
        return render(request, "meetings/med_meeting_detail.html#agenda", context, status=status)
    if error:
        messages.error(request, error)
        context = _meeting_context(request, meeting_pk)
        context.update(_live_context(request, context["meeting"], context["items"], context["members"]))
        return render(request, "meetings/med_meeting_detail.html", context, status=status)
    return redirect(reverse("meetings:med_meeting_detail", args=[slug, meeting_pk]) + "#agenda")


@require_safe
@login_required
def med_meeting_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    get_for_user(request.user, "meetings.meeting.view", MEETINGS, pk=pk, org_slug=slug)
    context = _meeting_context(request, pk)
    if request.htmx:
        return render(request, "meetings/med_meeting_detail.html#agenda", context)
    context.update(_live_context(request, context["meeting"], context["items"], context["members"]))
    return render(request, "meetings/med_meeting_detail.html", context)


@require_POST
@login_required
def item_add(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = get_for_user(request.user, "meetings.agenda.edit", MEETINGS, pk=pk, org_slug=slug)
    form = AgendaItemForm(request.POST, prefix="new")
    if not form.is_valid():
        if request.htmx:
            context = _meeting_context(request, pk)
            context["item_form"] = form
            return render(request, "meetings/med_meeting_detail.html#agenda", context)
        return render(request, "meetings/item_form.html", _item_context(meeting, form), status=400)
    try:
        services.agenda_item_add(meeting=meeting, **form.cleaned_data)
    except ValidationError as error:
        return _agenda_response(request, slug, pk, error_text(error))
    return _agenda_response(request, slug, pk)


@require_POST
@login_required
def item_add_standard(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = get_for_user(request.user, "meetings.agenda.edit", MEETINGS, pk=pk, org_slug=slug)
    try:
        services.agenda_item_add_standard(meeting=meeting, key=request.POST.get("key", ""))
    except ValidationError as error:
        return _agenda_response(request, slug, pk, error_text(error))
    return _agenda_response(request, slug, pk)


@require_http_methods(["GET", "POST"])
@login_required
def item_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    item = get_for_user(request.user, "meetings.agenda.edit", ITEMS, pk=pk, org_slug=slug)
    form = AgendaItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_update(item=item, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error_text(error))
        return redirect(reverse("meetings:med_meeting_detail", args=[slug, item.meeting_id]) + "#agenda")
    return render(
        request,
        "meetings/item_form.html",
        _item_context(item.meeting, form, item),
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def item_duration(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    item = get_for_user(request.user, "meetings.agenda.edit", ITEMS, pk=pk, org_slug=slug)
    form = DurationForm(request.POST)
    if not form.is_valid():
        return _agenda_response(request, slug, item.meeting_id, form_error_text(form))
    try:
        services.agenda_item_set_duration(item=item, duration_minutes=form.cleaned_data["duration_minutes"])
    except ValidationError as error:
        return _agenda_response(request, slug, item.meeting_id, error_text(error))
    return _agenda_response(request, slug, item.meeting_id)


@require_POST
@login_required
def item_move(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    item = get_for_user(request.user, "meetings.agenda.edit", ITEMS, pk=pk, org_slug=slug)
    try:
        services.agenda_item_move(item=item, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        return _agenda_response(request, slug, item.meeting_id, error_text(error))
    return _agenda_response(request, slug, item.meeting_id)


@require_POST
@login_required
def item_delete(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    item = get_for_user(request.user, "meetings.agenda.edit", ITEMS, pk=pk, org_slug=slug)
    meeting_pk = item.meeting_id
    try:
        services.agenda_item_delete(item=item)
    except ValidationError as error:
        return _agenda_response(request, slug, meeting_pk, error_text(error))
    return _agenda_response(request, slug, meeting_pk)


@require_POST
@login_required
def item_to_next_meeting(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    item = get_for_user(request.user, "meetings.agenda.edit", ITEMS, pk=pk, org_slug=slug)
    source_pk = item.meeting_id
    target = None
    if request.POST.get("target"):
        target = Meeting.objects.filter(pk=request.POST["target"]).select_related("committee").first()
        if target is None:
            return _agenda_response(request, slug, source_pk, _("The chosen meeting does not exist."))
    try:
        moved = services.agenda_item_move_to_meeting(item=item, target=target)
    except ValidationError as error:
        return _agenda_response(request, slug, source_pk, error_text(error))
    messages.success(
        request,
        _("“%(title)s” was moved to the meeting on %(date)s.")
        % {"title": moved.title, "date": moved.meeting.date.strftime("%d.%m.%Y")},
    )
    return _agenda_response(request, slug, source_pk)


@require_POST
@login_required
def step_add(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    item = get_for_user(request.user, "meetings.agenda.edit", ITEMS, pk=pk, org_slug=slug)
    form = DialogueStepForm(request.POST)
    if not form.is_valid():
        return _agenda_response(request, slug, item.meeting_id, form_error_text(form))
    try:
        services.dialogue_step_add(item=item, **form.cleaned_data)
    except ValidationError as error:
        return _agenda_response(request, slug, item.meeting_id, error_text(error))
    return _agenda_response(request, slug, item.meeting_id)


@require_POST
@login_required
def question_add(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    item = get_for_user(request.user, "meetings.agenda.edit", ITEMS, pk=pk, org_slug=slug)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        return _agenda_response(request, slug, item.meeting_id, _("Write the question."))
    try:
        services.agenda_question_add(item=item, text=form.cleaned_data["text"])
    except ValidationError as error:
        return _agenda_response(request, slug, item.meeting_id, error_text(error))
    return _agenda_response(request, slug, item.meeting_id)


@require_POST
@login_required
def guide_take(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = get_for_user(request.user, "meetings.agenda.edit", MEETINGS, pk=pk, org_slug=slug)
    guide = DiscussionGuide.objects.filter(
        pk=request.POST.get("guide") or 0, organization_id=meeting.committee.organization_id
    ).first()
    if guide is None:
        return _agenda_response(request, slug, pk, _("Choose a discussion guide."))
    question_ids = [int(q) for q in request.POST.getlist("questions") if q.isdigit()]
    questions = (
        list(
            DiscussionQuestion.objects.filter(pk__in=question_ids)
            .select_related("theme")
            .order_by("theme__position", "position")
        )
        if question_ids
        else None
    )
    try:
        services.guide_take_into_agenda(meeting=meeting, guide=guide, questions=questions)
    except ValidationError as error:
        return _agenda_response(request, slug, pk, error_text(error))
    return _agenda_response(request, slug, pk)


@require_POST
@login_required
def attachment_add(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    item = get_for_user(request.user, "meetings.agenda.edit", ITEMS, pk=pk, org_slug=slug)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _agenda_response(request, slug, item.meeting_id, form_error_text(form))
    try:
        services.attachment_add(item=item, file=form.cleaned_data["file"], user=request.user)
    except ValidationError as error:
        return _agenda_response(request, slug, item.meeting_id, error_text(error))
    return _agenda_response(request, slug, item.meeting_id)


@require_safe
@login_required
def attachment_download(request: AuthenticatedHttpRequest, slug: str, pk: int) -> FileResponse:
    attachment = get_for_user(
        request.user,
        "meetings.meeting.view",
        AgendaAttachment.objects.select_related("item__meeting__committee__organization"),
        pk=pk,
        org_slug=slug,
    )
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


# ---------------------------------------------------------------- status, minutes, approval


@require_POST
@login_required
def med_meeting_status(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = get_for_user(request.user, "meetings.agenda.edit", MEETINGS, pk=pk, org_slug=slug)
    action = request.POST.get("action")
    try:
        if action == "send":
            # Sending goes through the confirmation that lists the recipients.
            return redirect("meetings:med_meeting_send", slug, pk)
        if action == "held":
            services.meeting_mark_held(meeting=meeting)
            messages.success(request, _("The meeting is marked as held. Record the minutes per item."))
        else:
            messages.error(request, _("Unknown action."))
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect("meetings:med_meeting_detail", slug, pk)


@require_http_methods(["GET", "POST"])
@login_required
def minutes_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    item = get_for_user(request.user, "meetings.agenda.edit", ITEMS, pk=pk, org_slug=slug)
    if item.meeting.minutes_locked:
        messages.error(
            request, _("The minutes of this meeting are approved and locked. Record a correction instead.")
        )
        return redirect("meetings:minutes_correct", slug, item.pk)
    form = MinutesForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            withdrawn = services.minutes_record(item=item, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            if withdrawn:
                messages.warning(
                    request,
                    _(
                        "The minutes of the item are saved. The approvals given before the change are "
                        "withdrawn: the chair and the vice-chair approve again."
                    ),
                )
            else:
                messages.success(request, _("The minutes of the item are saved."))
        return redirect(
            reverse("meetings:med_meeting_detail", args=[slug, item.meeting_id]) + f"#item-{item.pk}"
        )
    return render(
        request,
        "meetings/minutes_form.html",
        _item_context(item.meeting, form, item),
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def attendance_save(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = get_for_user(request.user, "meetings.agenda.edit", MEETINGS, pk=pk, org_slug=slug)
    statuses = {
        member.pk: request.POST.get(f"attendance-{member.pk}", "")
        for member in selectors.agenda_recipients(meeting)
    }
    try:
        withdrawn = services.attendance_set(meeting=meeting, statuses=statuses)
    except ValidationError as error:
        # Shown again with the choices made so far and the message beside the form.
        context = _meeting_context(request, pk)
        context["attendance_form"] = _attendance_form(context["members"], statuses)
        context["attendance_error"] = error_text(error)
        return render(request, "meetings/med_meeting_detail.html", context, status=400)
    if withdrawn:
        messages.warning(
            request,
            _("Attendance is saved. The approvals given before the change are withdrawn: approve again."),
        )
    else:
        messages.success(request, _("Attendance is saved."))
    return redirect(reverse("meetings:med_meeting_detail", args=[slug, pk]) + "#attendance")


@require_POST
@login_required
def minutes_approve(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = get_for_user(request.user, "meetings.meeting.view", MEETINGS, pk=pk, org_slug=slug)
    if not can(request.user, "meetings.minutes.approve", meeting):
        if not can(request.user, "meetings.meeting.edit", meeting):
            raise PermissionDenied
        # A committee member without the chair's or vice-chair's seat gets the reason, not an error page.
        messages.error(request, _("Only the committee's chair and vice-chair can approve the minutes."))
        return redirect(reverse("meetings:med_meeting_detail", args=[slug, pk]) + "#approval")
    try:
        services.minutes_approve(meeting=meeting, user=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        meeting.refresh_from_db(fields=["status"])
        if meeting.minutes_locked:
            messages.success(
                request, _("The minutes are approved, locked and published to the organisation.")
            )
        else:
            messages.success(request, _("Your approval is recorded. The minutes need one more approval."))
    return redirect(reverse("meetings:med_meeting_detail", args=[slug, pk]) + "#approval")


@require_http_methods(["GET", "POST"])
@login_required
def minutes_correct(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    item = get_for_user(request.user, "meetings.agenda.edit", ITEMS, pk=pk, org_slug=slug)
    form = CorrectionForm(request.POST or None, initial={"new_text": item.minutes})
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_correct(item=item, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The correction is proposed. The minutes keep the approved text until the chair and "
                    "the vice-chair have both approved the correction."
                ),
            )
            return redirect(
                reverse("meetings:med_meeting_detail", args=[slug, item.meeting_id]) + f"#item-{item.pk}"
            )
    return render(
        request,
        "meetings/minutes_correct.html",
        _item_context(item.meeting, form, item),
        status=400 if request.method == "POST" else 200,
    )


def _correction_of(request: AuthenticatedHttpRequest, slug: str, pk: int, revision_pk: int):
    meeting = get_for_user(request.user, "meetings.meeting.view", MEETINGS, pk=pk, org_slug=slug)
    return meeting, get_object_or_404(MinutesRevision, pk=revision_pk, meeting=meeting)


@require_POST
@login_required
def minutes_correction_approve(
    request: AuthenticatedHttpRequest, slug: str, pk: int, revision_pk: int
) -> HttpResponse:
    meeting, revision = _correction_of(request, slug, pk, revision_pk)
    back = reverse("meetings:med_meeting_detail", args=[slug, pk]) + "#corrections"
    if not can(request.user, "meetings.minutes.approve", meeting):
        if not can(request.user, "meetings.meeting.edit", meeting):
            raise PermissionDenied
        messages.error(request, _("Only the committee's chair and vice-chair can approve a correction."))
        return redirect(back)
    try:
        in_force = services.minutes_correction_approve(revision=revision, user=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("The correction is approved and in force: the minutes now read as corrected.")
            if in_force
            else _("Your approval is recorded. The correction needs one more approval."),
        )
    return redirect(back)


@require_POST
@login_required
def minutes_correction_reject(
    request: AuthenticatedHttpRequest, slug: str, pk: int, revision_pk: int
) -> HttpResponse:
    meeting, revision = _correction_of(request, slug, pk, revision_pk)
    if revision.author_id != request.user.pk and not can(request.user, "meetings.minutes.approve", meeting):
        raise PermissionDenied
    try:
        services.minutes_correction_reject(revision=revision, user=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The correction is rejected. The minutes keep the approved text."))
    return redirect(reverse("meetings:med_meeting_detail", args=[slug, pk]) + "#corrections")


# ---------------------------------------------------------------- discussion guides


@require_http_methods(["GET", "POST"])
@login_required
def med_meeting_answers(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The committee's answers to the guide questions it took into this meeting's agenda."""
    meeting = get_for_user(request.user, "meetings.meeting.edit", MEETINGS, pk=pk, org_slug=slug)
    questions = selectors.guide_questions_for_meeting(meeting)
    answers = {
        a.question_id: a
        for a in GuideAnswer.objects.filter(committee_id=meeting.committee_id, question__in=questions)
    }
    if request.method == "POST":
        for question in questions:
            services.guide_answer_record(
                committee=meeting.committee,
                question=question,
                text=request.POST.get(f"answer-{question.pk}", ""),
                user=request.user,
                meeting=meeting,
            )
        messages.success(request, _("The committee's answers are saved and visible to the main committee."))
        return redirect("meetings:med_meeting_answers", slug, pk)
    rows = [(q, answers.get(q.pk)) for q in questions]
    return render(
        request,
        "meetings/med_meeting_answers.html",
        {
            "meeting": meeting,
            "committee": meeting.committee,
            "organization": meeting.committee.organization,
            "rows": rows,
        },
    )


@require_safe
@login_required
def guide_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    guide = get_for_user(
        request.user,
        "meetings.view",
        DiscussionGuide.objects.select_related("organization"),
        pk=pk,
        org_slug=slug,
    )
    target_meeting = None
    meeting_pk = request.GET.get("meeting", "")
    if meeting_pk.isdigit():
        # Choosing single questions for a meeting: only offered for a meeting the user may edit.
        candidate = MEETINGS.filter(pk=int(meeting_pk), committee__organization=guide.organization).first()
        if (
            candidate
            and can(request.user, "meetings.agenda.edit", candidate)
            and not candidate.minutes_locked
        ):
            target_meeting = candidate
    return render(
        request,
        "meetings/guide_detail.html",
        {
            "guide": guide,
            "organization": guide.organization,
            "themes": selectors.guide_questions(guide),
            "can_overview": can(request.user, "meetings.guide.overview", guide),
            "target_meeting": target_meeting,
        },
    )


@require_safe
@login_required
def guide_overview(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    guide = get_for_user(
        request.user,
        "meetings.guide.overview",
        DiscussionGuide.objects.select_related("organization"),
        pk=pk,
        org_slug=slug,
    )
    return render(
        request,
        "meetings/guide_overview.html",
        {"guide": guide, "organization": guide.organization, "themes": selectors.guide_overview(guide)},
    )


# ---------------------------------------------------------------- working groups


@require_safe
@login_required
def working_group_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    group = get_for_user(
        request.user,
        "meetings.view",
        WorkingGroup.objects.select_related("committee__organization", "parent").prefetch_related(
            "members",
            "tasks",
            "courses__days",
            Prefetch("subgroups", queryset=WorkingGroup.objects.prefetch_related("members", "tasks")),
        ),
        pk=pk,
        org_slug=slug,
    )
    months, plan = selectors.process_plan(group)
    return render(
        request,
        "meetings/working_group_detail.html",
        {
            "group": group,
            "committee": group.committee,
            "organization": group.committee.organization,
            "months": months,
            "plan": plan,
            "may_edit": can(request.user, "meetings.meeting.edit", group.committee),
            "statuses": WorkingGroupTask.Status.choices,
        },
    )


@require_POST
@login_required
def task_status(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    task = get_for_user(
        request.user,
        "meetings.meeting.edit",
        WorkingGroupTask.objects.select_related("group__committee__organization"),
        pk=pk,
        org_slug=slug,
    )
    try:
        services.working_group_task_set_status(task=task, status=request.POST.get("status", ""))
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The task status is saved."))
    return redirect(reverse("meetings:working_group_detail", args=[slug, task.group_id]) + f"#task-{task.pk}")


# ---------------------------------------------------------------- PDFs


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
@login_required
def agenda_pdf(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    get_for_user(request.user, "meetings.meeting.view", MEETINGS, pk=pk, org_slug=slug)
    meeting, items = selectors.meeting_with_items(pk)
    title = _("Agenda: %(committee)s, %(date)s") % {
        "committee": meeting.committee.name,
        "date": meeting.date.strftime("%d.%m.%Y"),
    }
    pdf = render_pdf(
        "meetings/pdf/agenda.html",
        {
            "meeting": meeting,
            "timeline": selectors.agenda_timeline(meeting, items),
            "organization": meeting.committee.organization,
        },
        title=title,
        author=meeting.committee.organization.name,
        language=get_language() or "da",
    )
    return _pdf_response(pdf, f"agenda-{meeting.date:%Y-%m-%d}.pdf")


@require_safe
@login_required
def minutes_pdf(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    get_for_user(request.user, "meetings.meeting.view", MEETINGS, pk=pk, org_slug=slug)
    meeting, items = selectors.meeting_with_items(pk)
    if not meeting.minutes_locked:
        messages.error(
            request, _("The minutes can be printed once the chair and vice-chair have approved them.")
        )
        return redirect("meetings:med_meeting_detail", slug, pk)
    attendance = selectors.attendance_of(meeting)
    title = _("Minutes: %(committee)s, %(date)s") % {
        "committee": meeting.committee.name,
        "date": meeting.date.strftime("%d.%m.%Y"),
    }
    pdf = render_pdf(
        "meetings/pdf/minutes.html",
        {
            "meeting": meeting,
            "organization": meeting.committee.organization,
            "timeline": selectors.agenda_timeline(meeting, items),
            "decisions": selectors.decisions_of(meeting, items),
            "attendance": attendance,
            "quorum": selectors.quorum(meeting.committee, attendance) if attendance else [],
            "approvals": list(meeting.approvals.select_related("user")),
            "revisions": [r for item in items for r in item.revisions.all() if r.applied_at is not None],
            "votes_by_item": selectors.recorded_votes(meeting),
        },
        title=title,
        author=meeting.committee.organization.name,
        language=get_language() or "da",
    )
    return _pdf_response(pdf, f"minutes-{meeting.date:%Y-%m-%d}.pdf")


# ---------------------------------------------------------------- quorum, sending, proposals, order


@require_http_methods(["GET", "POST"])
@login_required
def committee_settings(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    committee = get_for_user(
        request.user,
        "meetings.committee.settings",
        Committee.objects.select_related("organization"),
        pk=pk,
        org_slug=slug,
    )
    form = CommitteeSettingsForm(request.POST or None, instance=committee)
    if request.method == "POST" and form.is_valid():
        services.committee_set_quorum(committee=committee, **form.cleaned_data)
        messages.success(request, _("The quorum rule is saved. It applies to minutes approved from now on."))
        return redirect("meetings:committee_detail", slug, pk)
    return render(
        request,
        "meetings/committee_settings.html",
        {"committee": committee, "organization": committee.organization, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def med_meeting_send(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Send the agenda to every member after a confirmation naming them (a page; a dialog with htmx)."""
    meeting = get_for_user(request.user, "meetings.agenda.edit", MEETINGS, pk=pk, org_slug=slug)
    if request.method == "POST":
        try:
            services.meeting_send_agenda(meeting=meeting)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The agenda is sent. The members get an email."))
        return redirect("meetings:med_meeting_detail", slug, pk)
    if meeting.status != Meeting.Status.DRAFT:
        messages.error(request, _("The agenda has already been sent."))
        if request.htmx:  # a whole page must not land in the dialog's place
            return HttpResponseClientRedirect(reverse("meetings:med_meeting_detail", args=[slug, pk]))
        return redirect("meetings:med_meeting_detail", slug, pk)
    context = {
        "meeting": meeting,
        "committee": meeting.committee,
        "organization": meeting.committee.organization,
        "recipients": selectors.agenda_recipients(meeting),
    }
    template = "meetings/med_meeting_send.html#dialog" if request.htmx else "meetings/med_meeting_send.html"
    return render(request, template, context)


@require_POST
@login_required
def item_reorder(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The agenda in a new order after drag and drop; the move buttons do the same one step at a time."""
    meeting = get_for_user(request.user, "meetings.agenda.edit", MEETINGS, pk=pk, org_slug=slug)
    try:
        order = [int(value) for value in request.POST.getlist("order")]
    except ValueError:
        order = []
    try:
        services.agenda_reorder(meeting=meeting, item_ids=order)
    except ValidationError as error:
        return _agenda_response(request, slug, pk, error_text(error))
    return _agenda_response(request, slug, pk)


@require_http_methods(["GET", "POST"])
@login_required
def proposal_add(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = get_for_user(request.user, "meetings.meeting.edit", MEETINGS, pk=pk, org_slug=slug)
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_proposal_submit(meeting=meeting, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your proposal is sent to the chair, vice-chair and secretary. "
                    "You get an email when they decide."
                ),
            )
            return redirect(reverse("meetings:med_meeting_detail", args=[slug, pk]) + "#proposals")
    return render(
        request,
        "meetings/proposal_form.html",
        {
            "meeting": meeting,
            "committee": meeting.committee,
            "organization": meeting.committee.organization,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


PROPOSALS = ItemProposal.objects.select_related("meeting__committee__organization", "proposed_by")


@require_POST
@login_required
def proposal_accept(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    proposal = get_for_user(request.user, "meetings.agenda.edit", PROPOSALS, pk=pk, org_slug=slug)
    try:
        item = services.item_proposal_accept(proposal=proposal, user=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(
            reverse("meetings:med_meeting_detail", args=[slug, proposal.meeting_id]) + "#proposals"
        )
    messages.success(
        request, _("“%(title)s” is on the agenda. The proposer gets an email.") % {"title": item.title}
    )
    return redirect(
        reverse("meetings:med_meeting_detail", args=[slug, proposal.meeting_id]) + f"#item-{item.pk}"
    )


@require_http_methods(["GET", "POST"])
@login_required
def proposal_decline(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    proposal = get_for_user(request.user, "meetings.agenda.edit", PROPOSALS, pk=pk, org_slug=slug)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_proposal_decline(
                proposal=proposal, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("The proposal is declined. The proposer gets an email with your reason.")
            )
            return redirect(
                reverse("meetings:med_meeting_detail", args=[slug, proposal.meeting_id]) + "#proposals"
            )
    meeting = proposal.meeting
    return render(
        request,
        "meetings/proposal_decline.html",
        {
            "proposal": proposal,
            "meeting": meeting,
            "committee": meeting.committee,
            "organization": meeting.committee.organization,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


# ---------------------------------------------------------------- the meeting in the room


def _live_context(
    request: HtmxHttpRequest, meeting: Meeting, items: list | None = None, members: list | None = None
) -> dict:
    """The live panel's context: the live state, the user's seat and request, what the user may do."""
    view = selectors.live_view(meeting, items)
    if members is None:
        members = list(
            meeting.committee.members.filter(active=True).select_related("user").order_by("user__first_name")
        )
    my_seat = next((m for m in members if m.user_id == request.user.pk), None)
    may_run = can(request.user, "meetings.meeting.run", meeting)
    return {
        "live_view": view,
        "live_members": members,
        "my_seat": my_seat,
        "my_request": next((s for s in view.waiting if my_seat and s.member_id == my_seat.pk), None),
        "may_see_live": can(request.user, "meetings.meeting.live", meeting),
        "may_run": may_run,
        "vote_form": VoteOpenForm(initial={"text": view.current.item.proposed_decision})
        if may_run and view.current
        else None,
        "count_form": VoteCountForm() if may_run and view.open_vote else None,
        "side_limits": services.side_limits(meeting) if may_run and view.open_vote else None,
        "screen_links": [
            (
                link,
                request.build_absolute_uri(
                    reverse(
                        "meetings:med_meeting_screen", args=[meeting.committee.organization.slug, link.token]
                    )
                ),
            )
            for link in meeting.screen_links.filter(revoked_at__isnull=True)
        ]
        if may_run
        else [],
    }


def _live_panel_response(
    request: HtmxHttpRequest, meeting: Meeting, error: str = "", **extra
) -> HttpResponse:
    """After a live action: the panel fragment for htmx, otherwise back to the meeting page's panel."""
    if request.htmx:
        context = {"meeting": meeting, "committee": meeting.committee, **_live_context(request, meeting)}
        context.update(extra, live_error=error)
        # 200 for refused input too: htmx swaps only successful responses; the fragment carries the message.
        return render(request, "meetings/med_meeting_detail.html#live_panel", context)
    if error:
        messages.error(request, error)
    return redirect(
        reverse("meetings:med_meeting_detail", args=[meeting.committee.organization.slug, meeting.pk])
        + "#live"
    )


@require_safe
@login_required
def med_meeting_live_panel(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The chair's and members' panel on the meeting page, refreshed on demand."""
    meeting = get_for_user(request.user, "meetings.meeting.live", MEETINGS, pk=pk, org_slug=slug)
    return _live_panel_response(request, meeting)


@require_POST
@login_required
def med_meeting_live_control(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Start or end the meeting in the room, or move it to another item."""
    meeting = get_for_user(request.user, "meetings.meeting.run", MEETINGS, pk=pk, org_slug=slug)
    action = request.POST.get("action", "")
    try:
        if action == "start":
            services.meeting_live_start(meeting=meeting)
        elif action == "end":
            services.meeting_live_end(meeting=meeting)
        elif action == "next":
            services.meeting_next_item(meeting=meeting)
        elif action == "goto":
            chosen = request.POST.get("item", "")
            item = meeting.items.filter(pk=int(chosen)).first() if chosen.isdigit() else None
            if item is None:
                raise ValidationError(_("Choose an item of this meeting's agenda."))
            services.meeting_current_item_set(meeting=meeting, item=item)
        else:
            raise ValidationError(_("Unknown action."))
    except ValidationError as error:
        return _live_panel_response(request, meeting, error_text(error))
    return _live_panel_response(request, meeting)


@require_POST
@login_required
def speaker_request(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """A member asks to speak on the current item; the chair may put any member on the list."""
    item = get_for_user(request.user, "meetings.meeting.live", ITEMS, pk=pk, org_slug=slug)
    meeting = item.meeting
    members = meeting.committee.members.filter(active=True).select_related("user")
    if request.POST.get("member"):
        authorize(request.user, "meetings.meeting.run", meeting)
        member = members.filter(pk=request.POST["member"] if request.POST["member"].isdigit() else 0).first()
        if member is None:
            return _live_panel_response(request, meeting, _("Choose a member of the committee."))
    else:
        member = members.filter(user=request.user).first()
        if member is None:
            return _live_panel_response(request, meeting, _("Only the committee's members can ask to speak."))
    try:
        services.speaker_request(item=item, member=member)
    except ValidationError as error:
        return _live_panel_response(request, meeting, error_text(error))
    return _live_panel_response(request, meeting)


@require_POST
@login_required
def speaker_update(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The chair moves a speaker, marks them done or takes them off; a member may withdraw their own."""
    speaker = get_object_or_404(
        Speaker.objects.select_related(
            "member__user", "speaker_list__item__meeting__committee__organization"
        ),
        pk=pk,
        speaker_list__item__meeting__committee__organization__slug=slug,
    )
    meeting = speaker.speaker_list.item.meeting
    authorize(request.user, "meetings.meeting.live", meeting)
    action = request.POST.get("action", "")
    own = speaker.member.user_id == request.user.pk
    if not (action == "withdraw" and own):
        authorize(request.user, "meetings.meeting.run", meeting)
    try:
        if action in ("up", "down"):
            services.speaker_move(speaker=speaker, direction=action)
        elif action == "done":
            services.speaker_done(speaker=speaker)
        elif action == "withdraw":
            services.speaker_withdraw(speaker=speaker)
        else:
            raise ValidationError(_("Unknown action."))
    except ValidationError as error:
        return _live_panel_response(request, meeting, error_text(error))
    return _live_panel_response(request, meeting)


@require_POST
@login_required
def speaker_list_close(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    item = get_for_user(request.user, "meetings.meeting.run", ITEMS, pk=pk, org_slug=slug)
    try:
        services.speaker_list_close(item=item, closed=request.POST.get("closed") != "0")
    except ValidationError as error:
        return _live_panel_response(request, item.meeting, error_text(error))
    return _live_panel_response(request, item.meeting)


@require_POST
@login_required
def vote_open(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    item = get_for_user(request.user, "meetings.meeting.run", ITEMS, pk=pk, org_slug=slug)
    form = VoteOpenForm(request.POST)
    if not form.is_valid():
        return _live_panel_response(request, item.meeting, form_error_text(form))
    try:
        services.vote_open(item=item, **form.cleaned_data)
    except ValidationError as error:
        return _live_panel_response(request, item.meeting, error_text(error))
    return _live_panel_response(request, item.meeting)


@require_POST
@login_required
def vote_record(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    vote = get_for_user(request.user, "meetings.meeting.run", VOTES, pk=pk, org_slug=slug)
    meeting = vote.item.meeting
    form = VoteCountForm(request.POST)
    if not form.is_valid():
        return _live_panel_response(request, meeting, _("Every count must be a whole number, zero or more."))
    try:
        services.vote_record(vote=vote, **form.cleaned_data)
    except ValidationError as error:
        return _live_panel_response(request, meeting, error_text(error))
    return _live_panel_response(request, meeting)


@require_POST
@login_required
def vote_cancel(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    vote = get_for_user(request.user, "meetings.meeting.run", VOTES, pk=pk, org_slug=slug)
    meeting = vote.item.meeting
    try:
        services.vote_cancel(vote=vote)
    except ValidationError as error:
        return _live_panel_response(request, meeting, error_text(error))
    return _live_panel_response(request, meeting)


@require_safe
@login_required
def med_meeting_live(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The room's screen: the current item, its clock time, the speakers' list and the last vote.

    htmx polls it every few seconds and swaps the screen part; without JavaScript a reload shows the
    current state (there is deliberately no meta refresh, which would reload under a reading user).
    """
    meeting = get_for_user(request.user, "meetings.meeting.live", MEETINGS, pk=pk, org_slug=slug)
    return _screen_response(request, meeting, reverse("meetings:med_meeting_live", args=[slug, pk]))


def _screen_response(
    request: HtmxHttpRequest, meeting: Meeting, poll_url: str, by_link: bool = False
) -> HttpResponse:
    context = {
        "meeting": meeting,
        "committee": meeting.committee,
        "organization": meeting.committee.organization,
        "live_view": selectors.live_view(meeting),
        "now": timezone.localtime().time(),
        "poll_url": poll_url,
        "by_link": by_link,
    }
    template = "meetings/med_meeting_live.html#screen" if request.htmx else "meetings/med_meeting_live.html"
    response = render(request, template, context)
    add_never_cache_headers(response)
    if by_link:
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def med_meeting_screen(request: HtmxHttpRequest, slug: str, token: str) -> HttpResponse:
    """The live view through a screen link, for a screen in the room that no one is logged in on."""
    link = get_object_or_404(
        ScreenLink.objects.select_related("meeting__committee__organization"),
        token=token,
        meeting__committee__organization__slug=slug,
    )
    if not link.is_valid:
        raise Http404
    return _screen_response(
        request, link.meeting, reverse("meetings:med_meeting_screen", args=[slug, token]), by_link=True
    )


@require_POST
@login_required
def screen_link_create(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = get_for_user(request.user, "meetings.meeting.run", MEETINGS, pk=pk, org_slug=slug)
    try:
        services.screen_link_create(meeting=meeting, user=request.user)
    except ValidationError as error:
        return _live_panel_response(request, meeting, error_text(error))
    return _live_panel_response(request, meeting)


@require_POST
@login_required
def screen_link_revoke(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    link = get_for_user(
        request.user,
        "meetings.meeting.run",
        ScreenLink.objects.select_related("meeting__committee"),
        pk=pk,
        org_slug=slug,
    )
    services.screen_link_revoke(link=link)
    return _live_panel_response(request, link.meeting)
