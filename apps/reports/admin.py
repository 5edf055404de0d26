from django.contrib import admin

from .models import AnnualReport, PullQuote, ReportGeneration, ReportSectionChoice


class ReportSectionChoiceInline(admin.TabularInline):
    model = ReportSectionChoice
    extra = 0


class PullQuoteInline(admin.TabularInline):
    model = PullQuote
    extra = 0


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "year", "status", "report_date"]
    list_filter = ["status", "organization"]
    search_fields = ["title", "organization__name"]
    inlines = [ReportSectionChoiceInline, PullQuoteInline]


@admin.register(ReportGeneration)
class ReportGenerationAdmin(admin.ModelAdmin):
    list_display = ["report", "status", "progress", "created_at", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["report__organization"]
    readonly_fields = ["created_at", "finished_at"]
