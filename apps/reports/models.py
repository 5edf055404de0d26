from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.organizations.models import Organization


class AnnualReport(models.Model):
    """The organisation's annual report ("beretning") for one year: the board's words around the data."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("annual report", "Draft")
        FINAL = "final", pgettext_lazy("annual report", "Final")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="annual_reports",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=200)
    foreword = models.TextField(
        _("foreword"), blank=True, help_text=_("Separate paragraphs with an empty line.")
    )
    signed_by = models.CharField(
        _("signed by"), max_length=200, blank=True, help_text=_("For example the chair's name and title.")
    )
    on_behalf_of = models.CharField(
        _("on behalf of"), max_length=200, blank=True, help_text=_("For example “on behalf of the board”.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    report_date = models.DateField(_("report date"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["organization", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="annualreport_unique_org_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="annualreport_year_range"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "final"]), name="annualreport_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.organization})"

    def get_permission_scope(self) -> tuple[int, None]:
        return self.organization_id, None

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL

    def foreword_paragraphs(self) -> list[str]:
        """Paragraphs split on empty lines; single line breaks stay inside a paragraph."""
        text = self.foreword.replace("\r\n", "\n").strip()
        return [p.strip() for p in text.split("\n\n") if p.strip()]


class ReportSectionChoice(models.Model):
    """Whether and where one data section (an app's ``report.py``) appears in a report."""

    report = models.ForeignKey(
        AnnualReport,
        verbose_name=_("annual report"),
        on_delete=models.CASCADE,
        related_name="section_choices",
    )
    key = models.CharField(_("section"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"))
    enabled = models.BooleanField(_("included"), default=True)
    introduction = models.TextField(_("introduction"), blank=True)

    class Meta:
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="reportsectionchoice_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.key}"

    def get_permission_scope(self) -> tuple[int, None]:
        return self.report.organization_id, None

    def introduction_paragraphs(self) -> list[str]:
        text = self.introduction.replace("\r\n", "\n").strip()
        return [p.strip() for p in text.split("\n\n") if p.strip()]


class PullQuote(models.Model):
    """A highlighted quotation printed in a section (or after the foreword when no section is given)."""

    report = models.ForeignKey(
        AnnualReport, verbose_name=_("annual report"), on_delete=models.CASCADE, related_name="pull_quotes"
    )
    text = models.TextField(_("quotation"), max_length=600)
    attribution = models.CharField(
        _("attribution"), max_length=200, blank=True, help_text=_("Who said it, for example a role.")
    )
    section_key = models.CharField(
        _("section"),
        max_length=40,
        blank=True,
        help_text=_("Without a section, the quotation is printed with the foreword."),
    )

    class Meta:
        verbose_name = _("pull quote")
        verbose_name_plural = _("pull quotes")
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return self.text[:60]

    def get_permission_scope(self) -> tuple[int, None]:
        return self.report.organization_id, None


def generation_upload_to(instance: ReportGeneration, filename: str) -> str:
    report = instance.report
    return f"reports/{report.organization.slug}/{report.year}/{filename}"


class ReportGeneration(models.Model):
    """One run of building the PDF, with the progress the page shows while it runs."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    report = models.ForeignKey(
        AnnualReport, verbose_name=_("annual report"), on_delete=models.CASCADE, related_name="generations"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    file = models.FileField(_("file"), upload_to=generation_upload_to, blank=True)
    error = models.TextField(_("error message"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("report generation")
        verbose_name_plural = _("report generations")
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="reportgeneration_progress_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_status_display()}"

    def get_permission_scope(self) -> tuple[int, None]:
        return self.report.organization_id, None

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
