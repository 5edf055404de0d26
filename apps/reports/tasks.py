from celery import shared_task

from . import services


@shared_task
def generate_report_task(report_id: int, generation_id: int) -> None:
    services.report_generate(report_id=report_id, generation_id=generation_id)


@shared_task
def requeue_generations_task() -> None:
    services.report_generations_requeue()
