from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.core.dates import DateWindow, DateWindowMixin, is_absurd_year
from apps.core.forms import FastSelect, PortalFormMixin, model_choice_field, offer
from apps.organizations.models import Organization, OrgUnit, User

from .models import FocusArea, Goal, Initiative, InitiativeComment, StrategyPlan
from .selectors import overlapping_plan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PROGRESS_VALIDATORS = [
    MinValueValidator(0, message=_("Progress is a percentage from 0 to 100.")),
    MaxValueValidator(100, message=_("Progress is a percentage from 0 to 100.")),
]


def check_one_current_plan(
    form: forms.BaseForm, organization: Organization, data: dict, exclude_pk: int | None = None
) -> None:
    """The form error for a period that another current plan of the organisation already covers."""
    from .services import overlap_message

    start, end = data.get("start_year"), data.get("end_year")
    if not (isinstance(start, int) and isinstance(end, int)) or end < start:
        return
    if is_absurd_year(start) or is_absurd_year(end):
        return
    other = overlapping_plan(organization=organization, start_year=start, end_year=end, exclude_pk=exclude_pk)
    if other is not None:
        form.add_error("start_year", overlap_message(other))


def plan_period_warning(name: str, value: int, window: DateWindow, data: dict) -> str | None:
    """A plan's first year must lie in the window; its last year may lie beyond it, as long as the
    plan is not longer than the window reaches ahead (a 4-year plan starting in 3 years is normal)."""
    start = data.get("start_year")
    if name == "end_year" and isinstance(start, int) and not is_absurd_year(start):
        if value - start <= window.years_ahead:
            return None
        return ngettext(
            "The plan would run for more than %(years)d year. Check the last year, and if it is right, "
            "tick “Yes, this date is right” and save again.",
            "The plan would run for more than %(years)d years. Check the last year, and if it is right, "
            "tick “Yes, this date is right” and save again.",
            window.years_ahead,
        ) % {"years": window.years_ahead}
    return None if window.contains(value) else window.warning(value)


class LimitChoicesMixin:
    """Narrows choice querysets to the plan's organisation before anything validates.

    It sits between PortalFormMixin (which looks at ``errors`` while initialising, and so validates)
    and the Django form class, so ``limit_choices`` runs first.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices()

    def limit_choices(self) -> None:
        raise NotImplementedError


class VersionMixin(forms.Form):
    """The version the editor loaded; the service refuses the save when it is no longer current."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PlanForm(DateWindowMixin, PortalFormMixin, forms.ModelForm):
    window_fields = ("start_year", "end_year")

    class Meta:
        model = StrategyPlan
        fields = ["title", "start_year", "end_year", "introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        self.organization = organization
        super().__init__(*args, **kwargs)

    def window_organization(self) -> Organization:
        return self.organization

    def window_warning(self, name: str, value, window: DateWindow, data: dict) -> str | None:
        return plan_period_warning(name, value, window, data)

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The last year cannot be before the first year."))
        if not (self.instance.pk and self.instance.archived):
            check_one_current_plan(self, self.organization, data, exclude_pk=self.instance.pk)
        return data


class FocusAreaForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = FocusArea
        fields = ["title", "focus", "narrative"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 5})}


class FocusAreaEditForm(VersionMixin, FocusAreaForm):
    pass


class GoalForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = Goal
        fields = [
            "text",
            "indicator_unit",
            "indicator_baseline",
            "indicator_target",
            "indicator_current",
            "indicator_target_date",
        ]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "indicator_target_date": DATE}
        help_texts = {
            "indicator_unit": _(
                "For example %, members or agreements. For a change that can be negative, say so: "
                "“percentage points” or “change in members”."
            ),
        }

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        baseline, target = data.get("indicator_baseline"), data.get("indicator_target")
        if baseline is not None and target is not None and baseline == target:
            self.add_error(
                "indicator_target",
                _("The target must differ from the baseline, or progress cannot be measured."),
            )
        if (baseline is None) != (target is None):
            missing = "indicator_target" if target is None else "indicator_baseline"
            self.add_error(missing, _("An indicator needs both a baseline and a target."))
        return data

    def validate_constraints(self, exclude=None):
        # The field-level message above says it better than the database constraint's generic one.
        pass


class GoalEditForm(VersionMixin, GoalForm):
    pass


class ImplementsChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.get_level_display()}: {obj.text[:110]}"


class GoalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.text[:120]


class InitiativeForm(PortalFormMixin, LimitChoicesMixin, forms.ModelForm):
    progress = forms.IntegerField(label=_("Progress (%)"), initial=0, validators=PROGRESS_VALIDATORS)

    class Meta:
        model = Initiative
        fields = [
            "text",
            "goal",
            "level",
            "implements",
            "responsible_unit",
            "responsible_person",
            "status",
            "progress",
            "weight",
            "start_date",
            "due_date",
        ]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "start_date": DATE, "due_date": DATE}
        field_classes = {"implements": ImplementsChoiceField, "goal": GoalChoiceField}
        error_messages = {
            "weight": {
                "min_value": _("The weight is a whole number from 1 to 100."),
                "max_value": _("The weight is a whole number from 1 to 100."),
            }
        }

    def __init__(self, *args, focus_area: FocusArea, **kwargs) -> None:
        self.focus_area = focus_area
        super().__init__(*args, **kwargs)

    def limit_choices(self) -> None:
        plan = self.focus_area.plan
        model_choice_field(self, "goal").queryset = Goal.objects.filter(focus_area=self.focus_area)
        # A local union's measure may carry out a county measure, which in turn carries out a national one.
        implements = Initiative.objects.filter(
            focus_area__plan=plan, level__in=[Initiative.Level.NATIONAL, Initiative.Level.COUNTY]
        )
        if self.instance.pk:
            implements = implements.exclude(pk=self.instance.pk)
        model_choice_field(self, "implements").queryset = implements
        self.fields["weight"].required = False
        model_choice_field(self, "responsible_unit").queryset = OrgUnit.objects.filter(
            organization_id=plan.organization_id
        )
        model_choice_field(self, "responsible_person").queryset = User.objects.filter(
            memberships__organization_id=plan.organization_id
        ).distinct()

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        start, due = data.get("start_date"), data.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", _("The due date cannot be before the start date."))
        if "weight" in data and data["weight"] is None:
            # Left empty (or posted by a form that does not show it): the weight stays as it is.
            data["weight"] = self.instance.weight
        return data

    def validate_constraints(self, exclude=None):
        # Field-level messages (progress, dates, level) cover every constraint with clearer words.
        pass


class InitiativeEditForm(VersionMixin, InitiativeForm):
    pass


class InitiativeStatusForm(PortalFormMixin, VersionMixin):
    """Status and progress set in place in the initiative's item (``initiative_status_set``)."""

    status = forms.ChoiceField(label=_("Status"), choices=Initiative.Status.choices)
    progress = forms.IntegerField(label=_("Progress (%)"), validators=PROGRESS_VALIDATORS)


class InitiativeUpdateForm(PortalFormMixin, VersionMixin):
    """A dated progress update with a note (``initiative_update_post``)."""

    on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[("", _("Unchanged"))] + list(Initiative.Status.choices),
        required=False,
    )
    progress = forms.IntegerField(label=_("New progress (%)"), required=False, validators=PROGRESS_VALIDATORS)


class FilterForm(PortalFormMixin, LimitChoicesMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    focus_area = forms.ModelChoiceField(
        label=_("Focus area"), queryset=FocusArea.objects.none(), required=False
    )
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", _("All"))] + list(Initiative.Level.choices), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All"))] + list(Initiative.Status.choices), required=False
    )
    responsible = forms.ModelChoiceField(
        label=_("Responsible unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("All"),
        widget=FastSelect,  # a union's whole unit tree: a thousand options
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args, plan: StrategyPlan, **kwargs) -> None:
        self.plan = plan
        super().__init__(*args, **kwargs)

    def limit_choices(self) -> None:
        model_choice_field(self, "focus_area").queryset = self.plan.focus_areas.order_by("position", "pk")
        model_choice_field(self, "focus_area").empty_label = _("All")
        offer(
            model_choice_field(self, "responsible"),
            OrgUnit.objects.filter(organization_id=self.plan.organization_id).order_by("path"),
        )


class CopyForm(DateWindowMixin, PortalFormMixin, forms.Form):
    window_fields = ("start_year", "end_year")

    title = forms.CharField(label=_("Title of the new plan"), max_length=200)
    # Years outside 1900-2200 are refused by DateWindowMixin, with the shared message.
    start_year = forms.IntegerField(label=_("First year"))
    end_year = forms.IntegerField(label=_("Last year"))
    carry_goals = forms.BooleanField(label=_("Carry over the goals"), required=False, initial=True)
    carry_indicator_baselines = forms.BooleanField(
        label=_("Use indicators' current values as the new baselines"), required=False, initial=True
    )
    carry_initiatives = forms.BooleanField(
        label=_("Carry over initiatives that are not done"),
        required=False,
        initial=True,
        help_text=_("They start over as planned at 0 %, without dates or updates."),
    )
    carry_links = forms.BooleanField(
        label=_("Keep links between local and national initiatives"), required=False, initial=True
    )

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        self.organization = organization
        super().__init__(*args, **kwargs)

    def window_organization(self) -> Organization:
        return self.organization

    def window_warning(self, name: str, value, window: DateWindow, data: dict) -> str | None:
        return plan_period_warning(name, value, window, data)

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The last year cannot be before the first year."))
        check_one_current_plan(self, self.organization, data)
        return data


class ImportForm(PortalFormMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "A file exported from a plan (.csv or .xlsx), also after editing it in Excel; the columns are "
            "described on this page."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class PublishForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = StrategyPlan
        fields = ["visibility", "stale_after_weeks"]
        widgets = {"visibility": forms.RadioSelect}
        error_messages = {
            "stale_after_weeks": {
                "min_value": _("Choose a number of weeks from 1 to 52, or leave it empty."),
                "max_value": _("Choose a number of weeks from 1 to 52, or leave it empty."),
            }
        }

    def validate_constraints(self, exclude=None):
        # The field messages above say it better than the database constraints' generic ones.
        pass


class CommentForm(PortalFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Your comment or question"),
        max_length=InitiativeComment.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=format_lazy(
            _(
                "At most {limit} characters. The board reads comments before they are shown; others see "
                "the comment without your name. Do not write about anyone's health or absence."
            ),
            limit=InitiativeComment.MAX_LENGTH,
        ),
        error_messages={"required": _("Write a comment or a question.")},
    )
