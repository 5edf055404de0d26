from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from apps.core.forms import FastSelect, PortalFormMixin

from .health import validate_note
from .imports.files import COLUMNS, KINDS
from .models import (
    CONTACT_PRESETS,
    NOTE_MAX_LENGTH,
    NOTE_WARNING,
    AbsenceType,
    Adjustment,
    Advisory,
    AdvisoryPolicy,
    ContactForm,
    FollowUpOutcome,
)


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
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=NOTE_WARNING,
        validators=[validate_note],
    )

    def clean_fraction(self) -> Decimal:
        value = self.cleaned_data["fraction"]
        if not (Decimal("0") < value <= Decimal("1")):
            raise forms.ValidationError(_("The fraction must be above 0 and at most 1."))
        return value

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day cannot be before the first day."))
        return data


class StepForm(forms.Form):
    """One step of an advisory and what the follow-up found. Every field but the status is optional:
    "mark as seen" needs none of them."""

    to_status = forms.ChoiceField(choices=Advisory.Status.choices)
    contact_form = forms.ChoiceField(
        label=_("Contact"), required=False, choices=[("", "–"), *ContactForm.choices]
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", "–"), *FollowUpOutcome.choices]
    )
    adjustments = forms.MultipleChoiceField(
        label=_("Agreed adjustments"),
        required=False,
        choices=Adjustment.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    next_contact = forms.DateField(label=_("Next contact"), required=False, widget=DateInput())
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=NOTE_WARNING,
        validators=[validate_note],
    )

    def clean_adjustments(self) -> list[str]:
        value = self.cleaned_data["adjustments"]
        if Adjustment.NONE in value and len(value) > 1:
            raise forms.ValidationError(_("“None” cannot be chosen together with an adjustment."))
        return value

    def step_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "to_status"}


class NoteReviewForm(PortalFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Keep what was agreed and done, at most 200 characters; leave it empty to clear it."),
        validators=[validate_note],
    )


PAGE_SIZES = (25, 50, 100)


def _one_of(value: str, offered: set[str]) -> str:
    """``value`` if it is one of the ``offered`` choices, else Django's own "not one of the choices"."""
    if value not in offered:
        raise forms.ValidationError(
            forms.ChoiceField.default_error_messages["invalid_choice"],  # Django's, translated
            code="invalid_choice",
            params={"value": value},
        )
    return value


class QueueFilterForm(forms.Form):
    """The queue's filters and page size, all in the URL. Unit and leader are plain fields checked
    against the offered values: a ChoiceField normalises every one of thousands of choices on each
    request."""

    # Not PortalFormMixin: its __init__ validates before the choices below exist.
    unit = forms.CharField(label=_("Unit"), required=False, widget=FastSelect(attrs={"class": "form-select"}))
    leader = forms.CharField(
        label=_("Leader"), required=False, widget=FastSelect(attrs={"class": "form-select"})
    )
    overdue = forms.BooleanField(
        label=_("Only overdue"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
    )
    per_page = forms.CharField(
        label=_("Per page"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}, choices=[(str(n), str(n)) for n in PAGE_SIZES]),
    )

    def __init__(self, *args, units=(), leaders=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget.choices = [("", _("All units"))] + [
            (u.code, f"{u.name} ({u.code})") for u in units
        ]
        self.fields["leader"].widget.choices = [("", _("All leaders"))] + [
            (str(pk), name) for pk, name in leaders
        ]
        self._offered = {
            name: {str(value) for value, _label in self.fields[name].widget.choices}
            for name in ("unit", "leader")
        }

    def _offered_value(self, name: str) -> str:
        return _one_of(self.cleaned_data.get(name, ""), self._offered[name])

    def clean_unit(self) -> str:
        return self._offered_value("unit")

    def clean_leader(self) -> str:
        return self._offered_value("leader")

    def clean_per_page(self) -> int:
        # Any other size (an old bookmark, a typed URL) shows the default page rather than an error.
        value = self.cleaned_data.get("per_page", "")
        return int(value) if value in {str(n) for n in PAGE_SIZES} else PAGE_SIZES[0]

    def filters(self) -> dict:
        """The filters that check out, each on its own: a refused unit does not drop the page size.
        Defaults for an unbound form (the first visit)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "unit": data.get("unit", ""),
            "leader": data.get("leader", ""),
            "overdue": data.get("overdue", False),
            "per_page": data.get("per_page", PAGE_SIZES[0]),
        }


class AdvisoryIdsField(forms.Field):
    """The ids of the advisories ticked in the queue (one ``advisories`` value per checkbox)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Choose at least one advisory."),
        "invalid": _("The chosen advisories could not be read; reload the page and try again."),
        "too_many": _("Choose at most %(limit)d advisories at a time."),
    }

    def to_python(self, value) -> list[int]:
        try:
            ids = list(dict.fromkeys(int(v) for v in value or []))
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if len(ids) > PAGE_SIZES[-1]:
            raise forms.ValidationError(
                self.error_messages["too_many"], code="too_many", params={"limit": PAGE_SIZES[-1]}
            )
        return ids


class QueueBulkForm(forms.Form):
    """One action on the advisories ticked in the queue: mark them seen, or (HR) assign a leader."""

    SEEN = "seen"
    ASSIGN = "assign"

    advisories = AdvisoryIdsField()
    action = forms.ChoiceField(choices=[(SEEN, _("Mark as seen")), (ASSIGN, _("Assign to leader"))])
    leader = forms.CharField(required=False)

    def __init__(self, *args, leaders=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._leaders = {str(pk): name for pk, name in leaders}

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if data.get("action") == self.ASSIGN:
            leader = data.get("leader", "")
            if not leader:
                self.add_error("leader", _("Choose the leader who is to follow the advisories up."))
            elif leader not in self._leaders:
                self.add_error("leader", _("That leader cannot be chosen; reload the page and try again."))
            else:
                data["leader"] = int(leader)
        return data


TYPE_FLAG_FIELDS = {
    "advisory_types": "advisories",
    "percentage_types": "percentage",
    "bradford_types": "bradford",
}


def _int_list(text: str) -> list[int] | None:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        return None


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
    advisory_types = forms.MultipleChoiceField(
        label=_("Types that count toward contact advisories"),
        choices=AbsenceType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    percentage_types = forms.MultipleChoiceField(
        label=_("Types that count toward the absence percentage"),
        choices=AbsenceType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    bradford_types = forms.MultipleChoiceField(
        label=_("Types that count toward the Bradford factor"),
        choices=AbsenceType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    spells_rule_count = forms.IntegerField(label=_("Frequent absence: spells"), min_value=1, required=False)
    spells_rule_months = forms.IntegerField(
        label=_("within months"), min_value=1, max_value=36, required=False
    )
    days_rule_count = forms.IntegerField(label=_("Frequent absence: days"), min_value=1, required=False)
    days_rule_months = forms.IntegerField(label=_("within months"), min_value=1, max_value=36, required=False)
    short_absence_max_days = forms.IntegerField(
        label=_("Short absence is at most (days)"), min_value=1, max_value=365
    )
    bradford_bands = forms.CharField(
        label=_("Bradford bands"),
        help_text=_("Lower limits of the bands, ascending, e.g. 51, 201, 401, 601."),
    )
    work_injury_report_days = forms.IntegerField(
        label=_("Report a work injury within (days)"), min_value=1, max_value=60
    )
    retention_years = forms.IntegerField(label=_("Retention period (years)"), min_value=1, max_value=20)

    @classmethod
    def initial_from(cls, policy: AdvisoryPolicy) -> dict:
        preset = next((key for key, days in CONTACT_PRESETS.items() if days == policy.contact_days), "custom")
        rules = {rule.get("kind"): rule for rule in policy.frequent_rules or []}
        initial = {
            "preset": preset,
            "custom_days": ", ".join(str(d) for d in policy.contact_days),
            "day_counting": policy.day_counting,
            "join_across_non_working_days": policy.join_across_non_working_days,
            "extra_days_off": ", ".join(policy.extra_days_off or []),
            "short_absence_max_days": policy.short_absence_max_days,
            "bradford_bands": ", ".join(str(b) for b in policy.bradford_bands),
            "work_injury_report_days": policy.work_injury_report_days,
            "retention_years": policy.retention_years,
            "spells_rule_count": rules.get("spells", {}).get("count"),
            "spells_rule_months": rules.get("spells", {}).get("months"),
            "days_rule_count": rules.get("days", {}).get("count"),
            "days_rule_months": rules.get("days", {}).get("months"),
        }
        for name, key in TYPE_FLAG_FIELDS.items():
            initial[name] = policy.types_for(key)
        return initial

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        preset = data.get("preset")
        if preset == "custom":
            days = sorted(set(_int_list(data.get("custom_days") or "") or []))
            if not days or days[0] < 1:
                self.add_error("custom_days", _("Give whole days of at least 1, separated by commas."))
            data["contact_days"] = days
        elif preset:
            data["contact_days"] = list(CONTACT_PRESETS[preset])
        data["extra_days_off"] = [
            p.strip() for p in (data.get("extra_days_off") or "").split(",") if p.strip()
        ]
        bands = _int_list(data.get("bradford_bands") or "")
        if not bands or any(b < 1 for b in bands) or bands != sorted(set(bands)):
            self.add_error("bradford_bands", _("Give ascending whole numbers separated by commas."))
        data["bradford_bands"] = bands
        rules = []
        for kind in ("spells", "days"):
            count, months = data.get(f"{kind}_rule_count"), data.get(f"{kind}_rule_months")
            if (count is None) != (months is None):
                self.add_error(f"{kind}_rule_months", _("Fill in both numbers of the rule, or neither."))
            elif count is not None:
                rules.append({"kind": kind, "count": count, "months": months})
        data["frequent_rules"] = rules
        return data

    def policy_fields(self) -> dict:
        data = self.cleaned_data
        type_settings = {
            code: {key: code in data[name] for name, key in TYPE_FLAG_FIELDS.items()}
            for code in AbsenceType.values
        }
        return {
            "contact_days": data["contact_days"],
            "day_counting": data["day_counting"],
            "join_across_non_working_days": data["join_across_non_working_days"],
            "extra_days_off": data["extra_days_off"],
            "type_settings": type_settings,
            "frequent_rules": data["frequent_rules"],
            "short_absence_max_days": data["short_absence_max_days"],
            "bradford_bands": data["bradford_bands"],
            "work_injury_report_days": data["work_injury_report_days"],
            "retention_years": data["retention_years"],
        }


# The import upload and the statistics filter.

INDENT = "\u2003"  # an em space per level shows the unit tree in the select


class ImportUploadForm(PortalFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=list(KINDS.items()),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV with a header row as Excel saves it (semicolons or commas, UTF-8 or Windows-1252) or an "
            "Excel workbook (.xlsx) with the columns in the first sheet. Large files are fine: they are "
            "checked in the background and you get an email."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].help_text = _(
            "Columns - units: %(units)s; employees: %(employees)s; absence registrations: %(absences)s."
        ) % {kind: ",".join(columns) for kind, columns in COLUMNS.items()}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.PORTAL_IMPORT_MAX_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB; split it or use the import command.")
                % {"size": limit}
            )
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(_("Upload a CSV file (.csv) or an Excel workbook (.xlsx)."))
        return upload


class _UnitChoices(forms.Form):
    """Sets the unit choices before PortalFormMixin validates the bound form. The unit is a plain field
    checked against the codes offered: a ChoiceField normalises each of thousands of choices on every
    request."""

    def __init__(self, *args, units=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("The whole organisation"))] + [
            (u.code, f"{INDENT * (u.depth - 1)}{u.name} ({u.code})") for u in units
        ]
        self.fields["unit"].widget.choices = choices
        self._unit_codes = {code for code, _label in choices}

    def clean_unit(self) -> str:
        return _one_of(self.cleaned_data.get("unit", ""), self._unit_codes)


# The earliest day the statistics are asked for: their windows reach two years and a month further back,
# and nothing in the portal is that old (year 1 made the month arithmetic fail with a server error).
STATISTICS_EARLIEST_AS_OF = date(2000, 1, 1)


class StatisticsFilterForm(PortalFormMixin, _UnitChoices):
    unit = forms.CharField(label=_("Unit"), required=False, widget=FastSelect)
    as_of = forms.DateField(
        label=_("Rolling year up to"),
        required=False,
        widget=DateInput(attrs={"min": STATISTICS_EARLIEST_AS_OF.isoformat()}),
        help_text=_("The figures cover the 12 months up to and including this day."),
    )

    def clean_as_of(self):
        value = self.cleaned_data["as_of"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Choose today or a day in the past."))
        if value and value < STATISTICS_EARLIEST_AS_OF:
            raise forms.ValidationError(
                _("Choose a day from %(day)s on.")
                % {"day": date_format(STATISTICS_EARLIEST_AS_OF, "SHORT_DATE_FORMAT")}
            )
        return value
