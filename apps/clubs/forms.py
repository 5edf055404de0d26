from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from apps.core.dates import DateWindowMixin
from apps.core.forms import FastSelect, PortalFormMixin, model_choice_field, offer
from apps.organizations.models import OrgUnit, Role, User
from apps.strategy.models import Initiative

from .models import Club, ClubFundApplication, ClubFundRules, ClubMeeting, TRNetwork
from .money import currency_label
from .services import club_meeting_problems

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y"]
DEFAULT_TIME = time(16, 0)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ClubMeetingForm(DateWindowMixin, PortalFormMixin, forms.Form):
    """The quick fields first (a phone, under a minute); everything else is optional further down."""

    window_fields = ("date",)

    date = forms.DateField(label=_("Date"), widget=DateInput, input_formats=DATE_INPUT_FORMATS)
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=ClubMeeting.Kind.choices)
    status = forms.ChoiceField(
        label=_("The meeting is"),
        choices=ClubMeeting.Status.choices,
        widget=forms.RadioSelect,
        initial=ClubMeeting.Status.HELD,
    )
    attendance = forms.IntegerField(
        label=_("Attendance"),
        min_value=0,
        required=False,
        help_text=_("How many took part. Needed when the meeting has been held."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    time = forms.TimeField(
        label=_("Time"),
        required=False,
        help_text=_("Leave it empty for 16:00, the usual time of club meetings."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=1440, initial=60, required=False
    )
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    board_guests = forms.ModelMultipleChoiceField(
        label=_("Guests from the union board"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    chair_present = forms.BooleanField(label=_("The union's chair took part"), required=False)
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    initiatives = forms.ModelMultipleChoiceField(
        label=_("Strategy initiatives the meeting served"),
        queryset=Initiative.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    QUICK_FIELDS = ("date", "kind", "status", "attendance")

    def __init__(self, *args, host: Club | TRNetwork, **kwargs) -> None:
        self.host = host
        super().__init__(*args, **kwargs)
        self.fields["status"].widget.attrs["class"] = "form-radio"

    def order_fields(self, field_order) -> None:
        # Runs inside Form.__init__, before PortalFormMixin validates a bound form to mark
        # invalid fields, so the choices must be in place here rather than after super().__init__().
        super().order_fields(field_order)
        model_choice_field(self, "board_guests").queryset = User.objects.filter(
            memberships__organization_id=self.host.organization_id, memberships__role=Role.BOARD
        ).distinct()
        # Archived plans are not offered; links the meeting already has to them are kept.
        linked = [i.pk for i in self.initial.get("initiatives", [])]
        model_choice_field(self, "initiatives").queryset = (
            Initiative.objects.filter(focus_area__plan__organization_id=self.host.organization_id)
            .filter(Q(focus_area__plan__archived_at__isnull=True) | Q(pk__in=linked))
            .order_by("focus_area__plan", "focus_area", "pk")
        )
        if isinstance(self.host, Club):
            self.fields["attendance"].widget.attrs["max"] = self.host.member_count

    @classmethod
    def initial_for(cls, meeting: ClubMeeting | None) -> dict:
        if meeting is None:
            return {"date": timezone.localdate(), "duration_minutes": 60}
        local = timezone.localtime(meeting.starts_at)
        return {
            "date": local.date(),
            "time": local.time(),
            "kind": meeting.kind,
            "status": meeting.status,
            "attendance": meeting.attendance,
            "duration_minutes": meeting.duration_minutes,
            "location": meeting.location,
            "agenda": meeting.agenda,
            "board_guests": list(meeting.board_guests.all()),
            "chair_present": meeting.chair_present,
            "minutes": meeting.minutes,
            "initiatives": list(meeting.initiatives.all()),
        }

    def window_organization(self):
        return self.host.organization

    def quick_fields(self):
        return [self[name] for name in self.QUICK_FIELDS]

    def detail_fields(self):
        return [self[name] for name in self.fields if name not in self.QUICK_FIELDS]

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if self.errors:
            return data
        data["starts_at"] = datetime.combine(
            data["date"], data.get("time") or DEFAULT_TIME, tzinfo=timezone.get_current_timezone()
        )
        problems = club_meeting_problems(
            host=self.host,
            starts_at=data["starts_at"],
            status=data["status"],
            attendance=data.get("attendance"),
        )
        for field, message in problems.items():
            self.add_error(field, message)
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "starts_at": data["starts_at"],
            "kind": data["kind"],
            "status": data["status"],
            "attendance": data.get("attendance"),
            "duration_minutes": data.get("duration_minutes") or 60,
            "location": data["location"],
            "agenda": data["agenda"],
            "minutes": data["minutes"],
            "chair_present": data["chair_present"],
        }


class ApplicationForm(DateWindowMixin, PortalFormMixin, forms.ModelForm):
    window_fields = ("event_date",)

    class Meta:
        model = ClubFundApplication
        fields = ["purpose", "event_date", "amount", "participants"]
        widgets = {"event_date": DateInput}
        help_texts = {
            "purpose": _("What the money is for, for example a club meeting with dinner or a course day."),
        }
        error_messages = {"purpose": {"required": _("Say what the money is for.")}}

    def order_fields(self, field_order) -> None:
        # Before PortalFormMixin validates the bound form (see ClubMeetingForm.order_fields).
        super().order_fields(field_order)
        event_date = self.fields["event_date"]
        assert isinstance(event_date, forms.DateField)
        event_date.input_formats = DATE_INPUT_FORMATS

    def __init__(self, *args, currency: str, organization, **kwargs) -> None:
        self.organization = organization
        super().__init__(*args, **kwargs)
        self.fields["amount"].label = gettext("Amount (%(currency)s)") % {
            "currency": currency_label(currency)
        }
        self.fields["amount"].widget.attrs["inputmode"] = "decimal"
        self.fields["participants"].widget.attrs["inputmode"] = "numeric"

    def window_organization(self):
        return self.organization


class DecisionForm(PortalFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=pgettext_lazy("club-fund application", "Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
    )
    note = forms.CharField(
        label=_("Note to the shop steward"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you reject."),
    )

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if data.get("decision") == "reject" and not data.get("note", "").strip():
            self.add_error("note", _("Say why the application is rejected."))
        return data


class FundRulesForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = ClubFundRules
        fields = ["amount_per_member_year", "cap_per_member_event", "days_in_advance"]

    def __init__(self, *args, currency: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            "amount_per_member_year": gettext("Amount per member per year (%(currency)s)"),
            "cap_per_member_event": gettext("Cap per participant per event (%(currency)s)"),
        }
        for name, label in labels.items():
            self.fields[name].label = label % {"currency": currency_label(currency)}


class ClubFilterForm(PortalFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=OrgUnit.objects.none(), required=False, widget=FastSelect
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    missing = forms.BooleanField(label=_("Only clubs missing the yearly meeting"), required=False)
    pending = forms.BooleanField(label=_("Only clubs with applications to decide"), required=False)

    def __init__(self, *args, organization, **kwargs) -> None:
        self.organization = organization
        super().__init__(*args, **kwargs)

    def order_fields(self, field_order) -> None:
        # Before PortalFormMixin validates the bound form (see ClubMeetingForm.order_fields).
        super().order_fields(field_order)
        # Areas are the units above the workplaces: those with units below them.
        area = model_choice_field(self, "area")
        area.empty_label = _("All areas")
        offer(area, OrgUnit.objects.filter(organization=self.organization, numchild__gt=0).order_by("path"))
