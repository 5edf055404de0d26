from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import PortalFormMixin

from .models import AnnualReport, PullQuote, ReportSectionChoice


class _ErrorIdsMixin:
    """Points aria-describedby at the error element's real id, which carries the form's prefix.

    Several forms share the editor page, so they use prefixes; ``_field.html`` names the error
    element after the bound field's ``auto_id``.
    """

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"  # type: ignore[index]


class ReportCreateForm(_ErrorIdsMixin, PortalFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, organization, **kwargs) -> None:
        self.organization = organization
        super().__init__(*args, **kwargs)

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if AnnualReport.objects.filter(organization=self.organization, year=year).exists():
            raise forms.ValidationError(_("There is already a report for this year."))
        return year


class ReportForm(_ErrorIdsMixin, PortalFormMixin, forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = ["title", "report_date", "language", "foreword", "signed_by", "on_behalf_of"]
        widgets = {
            "report_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "foreword": forms.Textarea(attrs={"rows": 12}),
        }


class SectionIntroductionForm(_ErrorIdsMixin, PortalFormMixin, forms.ModelForm):
    class Meta:
        model = ReportSectionChoice
        fields = ["introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 3})}


class PullQuoteForm(_ErrorIdsMixin, PortalFormMixin, forms.ModelForm):
    section_key = forms.ChoiceField(label=_("Section"), required=False)

    class Meta:
        model = PullQuote
        fields = ["text", "attribution", "section_key"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, sections: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        section_key = self.fields["section_key"]
        assert isinstance(section_key, forms.ChoiceField)  # declared above
        section_key.choices = [("", _("With the foreword")), *sections]
        self.fields["section_key"].help_text = PullQuote._meta.get_field("section_key").help_text


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])
