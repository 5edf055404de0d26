from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from apps.core.exports import table_response
from apps.core.forms import add_errors, error_text
from apps.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from apps.core.ical import calendar_token, calendar_token_renew, calendar_token_user
from apps.core.rows import reverse_each
from apps.organizations.models import CalendarToken, Organization
from apps.organizations.permissions import authorize, can, get_for_user, units_where

from . import services
from .feeds import build_calendar
from .forms import ApplicationForm, ClubFilterForm, ClubMeetingForm, DecisionForm, FundRulesForm
from .models import Club, ClubFundApplication, ClubFundRules, ClubMeeting, TRNetwork
from .money import currency_of
from .selectors import (
    FundBalance,
    approved_unpaid,
    balance_from_row,
    clubs_of_steward,
    clubs_with_figures,
    filter_clubs,
    fund_balance,
    fund_balances_with_applications,
    fund_rules_for,
    meetings_for_feed,
    networks_of,
    pending_applications,
    required_kind,
    totals,
)

PAGE_SIZE = 50
DECISIONS_SHOWN = 20


def _club(request: HtmxHttpRequest, action: str, slug: str, pk: int) -> Club:
    return get_for_user(
        request.user,
        action,
        Club.objects.select_related("organization", "unit").prefetch_related("stewards"),
        pk=pk,
        organization__slug=slug,
    )


def _network(request: HtmxHttpRequest, action: str, slug: str, pk: int) -> TRNetwork:
    return get_for_user(
        request.user,
        action,
        TRNetwork.objects.select_related("organization").prefetch_related("stewards"),
        pk=pk,
        organization__slug=slug,
    )


def _application(request: HtmxHttpRequest, action: str, slug: str, pk: int) -> ClubFundApplication:
    return get_for_user(
        request.user,
        action,
        ClubFundApplication.objects.select_related(
            "club", "club__organization", "club__unit", "decided_by", "created_by"
        ).prefetch_related("club__stewards"),
        pk=pk,
        club__organization__slug=slug,
    )


def _clubs_crumb(user, organization: Organization) -> dict[str, str]:
    """The list a club's pages hang under in the breadcrumbs: every club for the union side, their own
    for a shop steward, who may not open the whole list. No link for whoever may open neither."""
    if can(user, "clubs.overview", organization):
        return {"url": reverse("clubs:club_list", args=[organization.slug]), "label": _("Clubs")}
    if can(user, "clubs.my_clubs", organization):
        return {"url": reverse("clubs:my_clubs", args=[organization.slug]), "label": _("My clubs")}
    return {"url": "", "label": ""}


def _upcoming() -> Prefetch:
    return Prefetch(
        "meetings",
        queryset=ClubMeeting.objects.filter(
            status=ClubMeeting.Status.PLANNED, starts_at__gte=timezone.now()
        ).order_by("starts_at")[:3],
        to_attr="upcoming",
    )


@require_safe
@login_required
def my_clubs(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = get_for_user(request.user, "clubs.my_clubs", Organization, slug=slug)
    year = timezone.localdate().year
    rules = fund_rules_for(organization)
    open_or_this_year = Q(event_date__year__gte=year) | Q(
        status__in=[ClubFundApplication.Status.DRAFT, ClubFundApplication.Status.SUBMITTED]
    )
    clubs = list(
        clubs_with_figures(organization, year, rules)
        .filter(stewards=request.user)
        .prefetch_related(
            _upcoming(),
            Prefetch(
                "fund_applications",
                queryset=ClubFundApplication.objects.filter(open_or_this_year).order_by("-event_date", "-pk")[
                    :10
                ],
                to_attr="recent_applications",
            ),
        )
    )
    # Applications for next year's events are spent from next year's budget: shown beside this year's.
    next_year = fund_balances_with_applications(clubs, year + 1, rules)
    for club in clubs:
        club.balances = [balance_from_row(club, year)]
        if club.pk in next_year:
            club.balances.append(next_year[club.pk])
        # The quick fields right on the page; ids per club so several forms can share it.
        club.meeting_form = ClubMeetingForm(
            host=club, initial=ClubMeetingForm.initial_for(None), auto_id=f"club{club.pk}_%s"
        )
    # Their names and links only: the steward counts and meeting counts are the network list's.
    networks = list(
        TRNetwork.objects.filter(organization=organization, stewards=request.user).only("pk", "name")
    )
    return render(
        request,
        "clubs/my_clubs.html",
        {
            "organization": organization,
            "clubs": clubs,
            "networks": networks,
            "year": year,
            "required_kind_label": ClubMeeting.Kind(required_kind(organization)).label,
        },
    )


def _filtered_clubs(request: HtmxHttpRequest, organization: Organization, rules: ClubFundRules | None = None):
    form = ClubFilterForm(request.GET or None, organization=organization)
    year = timezone.localdate().year
    filters: dict = {}
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"] or year
        filters = {
            "q": form.cleaned_data["q"],
            "area": form.cleaned_data["area"],
            "missing": form.cleaned_data["missing"],
            "pending": form.cleaned_data["pending"],
        }
    units = units_where(request.user, "clubs.overview", organization.pk)
    clubs = filter_clubs(clubs_with_figures(organization, year, rules), units=units, **filters)
    return form, year, clubs.order_by("name", "pk"), units


@require_safe
@login_required
def club_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = get_for_user(request.user, "clubs.overview", Organization, slug=slug)
    rules = fund_rules_for(organization)
    form, year, clubs, units = _filtered_clubs(request, organization, rules)
    page = Paginator(clubs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "organization": organization,
        "form": form,
        "year": year,
        "page": page,
        "club_rows": _club_rows(organization, list(page)),
        "totals": totals(clubs),
        "query": query.urlencode(),
        "required_kind_label": ClubMeeting.Kind(required_kind(organization)).label,
        "rules": rules,
        "may_manage_rules": can(request.user, "clubs.manage_rules", organization),
    }
    if request.htmx:
        return render(request, "clubs/club_list.html#results", context)
    # The oldest first, a screenful at a time: deciding them makes room for the next ones.
    pending = pending_applications(organization, units)
    unpaid = approved_unpaid(organization, units)
    context["pending"] = list(pending[:DECISIONS_SHOWN])
    context["pending_count"] = (
        pending.count() if len(context["pending"]) == DECISIONS_SHOWN else len(context["pending"])
    )
    context["unpaid"] = list(unpaid[:DECISIONS_SHOWN])
    context["unpaid_count"] = (
        unpaid.count() if len(context["unpaid"]) == DECISIONS_SHOWN else len(context["unpaid"])
    )
    context["decision_form"] = DecisionForm()
    return render(request, "clubs/club_list.html", context)


def _club_rows(organization: Organization, clubs: list) -> SafeString:
    """The rows of the club table, written in one pass with the template filters' own functions
    (see apps/core/rows.py): fifty clubs a page, on the union board's most visited page."""
    url = reverse_each("clubs:club_detail", organization.slug)
    held = escape(_("Held"))
    missing = format_html('<span class="badge">{}</span>', _("Missing"))
    parts = []
    for club in clubs:
        last = club.last_meeting
        parts.append(
            f'<tr><td><a href="{escape(url(club.pk))}">{escape(club.name)}</a></td>'
            f"<td>{escape(intcomma(club.member_count))}</td>"
            f"<td>{escape(date_format(timezone.localtime(last), 'SHORT_DATE_FORMAT')) if last else '–'}</td>"
            f"<td>{int(club.meetings_year)}</td>"
            f"<td>{int(club.board_meetings_year)} / {int(club.meetings_year)}</td>"
            f"<td>{held if club.held_required else missing}</td>"
            f"<td>{escape(floatformat(club.granted_year, '-2g'))} / "
            f"{escape(floatformat(club.budget_year, '-2g'))}</td></tr>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every name and figure in it is escaped


@require_safe
@login_required
def club_list_csv(request: AuthenticatedHttpRequest, slug: str, fmt: str = "csv") -> HttpResponse:
    organization = get_for_user(request.user, "clubs.overview", Organization, slug=slug)
    _form, year, clubs, _units = _filtered_clubs(request, organization)
    currency = currency_of(organization)
    header = [
        _("Club"),
        _("Workplace code"),
        _("Members"),
        _("Last meeting"),
        _("Meetings this year"),
        _("Meetings with a board member present"),
        _("Held: %(kind)s") % {"kind": required_kind(organization).label},
        _("Budget (%(currency)s)") % {"currency": currency},
        _("Granted (%(currency)s)") % {"currency": currency},
        _("Pending applications"),
    ]
    yes, no = _("yes"), _("no")
    rows = (
        [
            club.name,
            club.unit.code,
            club.member_count,
            timezone.localdate(club.last_meeting) if club.last_meeting else None,
            club.meetings_year,
            club.board_meetings_year,
            yes if club.held_required else no,
            club.budget_year,
            club.granted_year,
            yes if club.has_pending else no,
        ]
        for club in clubs.iterator(chunk_size=500)
    )
    return table_response(
        fmt=fmt, filename=f"clubs-{organization.slug}-{year}", header=header, rows=rows, title=_("Clubs")
    )


@require_safe
@login_required
def club_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    club = _club(request, "clubs.view", slug, pk)
    year = timezone.localdate().year
    meetings = list(club.meetings.prefetch_related("board_guests").order_by("-starts_at")[:50])
    applications = list(
        club.fund_applications.select_related("decided_by").order_by("-event_date", "-pk")[:50]
    )
    rules = fund_rules_for(club.organization)
    balances = [fund_balance(club, year, rules)]
    balances += fund_balances_with_applications([club], year + 1, rules).values()
    return render(
        request,
        "clubs/club_detail.html",
        {
            "organization": club.organization,
            "club": club,
            "list_crumb": _clubs_crumb(request.user, club.organization),
            "meetings": meetings,
            "applications": applications,
            "balances": balances,
            "may_edit": can(request.user, "clubs.edit", club),
            "may_decide": can(request.user, "clubs.decide", club),
            "now": timezone.now(),
        },
    )


def _club_meeting_form_page(
    request: HtmxHttpRequest, *, host, meeting: ClubMeeting | None, back_url: str, post_url: str
):
    organization = host.organization
    if request.method == "POST":
        form = ClubMeetingForm(request.POST, initial=ClubMeetingForm.initial_for(meeting), host=host)
        if form.is_valid():
            try:
                if meeting is None:
                    services.club_meeting_log(
                        host=host,
                        user=request.user,
                        board_guests=form.cleaned_data["board_guests"],
                        initiatives=form.cleaned_data["initiatives"],
                        **form.service_fields(),
                    )
                else:
                    services.club_meeting_update(
                        meeting=meeting,
                        board_guests=form.cleaned_data["board_guests"],
                        initiatives=form.cleaned_data["initiatives"],
                        **form.service_fields(),
                    )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The meeting has been saved."))
                if request.htmx:
                    return HttpResponseClientRedirect(back_url)
                return redirect(back_url)
    else:
        form = ClubMeetingForm(initial=ClubMeetingForm.initial_for(meeting), host=host)
    if isinstance(host, Club):
        list_crumb = _clubs_crumb(request.user, organization)
        host_url = reverse("clubs:club_detail", args=[organization.slug, host.pk])
    else:
        list_crumb = {
            "url": reverse("clubs:network_list", args=[organization.slug]),
            "label": _("TR networks"),
        }
        host_url = reverse("clubs:network_detail", args=[organization.slug, host.pk])
    return render(
        request,
        "clubs/club_meeting_form.html",
        {
            "organization": organization,
            "host": host,
            "list_crumb": list_crumb,
            "host_url": host_url,
            "form": form,
            "meeting": meeting,
            "back_url": back_url,
            "post_url": post_url,
        },
        status=422 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def club_meeting_log(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    club = _club(request, "clubs.edit", slug, pk)
    # The quick form on "My clubs" brings the steward back there.
    if request.POST.get("from") == "my_clubs":
        back_url = reverse("clubs:my_clubs", args=[slug])
    else:
        back_url = reverse("clubs:club_detail", args=[slug, club.pk])
    return _club_meeting_form_page(request, host=club, meeting=None, back_url=back_url, post_url=request.path)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def network_meeting_log(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    network = _network(request, "clubs.edit", slug, pk)
    return _club_meeting_form_page(
        request,
        host=network,
        meeting=None,
        back_url=reverse("clubs:network_detail", args=[slug, network.pk]),
        post_url=request.path,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def club_meeting_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        ClubMeeting.objects.select_related("club__organization", "club__unit", "network__organization")
        .prefetch_related("club__stewards", "network__stewards")
        .filter(Q(club__organization__slug=slug) | Q(network__organization__slug=slug)),
        pk=pk,
    )
    authorize(request.user, "clubs.edit", meeting)
    host = meeting.host
    name = "clubs:club_detail" if meeting.club_id else "clubs:network_detail"
    return _club_meeting_form_page(
        request,
        host=host,
        meeting=meeting,
        back_url=reverse(name, args=[slug, host.pk]),
        post_url=request.path,
    )


def _event_year(form: ApplicationForm, application: ClubFundApplication | None) -> int | None:
    """The year of the event as the form holds it, or None while the steward has not given a date."""
    if form.is_bound:
        event_date = getattr(form, "cleaned_data", {}).get("event_date")
    else:
        event_date = application.event_date if application else None
    return event_date.year if event_date else None


def _application_form_page(request: HtmxHttpRequest, *, club: Club, application: ClubFundApplication | None):
    currency = currency_of(club.organization)
    # The breadcrumbs name the draft as saved: a bound form puts what was typed on the instance.
    saved_purpose = application.purpose if application else ""
    if request.method == "POST":
        form = ApplicationForm(
            request.POST, instance=application, currency=currency, organization=club.organization
        )
        submit = request.POST.get("action") == "submit"
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.application_save(
                    club=club,
                    user=request.user,
                    application=application,
                    submit=submit,
                    purpose=data["purpose"],
                    event_date=data["event_date"],
                    amount=data["amount"],
                    participants=data["participants"],
                )
            except ValidationError as error:
                if application is not None:
                    application.refresh_from_db()
                add_errors(form, error)
            else:
                if submit:
                    messages.success(request, _("The application has been submitted."))
                else:
                    problems = services.application_rule_problems(
                        club=club,
                        event_date=saved.event_date,
                        amount=saved.amount,
                        participants=saved.participants,
                        exclude_pk=saved.pk,
                    )
                    messages.success(request, _("The draft has been saved."))
                    for message in problems.values():
                        messages.warning(
                            request, _("Before you can submit: %(problem)s") % {"problem": message}
                        )
                return redirect("clubs:application_detail", club.organization.slug, saved.pk)
    else:
        form = ApplicationForm(instance=application, currency=currency, organization=club.organization)
    rules = fund_rules_for(club.organization)
    # The funds of the event's year; without a date yet, this year's and next year's.
    this_year = timezone.localdate().year
    event_year = _event_year(form, application)
    years = [event_year] if event_year else [this_year, this_year + 1]
    exclude_pk = application.pk if application else None
    return render(
        request,
        "clubs/application_form.html",
        {
            "organization": club.organization,
            "club": club,
            "list_crumb": _clubs_crumb(request.user, club.organization),
            "form": form,
            "application": application,
            "saved_purpose": saved_purpose,
            "rules": rules,
            "balances": [fund_balance(club, year, rules, exclude_pk=exclude_pk) for year in years],
        },
        status=422 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def application_create(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    club = _club(request, "clubs.edit", slug, pk)
    return _application_form_page(request, club=club, application=None)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def application_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    application = _application(request, "clubs.edit", slug, pk)
    if application.status != ClubFundApplication.Status.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return redirect("clubs:application_detail", slug, application.pk)
    return _application_form_page(request, club=application.club, application=application)


@require_safe
@login_required
def application_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    application = _application(request, "clubs.view", slug, pk)
    may_edit = can(request.user, "clubs.edit", application)
    problems = {}
    if may_edit and application.status == ClubFundApplication.Status.DRAFT:
        problems = services.application_rule_problems(
            club=application.club,
            event_date=application.event_date,
            amount=application.amount,
            participants=application.participants,
            exclude_pk=application.pk,
        )
    may_decide = can(request.user, "clubs.decide", application)
    return render(
        request,
        "clubs/application_detail.html",
        {
            "organization": application.club.organization,
            "application": application,
            "club": application.club,
            "list_crumb": _clubs_crumb(request.user, application.club.organization),
            "problems": problems,
            "may_edit": may_edit,
            "may_decide": may_decide,
            "decision_form": DecisionForm(),
            "balance": _decision_balance(application) if may_decide else None,
        },
    )


def _decision_balance(application: ClubFundApplication) -> FundBalance | None:
    """The funds of the event's year, beside the decision, so the board sees what granting leaves."""
    if application.status != ClubFundApplication.Status.SUBMITTED:
        return None
    club = application.club
    return fund_balance(club, application.event_date.year, fund_rules_for(club.organization))


@require_POST
@login_required
def application_submit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    application = _application(request, "clubs.edit", slug, pk)
    try:
        services.application_submit(application=application)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, _("Not submitted: %(problem)s") % {"problem": message})
    else:
        messages.success(request, _("The application has been submitted."))
    return redirect("clubs:application_detail", slug, application.pk)


@require_POST
@login_required
def application_decide(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    application = _application(request, "clubs.decide", slug, pk)
    form = DecisionForm(request.POST)
    back = request.POST.get("next") == "list"
    back_url = (
        reverse("clubs:club_list", args=[slug])
        if back
        else reverse("clubs:application_detail", args=[slug, pk])
    )
    if form.is_valid():
        try:
            services.application_decide(
                application=application,
                user=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_errors(form, error)
    if form.errors:
        if request.htmx:
            return render(
                request,
                "clubs/_decision_form.html",
                {"application": application, "decision_form": form, "next": request.POST.get("next", "")},
                # The form with its error replaces itself: htmx is configured to swap 422 (base.html).
                status=422,
            )
        return render(
            request,
            "clubs/application_detail.html",
            {
                "organization": application.club.organization,
                "application": application,
                "club": application.club,
                "list_crumb": _clubs_crumb(request.user, application.club.organization),
                "problems": {},
                "may_edit": False,
                "may_decide": True,
                "decision_form": form,
                "balance": _decision_balance(application),
            },
            status=422,
        )
    application.refresh_from_db()
    messages.success(
        request,
        _("“%(purpose)s” is %(status)s.")
        % {"purpose": application.purpose, "status": application.get_status_display().lower()},
    )
    if request.htmx:
        return HttpResponseClientRedirect(back_url)
    return redirect(back_url)


@require_POST
@login_required
def application_mark_paid(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    application = _application(request, "clubs.decide", slug, pk)
    try:
        services.application_mark_paid(application=application)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The application is marked as paid."))
    if request.POST.get("next") == "list":
        return redirect("clubs:club_list", slug)
    return redirect("clubs:application_detail", slug, application.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def fund_rules_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = get_for_user(request.user, "clubs.manage_rules", Organization, slug=slug)
    rules = fund_rules_for(organization)
    form = FundRulesForm(request.POST or None, instance=rules, currency=currency_of(organization))
    if request.method == "POST" and form.is_valid():
        services.fund_rules_update(organization=organization, **form.cleaned_data)
        messages.success(request, _("The club-fund rules have been saved."))
        return redirect("clubs:club_list", slug)
    return render(
        request,
        "clubs/fund_rules_form.html",
        {"organization": organization, "form": form},
        status=422 if form.is_bound and form.errors else 200,
    )


@require_safe
@login_required
def network_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    sees_all = can(request.user, "clubs.overview", organization)
    if not sees_all:
        authorize(request.user, "clubs.my_clubs", organization)
    networks = list(networks_of(request.user, organization, all_networks=sees_all))
    return render(request, "clubs/network_list.html", {"organization": organization, "networks": networks})


@require_safe
@login_required
def network_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    network = _network(request, "clubs.view", slug, pk)
    meetings = list(network.meetings.prefetch_related("board_guests").order_by("-starts_at")[:50])
    return render(
        request,
        "clubs/network_detail.html",
        {
            "organization": network.organization,
            "network": network,
            "meetings": meetings,
            "may_edit": can(request.user, "clubs.edit", network),
            "now": timezone.now(),
        },
    )


def _calendar_response(name: str, meetings) -> HttpResponse:
    response = HttpResponse(build_calendar(name, meetings), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    return response


@require_safe
@login_required
def organization_calendar(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = get_for_user(request.user, "clubs.overview", Organization, slug=slug)
    return _calendar_response(organization.name, meetings_for_feed(organization=organization))


@require_safe
@login_required
def club_calendar(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    club = _club(request, "clubs.view", slug, pk)
    return _calendar_response(club.name, meetings_for_feed(organization=club.organization, club=club))


def _token_user(token: str):
    user = calendar_token_user(token, CalendarToken.Kind.CLUBS)
    if user is None:
        raise Http404
    return user


@require_safe
def organization_calendar_token(request: HtmxHttpRequest, slug: str, token: str) -> HttpResponse:
    user = _token_user(token)
    organization = get_object_or_404(Organization, slug=slug)
    # A calendar app cannot show a 403 to anyone; whatever the token may not read does not exist.
    if not can(user, "clubs.overview", organization):
        raise Http404
    return _calendar_response(organization.name, meetings_for_feed(organization=organization))


@require_safe
def club_calendar_token(request: HtmxHttpRequest, slug: str, token: str, pk: int) -> HttpResponse:
    user = _token_user(token)
    club = get_object_or_404(
        Club.objects.select_related("organization", "unit").prefetch_related("stewards"),
        pk=pk,
        organization__slug=slug,
    )
    if not can(user, "clubs.view", club):
        raise Http404
    return _calendar_response(club.name, meetings_for_feed(organization=club.organization, club=club))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def calendar_links(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    sees_all = can(request.user, "clubs.overview", organization)
    if not sees_all:
        authorize(request.user, "clubs.my_clubs", organization)
    if request.method == "POST":
        calendar_token_renew(user=request.user, kind=CalendarToken.Kind.CLUBS)
        messages.success(request, _("New calendar links have been made. The old links no longer work."))
        return redirect("clubs:calendar_links", slug)
    token = calendar_token(request.user, CalendarToken.Kind.CLUBS)
    clubs = Club.objects.none() if sees_all else clubs_of_steward(request.user, organization)
    links = [
        {
            "label": club.name,
            "url": request.build_absolute_uri(
                reverse("clubs:club_calendar_token", args=[token, slug, club.pk])
            ),
        }
        for club in clubs
    ]
    if sees_all:
        links.insert(
            0,
            {
                "label": _("All clubs of %(organization)s") % {"organization": organization.name},
                "url": request.build_absolute_uri(
                    reverse("clubs:organization_calendar_token", args=[token, slug])
                ),
            },
        )
    return render(
        request,
        "clubs/calendar_links.html",
        {
            "organization": organization,
            "links": links,
            "list_crumb": _clubs_crumb(request.user, organization),
        },
    )
