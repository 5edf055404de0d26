"""Web imports, run by the worker: the upload is stored, checked (``parsing``), shown as a preview,
confirmed and imported (``applying``); the uploader is mailed at each step. ``import_jobs_sweep`` sends
jobs the worker lost again, then fails them."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from apps.core import texts
from apps.core.mail import portal_url, send_templated_email
from apps.organizations.models import Organization

from ..models import ImportJob
from .applying import import_file
from .files import KINDS
from .parsing import parse_import

logger = logging.getLogger(__name__)

IMPORT_PREVIEW_ROWS = 200  # good rows, and bad rows, kept for the preview page
IMPORT_PROGRESS_KEY = "absence:import-job:{pk}:progress"


class ImportQueueUnavailable(Exception):
    """The job could not be handed to the worker (the broker is unreachable)."""


def _send_or_raise(task, job_id: int) -> None:
    from kombu.exceptions import OperationalError as BrokerError

    try:
        task.delay(job_id)
    except (BrokerError, OSError) as error:
        logger.warning("import job %s could not be queued: %s", job_id, error)
        raise ImportQueueUnavailable from error


def _job_file_drop(job: ImportJob) -> None:
    """The stored payroll file goes as soon as it is no longer needed (finished, refused, discarded)."""
    if job.file:
        job.file.delete(save=False)
    job.file = ""


def _job_fail(job_id: int, reason: texts.Said) -> ImportJob:
    job = ImportJob.objects.select_related("organization", "uploaded_by").get(pk=job_id)
    _job_file_drop(job)
    job.status = ImportJob.Status.FAILED
    with translation.override(_job_language(job)):
        job.failure = texts.say(reason)  # as the uploader reads it, for the admin
    job.said = {**job.said, "failure": texts.stored(reason)}
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "failure", "said", "finished_at"])
    return job


def _keep_check(job: ImportJob, plan, bad: list[dict]) -> None:
    """The check's outcome on the job: counts, what is wrong with the file, the first bad rows with
    their reasons, each kept as what it says (``apps.core.texts``) to be read in the reader's language."""
    job.counts = {**plan.counts(), "rows": plan.row_count}
    job.file_error = str(plan.file_error)
    job.said = {key: value for key, value in job.said.items() if key != "file_error"}
    if plan.file_error:
        job.said["file_error"] = texts.stored(plan.file_error)
    job.error_total = job.counts["bad"]
    job.row_errors = [
        {**row, "reasons": [texts.stored(reason) for reason in row["reasons"]]}
        for row in bad[:IMPORT_PREVIEW_ROWS]
    ]


def _job_language(job: ImportJob) -> str:
    user = job.uploaded_by
    return (user.language if user is not None else "") or job.organization.language


def _job_mail(job: ImportJob, template: str) -> None:
    """Tell the uploader how the job went: counts and a link, never a name, number or absence."""
    user = job.uploaded_by
    if user is None or not user.email:
        return
    send_templated_email(
        user=user,
        template=f"absence/email/{template}",
        context={
            "job": job,
            "kind": KINDS.get(job.kind, job.kind),
            "organization": job.organization,
            "url": portal_url(reverse("absence:import_job", args=[job.organization.slug, job.pk])),
        },
        fallback_language=job.organization.language,
        fail_silently=True,
    )


@transaction.atomic
def import_job_start(*, organization: Organization, kind: str, upload, user) -> ImportJob:
    """Store the uploaded file and have the worker check it once this transaction has committed.

    Raises ``ImportQueueUnavailable`` (after the commit) when the broker refuses the job: the job is then
    marked failed and its file deleted, so nothing waits for ever.
    """
    from ..tasks import check_import_job_task

    job = ImportJob(organization=organization, kind=kind, uploaded_by=user, filename=upload.name[:255])
    job.file.save(upload.name, upload, save=False)
    job.save()

    def send() -> None:
        try:
            _send_or_raise(check_import_job_task, job.pk)
        except ImportQueueUnavailable:
            _job_fail(
                job.pk,
                texts.text(gettext_noop("The job queue was not reachable, so the file was not checked.")),
            )
            raise

    transaction.on_commit(send)
    return job


def import_job_check(*, job_id: int) -> ImportJob:
    """The worker's first step: read and validate the stored file (nothing is written to the data), keep
    the counts and the first rows for the preview, and mail the uploader.

    Not one transaction on purpose: each progress step is committed so the page polling the job sees
    the bar move.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.CHECKING, rows_done=0, rows_total=0
    )
    job = ImportJob.objects.select_related("organization", "uploaded_by").get(pk=job_id)
    if not claimed:  # checked already, or being checked by another copy of the task
        return job

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(
            rows_done=done, rows_total=total, heartbeat_at=timezone.now()
        )

    try:
        with job.file.open("rb") as stored, translation.override(_job_language(job)):
            plan = parse_import(job.organization, job.kind, stored.file, job.filename, progress=progress)
            bad, good = plan.preview(limit=IMPORT_PREVIEW_ROWS)
            _keep_check(job, plan, bad)
    except Exception:
        logger.exception("import job %s could not be checked", job_id)
        job = _job_fail(
            job_id, texts.text(gettext_noop("The file could not be checked. Nothing was imported."))
        )
        _job_mail(job, "import_failed")
        return job
    job.refresh_from_db(fields=["rows_done", "rows_total"])
    job.preview_rows = good
    job.status = ImportJob.Status.CHECKED
    job.checked_at = timezone.now()
    if not plan.ok:
        _job_file_drop(job)  # refused: the uploader corrects the file and uploads it again
    job.save()
    _job_mail(job, "import_checked")
    return job


@transaction.atomic
def import_job_confirm(*, job: ImportJob) -> ImportJob:
    """The uploader confirms a checked file: the worker imports it once this has committed. With the
    broker down the job goes back to checked (``ImportQueueUnavailable``), so it can be confirmed later."""
    from ..tasks import apply_import_job_task

    updated = ImportJob.objects.filter(
        pk=job.pk, status=ImportJob.Status.CHECKED, error_total=0, file_error=""
    ).update(status=ImportJob.Status.IMPORTING, rows_done=0, heartbeat_at=timezone.now())
    if not updated:
        raise ValidationError(_("This file cannot be imported (any more)."))
    job.status, job.rows_done = ImportJob.Status.IMPORTING, 0

    def send() -> None:
        try:
            _send_or_raise(apply_import_job_task, job.pk)
        except ImportQueueUnavailable:
            ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.IMPORTING).update(
                status=ImportJob.Status.CHECKED
            )
            raise

    transaction.on_commit(send)
    return job


def import_job_apply(*, job_id: int) -> ImportJob:
    """The worker's second step: validate again and write, in one transaction (all or nothing, as the
    command-line import). Progress goes to the cache: the rows of an open transaction are invisible to
    the page that polls."""
    key = IMPORT_PROGRESS_KEY.format(pk=job_id)

    def progress(done: int, total: int) -> None:
        cache.set(key, [done, total], 3600)

    try:
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update(of=("self",))
                .select_related("organization", "uploaded_by")
                .get(pk=job_id)
            )
            if job.status != ImportJob.Status.IMPORTING:  # done already by another copy of the task
                return job
            with job.file.open("rb") as stored, translation.override(_job_language(job)):
                plan, result = import_file(
                    organization=job.organization,
                    kind=job.kind,
                    data=stored.file,
                    filename=job.filename,
                    progress=progress,
                )
                bad = plan.preview(limit=IMPORT_PREVIEW_ROWS)[0] if result is None else []
                if result is None:
                    _keep_check(job, plan, bad)
            _job_file_drop(job)
            job.finished_at = timezone.now()
            if result is None:
                # The data changed since the check (someone registered an overlapping absence): refused
                # as a whole, with the rows that are now wrong.
                job.status = ImportJob.Status.CHECKED
                job.preview_rows = []
            else:
                job.status = ImportJob.Status.DONE
                job.created, job.updated = result.created, result.updated
                job.unchanged, job.advisories = result.unchanged, result.advisories
                job.rows_done = job.rows_total
                job.preview_rows, job.row_errors = [], []  # the rows are in the data now
            job.save()
    except Exception:
        logger.exception("import job %s could not be imported", job_id)
        job = _job_fail(job_id, texts.text(gettext_noop("The import failed. Nothing was imported.")))
        _job_mail(job, "import_failed")
        return job
    finally:
        cache.delete(key)
    _job_mail(job, "import_done" if job.status == ImportJob.Status.DONE else "import_checked")
    return job


@transaction.atomic
def import_job_discard(*, job: ImportJob) -> None:
    """The uploader drops a checked or finished job; its file goes with it."""
    if job.is_running and job.status != ImportJob.Status.QUEUED:
        raise ValidationError(_("The file is being checked or imported; wait until it is finished."))
    _job_file_drop(job)
    job.delete()


IMPORT_STALE_AFTER = timedelta(minutes=15)  # no sign of life for this long: the worker lost the job
IMPORT_MAX_ATTEMPTS = 2  # times a stuck job is sent again before it is failed


def import_jobs_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Jobs stuck in the queue or in a worker that died are sent again, then failed (the beat runs this
    every few minutes). A job shows life by its heartbeat (upload, each progress step of the check,
    confirmation); a job being imported holds its row locked for the whole write, so it is left alone
    while its worker lives, however long the file. A failed job's file is deleted and its uploader told.
    Jobs uploaded more than ``settings.ABSENCE_IMPORT_JOB_KEEP_DAYS`` days ago and not running are
    deleted with their files: a refused file's rows (its values, and notes refused for health details)
    and a checked file never confirmed are not kept for ever.
    Returns {"resent": n, "failed": n, "deleted": n}."""
    from ..tasks import apply_import_job_task, check_import_job_task

    now = now or timezone.now()
    outcome = {"resent": 0, "failed": 0, "deleted": 0}
    old = ImportJob.objects.filter(created_at__lt=now - timedelta(days=settings.ABSENCE_IMPORT_JOB_KEEP_DAYS))
    for expired in old.exclude(status__in=ImportJob.RUNNING):
        _job_file_drop(expired)
        expired.delete()
        outcome["deleted"] += 1
    stale = ImportJob.objects.filter(status__in=ImportJob.RUNNING, heartbeat_at__lt=now - IMPORT_STALE_AFTER)
    for job_id in stale.values_list("pk", flat=True):
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update(skip_locked=True)
                .filter(pk=job_id, status__in=ImportJob.RUNNING, heartbeat_at__lt=now - IMPORT_STALE_AFTER)
                .first()
            )
            if job is None:  # being imported right now (its worker holds the row), or moved on
                continue
            if job.attempts >= IMPORT_MAX_ATTEMPTS:
                failed = True
            else:
                failed = False
                job.attempts += 1
                job.heartbeat_at = now
                if job.status == ImportJob.Status.CHECKING:
                    job.status = ImportJob.Status.QUEUED  # the check starts again from the file
                job.save(update_fields=["attempts", "heartbeat_at", "status"])
                task = (
                    apply_import_job_task
                    if job.status == ImportJob.Status.IMPORTING
                    else check_import_job_task
                )
                transaction.on_commit(partial(task.delay, job.pk))
        if failed:
            job = _job_fail(
                job_id,
                texts.text(
                    gettext_noop(
                        "The worker stopped before the file was finished. Nothing was imported; "
                        "upload it again."
                    )
                ),
            )
            _job_mail(job, "import_failed")
            outcome["failed"] += 1
        else:
            outcome["resent"] += 1
    if outcome["resent"] or outcome["failed"]:
        logger.warning("stuck import jobs: %(resent)d sent again, %(failed)d failed", outcome)
    return outcome


def import_job_progress(job: ImportJob) -> tuple[int, int]:
    """(rows done, rows in all) of a job: from the job, or from the cache while it is being imported."""
    if job.status == ImportJob.Status.IMPORTING:
        cached = cache.get(IMPORT_PROGRESS_KEY.format(pk=job.pk))
        if cached:
            return cached[0], cached[1]
        return 0, job.rows_total
    return job.rows_done, job.rows_total
