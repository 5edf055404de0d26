from celery import shared_task
from django.db import connection


@shared_task(ignore_result=False)
def ping() -> dict:
    """Proves the worker is up and reaches the database; used by tests and operators."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        database = cursor.fetchone()[0] == 1
    return {"pong": True, "database": database}
