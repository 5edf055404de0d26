from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.dates import DateWindowMixin
from apps.core.forms import PortalFormMixin

from .models import AgendaAttachment, AgendaItem, Committee, ItemProposal, Meeting, Vote


class MedMeetingForm(DateWindowMixin, PortalFormMixin, forms.ModelForm):
    window_fields = ("date",)

    class Meta:
        model = Meeting
        fields = ["title", "date", "start_time", "planned_end", "location", "kind"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "planned_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, organization=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization

    def window_organization(self):
        return self.organization or self.instance.committee.organization

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        start, end = cleaned.get("start_time"), cleaned.get("planned_end")
        if start and end and end <= start:
            self.add_error("planned_end", _("The planned end must be after the start time."))
        return cleaned


class AgendaItemForm(PortalFormMixin, forms.ModelForm):
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=1,
        max_value=600,
        error_messages={"min_value": _("The duration must be at least one minute.")},
    )

    class Meta:
        model = AgendaItem
        fields = ["title", "kind", "duration_minutes", "presenter", "purpose", "proposed_decision", "closing"]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "proposed_decision": forms.Textarea(attrs={"rows": 2}),
        }


class DurationForm(PortalFormMixin, forms.Form):
    duration_minutes = forms.IntegerField(
        label=pgettext_lazy("duration", "Minutes"),
        min_value=1,
        max_value=600,
        error_messages={"min_value": _("The duration must be at least one minute.")},
    )


class DialogueStepForm(PortalFormMixin, forms.Form):
    text = forms.CharField(label=_("Step"), max_length=500)
    duration_minutes = forms.IntegerField(
        label=pgettext_lazy("duration", "Minutes"),
        min_value=1,
        max_value=600,
        error_messages={"min_value": _("The duration must be at least one minute.")},
    )


class QuestionForm(PortalFormMixin, forms.Form):
    text = forms.CharField(label=_("Question for discussion"), widget=forms.Textarea(attrs={"rows": 2}))


class MinutesForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["minutes", "outcome", "outcome_text"]
        widgets = {
            "minutes": forms.Textarea(attrs={"rows": 4}),
            "outcome_text": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        if cleaned.get("outcome") and self.instance.is_pause:
            self.add_error("outcome", _("A break or a meal has no decision."))
        return cleaned


class CorrectionForm(PortalFormMixin, forms.Form):
    new_text = forms.CharField(label=_("Corrected minutes"), widget=forms.Textarea(attrs={"rows": 4}))
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300)


class AttachmentForm(PortalFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Attachment"),
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument, text or image; at most 10 MB."),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
        if extension not in AgendaAttachment.ALLOWED_EXTENSIONS:
            raise forms.ValidationError(
                _("Files of this type cannot be attached. Allowed: %(types)s."),
                params={"types": ", ".join(AgendaAttachment.ALLOWED_EXTENSIONS)},
            )
        if file.size > AgendaAttachment.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large. The limit is %(mb)d MB."), params={"mb": 10}
            )
        return file


class CommitteeSettingsForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = Committee
        fields = ["quorum_rule", "quorum_management", "quorum_employees"]
        widgets = {
            "quorum_management": forms.NumberInput(attrs={"min": 1}),
            "quorum_employees": forms.NumberInput(attrs={"min": 1}),
        }

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        if cleaned.get("quorum_rule") != Committee.QuorumRule.MINIMUM_PER_SIDE:
            # The minima only apply to a fixed rule; leftovers from an earlier choice are dropped.
            cleaned["quorum_management"] = cleaned["quorum_employees"] = None
        return cleaned


class ProposalForm(PortalFormMixin, forms.ModelForm):
    duration_minutes = forms.IntegerField(
        label=_("Wanted duration (minutes)"),
        min_value=1,
        max_value=600,
        initial=15,
        error_messages={"min_value": _("The duration must be at least one minute.")},
    )

    class Meta:
        model = ItemProposal
        fields = ["title", "description", "duration_minutes"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"description": _("What should the committee discuss or decide, and why?")}


class DeclineForm(PortalFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The proposer gets it by email."),
        error_messages={"required": _("Tell the proposer why the item is declined.")},
    )


class VoteOpenForm(PortalFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Decision text"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    rule = forms.ChoiceField(
        label=_("Carried by"),
        choices=Vote.Rule.choices,
        initial=Vote.Rule.MAJORITY,
        help_text=_("Many MED agreements decide by consensus; a vote records where the sides stand."),
    )


class VoteCountForm(forms.Form):
    """For, against and abstaining per side; the service checks them against the seats of each side."""

    management_for = forms.IntegerField(label=_("For"), min_value=0, max_value=999, initial=0)
    management_against = forms.IntegerField(label=_("Against"), min_value=0, max_value=999, initial=0)
    management_abstain = forms.IntegerField(label=_("Abstaining"), min_value=0, max_value=999, initial=0)
    employee_for = forms.IntegerField(label=_("For"), min_value=0, max_value=999, initial=0)
    employee_against = forms.IntegerField(label=_("Against"), min_value=0, max_value=999, initial=0)
    employee_abstain = forms.IntegerField(label=_("Abstaining"), min_value=0, max_value=999, initial=0)
