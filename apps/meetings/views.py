"""Committees, the agenda builder, minutes and their approval, discussion guides, PDFs and calendars."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from apps.core.pdf import render_pdf
from apps.organizations.models import Organization
from apps.organizations.permissions import authorize, can, get_for_user

from . import selectors, services
from .calendar import calendar_token, committee_calendar, user_for_token
from .forms import (
    AgendaItemForm,
    AttachmentForm,
    CorrectionForm,
    DialogueStepForm,
    DurationForm,
    MeetingForm,
    MinutesForm,
    QuestionForm,
)
from .models import (
    AgendaAttachment,
    AgendaItem,
    Attendance,
    Committee,
    DiscussionGuide,
    DiscussionQuestion,
    GuideAnswer,
    Meeting,
    WorkingGroup,
    WorkingGroupTask,
)
from .rules import seat_roles

MEETINGS = Meeting.objects.select_related("committee__organization")
ITEMS = AgendaItem.objects.select_related("meeting__committee__organization")


def _error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


# ---------------------------------------------------------------- committees


@require_safe
@login_required
def committee_list(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_for_user(request.user, "meetings.view", Organization, slug=slug)
    committees = list(
        Committee.objects.filter(organization=organization, active=True)
        .select_related("unit")
        .annotate(member_count=Count("members", filter=Q(members__active=True)))
        .order_by("kind", "name")
    )
    mine = {c.pk for c in selectors.committees_for(request.user, organization)}
    guides = list(DiscussionGuide.objects.filter(organization=organization))
    return render(
        request,
        "meetings/committee_list.html",
        {
            "organization": organization,
            "committees": committees,
            "mine": mine,
            "guides": guides,
            "can_overview": can(request.user, "meetings.guide.overview", organization),
        },
    )


@require_safe
@login_required
def committee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    committee = get_for_user(
        request.user,
        "meetings.view",
        Committee.objects.select_related("organization", "unit", "parent"),
        pk=pk,
    )
    seated = bool(seat_roles(request.user, committee)) or can(
        request.user, "meetings.meeting.edit", committee
    )
    meetings = committee.meetings.order_by("-date", "-start_time")
    if not seated:
        meetings = meetings.filter(status=Meeting.Status.MINUTES_APPROVED)
    members = (
        committee.members.filter(active=True).select_related("user").order_by("role", "user__first_name")
    )
    groups = committee.working_groups.filter(parent__isnull=True).prefetch_related("subgroups")
    ics_url = None
    if seated:
        ics_url = request.build_absolute_uri(
            reverse("meetings:committee_ics", args=[committee.pk, calendar_token(committee, request.user)])
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
            "form": MeetingForm(initial={"location": committee.location}) if seated else None,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    committee = get_for_user(
        request.user, "meetings.meeting.edit", Committee.objects.select_related("organization"), pk=pk
    )
    form = MeetingForm(request.POST or None, initial={"location": committee.location})
    if request.method == "POST" and form.is_valid():
        meeting = services.meeting_create(committee=committee, **form.cleaned_data)
        messages.success(request, _("The meeting is planned. Build its agenda below."))
        return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "meetings/meeting_form.html",
        {"committee": committee, "organization": committee.organization, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_for_user(request.user, "meetings.meeting.edit", MEETINGS, pk=pk)
    if meeting.minutes_locked:
        messages.error(
            request, _("The minutes of this meeting are approved and locked. Record a correction instead.")
        )
        return redirect("meetings:meeting_detail", pk=pk)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The meeting is saved."))
        return redirect("meetings:meeting_detail", pk=pk)
    return render(
        request,
        "meetings/meeting_form.html",
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
def committee_decisions(request: HttpRequest, pk: int) -> HttpResponse:
    committee = get_for_user(
        request.user, "meetings.view", Committee.objects.select_related("organization"), pk=pk
    )
    decisions = selectors.committee_decisions(committee)
    if not (seat_roles(request.user, committee) or can(request.user, "meetings.meeting.edit", committee)):
        decisions = decisions.filter(meeting__status=Meeting.Status.MINUTES_APPROVED)
    return render(
        request,
        "meetings/committee_decisions.html",
        {"committee": committee, "organization": committee.organization, "decisions": list(decisions)},
    )


@require_safe
def committee_ics(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The committee's meetings as iCalendar; calendar apps cannot log in, so the URL carries a token."""
    committee = get_object_or_404(Committee.objects.select_related("organization"), pk=pk)
    user = user_for_token(committee, token)
    if user is None:
        raise Http404
    response = HttpResponse(committee_calendar(committee), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="committee-{committee.pk}.ics"'
    return response


# ---------------------------------------------------------------- meeting page and agenda builder


def _meeting_context(request: HttpRequest, meeting_pk: int) -> dict:
    meeting, items = selectors.meeting_with_items(meeting_pk)
    committee = meeting.committee
    user = request.user
    may_edit = can(user, "meetings.meeting.edit", meeting)
    editable = may_edit and not meeting.minutes_locked
    approvals = list(meeting.approvals.select_related("user"))
    attendance = list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("member__user")
        .order_by("member__user__first_name")
    )
    members = list(committee.members.filter(active=True).select_related("user").order_by("user__first_name"))
    return {
        "meeting": meeting,
        "committee": committee,
        "organization": committee.organization,
        "items": items,
        "timeline": selectors.agenda_timeline(meeting, items),
        "decisions": selectors.decisions_of(meeting, items),
        "approvals": approvals,
        "approved_roles": {a.role for a in approvals},
        "attendance": attendance,
        "present_ids": {a.member_id for a in attendance if a.present},
        "members": members,
        "may_edit": may_edit,
        "editable": editable,
        "can_approve": can(user, "meetings.minutes.approve", meeting)
        and meeting.status == Meeting.Status.HELD,
        "standard_items": [(key, str(spec[0])) for key, spec in services.STANDARD_ITEMS.items()],
        "item_form": AgendaItemForm(prefix="new") if editable else None,
        "guides": list(DiscussionGuide.objects.filter(organization_id=committee.organization_id))
        if editable
        else [],
        "has_guide_questions": any(q.source_id for item in items for q in item.questions.all()),
        "revisions": [r for item in items for r in item.revisions.all()],
    }


def _agenda_response(request: HttpRequest, meeting_pk: int, error: str = "") -> HttpResponse:
    """After an agenda change: the agenda fragment for htmx, otherwise back to the meeting page."""
    status = 422 if error else 200  # refused input is no success; htmx swaps 422 (base.html)
    if request.htmx:
        context = _meeting_context(request, meeting_pk)
        context["agenda_error"] = error
        return render(request, "meetings/meeting_detail.html#agenda", context, status=status)
    if error:
        messages.error(request, error)
        return render(
            request, "meetings/meeting_detail.html", _meeting_context(request, meeting_pk), status=status
        )
    return redirect(reverse("meetings:meeting_detail", args=[meeting_pk]) + "#agenda")


@require_safe
@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    get_for_user(request.user, "meetings.meeting.view", MEETINGS, pk=pk)
    context = _meeting_context(request, pk)
    template = "meetings/meeting_detail.html#agenda" if request.htmx else "meetings/meeting_detail.html"
    return render(request, template, context)


@require_POST
@login_required
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_for_user(request.user, "meetings.meeting.edit", MEETINGS, pk=pk)
    form = AgendaItemForm(request.POST, prefix="new")
    if not form.is_valid():
        if request.htmx:
            context = _meeting_context(request, pk)
            context["item_form"] = form
            return render(request, "meetings/meeting_detail.html#agenda", context)
        return render(request, "meetings/item_form.html", {"meeting": meeting, "form": form}, status=400)
    try:
        services.agenda_item_add(meeting=meeting, **form.cleaned_data)
    except ValidationError as error:
        return _agenda_response(request, pk, _error_text(error))
    return _agenda_response(request, pk)


@require_POST
@login_required
def item_add_standard(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_for_user(request.user, "meetings.meeting.edit", MEETINGS, pk=pk)
    try:
        services.agenda_item_add_standard(meeting=meeting, key=request.POST.get("key", ""))
    except ValidationError as error:
        return _agenda_response(request, pk, _error_text(error))
    return _agenda_response(request, pk)


@require_http_methods(["GET", "POST"])
@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_for_user(request.user, "meetings.meeting.edit", ITEMS, pk=pk)
    form = AgendaItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_update(item=item, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return redirect(reverse("meetings:meeting_detail", args=[item.meeting_id]) + "#agenda")
    return render(
        request,
        "meetings/item_form.html",
        {"meeting": item.meeting, "item": item, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def item_duration(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_for_user(request.user, "meetings.meeting.edit", ITEMS, pk=pk)
    form = DurationForm(request.POST)
    if not form.is_valid():
        return _agenda_response(request, item.meeting_id, " ".join(form.errors["duration_minutes"]))
    try:
        services.agenda_item_set_duration(item=item, duration_minutes=form.cleaned_data["duration_minutes"])
    except ValidationError as error:
        return _agenda_response(request, item.meeting_id, _error_text(error))
    return _agenda_response(request, item.meeting_id)


@require_POST
@login_required
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_for_user(request.user, "meetings.meeting.edit", ITEMS, pk=pk)
    try:
        services.agenda_item_move(item=item, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        return _agenda_response(request, item.meeting_id, _error_text(error))
    return _agenda_response(request, item.meeting_id)


@require_POST
@login_required
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_for_user(request.user, "meetings.meeting.edit", ITEMS, pk=pk)
    meeting_pk = item.meeting_id
    try:
        services.agenda_item_delete(item=item)
    except ValidationError as error:
        return _agenda_response(request, meeting_pk, _error_text(error))
    return _agenda_response(request, meeting_pk)


@require_POST
@login_required
def item_to_next_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_for_user(request.user, "meetings.meeting.edit", ITEMS, pk=pk)
    source_pk = item.meeting_id
    target = None
    if request.POST.get("target"):
        target = Meeting.objects.filter(pk=request.POST["target"]).select_related("committee").first()
        if target is None:
            return _agenda_response(request, source_pk, _("The chosen meeting does not exist."))
    try:
        moved = services.agenda_item_move_to_meeting(item=item, target=target)
    except ValidationError as error:
        return _agenda_response(request, source_pk, _error_text(error))
    messages.success(
        request,
        _("“%(title)s” was moved to the meeting on %(date)s.")
        % {"title": moved.title, "date": moved.meeting.date.strftime("%d.%m.%Y")},
    )
    return _agenda_response(request, source_pk)


@require_POST
@login_required
def step_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_for_user(request.user, "meetings.meeting.edit", ITEMS, pk=pk)
    form = DialogueStepForm(request.POST)
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        return _agenda_response(request, item.meeting_id, " ".join(errors))
    try:
        services.dialogue_step_add(item=item, **form.cleaned_data)
    except ValidationError as error:
        return _agenda_response(request, item.meeting_id, _error_text(error))
    return _agenda_response(request, item.meeting_id)


@require_POST
@login_required
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_for_user(request.user, "meetings.meeting.edit", ITEMS, pk=pk)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        return _agenda_response(request, item.meeting_id, _("Write the question."))
    try:
        services.agenda_question_add(item=item, text=form.cleaned_data["text"])
    except ValidationError as error:
        return _agenda_response(request, item.meeting_id, _error_text(error))
    return _agenda_response(request, item.meeting_id)


@require_POST
@login_required
def guide_take(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_for_user(request.user, "meetings.meeting.edit", MEETINGS, pk=pk)
    guide = DiscussionGuide.objects.filter(
        pk=request.POST.get("guide") or 0, organization_id=meeting.committee.organization_id
    ).first()
    if guide is None:
        return _agenda_response(request, pk, _("Choose a discussion guide."))
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
        return _agenda_response(request, pk, _error_text(error))
    return _agenda_response(request, pk)


@require_POST
@login_required
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_for_user(request.user, "meetings.meeting.edit", ITEMS, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        return _agenda_response(request, item.meeting_id, " ".join(errors))
    try:
        services.attachment_add(item=item, file=form.cleaned_data["file"], user=request.user)
    except ValidationError as error:
        return _agenda_response(request, item.meeting_id, _error_text(error))
    return _agenda_response(request, item.meeting_id)


@require_safe
@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(
        AgendaAttachment.objects.select_related("item__meeting__committee__organization"), pk=pk
    )
    authorize(request.user, "meetings.meeting.view", attachment.item.meeting)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


# ---------------------------------------------------------------- status, minutes, approval


@require_POST
@login_required
def meeting_status(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_for_user(request.user, "meetings.meeting.edit", MEETINGS, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "send":
            services.meeting_send_agenda(meeting=meeting)
            messages.success(request, _("The agenda is sent. The members get an email."))
        elif action == "held":
            services.meeting_mark_held(meeting=meeting)
            messages.success(request, _("The meeting is marked as held. Record the minutes per item."))
        else:
            messages.error(request, _("Unknown action."))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("meetings:meeting_detail", pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_for_user(request.user, "meetings.meeting.edit", ITEMS, pk=pk)
    if item.meeting.minutes_locked:
        messages.error(
            request, _("The minutes of this meeting are approved and locked. Record a correction instead.")
        )
        return redirect("meetings:minutes_correct", pk=item.pk)
    form = MinutesForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_record(item=item, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The minutes of the item are saved."))
        return redirect(reverse("meetings:meeting_detail", args=[item.meeting_id]) + f"#item-{item.pk}")
    return render(
        request,
        "meetings/minutes_form.html",
        {"meeting": item.meeting, "item": item, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def attendance_save(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_for_user(request.user, "meetings.meeting.edit", MEETINGS, pk=pk)
    present = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
    try:
        services.attendance_set(meeting=meeting, present_member_ids=present)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Attendance is saved."))
    return redirect(reverse("meetings:meeting_detail", args=[pk]) + "#attendance")


@require_POST
@login_required
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(MEETINGS, pk=pk)
    authorize(request.user, "meetings.meeting.view", meeting)
    if not can(request.user, "meetings.minutes.approve", meeting):
        if not can(request.user, "meetings.meeting.edit", meeting):
            raise PermissionDenied
        # A committee member without the chair's or vice-chair's seat gets the reason, not an error page.
        messages.error(request, _("Only the committee's chair and vice-chair can approve the minutes."))
        return redirect(reverse("meetings:meeting_detail", args=[pk]) + "#approval")
    try:
        services.minutes_approve(meeting=meeting, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        meeting.refresh_from_db(fields=["status"])
        if meeting.minutes_locked:
            messages.success(
                request, _("The minutes are approved, locked and published to the organisation.")
            )
        else:
            messages.success(request, _("Your approval is recorded. The minutes need one more approval."))
    return redirect(reverse("meetings:meeting_detail", args=[pk]) + "#approval")


@require_http_methods(["GET", "POST"])
@login_required
def minutes_correct(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_for_user(request.user, "meetings.meeting.edit", ITEMS, pk=pk)
    form = CorrectionForm(request.POST or None, initial={"new_text": item.minutes})
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_correct(item=item, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field, message)
            else:
                form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("The correction is recorded as a new revision."))
            return redirect(reverse("meetings:meeting_detail", args=[item.meeting_id]) + f"#item-{item.pk}")
    return render(
        request,
        "meetings/minutes_correct.html",
        {"meeting": item.meeting, "item": item, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# ---------------------------------------------------------------- discussion guides


@require_http_methods(["GET", "POST"])
@login_required
def meeting_answers(request: HttpRequest, pk: int) -> HttpResponse:
    """The committee's answers to the guide questions it took into this meeting's agenda."""
    meeting = get_for_user(request.user, "meetings.meeting.edit", MEETINGS, pk=pk)
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
        return redirect("meetings:meeting_answers", pk=pk)
    rows = [(q, answers.get(q.pk)) for q in questions]
    return render(
        request,
        "meetings/meeting_answers.html",
        {
            "meeting": meeting,
            "committee": meeting.committee,
            "organization": meeting.committee.organization,
            "rows": rows,
        },
    )


@require_safe
@login_required
def guide_detail(request: HttpRequest, pk: int) -> HttpResponse:
    guide = get_for_user(
        request.user, "meetings.view", DiscussionGuide.objects.select_related("organization"), pk=pk
    )
    target_meeting = None
    meeting_pk = request.GET.get("meeting", "")
    if meeting_pk.isdigit():
        # Choosing single questions for a meeting: only offered for a meeting the user may edit.
        candidate = MEETINGS.filter(pk=int(meeting_pk), committee__organization=guide.organization).first()
        if (
            candidate
            and can(request.user, "meetings.meeting.edit", candidate)
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
def guide_overview(request: HttpRequest, pk: int) -> HttpResponse:
    guide = get_for_user(
        request.user, "meetings.guide.overview", DiscussionGuide.objects.select_related("organization"), pk=pk
    )
    return render(
        request,
        "meetings/guide_overview.html",
        {"guide": guide, "organization": guide.organization, "themes": selectors.guide_overview(guide)},
    )


# ---------------------------------------------------------------- working groups


@require_safe
@login_required
def working_group_detail(request: HttpRequest, pk: int) -> HttpResponse:
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
def task_status(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(WorkingGroupTask.objects.select_related("group__committee__organization"), pk=pk)
    authorize(request.user, "meetings.meeting.edit", task.group.committee)
    try:
        services.working_group_task_set_status(task=task, status=request.POST.get("status", ""))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The task status is saved."))
    return redirect(reverse("meetings:working_group_detail", args=[task.group_id]) + f"#task-{task.pk}")


# ---------------------------------------------------------------- PDFs


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
@login_required
def agenda_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    get_for_user(request.user, "meetings.meeting.view", MEETINGS, pk=pk)
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
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    get_for_user(request.user, "meetings.meeting.view", MEETINGS, pk=pk)
    meeting, items = selectors.meeting_with_items(pk)
    if not meeting.minutes_locked:
        messages.error(
            request, _("The minutes can be printed once the chair and vice-chair have approved them.")
        )
        return redirect("meetings:meeting_detail", pk=pk)
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
            "attendance": list(
                Attendance.objects.filter(meeting=meeting)
                .select_related("member__user")
                .order_by("member__user__first_name")
            ),
            "approvals": list(meeting.approvals.select_related("user")),
            "revisions": [r for item in items for r in item.revisions.all()],
        },
        title=title,
        author=meeting.committee.organization.name,
        language=get_language() or "da",
    )
    return _pdf_response(pdf, f"minutes-{meeting.date:%Y-%m-%d}.pdf")
