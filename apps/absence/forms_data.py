"""Forms of the data pages: the import upload and the statistics filter."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.forms import PortalFormMixin

from .forms import FastSelect
from .imports.files import COLUMNS, KINDS

INDENT = "\u2003"  # an em space per level shows the unit tree in the select


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


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
    """Sets the unit choices before PortalFormMixin validates the bound form."""

    def __init__(self, *args, units=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("The whole organisation"))] + [
            (u.code, f"{INDENT * (u.depth - 1)}{u.name} ({u.code})") for u in units
        ]


class StatisticsFilterForm(PortalFormMixin, _UnitChoices):
    unit = forms.ChoiceField(label=_("Unit"), required=False, widget=FastSelect)
    as_of = forms.DateField(
        label=_("Rolling year up to"),
        required=False,
        widget=DateInput(),
        help_text=_("The figures cover the 12 months up to and including this day."),
    )

    def clean_as_of(self):
        value = self.cleaned_data["as_of"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Choose today or a day in the past."))
        return value
