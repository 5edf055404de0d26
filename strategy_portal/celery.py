"""The Celery app. Every periodic job is declared here, in one place, in Europe/Copenhagen time."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strategy_portal.settings")

app = Celery("strategy_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _load_calendar(**_kwargs) -> None:
    """As the web workers do at start (``apps.absence.spells.load_calendar``): not on the first task."""
    from apps.absence.spells import load_calendar

    load_calendar()


app.conf.beat_schedule = {
    "absence-sweep-advisories": {
        "task": "apps.absence.tasks.sweep_advisories_task",
        "schedule": crontab(hour=6, minute=0),
    },
    # The daily run looks only at what changed; once a week one run looks at everyone, so an advisory
    # lost outside the portal's own writes (a database restore, a manual delete) comes back.
    "absence-sweep-advisories-full": {
        "task": "apps.absence.tasks.sweep_advisories_task",
        "schedule": crontab(day_of_week="sunday", hour=5, minute=30),
        "kwargs": {"full": True},
    },
    "absence-apply-retention": {
        "task": "apps.absence.tasks.apply_retention_task",
        "schedule": crontab(hour=2, minute=30),
    },
    # Annual-report PDF jobs still waiting after 10 minutes are sent again: the broker lost them (it was
    # down, or restarted empty). A job sent twice is built once.
    "reports-requeue-generations": {
        "task": "apps.reports.tasks.requeue_generations_task",
        "schedule": crontab(minute="*/10"),
    },
    # Payroll import jobs whose worker died or whose message the broker lost are sent again, then failed.
    "absence-sweep-import-jobs": {
        "task": "apps.absence.tasks.sweep_import_jobs_task",
        "schedule": crontab(minute="*/5"),
    },
    "meetings-agenda-reminders": {
        "task": "apps.meetings.tasks.send_agenda_reminders_task",
        "schedule": crontab(hour=7, minute=0),
    },
    # Owners of initiatives without an update for the plan's number of weeks; each initiative is
    # remembered when reminded, so a run sends nothing new until as many weeks more have passed.
    "strategy-stale-reminders": {
        "task": "apps.strategy.tasks.send_stale_reminders_task",
        "schedule": crontab(hour=7, minute=15),
    },
}

# For integration tests and smoke checks only: run every periodic job every N seconds instead of at
# its clock time, so a real beat process can be seen driving the jobs within a test's time.
if os.environ.get("PORTAL_BEAT_EVERY_SECONDS"):
    for entry in app.conf.beat_schedule.values():
        entry["schedule"] = float(os.environ["PORTAL_BEAT_EVERY_SECONDS"])

if app.conf.broker_url and str(app.conf.broker_url).startswith("filesystem://"):
    from django.conf import settings

    for folder in settings.CELERY_BROKER_TRANSPORT_OPTIONS.values():
        if isinstance(folder, str):
            os.makedirs(folder, exist_ok=True)
