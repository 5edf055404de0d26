"""Handing work to the Celery worker when losing it would be worse than doing it late.

``send_or_run_here`` queues a task; with the broker unreachable (Redis down) it runs the task in this
process instead, so a notice a user has just triggered is still sent and the request does not fail
after its data were saved. Use it for short tasks only (a few emails); long work (PDFs, imports) has
its own enqueue-or-undo in its service.
"""

from __future__ import annotations

import logging

from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def send_or_run_here(task, *args) -> None:
    """``task.delay(*args)``, or with the broker down ``task.apply(args)`` here and now."""
    try:
        task.delay(*args)
    except (OperationalError, OSError) as error:
        logger.warning("%s could not be queued (%s); it runs in this process instead", task.name, error)
        task.apply(args=args)
