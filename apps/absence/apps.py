from django.apps import AppConfig


class AbsenceConfig(AppConfig):
    name = "apps.absence"
    label = "absence"
