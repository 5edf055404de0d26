from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import PortalFormMixin

from .models import CONTACT_PRESETS, NOTE_WARNING, AbsenceType, Advisory, AdvisoryPolicy


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class RegistrationForm(PortalFormMixin, forms.Form):
    absence_type = forms.ChoiceField(label=_("Absence type"), choices=AbsenceType.choices)
    start_date = forms.DateField(label=_("First day"), widget=DateInput())
    end_date = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty while the absence goes on."),
    )
    fraction = forms.DecimalField(
        label=_("Fraction"),
        initial=Decimal("1"),
        max_digits=4,
        decimal_places=3,
        help_text=_("The share of the working time absent: 1 for whole days, e.g. 0.5 for half days."),
    )

    def clean_fraction(self) -> Decimal:
        value = self.cleaned_data["fraction"]
        if not (Decimal("0") < value <= Decimal("1")):
            raise forms.ValidationError(_("The fraction must be above 0 and at most 1."))
        return value

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day cannot be before the first day."))
        return data


class StepForm(forms.Form):
    to_status = forms.ChoiceField(choices=Advisory.Status.choices)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea, help_text=NOTE_WARNING
    )


class QueueFilterForm(forms.Form):
    # Not PortalFormMixin: its __init__ validates before the choices below exist.
    unit = forms.ChoiceField(
        label=_("Unit"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    leader = forms.ChoiceField(
        label=_("Leader"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, units=(), leaders=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("All units"))] + [
            (u.code, f"{u.name} ({u.code})") for u in units
        ]
        self.fields["leader"].choices = [("", _("All leaders"))] + [(str(pk), name) for pk, name in leaders]


class PolicyForm(PortalFormMixin, forms.Form):
    preset = forms.ChoiceField(
        label=_("Contact model"),
        choices=[(key, key) for key in CONTACT_PRESETS] + [("custom", _("Custom days"))],
    )
    custom_days = forms.CharField(
        label=_("Custom contact days"),
        required=False,
        help_text=_("Only for custom: whole days separated by commas, e.g. 2, 6, 14."),
    )
    day_counting = forms.ChoiceField(label=_("Day counting"), choices=AdvisoryPolicy.DayCounting.choices)
    join_across_non_working_days = forms.BooleanField(
        label=_("Join spells across weekends and holidays"), required=False
    )
    extra_days_off = forms.CharField(
        label=_("Extra days off"),
        required=False,
        help_text=_("Days off by agreement besides public holidays, as MM-DD separated by commas."),
    )
    retention_years = forms.IntegerField(label=_("Retention period (years)"), min_value=1, max_value=20)

    def clean(self) -> dict:
        data = super().clean()
        preset = data.get("preset")
        if preset == "custom":
            try:
                days = sorted(
                    {int(part) for part in (data.get("custom_days") or "").split(",") if part.strip()}
                )
            except ValueError:
                days = []
            if not days or days[0] < 1:
                self.add_error("custom_days", _("Give whole days of at least 1, separated by commas."))
            data["contact_days"] = days
        elif preset:
            data["contact_days"] = list(CONTACT_PRESETS[preset])
        data["extra_days_off"] = [
            p.strip() for p in (data.get("extra_days_off") or "").split(",") if p.strip()
        ]
        return data
