"""Celery tasks: thin wrappers that call one service each."""

from celery import shared_task

from . import services


@shared_task(name="apps.meetings.tasks.send_agenda_reminders_task")
def send_agenda_reminders_task() -> int:
    return services.agenda_reminders_send()


@shared_task(name="apps.meetings.tasks.send_agenda_notice_task")
def send_agenda_notice_task(meeting_id: int) -> int:
    return services.agenda_notice_send(meeting_id=meeting_id)


@shared_task(name="apps.meetings.tasks.send_meeting_changed_task")
def send_meeting_changed_task(meeting_id: int, was: dict) -> int:
    return services.meeting_changed_send(meeting_id=meeting_id, was=was)


@shared_task(name="apps.meetings.tasks.send_correction_proposed_task")
def send_correction_proposed_task(revision_id: int) -> int:
    return services.correction_proposed_send(revision_id=revision_id)


@shared_task(name="apps.meetings.tasks.send_proposal_notice_task")
def send_proposal_notice_task(proposal_id: int) -> bool:
    return services.item_proposal_notice_send(proposal_id=proposal_id)
