from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.forms import PortalFormMixin, model_choice_field
from apps.organizations.models import User

from .models import PoolApplication, PoolCall, PoolTheme, RankingSession, Step, TextRequirement


# PortalFormMixin validates a bound form in its __init__ (to mark invalid fields), so querysets that
# depend on the request are narrowed in a base class below it in the MRO, before that validation runs.
class _ApplicationCreateFields(forms.Form):
    call = forms.ModelChoiceField(
        label=_("Call"), queryset=PoolCall.objects.order_by("-application_deadline")
    )
    title = forms.CharField(label=_("Working title"), max_length=200)
    ranking_session = forms.ModelChoiceField(
        label=_("Theme day"), queryset=RankingSession.objects.none(), required=False
    )

    def __init__(self, *args, organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "ranking_session").queryset = RankingSession.objects.filter(
            organization=organization
        )
        # Only calls still open: one whose deadline has passed takes no more applications.
        model_choice_field(self, "call").queryset = PoolCall.objects.filter(
            application_deadline__gte=timezone.localdate()
        ).order_by("application_deadline")


class ApplicationCreateForm(PortalFormMixin, _ApplicationCreateFields):
    pass


class RankingSessionForm(PortalFormMixin, forms.Form):
    call = forms.ModelChoiceField(
        label=_("Call"), queryset=PoolCall.objects.order_by("-application_deadline")
    )
    title = forms.CharField(label=_("Meeting"), max_length=200, help_text=_("For example: HU theme day."))
    meeting_date = forms.DateField(label=_("Meeting date"), widget=forms.DateInput(attrs={"type": "date"}))
    tables = forms.IntegerField(label=_("Number of tables"), min_value=1, max_value=60, initial=8)

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        call, day = data.get("call"), data.get("meeting_date")
        # A theme day prepares the call's application: in the call's year or the two before it.
        if call and day and not call.year - 2 <= day.year <= call.year:
            self.add_error(
                "meeting_date",
                _("A theme day for %(call)s is held in %(first)s to %(last)s.")
                % {"call": call.name, "first": call.year - 2, "last": call.year},
            )
        return data


class _ApplicationFields(forms.ModelForm):
    class Meta:
        model = PoolApplication
        fields = ["theme", *TextRequirement.values]
        widgets = {
            name: forms.Textarea(attrs={"rows": 5}) for name in TextRequirement.values if name != "title"
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "theme").queryset = PoolTheme.objects.filter(call_id=self.instance.call_id)
        model_choice_field(self, "theme").empty_label = _("No theme chosen yet")


class ApplicationForm(PortalFormMixin, _ApplicationFields):
    class Meta(_ApplicationFields.Meta):
        pass


class TargetGroupForm(PortalFormMixin, forms.Form):
    name = forms.CharField(label=_("Employee group"), max_length=200)
    employees_in_group = forms.IntegerField(label=_("Employees in the group"), min_value=0)
    benefitting = forms.IntegerField(label=_("Employees who benefit"), min_value=0)
    participants = forms.IntegerField(label=_("Employees who take part"), min_value=0)

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        employees = data.get("employees_in_group")
        if employees is None:
            return data
        benefitting, participants = data.get("benefitting"), data.get("participants")
        if benefitting is not None and benefitting > employees:
            self.add_error(
                "benefitting",
                _(
                    "%(benefitting)s of %(employees)s employees would be a share above 100 %%; "
                    "no more can benefit than there are in the group."
                )
                % {"benefitting": benefitting, "employees": employees},
            )
        if participants is not None and participants > employees:
            self.add_error(
                "participants",
                _("%(participants)s take part, but the group has only %(employees)s employees.")
                % {"participants": participants, "employees": employees},
            )
        return data


class BudgetLineForm(PortalFormMixin, forms.Form):
    text = forms.CharField(label=_("Expense"), max_length=200)
    amount = forms.IntegerField(label=_("Amount (DKK)"), min_value=0, max_value=10**12)
    eligible = forms.BooleanField(label=_("Eligible"), required=False, initial=True)


class _RowsFormSet(forms.BaseFormSet):
    """Rows left completely empty are ignored; rows marked for deletion are dropped."""

    def rows(self) -> list[dict]:
        initial = self.initial_form_count()
        return [
            {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
            for i, form in enumerate(self.forms)
            if (i < initial or form.has_changed())
            and form.cleaned_data
            and not form.cleaned_data.get("DELETE")
        ]


TargetGroupFormSet = forms.formset_factory(TargetGroupForm, formset=_RowsFormSet, extra=1, can_delete=True)
BudgetLineFormSet = forms.formset_factory(BudgetLineForm, formset=_RowsFormSet, extra=2, can_delete=True)


class ProjectGroupAddForm(PortalFormMixin, forms.Form):
    email = forms.EmailField(label=_("Email of the new project group member"))

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].lower()
        try:
            return User.objects.get(email__iexact=email)
        except User.DoesNotExist:
            raise forms.ValidationError(_("Nobody in the portal has this email address.")) from None


class AdvanceForm(PortalFormMixin, forms.Form):
    to_step = forms.ChoiceField(label=_("Move to"), choices=Step.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
