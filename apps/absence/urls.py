"""Absence URLs, split by who builds them: follow-up (advisories, queues, employees, privacy) and data
(imports and statistics)."""

from .urls_data import urlpatterns as data_patterns
from .urls_followup import urlpatterns as followup_patterns

app_name = "absence"
urlpatterns = followup_patterns + data_patterns
