"""Work in progress: the daily sweep's state and queue, and payroll import jobs with their files."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from apps.core import texts
from apps.organizations.models import Organization

from .employees import Employee

if TYPE_CHECKING:
    pass


class SweepState(models.Model):
    """Where the daily advisory sweep of one organisation has got to.

    The next sweep only needs to look at employees whose spells changed since (``PendingSweep``) and at
    spells that were still running after ``swept_through``: nothing else can have come due. A changed
    policy (``policy_fingerprint``), a first run or a run for an earlier day looks at everyone.
    """

    organization = models.OneToOneField(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    swept_through = models.DateField(_("swept through"), null=True, blank=True)
    policy_fingerprint = models.CharField(_("policy fingerprint"), max_length=64, blank=True)
    swept_at = models.DateTimeField(_("swept at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sweep state")
        verbose_name_plural = _("sweep states")

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.swept_through or '-'}"


class PendingSweep(models.Model):
    """An employee whose spells changed since the last sweep of their organisation took them in.

    Written in the same transaction as the spell change and before it (``services._sync_spells``), with
    an upsert that locks the row; the sweep deletes the rows no writer holds and reads their changes, so
    no change is missed.
    """

    employee = models.OneToOneField(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    marked_at = models.DateTimeField(_("marked at"))
    changed_from = models.DateField(
        _("changed from"), help_text=_("First day of the earliest spell that changed.")
    )

    class Meta:
        verbose_name = _("employee waiting for the sweep")
        verbose_name_plural = _("employees waiting for the sweep")

    def __str__(self) -> str:
        return f"{self.employee_id} ({self.marked_at:%Y-%m-%d %H:%M})"


class ImportStorage(FileSystemStorage):
    """Uploaded payroll files under MEDIA_ROOT/imports/: read by the import tasks, never served by URL."""

    @cached_property
    def base_location(self):
        # Follows MEDIA_ROOT when it changes (tests): the parent clears this cache on setting_changed.
        return str(Path(settings.MEDIA_ROOT) / "imports")

    def url(self, name):
        raise ValueError("uploaded payroll files are never served by URL")


def import_storage() -> ImportStorage:
    return ImportStorage()


def _import_file_name(job: ImportJob, filename: str) -> str:
    # A random name: the original name (often with the organisation and a date) stays in the database.
    suffix = Path(filename).suffix.lower()
    return f"{uuid.uuid4().hex}{suffix if suffix in ('.csv', '.txt', '.xlsx') else ''}"


class ImportJob(models.Model):
    """A payroll file uploaded in the browser, checked and imported by the worker (not in the request).

    The file is kept only until the job is finished or discarded. ``row_errors`` and ``preview_rows``
    hold the first rows for the preview page (values as in the file, with the reasons of a bad row);
    they are emptied when the import is done.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be checked")
        CHECKING = "checking", _("Being checked")
        CHECKED = "checked", _("Checked")
        IMPORTING = "importing", _("Being imported")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    RUNNING = (Status.QUEUED, Status.CHECKING, Status.IMPORTING)

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    kind = models.CharField(_("kind"), max_length=20)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    file = models.FileField(storage=import_storage, upload_to=_import_file_name, blank=True)
    filename = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    counts = models.JSONField(
        _("counts"), default=dict, blank=True
    )  # create / update / unchanged / bad, from the check
    file_error = models.TextField(
        _("problem with the file"), blank=True
    )  # the file as a whole could not be read
    row_errors = models.JSONField(default=list, blank=True)  # the first bad rows: line, values, reasons
    error_total = models.PositiveIntegerField(_("bad rows"), default=0)  # bad rows in the whole file
    preview_rows = models.JSONField(default=list, blank=True)  # the first good rows: line, values, action
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    advisories = models.PositiveIntegerField(_("advisories"), default=0)
    failure = models.TextField(_("why it failed"), blank=True)  # why a failed job failed, for the uploader
    # What ``file_error`` and ``failure`` say (``apps.core.texts``), to be read in the reader's language:
    # those two hold the text in the language it was written in (the uploader's), for the admin.
    said = models.JSONField(default=dict, blank=True)
    # When the job last showed life (uploaded, a progress step of the check, confirmed, sent again), and
    # how often the stuck-job sweep has sent it again: a job whose worker died is retried, then failed.
    heartbeat_at = models.DateTimeField(_("last sign of life"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("sent again"), default=0)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="absence_importjob_org_idx")]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def is_ready(self) -> bool:
        """Checked without a single problem: the uploader may import it."""
        return self.status == self.Status.CHECKED and not self.file_error and not self.error_total

    @property
    def is_refused(self) -> bool:
        return self.status == self.Status.CHECKED and not self.is_ready

    @property
    def file_error_text(self) -> str:
        """``file_error`` in the active language (as written, for a job checked before it was kept)."""
        return texts.say(self.said["file_error"]) if "file_error" in self.said else self.file_error

    @property
    def failure_text(self) -> str:
        """``failure`` in the active language (as written, for a job that failed before it was kept)."""
        return texts.say(self.said["failure"]) if "failure" in self.said else self.failure

    @property
    def percent(self) -> int:
        return int(self.rows_done * 100 / self.rows_total) if self.rows_total else 0
