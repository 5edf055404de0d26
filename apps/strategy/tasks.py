"""Celery tasks: thin wrappers that call one service each."""

from celery import shared_task

from . import services


@shared_task(name="apps.strategy.tasks.send_stale_reminders_task")
def send_stale_reminders_task() -> int:
    # The same morning run also sends the comment notices that could not be queued when approved.
    return services.stale_reminders_send() + services.missed_comment_notices_send()


@shared_task(name="apps.strategy.tasks.send_comment_notice_task")
def send_comment_notice_task(comment_id: int) -> bool:
    return services.initiative_comment_notice_send(comment_id=comment_id)
