import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strategy_portal.settings")
application = get_wsgi_application()

from apps.absence.spells import load_calendar  # noqa: E402 - Django is set up by now

load_calendar()

# What is loaded by now (Django, the apps, the URL and template machinery) lives as long as the worker.
# Freezing it keeps the garbage collector from walking it again on every full collection: those walks
# otherwise add pauses of tens of milliseconds to big pages (the HR queue at 50,000 employees).
gc.freeze()
