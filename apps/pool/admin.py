from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    BudgetLine,
    PlannedStep,
    PoolApplication,
    PoolCall,
    PoolTheme,
    RankingSession,
    Signature,
    StepEvent,
    TargetGroup,
    TextRequirement,
    ThemeRanking,
)


class PoolCallAdminForm(forms.ModelForm):
    required_fields = forms.MultipleChoiceField(
        label=_("required fields"),
        choices=TextRequirement.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = PoolCall
        fields = [
            "name",
            "funder",
            "year",
            "minimum_eligible_expenses",
            "application_deadline",
            "required_fields",
            "requirements_text",
        ]


class PoolThemeInline(admin.TabularInline):
    model = PoolTheme
    extra = 0


class PlannedStepInline(admin.TabularInline):
    model = PlannedStep
    extra = 0


@admin.register(PoolCall)
class PoolCallAdmin(admin.ModelAdmin):
    form = PoolCallAdminForm
    list_display = ["name", "year", "application_deadline", "minimum_eligible_expenses"]
    inlines = [PoolThemeInline, PlannedStepInline]


class TargetGroupInline(admin.TabularInline):
    model = TargetGroup
    extra = 0


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


class SignatureInline(admin.TabularInline):
    model = Signature
    extra = 0
    readonly_fields = ["user", "role", "signed_at", "version_hash", "voided_at"]
    can_delete = False


class StepEventInline(admin.TabularInline):
    model = StepEvent
    extra = 0
    readonly_fields = ["from_step", "to_step", "by", "at", "note"]
    can_delete = False


@admin.register(PoolApplication)
class PoolApplicationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organization", "call", "status"]
    list_filter = ["status", "call"]
    raw_id_fields = ["project_group"]
    inlines = [TargetGroupInline, BudgetLineInline, SignatureInline, StepEventInline]


class ThemeRankingInline(admin.TabularInline):
    model = ThemeRanking
    extra = 0
    readonly_fields = ["token", "submitted_at"]


@admin.register(RankingSession)
class RankingSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "meeting_date", "closed_at"]
    raw_id_fields = ["facilitator"]
    inlines = [ThemeRankingInline]
